"""The number and date fields of core.forms: blank optional fields pass, blank required ones
ask for a value, unreadable values say so (found by the browser cycle: a blank optional year
and blank optional dates were refused as invalid)."""
import pytest
from werkzeug.datastructures import MultiDict
from wtforms.validators import DataRequired, InputRequired, Optional

from emulation.core.forms import DateField, DecimalField, Form, IntegerField


class _Sample(Form):
    class Meta:
        csrf = False

    year = IntegerField("Year", validators=[Optional()])
    day = DateField("Day", validators=[Optional()])
    amount = DecimalField("Amount", validators=[Optional()])
    needed_year = IntegerField("Needed year", validators=[DataRequired()])
    needed_day = DateField("Needed day", validators=[InputRequired()])


@pytest.mark.parametrize("blank", ["", "   "])
def test_blank_optional_fields_pass_and_required_ones_ask(app, blank):
    with app.test_request_context():
        form = _Sample(MultiDict({"year": blank, "day": blank, "amount": blank,
                                  "needed_year": blank, "needed_day": blank}))
        assert not form.validate()
        assert set(form.errors) == {"needed_year", "needed_day"}
        assert (form.year.data, form.day.data, form.amount.data) == (None, None, None)


def test_unreadable_values_are_said_so(app):
    with app.test_request_context():
        form = _Sample(MultiDict({"year": "١٠", "day": "0001-01-01", "amount": "sNaN",
                                  "needed_year": "2026", "needed_day": "2026-12-01"}))
        assert not form.validate()
        assert set(form.errors) == {"year", "day", "amount"}
        form = _Sample(MultiDict({"year": "2027", "day": "2026-12-31", "amount": "12,5",
                                  "needed_year": "2026", "needed_day": "2026-12-01"}))
        assert form.validate(), form.errors
