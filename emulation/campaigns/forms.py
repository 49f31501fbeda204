"""Forms of the campaigns area (organisers only)."""
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from emulation.campaigns.enums import (
    CampaignKind,
    ClusterKind,
    CriterionKind,
    ParticipationMode,
    PeriodKind,
)
from emulation.core.forms import DateField, DecimalField, Form, IntegerField, NumberRange

KIND_CHOICES = CampaignKind.choices()
PERIOD_CHOICES = PeriodKind.choices()
CRITERION_CHOICES = CriterionKind.choices()
MODE_CHOICES = ParticipationMode.choices()
CLUSTER_CHOICES = ClusterKind.choices()
YEAR = [DataRequired(), NumberRange(min=1901, max=2199, year=True)]


class CampaignForm(Form):
    version = HiddenField()
    number = StringField(_l("Directive number"), validators=[Optional(), Length(max=60)])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=500)])
    kind = SelectField(_l("Kind"), choices=KIND_CHOICES, default="regular")
    year_start = IntegerField(_l("First year"), validators=YEAR)
    year_end = IntegerField(_l("Last year"), validators=[Optional(),
                                                        NumberRange(min=1901, max=2199, year=True)])
    issuing_bodies = StringField(_l("Issuing bodies"), validators=[Optional(), Length(max=500)])
    signers = StringField(_l("Signers"), validators=[Optional(), Length(max=500)])
    summary = TextAreaField(lazy_pgettext("document", "Summary"),
                            validators=[Optional(), Length(max=20000)])
    launch_date = DateField(_l("Launch date"), validators=[Optional()])
    registration_deadline = DateField(_l("Registration deadline"), validators=[Optional()])
    scoring_opens = DateField(_l("Scoring opens"), validators=[Optional()])
    scoring_closes = DateField(_l("Scoring closes"), validators=[Optional()])
    nomination_deadline = DateField(_l("Nomination deadline"), validators=[Optional()])
    # choices set by the view: the campaigns the issuing unit takes part in (0: none)
    parent_campaign_id = SelectField(_l("Answers the campaign of the level above (hưởng ứng)"),
                                     coerce=int, choices=[(0, "—")], default=0)


class CampaignCreateForm(CampaignForm):
    issuing_unit_code = StringField(_l("Issuing unit"),
                                    validators=[DataRequired(), Length(max=40)])


class PeriodForm(Form):
    kind = SelectField(_l("Kind of period"), choices=PERIOD_CHOICES)
    label = StringField(_l("Label"), validators=[Optional(), Length(max=150)])
    year = IntegerField(_l("Year"), validators=YEAR)
    # InputRequired, not DataRequired: a date that does not parse keeps its own message
    deadline = DateField(_l("Deadline"), validators=[InputRequired()])
    unit_codes = TextAreaField(_l("Asked only of these units (codes, for an ad-hoc report); "
                                  "empty: every participant"),
                               validators=[Optional(), Length(max=100000)])


class MovementForm(Form):
    title = TextAreaField(_l("Title"), validators=[DataRequired(), Length(max=5000)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=20000)])


class MoveForm(Form):
    direction = SelectField(choices=[("up", "up"), ("down", "down")])


class CriterionForm(Form):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=20)])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=500)])
    max_points = DecimalField(_l("Maximum points"), places=2,
                              validators=[DataRequired(), NumberRange(min=0.01, max=100000)])
    weight = DecimalField(_l("Weight"), places=3, default=1,
                          validators=[DataRequired(), NumberRange(min=0.001, max=1000)])
    kind = SelectField(_l("Kind"), choices=CRITERION_CHOICES, default="regular")
    movement_number = IntegerField(_l("Movement number"), validators=[Optional()])
    guidance = TextAreaField(_l("Guidance"), validators=[Optional(), Length(max=10000)])


class ParticipantsForm(Form):
    mode = SelectField(_l("Participating units"), choices=MODE_CHOICES)
    unit_codes = TextAreaField(_l("Units (for a chosen list): search by name, or codes one "
                                  "per line or separated by commas"),
                               validators=[Optional(), Length(max=200000)])


class ClusterForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=255)])
    kind = SelectField(_l("Kind"), choices=CLUSTER_CHOICES)
    member_codes = TextAreaField(_l("Member units: search by name, or codes one per line or "
                                    "separated by commas"),
                                 validators=[DataRequired(), Length(max=100000)])
    leader_code = StringField(_l("Leader unit (cụm trưởng)"),
                              validators=[Optional(), Length(max=40)])
    deputy_code = StringField(_l("Deputy unit (cụm phó)"), validators=[Optional(), Length(max=40)])
    compact_text = TextAreaField(_l("Compact (giao ước) text"),
                                 validators=[Optional(), Length(max=50000)])
    compact_signed_on = DateField(_l("Compact signed on"), validators=[Optional()])


class ActionForm(Form):
    """A button that posts only its action (its CSRF token)."""


class CloneForm(Form):
    year_start = IntegerField(_l("First year of the new campaign"), validators=YEAR)

