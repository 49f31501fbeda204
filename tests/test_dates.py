"""Dates as dd/mm/yyyy on Vietnamese pages, and date fields that do not depend on the
browser's language (issue 16): a text input read as dd/mm/yyyy or ISO on the server."""
import re
from datetime import date

import pytest
from flask_babel import force_locale
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from wtforms.validators import InputRequired, Optional

from emulation.core.formatting import fmt_date, fmt_datetime
from emulation.core.forms import DateField, Form, parse_date


class _Dates(Form):
    class Meta:
        csrf = False

    day = DateField("Day", validators=[Optional()])
    needed = DateField("Needed", validators=[InputRequired()])


@pytest.mark.parametrize("typed, expected", [
    ("31/12/2026", date(2026, 12, 31)), ("1/5/1980", date(1980, 5, 1)),
    ("01-05-1980", date(1980, 5, 1)), ("01.05.1980", date(1980, 5, 1)),
    (" 2026-12-31 ", date(2026, 12, 31)), ("2026-12-31", date(2026, 12, 31))])
def test_a_date_is_read_day_first_or_iso(app, typed, expected):
    assert parse_date(typed) == expected
    with app.test_request_context():
        form = _Dates(MultiDict({"day": typed, "needed": "15/03/2026"}))
        assert form.validate(), form.errors
        assert (form.day.data, form.needed.data) == (expected, date(2026, 3, 15))


@pytest.mark.parametrize("typed", ["31/02/2026", "12/31/2026", "2026/12/31", "31/12/26",
                                   "hôm nay", "2026-1-5", "0001-01-01", "31/12/9999"])
def test_a_date_that_is_no_date_is_refused_in_words(app, typed):
    with app.test_request_context(), force_locale("vi"):
        form = _Dates(MultiDict({"day": typed, "needed": "15/03/2026"}))
        assert not form.validate()
        assert set(form.errors) == {"day"}
        assert "dd/mm/yyyy" in form.errors["day"][0] or "01/01/1900" in form.errors["day"][0]


def test_a_date_field_is_a_text_input_showing_dd_mm_yyyy(app):
    with app.test_request_context(), force_locale("en"):
        form = _Dates(data={"day": date(1980, 5, 1)})
        html = form.day()
        assert 'type="text"' in html and 'value="01/05/1980"' in html
        assert 'placeholder="dd/mm/yyyy"' in html and 'type="date"' not in html


def test_the_one_date_format_is_dd_mm_yyyy_in_vietnamese(app):
    from datetime import datetime, timezone

    moment = datetime(2025, 9, 1, 20, 30, tzinfo=timezone.utc)  # 03:30 on 2 Sep in Hanoi
    with app.test_request_context():
        with force_locale("vi"):
            assert fmt_date(date(1980, 5, 1)) == "01/05/1980"
            assert fmt_datetime(moment) == "02/09/2025 03:30"
            assert app.jinja_env.from_string("{{ v|d }}").render(v=date(1980, 5, 1)) == \
                "01/05/1980"
        with force_locale("en"):
            assert fmt_date(date(1980, 5, 1)) == "May 1, 1980"


def test_people_list_and_forms_use_dd_mm_yyyy_and_read_it(world, login, in_app):
    from emulation.org.models import Person

    client = login("donvi1")
    created = client.post("/people/new", data={"code": "P21", "full_name": "Lê Thị Mai",
                                               "gender": "female", "birth_date": "01/05/1980",
                                               "unit_code": "CS-1"})
    assert created.status_code == 302
    with in_app() as session:
        person = session.scalar(select(Person).where(Person.code == "P21"))
        assert person.birth_date == date(1980, 5, 1)
        person_id = person.id
    listing = client.get("/people/").get_data(as_text=True)
    assert "01/05/1980" in listing and "thg 5" not in listing
    form = client.get(f"/people/{person_id}/edit").get_data(as_text=True)
    field = re.search(r'<input[^>]*name="birth_date"[^>]*>', form).group(0)
    assert 'type="text"' in field and 'value="01/05/1980"' in field
    assert not re.search(r'<input[^>]*type="date"', form)


def test_no_template_asks_the_browser_for_a_date_input():
    from pathlib import Path

    templates = Path(__file__).resolve().parent.parent / "templates"
    found = [str(p) for p in templates.rglob("*.html")
             if re.search(r"""type=["']?date\b""", p.read_text(encoding="utf-8"))]
    assert not found, found
