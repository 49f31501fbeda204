"""Forms of councils and meetings. The templates write their fields by hand (same names)."""
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from emulation.awards.councils.enums import Choice, CouncilRole
from emulation.core.forms import DateField, DecimalField, Form, IntegerField, NumberRange


class CouncilForm(Form):
    unit_code = StringField(_l("Unit code"), validators=[DataRequired(), Length(max=40)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=255)])
    quorum_pct = DecimalField(_l("Quorum, in percent of the members"), places=2,
                              default=None,
                              validators=[Optional(), NumberRange(min=50, max=100)])


class MemberForm(Form):
    username = StringField(_l("Account"), validators=[DataRequired(), Length(max=150)])
    role = SelectField(_l("Role"), choices=CouncilRole.choices(), validate_choice=False)


class MeetingForm(Form):
    title = StringField(_l("Title"), validators=[Optional(), Length(max=255)])
    held_on = DateField(_l("Meeting date"), validators=[InputRequired()])


class MeetingVersionForm(Form):
    """Attendance and the ballot's opening and closing carry the meeting's version."""

    version = HiddenField()


class AgendaForm(Form):
    nomination = IntegerField(_l("Dossier"), validators=[Optional(),
                                                          NumberRange(min=1, max=2**31 - 1)])


class ReopenForm(Form):
    reason = TextAreaField(_l("Reason for reopening the vote"),
                           validators=[DataRequired(), Length(max=2000)])


# What a vote posts: one digit per answer, so that every vote's request has the same length
# (its size on the wire or in a proxy's log tells nothing).
VOTE_CODES = {"1": Choice.AGREE.value, "2": Choice.DISAGREE.value, "3": Choice.ABSTAIN.value}


class VoteForm(Form):
    choice = SelectField(_l("Your vote"), choices=list(VOTE_CODES), validate_choice=False)

    def chosen(self) -> str:
        """The answer posted ('agree', 'disagree', 'abstain'), or '' for anything else."""
        return VOTE_CODES.get(self.choice.data or "", "")


class WrittenOpinionForm(VoteForm):
    """The secretary records an absent member's written opinion: the member (a council member
    id) and the choice on their signed paper, posted as one digit like a vote."""

    member = IntegerField(_l("Absent member"), validators=[InputRequired(),
                                                           NumberRange(min=1, max=2**31 - 1)])
    choice = SelectField(_l("Their written opinion"), choices=list(VOTE_CODES),
                         validate_choice=False)


class AnnulForm(MeetingVersionForm):
    reason = TextAreaField(_l("Reason for annulling the ballot"),
                           validators=[DataRequired(), Length(max=2000)])
