"""Forms of the organisation area: one per purpose, so no form carries fields a role may not set."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from emulation.auth.forms import EMAIL_RULE
from emulation.core.forms import DateField, Form, IntegerField, NumberRange
from emulation.org.enums import Gender, UnitKind

CODE_RULE = Regexp(r"^[^\s]+$", message=_l("A code has no spaces."))


class UnitCreateForm(Form):
    code = StringField(_l("Unit code"), validators=[DataRequired(), Length(max=40), CODE_RULE])
    name = StringField(_l("Unit name"), validators=[DataRequired(), Length(max=255)])
    parent_code = StringField(_l("Parent unit"), validators=[Optional(), Length(max=40)])
    kind = SelectField(_l("Kind of unit"), choices=UnitKind.choices(), default="grassroots")
    address = StringField(_l("Address"), validators=[Optional(), Length(max=255)])


class UnitEditForm(Form):
    version = HiddenField()
    name = StringField(_l("Unit name"), validators=[DataRequired(), Length(max=255)])
    kind = SelectField(_l("Kind of unit"), choices=UnitKind.choices())
    address = StringField(_l("Address"), validators=[Optional(), Length(max=255)])


class UnitMoveForm(Form):
    version = HiddenField()
    parent_code = StringField(_l("New parent unit"),
                              validators=[DataRequired(), Length(max=40)])


class VersionForm(Form):
    """A button that changes a versioned record (activate, deactivate, delete)."""

    version = HiddenField()


class PersonForm(Form):
    version = HiddenField()
    code = StringField(_l("Person code"), validators=[DataRequired(), Length(max=40), CODE_RULE])
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=150)])
    gender = SelectField(_l("Gender"), choices=[("", "—"), *Gender.choices()], default="")
    birth_date = DateField(_l("Date of birth"), validators=[Optional()])
    birth_year = IntegerField(_l("Year of birth (when the date is not known)"),
                              validators=[Optional(), NumberRange(1900, 2100, year=True)])
    position = StringField(_l("Position"), validators=[Optional(), Length(max=150)])
    unit_code = StringField(_l("Unit"), validators=[DataRequired(), Length(max=40)])
    email = StringField(_l("Email"), validators=[Optional(), Length(max=254), EMAIL_RULE])


class ImportChoicesForm(Form):
    """The preview's choices (the columns come as `col_<index>` selects, checked by
    jobs.imports.choices_from) and which button was pressed."""

    token = HiddenField(validators=[DataRequired(), Length(max=64)])
    action = HiddenField(validators=[DataRequired()])
    sheet = StringField(_l("Sheet"), validators=[Optional(), Length(max=100)])
    header_row = IntegerField(_l("Header row"), validators=[Optional(),
                                                            NumberRange(1, 1_048_576)])


class ImportForm(Form):
    file = FileField(_l("File (.xlsx or .csv)"), validators=[
        FileRequired(message=_l("Choose a file to import.")),
        FileAllowed(["xlsx", "csv"], message=_l("Only .xlsx and .csv files can be imported."))])
