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


TEMPLATE_LABELS = {"SUBJECT_LABELS": Subject.labels()}
