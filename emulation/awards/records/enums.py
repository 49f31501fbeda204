"""Levels and scopes of the records eligibility reads, in ascending order."""
from flask_babel import lazy_gettext as _l

from emulation.core.enums import LabelledEnum


class AppraisalLevel(LabelledEnum):
    """Xếp loại đánh giá hằng năm, lowest first."""

    INCOMPLETE = "incomplete", _l("Did not complete tasks")
    COMPLETE = "complete", _l("Completed tasks")
    GOOD = "good", _l("Completed tasks well")
    EXCELLENT = "excellent", _l("Completed tasks excellently")


class InitiativeScope(LabelledEnum):
    """Where an initiative (sáng kiến) was recognised, narrowest first."""

    GRASSROOTS = "grassroots", _l("Grassroots")
    MINISTRY = "ministry", _l("Ministry or province")
    NATIONAL = "national", _l("National")


class DisciplineLevel(LabelledEnum):
    """Hình thức kỷ luật, mildest first."""

    KHIEN_TRACH = "khien_trach", _l("Reprimand")
    CANH_CAO = "canh_cao", _l("Warning")
    HA_BAC_LUONG = "ha_bac_luong", _l("Salary downgrade")
    GIANG_CHUC = "giang_chuc", _l("Demotion")
    CACH_CHUC = "cach_chuc", _l("Removal from office")
    BUOC_THOI_VIEC = "buoc_thoi_viec", _l("Dismissal")


class CommendationKind(LabelledEnum):
    """Loại khen thưởng (Law 06/2022 Art. 8); only regular awards count for later ones."""

    REGULAR = "regular", _l("Regular (yearly)")
    THEMATIC = "thematic", _l("Thematic")
    ONE_OFF = "one_off", _l("One-off")
    CAREER = "career", _l("For a career")
    LONG_SERVICE = "long_service", _l("Long service")
    FOREIGN = "foreign", _l("Foreign")


TEMPLATE_LABELS = {
    "COMMENDATION_KIND_LABELS": CommendationKind.labels(),
    # the appraisal labels are listed best first, as the pages show them
    "APPRAISAL_LABELS": dict(reversed(AppraisalLevel.labels().items())),
    "SCOPE_LABELS": InitiativeScope.labels(),
    "DISCIPLINE_LABELS": DisciplineLevel.labels(),
}
