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


TEMPLATE_LABELS = {"SUBJECT_LABELS": Subject.labels(), "QUOTA_BASE_LABELS": QuotaBase.labels(),
                   "ROUNDING_LABELS": Rounding.labels()}
