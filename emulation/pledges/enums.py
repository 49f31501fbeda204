"""States of pledges and reports, with their translated labels."""
from flask_babel import lazy_gettext as _l

from emulation.core.enums import LabelledEnum

# Lists and exports show a participant that has no pledge or report yet as "not started";
# it is never stored, so it is not a member of the states below.
NOT_STARTED = "none"
NOT_STARTED_LABEL = _l("Not started")


class PledgeState(LabelledEnum):
    """draft → submitted → approved | returned (→ submitted again)."""

    DRAFT = "draft", _l("Draft")
    SUBMITTED = "submitted", _l("Submitted")
    APPROVED = "approved", _l("Approved")
    RETURNED = "returned", _l("Returned")


class ReportState(LabelledEnum):
    """draft → submitted (→ draft again when the organiser reopens it)."""

    DRAFT = "draft", _l("Draft")
    SUBMITTED = "submitted", _l("Submitted")


class ExtensionKind(LabelledEnum):
    """Gia hạn: the deadline an organiser extends for one unit."""

    REGISTRATION = "registration", _l("Registration (pledge)")
    NOMINATION = "nomination", _l("Nominations")


PLEDGE_STATE_LABELS = {NOT_STARTED: NOT_STARTED_LABEL, **PledgeState.labels()}
REPORT_STATE_LABELS = {NOT_STARTED: NOT_STARTED_LABEL, **ReportState.labels()}

TEMPLATE_LABELS = {
    "PLEDGE_STATE_LABELS": PLEDGE_STATE_LABELS,
    "REPORT_STATE_LABELS": REPORT_STATE_LABELS,
    "EXTENSION_KIND_LABELS": ExtensionKind.labels(),
}
