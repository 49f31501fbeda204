"""The number and date fields of core.forms: blank optional fields pass, blank required ones
ask for a value, unreadable values say so (found by the browser cycle: a blank optional year
and blank optional dates were refused as invalid)."""
import re
from decimal import Decimal

import pytest
from sqlalchemy import select
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


def test_a_prefilled_decimal_is_a_text_input_the_browser_shows(world, login, in_app):
    """The award page wrote `value="0,3"` into a `type="number"` input: the browser showed it
    empty, and saving the page unchanged erased the cash multiple. Every decimal field is a
    text input with the decimal keypad, holding the value as the reader writes it."""
    from emulation.awards.catalogue.data import seed
    from emulation.awards.catalogue.models import AwardType

    with in_app() as session:
        seed(session)
        session.commit()
        assert session.scalar(select(AwardType.cash_multiple)
                              .where(AwardType.code == "LDTT")) == Decimal("0.3")
    page = login("admin").get("/awards/LDTT").get_data(as_text=True)
    field = re.search(r'<input[^>]*name="cash_multiple"[^>]*>', page).group(0)
    assert 'type="text"' in field and 'inputmode="decimal"' in field
    assert 'value="0,3"' in field


@pytest.mark.parametrize("url", ["/honours/", "/nominations/", "/campaigns/",
                                 "/honours/statistics.xlsx", "/honours/report.xlsx"])
def test_a_year_filter_that_is_no_year_is_refused_in_words_not_read_as_every_year(
        world, login, url):
    """`?year=202` (a digit dropped) must not quietly list every year; blank means every year."""
    client = login("tochuc")
    for bad in ("202", "abc", "99999999999"):
        response = client.get(f"{url}?year={bad}")
        assert response.status_code == 400, (url, bad)
        assert "không phải là một năm" in response.get_data(as_text=True)
    assert client.get(f"{url}?year=").status_code == 200
    assert client.get(f"{url}?year=2026").status_code == 200
