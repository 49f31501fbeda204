"""States of a nomination's dossier."""
from flask_babel import lazy_gettext as _l

from emulation.core.enums import LabelledEnum


class NominationState(LabelledEnum):
    """draft → submitted → received | returned → forwarded → on_agenda; withdrawn before.
    An award the level cannot decide goes on after the council: on_agenda → submitted_up
    (trình cấp trên) → granted_up | declined_up (the superior's answer)."""

    DRAFT = "draft", _l("Draft")
    SUBMITTED = "submitted", _l("Submitted")
    RECEIVED = "received", _l("Received")
    RETURNED = "returned", _l("Returned")
    FORWARDED = "forwarded", _l("Forwarded to the higher level")
    ON_AGENDA = "on_agenda", _l("On the council's agenda")
    WITHDRAWN = "withdrawn", _l("Withdrawn")
    SUBMITTED_UP = "submitted_up", _l("Submitted to the superior")
    GRANTED_UP = "granted_up", _l("Granted by the superior")
    DECLINED_UP = "declined_up", _l("Not granted by the superior")


TEMPLATE_LABELS = {"NOMINATION_STATE_LABELS": NominationState.labels()}
