"""Forms of the public pages: the administrator's switches and the self-check's choices (the
self-check's record grid is read by `services.parse_record`)."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField

from emulation.core.forms import Form, IntegerField, NumberRange


class PublicPagesForm(Form):
    """Trang công khai: what visitors without an account may open (administrators)."""

    honour_roll = BooleanField(_l("Public honour roll (year, award, name, unit, decision)"))
    self_check = BooleanField(_l("Public eligibility self-check (nothing is stored)"))


class SelfCheckForm(Form):
    award = SelectField(_l("Award to check"), choices=[])
    year = IntegerField(_l("Year checked"), validators=[NumberRange(min=2000, max=2100)])
