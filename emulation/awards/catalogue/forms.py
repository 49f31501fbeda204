"""Forms of the award catalogue (administrators)."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from emulation.awards.catalogue.enums import AwardCategory, DecidingLevel, Subject, VoteBase
from emulation.awards.eligibility.engine import RULE_KINDS
from emulation.core.forms import DecimalField, Form, IntegerField, NumberRange

SUBJECT_CHOICES = Subject.choices()


class AwardForm(Form):
    version = HiddenField()
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=255)])
    category = SelectField(_l("Category"), choices=AwardCategory.choices())
    subject = SelectField(_l("Subject"), choices=SUBJECT_CHOICES)
    level = StringField(_l("Level"), validators=[Optional(), Length(max=60)])
    issuing_authority = StringField(_l("Issuing authority"),
                                    validators=[Optional(), Length(max=255)])
    decided_by = SelectField(_l("Decided by"), choices=DecidingLevel.choices())
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
    publication_days = IntegerField(_l("Publication, in working days"),
                                    validators=[Optional(), NumberRange(min=0, max=60)])
    active = BooleanField(_l("In use"))


class RuleForm(Form):
    kind = SelectField(_l("Kind of rule"), choices=[(k, k) for k in RULE_KINDS])
    # choices are the rule sets, filled in by the view; empty keeps the rule's set
    rule_set = SelectField(_l("Rule set"), choices=[], validate_choice=False)
    subject = SelectField(_l("Applies to"), choices=SUBJECT_CHOICES, default="both")
    params = TextAreaField(_l("Parameters (JSON)"), validators=[DataRequired(),
                                                               Length(max=20000)])
    legal_reference = StringField(_l("Legal reference"), validators=[Optional(),
                                                                     Length(max=255)])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=5000)])


class QuotaForm(Form):
    of_code = StringField(_l("Share of award code"), validators=[DataRequired(),
                                                                 Length(max=20)])
    max_pct = DecimalField(_l("At most, in percent"), places=2,
                           validators=[DataRequired(), NumberRange(min=0, max=100)])
    legal_reference = StringField(_l("Legal reference"), validators=[Optional(),
                                                                     Length(max=255)])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=5000)])
