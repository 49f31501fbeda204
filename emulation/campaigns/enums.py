"""States and kinds of campaigns and what they are made of, with their translated labels."""
from flask_babel import lazy_gettext as _l

from emulation.core.enums import LabelledEnum


class CampaignState(LabelledEnum):
    """draft → published → closed."""

    DRAFT = "draft", _l("Draft")
    PUBLISHED = "published", _l("Published")
    CLOSED = "closed", _l("Closed")


class CampaignKind(LabelledEnum):
    REGULAR = "regular", _l("Regular (yearly)")
    THEMATIC = "thematic", _l("Thematic")


class PeriodKind(LabelledEnum):
    """Kỳ báo cáo: quarterly, mid-year, year-end, mid-term (sơ kết), final (tổng kết), ad-hoc
    (đột xuất: asked when needed, of every participant or of chosen units)."""

    QUARTERLY = "quarterly", _l("Quarterly")
    MIDYEAR = "midyear", _l("Mid-year")
    YEAREND = "yearend", _l("Year-end")
    MIDTERM = "midterm", _l("Mid-term review (sơ kết)")
    FINAL = "final", _l("Final review (tổng kết)")
    ADHOC = "adhoc", _l("Ad-hoc report (báo cáo đột xuất)")
    CUSTOM = "custom", _l("Other")


class CriterionKind(LabelledEnum):
    REGULAR = "regular", _l("Regular")
    BONUS = "bonus", _l("Bonus")
    PENALTY = "penalty", _l("Penalty")


class ParticipationMode(LabelledEnum):
    """Which units take part: the issuer's children, its whole subtree, or a chosen list."""

    CHILDREN = "children", _l("Direct sub-units of the issuing unit")
    SUBTREE = "subtree", _l("Every unit below the issuing unit")
    LIST = "list", _l("A chosen list")


class ClusterKind(LabelledEnum):
    CUM = "cum", _l("Cluster (cụm)")
    KHOI = "khoi", _l("Block (khối)")


TEMPLATE_LABELS = {
    "CAMPAIGN_STATE_LABELS": CampaignState.labels(),
    "CAMPAIGN_KIND_LABELS": CampaignKind.labels(),
    "PERIOD_KIND_LABELS": PeriodKind.labels(),
    "CRITERION_KIND_LABELS": CriterionKind.labels(),
    "PARTICIPATION_LABELS": ParticipationMode.labels(),
    "CLUSTER_KIND_LABELS": ClusterKind.labels(),
}
