"""The nominations and decisions lists as spreadsheets (issue 15): what the pages list, for
the user's scope and filters, with eligibility in words and cash as VND numbers."""
from __future__ import annotations

import io
from datetime import date, datetime

import openpyxl

from emulation.awards.catalogue.data import seed
from emulation.awards.catalogue.services import award_by_code
from emulation.awards.councils.models import CouncilMeeting
from emulation.awards.decisions import services as ds
from emulation.awards.eligibility.enums import ELIGIBILITY_LABELS
from emulation.awards.eligibility.services import check_batch
from emulation.awards.nominations import services as nom
from emulation.awards.nominations.models import Nomination
from emulation.core.permissions import SYSTEM
from emulation.org.models import Person, Unit
from tests.awards.conftest import _user, close_with


def _sheets(response):
    assert response.status_code == 200, response.status_code
    return openpyxl.load_workbook(io.BytesIO(response.data)).worksheets


def _rows(sheet) -> list[tuple]:
    return list(sheet.iter_rows(min_row=2, values_only=True))


def _nominations(in_app, world) -> dict[str, int]:
    """P1 (CS-1): LĐTT submitted, Bằng khen bộ draft; P2 (CS-2): LĐTT submitted."""
    made = {}
    with in_app() as session:
        seed(session)
        session.commit()
        for key, person, unit, code, submit in (
                ("p1_ldtt", world.person1, world.unit1, "LDTT", True),
                ("p1_bk", world.person1, world.unit1, "BK_BO", False),
                ("p2_ldtt", world.person2, world.unit2, "LDTT", True)):
            n = nom.create(SYSTEM, award=award_by_code(code), year=2026,
                           proposing_unit=session.get(Unit, unit.id),
                           person=session.get(Person, person.id),
                           texts={"summary": "Thành tích"})
            if submit:
                nom.submit(SYSTEM, n, n.version, "Giải trình")
            made[key] = n.id
    return made


def test_the_nominations_export_lists_each_dossier_with_its_verdict_in_words(world, login,
                                                                           in_app):
    made = _nominations(in_app, world)
    with in_app() as session:
        n = session.get(Nomination, made["p1_ldtt"])
        verdict = check_batch([n])[n.id]
        words = str(ELIGIBILITY_LABELS[verdict.eligible])
        unmet = [r.message_vi for r in verdict.rules if r.passed is not True]
    [sheet] = _sheets(login("donvi1").get("/nominations/export.xlsx"))
    assert sheet.title == "Đề nghị khen thưởng"
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    assert set(rows) == {made["p1_ldtt"], made["p1_bk"]}  # not CS-2's nomination
    row = rows[made["p1_ldtt"]]
    values = [c.value for c in row]
    assert values[:13] == [made["p1_ldtt"], "Nguyễn Văn Đức", "P1", "Cá nhân",
                           "Công đoàn Công ty DAP", "Công đoàn Công ty DAP",
                           "Công đoàn Công ty DAP", "LDTT", "Lao động tiên tiến",
                           "Thường xuyên (hằng năm)", 2026, None, "Đã gửi"]
    assert values[13] == words and (values[14] or "") == "; ".join(unmet)
    assert row[0].data_type == "n" and row[10].data_type == "n" and row[17].is_date
    assert [c.value for c in rows[made["p1_bk"]]][12] == "Nháp"


def test_the_nominations_export_keeps_to_the_users_scope_and_the_pages_filters(world, login,
                                                                              in_app):
    made = _nominations(in_app, world)
    ids = {name: [r[0] for r in _rows(_sheets(login(name).get("/nominations/export.xlsx"))[0])]
           for name in ("donvi2", "xem", "tochuc")}
    assert ids == {"donvi2": [made["p2_ldtt"]], "xem": [],
                   "tochuc": sorted(made.values(), reverse=True)}
    drafts = _rows(_sheets(login("tochuc").get("/nominations/export.xlsx?state=draft"))[0])
    assert [r[0] for r in drafts] == [made["p1_bk"]]
    assert _rows(_sheets(login("tochuc").get("/nominations/export.xlsx?year=2025"))[0]) == []
    page = login("tochuc").get("/nominations/?state=draft&year=2026").get_data(as_text=True)
    assert "/nominations/export.xlsx?state=draft&amp;year=2026" in page


