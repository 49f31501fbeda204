"""States of decisions and objections."""
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from emulation.core.enums import LabelledEnum


class DecisionState(LabelledEnum):
    """A draft is edited; an issued decision is immutable and can only be revoked."""

    DRAFT = "draft", _l("Draft")
    ISSUED = "issued", _l("Issued")
    REVOKED = "revoked", _l("Revoked")


class ObjectionState(LabelledEnum):
    OPEN = "open", lazy_pgettext("objection", "Open")
    UPHELD = "upheld", _l("Upheld")
    DISMISSED = "dismissed", _l("Dismissed")


class UpwardOutcome(LabelledEnum):
    """The superior's answer to a proposal sent upward (trình cấp trên)."""

    PENDING = "pending", _l("Awaiting the superior's decision")
    GRANTED = "granted", _l("Granted by the superior")
    DECLINED = "declined", _l("Not granted by the superior")


TEMPLATE_LABELS = {"DECISION_STATE_LABELS": DecisionState.labels(),
                   "OBJECTION_STATE_LABELS": ObjectionState.labels(),
                   "UPWARD_OUTCOME_LABELS": UpwardOutcome.labels()}
