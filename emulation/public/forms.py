"""Forms of the public pages: the administrator's switches and the self-check's choices (the
self-check's record grid is read by `services.parse_record`)."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, SelectField
from wtforms.validators import DataRequired, Regexp

from emulation.core.forms import Form, IntegerField, NumberRange


class PublicPagesForm(Form):
    """Trang công khai: what visitors without an account may open (administrators)."""

    honour_roll = BooleanField(_l("Public honour roll (year, award, name, unit, decision)"))
    self_check = BooleanField(_l("Public eligibility self-check (nothing is stored)"))
    # the switches as the page showed them ("10": roll on, self-check off): a save made on a
    # page older than another administrator's change is refused, not applied over it
    shown = HiddenField(validators=[DataRequired(), Regexp(r"^[01]{2}$")])


class SelfCheckForm(Form):
    award = SelectField(_l("Award to check"), choices=[])
    year = IntegerField(_l("Year checked"), validators=[NumberRange(min=2000, max=2100, year=True)])
