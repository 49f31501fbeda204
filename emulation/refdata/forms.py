"""Forms of the reference data pages (administrators only)."""
from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

from emulation.core.calendar import DayKind
from emulation.core.forms import DateField, Form, IntegerField, NumberRange


class BaseSalaryForm(Form):
    """A base salary (mức lương cơ sở): amount, the day it takes effect, its legal text."""

    effective_from = DateField(_l("In force from"), validators=[DataRequired()])
    amount = IntegerField(_l("Amount (VND)"),
                          validators=[DataRequired(), NumberRange(min=1, max=1_000_000_000)])
    legal_reference = StringField(_l("Legal source"),
                                  validators=[DataRequired(), Length(max=255)])


class CalendarDayForm(Form):
    """A day of the working calendar that differs from the statutory one."""

    day = DateField(_l("Day"), validators=[DataRequired()])
    kind = SelectField(_l("Kind"), choices=DayKind.choices(), default=DayKind.DAY_OFF.value)
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=150)])
    source = StringField(_l("Source"), validators=[DataRequired(), Length(max=255)])
