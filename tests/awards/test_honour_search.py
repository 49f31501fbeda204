"""The honour roll searched by name and by unit, accents optional (issue 16), as the people
list is searched (the folded names)."""
import io
import re
import unicodedata

import openpyxl
import pytest

from emulation.awards.records.models import AwardRecord


@pytest.fixture
def roll(world, in_app):
    with in_app() as session:
        session.add_all([
            AwardRecord(award_code="LDTT", person_id=world.person1.id, year=2025),
            AwardRecord(award_code="LDTT", person_id=world.person2.id, year=2025),
            AwardRecord(award_code="TTLDXS", unit_id=world.unit1.id, year=2025),
            AwardRecord(award_code="TTLDXS", unit_id=world.unit3.id, year=2025)])
        session.commit()


def _recipients(client, query: str) -> set[str]:
    """The roll's recipients (a person's name without their unit, or a collective)."""
    html = client.get("/honours/", query_string={"q": query}).get_data(as_text=True)
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    cells = re.findall(r"<tr><td>\d{4}</td><td>.*?</td><td>(.*?)</td>", body)
    return {re.sub(r"<[^>]+>", "", re.sub(r"<span.*?</span>", "", c)).strip() for c in cells}


def test_the_roll_is_searched_by_name_without_accents(roll, login):
    client = login("xem")
    assert _recipients(client, "nguyen van duc") == {"Nguyễn Văn Đức"}
    assert _recipients(client, "HANG") == {"Trần Thị Hằng"}
    decomposed = unicodedata.normalize("NFD", "Trần Thị Hằng")
    assert _recipients(client, decomposed) == {"Trần Thị Hằng"}


def test_the_roll_is_searched_by_unit_name_or_code(roll, login):
    client = login("xem")
    # the unit's people and the unit itself as a collective
    by_name = _recipients(client, "cong ty dap")
    assert by_name == {"Nguyễn Văn Đức", "Công đoàn Công ty DAP"}
    assert _recipients(client, "thuoc la sai gon") == {"Trần Thị Hằng"}
    assert _recipients(client, "CS-3") == {"Công đoàn Công ty Lâm Thao"}
    assert _recipients(client, "100%_") == set()
    everyone = _recipients(client, "")
    assert len(everyone) == 4


def test_the_search_box_keeps_its_text_and_the_export_follows_it(roll, login):
    client = login("xem")
    html = client.get("/honours/?q=lam+thao").get_data(as_text=True)
    assert 'name="q" value="lam thao"' in html
    export = re.search(r'href="(/honours/export\.xlsx[^"]*)"', html).group(1)
    assert "q=lam+thao" in export
    data = client.get("/honours/export.xlsx?year=2025&q=lam+thao").data
    rows = list(openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(
        min_row=2, values_only=True))
    assert [r[3] for r in rows] == ["Công đoàn Công ty Lâm Thao"]


def test_the_roll_pages_by_key_across_years_with_equal_awards(world, in_app, login, queries):
    """Year DESC, award, id: ties on (year, award) across pages and a change of year inside a
    page; every record once, in the roll's order; a page after a cursor costs at most one query
    more than the first page (one per direction of the key)."""
    import html as html_lib

    from emulation.extensions import db
    from emulation.org.models import Unit
    from tests.factories import gen_person
    with in_app() as session:
        unit = session.get(Unit, world.unit1.id)
        people = [gen_person(f"H{i:03d}", unit, f"Người Khen {i:03d}") for i in range(120)]
        for n, person in enumerate(people):
            for year, code in ((2025, "LDTT"), (2024, "CSTDCS")):
                session.add(AwardRecord(award_code=code, person_id=person.id, year=year,
                                        decision_number=f"QD-{year}-{n:03d}"))
        session.commit()
        expected = [r.decision_number for r in session.scalars(
            db.select(AwardRecord).order_by(AwardRecord.year.desc(), AwardRecord.award_code,
                                            AwardRecord.id))]
    client = login("tochuc")
    seen, url, counts = [], "/honours/", []
    while url:
        with queries() as executed:
            html = client.get(url).get_data(as_text=True)
        counts.append(len(executed))
        seen += re.findall(r'<td class="small">(QD-[^<]*)</td>', html)
        found = re.search(r'rel="next" href="([^"#]+)"', html)
        url = html_lib.unescape(found.group(1)) if found else None
        assert len(counts) <= 4
    assert seen == expected and len(seen) == 240
    # a page not filled within its year reads the next years: one query more, never more
    assert len(counts) == 3 and all(c <= counts[0] + 1 for c in counts), counts
