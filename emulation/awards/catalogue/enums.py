"""States and kinds of the award catalogue."""
from flask_babel import lazy_gettext as _l

from emulation.core.enums import LabelledEnum


class Subject(LabelledEnum):
    """Who an award (or one of its rules) is for."""

    INDIVIDUAL = "individual", _l("Individual")
    COLLECTIVE = "collective", _l("Collective")
    BOTH = "both", _l("Both")


class AwardCategory(LabelledEnum):
    """Danh hiệu thi đua (a title) or hình thức khen thưởng (a commendation)."""

    TITLE = "title", _l("Emulation title")
    COMMENDATION = "commendation", _l("Commendation")


class VoteBase(LabelledEnum):
    """What a council's vote threshold is counted over."""

    PRESENT = "present", _l("Members present")
    ALL = "all", _l("All members")


class QuotaBase(LabelledEnum):
    """What a quota (tỷ lệ, hạn mức) is counted against."""

    AWARDS = "awards", _l("A share of the unit's awards of another type (granted and nominated)")
    HEADCOUNT = "headcount", _l("A share of the unit's headcount")
    ABSOLUTE = "absolute", _l("A maximum number per unit and year")


class Rounding(LabelledEnum):
    """How a quota's percentage becomes a number of awards."""

    FLOOR = "floor", _l("Rounded down")
    HALF_UP = "half_up", _l("Rounded to the nearest (half up)")


class DecidingLevel(LabelledEnum):
    """Cấp quyết định: the level whose head decides an award (Law 06/2022 Chapter IV,
    thẩm quyền quyết định).

    A unit of the app decides only the levels `decisions.services.deciding_levels` gives it;
    an award above them is proposed upward (trình cấp trên) and the superior's decision is
    recorded when it comes."""

    UNIT = "unit", _l("Head of the agency or unit (grassroots)")
    MINISTRY = "ministry", _l("Ministry, sector, province or central mass organisation")
    UNION_CENTRAL = "union_central", _l("Trade union centre (General Confederation or a "
                                        "central sector union)")
    STATE = "state", _l("Prime Minister or State President")


class RuleKind(LabelledEnum):
    """The kinds of rule the eligibility engine checks (engine.RULE_KINDS, same order)."""

    APPRAISAL = "appraisal", _l("Appraisal")
    AWARD = "award", _l("Award held")
    RUN = "run", _l("Run of years")
    INITIATIVES = "initiatives", _l("Initiatives and research")
    NO_DISCIPLINE = "no_discipline", _l("No discipline")
    MEMBERS_SHARE = "members_share", _l("Share of members")
    MEMBERS_COUNT = "members_count", _l("Number of members")
    MEMBERS_DISCIPLINE = "members_discipline", _l("No member disciplined")
    RANK = "rank", _l("Rank in the cluster")
    ANY_OF = "any_of", _l("One of")
    ALL_OF = "all_of", _l("All of")
    MANUAL = "manual", _l("For the council")


TEMPLATE_LABELS = {"SUBJECT_LABELS": Subject.labels(), "QUOTA_BASE_LABELS": QuotaBase.labels(),
                   "RULE_KIND_LABELS": RuleKind.labels(),
                   "ROUNDING_LABELS": Rounding.labels(),
                   "DECIDING_LEVEL_LABELS": DecidingLevel.labels()}
