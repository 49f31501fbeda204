"""Forms of scoring: the organiser's settings and actions; sheet lines are read by the view."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from emulation.core.forms import (
    DateField,
    DecimalField,
    Form,
    IntegerField,
    LongSelect,
    NumberRange,
)

COMBINE_CHOICES = [("mean", _l("Mean")), ("median", _l("Median")),
                   ("trimmed", _l("Trimmed mean (drop highest and lowest when 5 or more)"))]
MISSING_CHOICES = [("skip", _l("Left out")), ("zero", _l("Counted as zero"))]
TIE_CHOICES = [("", "—"), ("council", _l("Higher council score")),
               ("progress", _l("Higher self-assessed progress")),
               ("max_criteria", _l("More criteria at maximum"))]
WEIGHT = [DataRequired(), NumberRange(min=0, max=100)]


class SettingsForm(Form):
    version = HiddenField()
    weight_self = DecimalField(_l("Weight of self-scoring"), places=3, validators=WEIGHT)
    weight_peer = DecimalField(_l("Weight of peer scoring"), places=3, validators=WEIGHT)
    weight_council = DecimalField(_l("Weight of council scoring"), places=3, validators=WEIGHT)
    combine = SelectField(_l("Sheets of the same kind combine by"), choices=COMBINE_CHOICES)
    missing = SelectField(_l("Sheets not submitted are"), choices=MISSING_CHOICES)
    tie_1 = SelectField(_l("First tie-break"), choices=TIE_CHOICES, validate_choice=True)
    tie_2 = SelectField(_l("Second tie-break"), choices=TIE_CHOICES)
    tie_3 = SelectField(_l("Third tie-break"), choices=TIE_CHOICES)
    flag_leaders = IntegerField(_l("Leaders per cluster proposed for flags"),
                                validators=[DataRequired(), NumberRange(min=0, max=10)])
    decimals = IntegerField(_l("Decimal places allowed in points"),
                            validators=[Optional(), NumberRange(min=0, max=2)], default=1)
    publish_to_units = BooleanField(_l("Show the frozen ranking to participating units"))
    self_opens = DateField(_l("Self-scoring opens"), validators=[Optional()])
    self_closes = DateField(_l("Self-scoring closes"), validators=[Optional()])
    peer_opens = DateField(_l("Peer scoring opens"), validators=[Optional()])
    peer_closes = DateField(_l("Peer scoring closes"), validators=[Optional()])
    council_opens = DateField(_l("Council scoring opens"), validators=[Optional()])
    council_closes = DateField(_l("Council scoring closes"), validators=[Optional()])


class PeerForm(Form):
    mode = SelectField(_l("Peer scoring"), choices=[
        ("all", _l("Every other member of the cluster")),
        ("k", _l("A fixed number of others, round-robin"))])
    k = IntegerField(_l("Scorers per unit"), validators=[Optional(), NumberRange(min=1,
                                                                                 max=50)])


class CouncilForm(Form):
    username = StringField(_l("Council scorer (account)"), validators=[DataRequired(),
                                                                     Length(max=64)])
    cluster_id = SelectField(_l("Scope"), coerce=int, choices=[], widget=LongSelect())


class AdjustmentForm(Form):
    unit_code = StringField(_l("Unit receiving the bonus or penalty"),
                            validators=[DataRequired(), Length(max=40)])
    points = DecimalField(_l("Points (negative for a penalty)"), places=2, signed=True,
                          validators=[DataRequired(), NumberRange(min=-1000, max=1000)])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=5000)])


class VersionForm(Form):
    version = HiddenField()


class ReasonForm(Form):
    version = HiddenField()
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])
