from datetime import datetime, timezone
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from flask_babel import force_locale, format_date, format_datetime, format_decimal

from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = ROOT / "emulation" / "translations"


def _catalogue(locale):
    with open(CATALOGUES / locale / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f, locale=locale)


def _source_messages() -> set[str]:
    method_map = [("emulation/**.py", "python"), ("templates/**.html", "jinja2")]
    keywords = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None,
                "ngettext": (1, 2)}
    found = set()
    for _file, _line, message, _comments, _ctx in extract_from_dir(
            str(ROOT), method_map=method_map, keywords=keywords):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_vi_catalogue_is_complete_and_not_fuzzy():
    catalogue = _catalogue("vi")
    def translated(m):
        return all(m.string) if isinstance(m.string, tuple) else bool(m.string)

    problems = [m.id for m in catalogue if m.id and (not translated(m) or m.fuzzy)]
    assert not problems, problems
    assert not catalogue.fuzzy


def test_every_message_in_the_code_is_in_the_vi_catalogue():
    ids = {m.id[0] if isinstance(m.id, tuple) else m.id for m in _catalogue("vi") if m.id}
    missing = sorted(_source_messages() - ids)
    assert not missing, f"run `make extract-translations` and translate: {missing}"


def test_html_lang_defaults_to_vi_and_switches(world, client):
    assert '<html lang="vi">' in client.get("/login").get_data(as_text=True)
    client.post("/language", data={"locale": "en", "next": "/login"})
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="en">' in html and "Log in" in html
    client.post("/language", data={"locale": "xx"})
    assert '<html lang="vi">' in client.get("/login").get_data(as_text=True)


def test_language_is_remembered_per_user(world, app, login):
    first = login("donvi1")
    first.post("/language", data={"locale": "en"})
    later = app.test_client()
    later.post("/login", data={"username": "donvi1", "password": PASSWORD})
    assert '<html lang="en">' in later.get("/").get_data(as_text=True)
    other = login("donvi2")
    assert '<html lang="vi">' in other.get("/").get_data(as_text=True)


def test_language_switch_redirects_only_locally(client):
    response = client.post("/language", data={"locale": "en", "next": "https://evil.example/"})
    assert response.location == "/"


def test_dates_and_numbers_follow_locale_in_vietnam_time(app):
    moment = datetime(2025, 9, 1, 20, 30, tzinfo=timezone.utc)  # 03:30 on 2 Sep in Hanoi
    with app.test_request_context():
        with force_locale("vi"):
            assert format_date(moment.date().replace(day=2)) == "2 thg 9, 2025"
            assert format_decimal(1234567.89) == "1.234.567,89"
            assert format_datetime(moment, "short") == "03:30 2/9/25"
        with force_locale("en"):
            assert format_decimal(1234567.89) == "1,234,567.89"


def test_wtforms_own_messages_are_translated(world, login):
    c = login("donvi1")
    response = c.post("/people/new", data={"code": "P77", "full_name": "",
                                           "birth_date": "not-a-date", "unit_code": "CS-1",
                                           "gender": "robot"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Trường này là bắt buộc." in html
    assert "Nhập ngày theo dạng dd/mm/yyyy" in html
    assert "Lựa chọn không hợp lệ." in html
    short = c.post("/profile", data={"current_password": "x", "new_password": "short",
                                     "confirm": "short"}).get_data(as_text=True)
    assert "Độ dài phải từ 12 đến 256 ký tự." in short
