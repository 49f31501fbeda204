"""States of a nomination's dossier."""
from flask_babel import lazy_gettext as _l

from emulation.core.enums import LabelledEnum


class NominationState(LabelledEnum):
    """draft → submitted → received | returned → forwarded → on_agenda; withdrawn before."""

    DRAFT = "draft", _l("Draft")
    SUBMITTED = "submitted", _l("Submitted")
    RECEIVED = "received", _l("Received")
    RETURNED = "returned", _l("Returned")
    FORWARDED = "forwarded", _l("Forwarded to the higher level")
    ON_AGENDA = "on_agenda", _l("On the council's agenda")
    WITHDRAWN = "withdrawn", _l("Withdrawn")


TEMPLATE_LABELS = {"NOMINATION_STATE_LABELS": NominationState.labels()}
