"""Forms of nominations: a new dossier, its texts, the actions on it, and the steps of an
award proposed to the superior."""
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from emulation.awards.records.enums import CommendationKind
from emulation.core.forms import DateField, Form, IntegerField, NumberRange

KIND_CHOICES = CommendationKind.choices()


class DossierTexts(Form):
    """The achievement report's texts (báo cáo thành tích), shared by both forms below."""

    summary = TextAreaField(_l("Summary of achievements"), validators=[Optional(),
                                                                        Length(max=50000)])
    achievements = TextAreaField(_l("Achievements per movement"),
                                 validators=[Optional(), Length(max=50000)])
    initiatives_text = TextAreaField(_l("Initiatives and research"),
                                     validators=[Optional(), Length(max=50000)])


class NominationForm(DossierTexts):
    award = SelectField(_l("Award"), choices=[])
    year = IntegerField(_l("Year"), validators=[DataRequired(), NumberRange(min=1950,
                                                                            max=2100,
                                                                            year=True)])
    person_code = StringField(_l("Person (for an individual)"),
                              validators=[Optional(), Length(max=40)])
    unit_code = StringField(_l("Unit (for a collective)"),
                            validators=[Optional(), Length(max=40)])
    proposing_unit_code = StringField(_l("Proposing unit"),
                                      validators=[DataRequired(), Length(max=40)])
    campaign_id = SelectField(_l("Campaign"), coerce=int, choices=[])
    kind = SelectField(_l("Kind of commendation"),
                       choices=[("", _l("Thematic for a thematic campaign, else regular"))]
                       + KIND_CHOICES, default="")


class NominationTextForm(DossierTexts):
    version = HiddenField()
    # the service checks the value (a post without it keeps the kind)
    kind = SelectField(_l("Kind of commendation"), choices=KIND_CHOICES, validate_choice=False)


class SuperiorSubmissionForm(Form):
    """Trình cấp trên: the memo that sends the dossier to the level that decides it."""

    version = HiddenField()
    document_number = StringField(_l("Number of the submission memo"),
                                  validators=[DataRequired(), Length(max=60)])
    submitted_on = DateField(_l("Date of the submission memo"), validators=[InputRequired()])


class SuperiorDecisionForm(Form):
    """The superior's decision granting the award."""

    version = HiddenField()
    decision_number = StringField(_l("Decision number"), validators=[DataRequired(),
                                                                      Length(max=60)])
    decided_on = DateField(_l("Decision date"), validators=[InputRequired()])
    deciding_body = StringField(_l("Issued by"), validators=[DataRequired(), Length(max=255)])
    cash_amount = IntegerField(_l("Cash paid by the superior, VND (if any)"),
                               validators=[Optional(), NumberRange(min=0, max=2_000_000_000)])


class SuperiorRefusalForm(Form):
    """The superior's answer that it does not grant the award."""

    version = HiddenField()
    decided_on = DateField(_l("Date of the answer"), validators=[InputRequired()])
    reason = TextAreaField(_l("Reason given"), validators=[DataRequired(), Length(max=5000)])


class NominationActionForm(Form):
    version = HiddenField()
    reason = TextAreaField(_l("Reason or explanation"), validators=[Optional(),
                                                                    Length(max=10000)])
