"""Forms of the award catalogue (administrators)."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from emulation.awards.catalogue.enums import (
    AwardCategory,
    DecidingLevel,
    QuotaBase,
    Rounding,
    RuleKind,
    Subject,
    VoteBase,
)
from emulation.awards.records.enums import CommendationKind
from emulation.core.forms import DateField, DecimalField, Form, IntegerField, NumberRange
from emulation.org.enums import UnitKind

SUBJECT_CHOICES = Subject.choices()


class AwardForm(Form):
    version = HiddenField()
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=255)])
    category = SelectField(_l("Category"), choices=AwardCategory.choices())
    subject = SelectField(_l("Subject"), choices=SUBJECT_CHOICES)
    commendation_kind = SelectField(_l("Kind of commendation recorded"),
                                    choices=CommendationKind.choices(), default="regular")
    level = StringField(_l("Level"), validators=[Optional(), Length(max=60)])
    issuing_authority = StringField(_l("Issuing authority"),
                                    validators=[Optional(), Length(max=255)])
    decided_by = SelectField(_l("Decided by"), choices=DecidingLevel.choices(),
                             validators=[Optional()])
    cash_multiple = DecimalField(_l("Cash award, multiple of the base salary"), places=2,
                                 validators=[Optional(), NumberRange(min=0, max=1000)])
    cash_multiple_collective = DecimalField(
        _l("Cash award of a collective, multiple of the base salary (forms both receive)"),
        places=2, validators=[Optional(), NumberRange(min=0, max=1000)])
    legal_reference = StringField(_l("Legal reference"), validators=[Optional(),
                                                                     Length(max=255)])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=5000)])
    vote_threshold_pct = DecimalField(_l("Votes needed, in percent"), places=2,
                                      validators=[DataRequired(), NumberRange(min=1, max=100)])
    vote_base = SelectField(_l("Counted over"), choices=VoteBase.choices())
    written_votes_allowed = BooleanField(
        _l("Absent council members may vote by a written opinion"))
    publication_days = IntegerField(_l("Publication, in working days"),
                                    validators=[Optional(), NumberRange(min=0, max=60)])
    active = BooleanField(_l("In use"))


class AwardCreateForm(AwardForm):
    """A new award type: its code as well (it cannot change afterwards)."""

    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=20)])
    vote_threshold_pct = DecimalField(_l("Votes needed, in percent"), places=2, default=50,
                                      validators=[DataRequired(), NumberRange(min=1, max=100)])
    publication_days = IntegerField(_l("Publication, in working days"), default=0,
                                    validators=[Optional(), NumberRange(min=0, max=60)])
    active = BooleanField(_l("In use"), default=True)


class AwardStateForm(Form):
    """A button that changes an award type (take out of use, back in use, delete)."""

    version = HiddenField()


class RuleForm(Form):
    kind = SelectField(_l("Kind of rule"), choices=RuleKind.choices())
    # choices are the rule sets, filled in by the view; empty keeps the rule's set
    rule_set = SelectField(_l("Rule set"), choices=[], validate_choice=False)
    subject = SelectField(_l("Applies to"), choices=SUBJECT_CHOICES, default="both")
    params = TextAreaField(_l("Parameters (JSON)"), validators=[DataRequired(),
                                                               Length(max=20000)])
    legal_reference = StringField(_l("Legal reference"), validators=[Optional(),
                                                                     Length(max=255)])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=5000)])


class QuotaForm(Form):
    """A quota (tỷ lệ, hạn mức): what it is counted against, the limit, the level it is
    given to, its validity and source. The service checks the combination."""

    version = HiddenField()
    base = SelectField(_l("Counted against"), choices=QuotaBase.choices(),
                       default=QuotaBase.AWARDS.value)
    of_code = StringField(_l("Share of award code"), validators=[Optional(), Length(max=20)])
    max_pct = DecimalField(_l("At most, in percent"), places=2,
                           validators=[Optional(), NumberRange(min=0, max=100)])
    max_count = IntegerField(_l("At most, in number of awards"),
                             validators=[Optional(), NumberRange(min=0, max=1_000_000)])
    rounding = SelectField(_l("Rounding"), choices=Rounding.choices(),
                           default=Rounding.FLOOR.value)
    unit_kind = SelectField(_l("Counted per"),
                            choices=[("", _l("Proposing unit"))] + UnitKind.choices(),
                            default="")
    valid_from = DateField(_l("Valid from"), validators=[Optional()])
    valid_to = DateField(_l("Valid to"), validators=[Optional()])
    legal_reference = StringField(_l("Legal reference"), validators=[Optional(),
                                                                     Length(max=255)])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=5000)])
    is_example = BooleanField(_l("An example, not the law in force"))


class QuotaDeleteForm(Form):
    version = HiddenField()
