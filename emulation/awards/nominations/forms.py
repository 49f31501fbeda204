"""Forms of nominations: a new dossier, its texts, and the actions on it."""
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from emulation.core.forms import Form, IntegerField, NumberRange


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
                                                                            max=2100)])
    person_code = StringField(_l("Person code (for an individual)"),
                              validators=[Optional(), Length(max=40)])
    unit_code = StringField(_l("Unit code (for a collective)"),
                            validators=[Optional(), Length(max=40)])
    proposing_unit_code = StringField(_l("Proposing unit code"),
                                      validators=[DataRequired(), Length(max=40)])
    campaign_id = SelectField(_l("Campaign"), coerce=int, choices=[])


class NominationTextForm(DossierTexts):
    version = HiddenField()


class NominationActionForm(Form):
    version = HiddenField()
    reason = TextAreaField(_l("Reason or explanation"), validators=[Optional(),
                                                                    Length(max=10000)])
