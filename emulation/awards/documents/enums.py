"""The documents made from templates and the two house styles."""
from flask_babel import lazy_gettext as _l

from emulation.core.enums import LabelledEnum


class DocumentKind(LabelledEnum):
    """Loại văn bản: each has a template per style, replaceable per issuing unit."""

    DECISION = "decision", _l("Decision on commendation")
    MEMO = "memo", _l("Submission memo")
    MINUTES = "minutes", _l("Minutes of the council meeting")
    NOMINATION_LIST = "nomination_list", _l("Nomination list")
    REPORT_INDIVIDUAL = "report_individual", _l("Achievement report of an individual")
    REPORT_COLLECTIVE = "report_collective", _l("Achievement report of a collective")


class DocumentStyle(LabelledEnum):
    """Thể thức: a trade union's (Quyết định 933/QĐ-TLĐ) or a state body's (Nghị định
    30/2020/NĐ-CP); the issuing unit's kind chooses."""

    UNION = "union", _l("Trade union document")
    STATE = "state", _l("State body document")


# Unit kinds (org.enums.UnitKind) whose documents follow the trade union's rules
UNION_KINDS = frozenset({"union", "upper_grassroots", "grassroots", "team"})

TEMPLATE_LABELS = {"DOCUMENT_KIND_LABELS": DocumentKind.labels()}
