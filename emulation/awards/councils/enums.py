"""Roles in a council, states of a meeting, answers of the ballot."""
from flask_babel import lazy_gettext as _l

from emulation.core.enums import LabelledEnum


class CouncilRole(LabelledEnum):
    CHAIR = "chair", _l("Chair")
    VICE_CHAIR = "vice_chair", _l("Vice-chair")
    SECRETARY = "secretary", _l("Secretary")
    MEMBER = "member", _l("Member")


class MeetingState(LabelledEnum):
    SCHEDULED = "scheduled", _l("Scheduled")
    VOTING = "voting", _l("Voting")
    CLOSED = "closed", _l("Closed")


class Choice(LabelledEnum):
    """An answer of the secret ballot."""

    AGREE = "agree", _l("Agree")
    DISAGREE = "disagree", _l("Disagree")
    ABSTAIN = "abstain", _l("Abstain")


TEMPLATE_LABELS = {"COUNCIL_ROLE_LABELS": CouncilRole.labels(),
                   "MEETING_STATE_LABELS": MeetingState.labels(),
                   "CHOICE_LABELS": Choice.labels()}
