"""Forms of pledges and reports. Per-movement and per-item fields are read by the view from
the posted form (their number depends on the campaign); these carry CSRF and versions."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from emulation.core.forms import DateField, Form
from emulation.pledges.enums import ExtensionKind


class VersionedForm(Form):
    version = HiddenField()


class ReturnForm(Form):
    version = HiddenField()
    reason = TextAreaField(_l("Reason for returning"), validators=[DataRequired(),
                                                                   Length(max=5000)])


class ReopenForm(Form):
    version = HiddenField()
    reason = TextAreaField(_l("Reason for reopening"), validators=[DataRequired(),
                                                                   Length(max=2000)])


class ExtensionForm(Form):
    kind = SelectField(_l("Deadline extended"), choices=ExtensionKind.choices(),
                       default=ExtensionKind.REGISTRATION.value)
    unit_code = StringField(_l("Unit given more time"), validators=[DataRequired(), Length(max=40)])
    until = DateField(_l("Extended until"), validators=[InputRequired()])


class ReportForm(Form):
    version = HiddenField()
    integration = TextAreaField(_l("1. How the campaign's tasks were built into the unit's "
                                   "own plan"), validators=[Optional(), Length(max=50000)])
    task_progress = TextAreaField(_l("2. Progress of each assigned task"),
                                  validators=[Optional(), Length(max=50000)])
    target_attainment = TextAreaField(_l("3. How far the targets are reached"),
                                      validators=[Optional(), Length(max=50000)])
    difficulties = TextAreaField(_l("4. Difficulties, problems and proposals"),
                                 validators=[Optional(), Length(max=50000)])


class EvidenceForm(Form):
    file = FileField(_l("Evidence file"), validators=[FileRequired(message=_l("Choose a file."))])