def _decisions(in_app, meeting_id, world) -> tuple[int, int]:
    """An issued decision granting LĐTT (760,000 VND) and a draft one for CSTĐ bộ."""
    with in_app() as session:
        meeting = session.get(CouncilMeeting, meeting_id)
        close_with(meeting, "agree")
        ds.publish(_user("tochuc"), meeting, date(2026, 12, 21))
        ldtt, cstd = (item.nomination for item in meeting.items)
        top = session.get(Unit, world.top.id)
        issued = ds.create_decision(_user("tochuc"), top, number="1/QĐ-CĐCT",
                                    signed_on=date(2026, 12, 30), signer="Chủ tịch",
                                    nominations=[ldtt], today=date(2026, 12, 22))
        ds.issue(_user("tochuc"), issued, issued.version, date(2026, 12, 30))
        draft = ds.create_decision(_user("tochuc"), top, number="2/QĐ-CĐCT",
                                   signed_on=date(2026, 12, 31), signer="Chủ tịch",
                                   nominations=[cstd], today=date(2026, 12, 22))
        return issued.id, draft.id


def test_the_decisions_export_has_decisions_and_awards_with_cash_in_vnd(world, meeting_id,
                                                                       login, in_app):
    issued, _draft = _decisions(in_app, meeting_id, world)
    decisions, items = _sheets(login("tochuc").get("/decisions/export.xlsx"))
    assert (decisions.title, items.title) == ("Quyết định khen thưởng", "Danh sách khen thưởng")
    assert [r[0] for r in _rows(decisions)][:2] == ["2/QĐ-CĐCT", "1/QĐ-CĐCT"]
    row = decisions[3]
    assert [c.value for c in row[:8]] == [
        "1/QĐ-CĐCT", datetime(2026, 12, 30), "Chủ tịch", "Công đoàn Công Thương Việt Nam",
        "Đã ban hành", 2_530_000, 1, 760_000]
    assert row[1].is_date
    assert row[5].number_format == row[7].number_format == "#,##0"
    total = decisions[4]
    assert total[0].value.startswith("Tổng cộng") and total[7].value == 760_000
    assert total[7].number_format == "#,##0"
    assert decisions.auto_filter.ref == "A1:I3"  # the total stays out of the filter
    lines = _rows(items)
    assert [(r[0], r[5], r[9], r[11], r[12]) for r in lines[:2]] == [
        ("2/QĐ-CĐCT", "Nguyễn Văn Đức", "CSTD_BO", 2026, None),
        ("1/QĐ-CĐCT", "Nguyễn Văn Đức", "LDTT", 2026, 760_000)]
    assert items["M3"].number_format == "#,##0" and lines[-1][-1] == 760_000
    one = _sheets(login("tochuc").get(f"/decisions/export.xlsx?decision={issued}"))
    assert [r[0] for r in _rows(one[0])] == ["1/QĐ-CĐCT", "Tổng cộng (quyết định đã ban hành)"]
    page = login("tochuc").get(f"/decisions/{issued}").get_data(as_text=True)
    assert f"/decisions/export.xlsx?decision={issued}" in page
    assert "/decisions/export.xlsx" in login("xem").get("/decisions/").get_data(as_text=True)


def test_a_draft_decision_is_not_in_a_viewers_export(world, meeting_id, login, in_app):
    issued, draft = _decisions(in_app, meeting_id, world)
    decisions, items = _sheets(login("xem").get("/decisions/export.xlsx"))
    assert [r[0] for r in _rows(decisions)][:-1] == ["1/QĐ-CĐCT"]
    assert {r[0] for r in _rows(items)[:-1]} == {"1/QĐ-CĐCT"}
    assert login("xem").get(f"/decisions/export.xlsx?decision={draft}").status_code == 404
    assert login("xem").get("/decisions/export.xlsx?decision=x").status_code == 404
    assert login("tochuc").get(f"/decisions/export.xlsx?decision={draft}").status_code == 200
