import json

import pytest
from sqlalchemy import func, select

from emulation.auth.models import User
from emulation.awards.catalogue.data import seed
from emulation.awards.catalogue.services import award_by_code
from emulation.awards.eligibility import services as eligibility
from emulation.awards.nominations import services as nom
from emulation.awards.nominations.models import Nomination
from emulation.awards.records.models import Appraisal, AwardRecord
from emulation.core.errors import InvalidState, PermissionDenied, ServiceError, StaleRecord
from emulation.extensions import db
from emulation.org.models import Person, Unit


@pytest.fixture
def awards_world(world, ctx):
    seed(db.session)
    db.session.add(Appraisal(person_id=world.person1.id, year=2026, level="good"))
    db.session.commit()
    return world


def _user(name):
    return db.session.scalar(select(User).where(User.username == name))


def _nominate(world, code="LDTT", person_id=None, summary="Hoàn thành xuất sắc"):
    return nom.create(_user("donvi1"), award=award_by_code(code), year=2026,
                      proposing_unit=db.session.get(Unit, world.unit1.id),
                      person=db.session.get(Person, person_id or world.person1.id),
                      texts={"summary": summary})


def test_full_journey_with_history(awards_world):
    world = awards_world
    n = _nominate(world)
    verdict = nom.submit(_user("donvi1"), n, n.version)
    assert verdict.eligible is True and n.state == "submitted" and not n.flagged
    stored = json.loads(n.eligibility)
    assert stored["eligible"] is True and stored["rules"][0]["vi"].startswith("Đạt")
    branch_organiser = _user("tochuc_a")
    nom.receive(branch_organiser, n, n.version)
    nom.forward(branch_organiser, n, n.version)
    assert n.level_unit_id == world.branch_a.id and n.state == "forwarded"
    with pytest.raises(PermissionDenied):  # the unit's officer never moves its own dossier
        nom.receive(_user("donvi1"), n, n.version)
    top = _user("tochuc")
    nom.receive(top, n, n.version)
    nom.forward(top, n, n.version)
    nom.receive(top, n, n.version)
    with pytest.raises(InvalidState):
        nom.forward(top, n, n.version)  # already at the top
    nom.put_on_agenda(top, n, n.version)
    assert [s.to_state for s in n.steps] == ["submitted", "received", "forwarded", "received",
                                             "forwarded", "received", "on_agenda"]
    with pytest.raises(InvalidState):
        nom.withdraw(_user("donvi1"), n, n.version, "")


def test_ineligible_needs_an_explanation_and_is_flagged(awards_world):
    world = awards_world
    n = _nominate(world, code="CSTD_BO")
    with pytest.raises(InvalidState):
        nom.submit(_user("donvi1"), n, n.version, "")
    assert n.state == "draft"
    nom.submit(_user("donvi1"), n, n.version, "Có thành tích đột xuất cứu người")
    assert n.flagged and n.eligible is False and n.explanation


def test_return_then_fix_and_resubmit(awards_world):
    world = awards_world
    n = _nominate(world)
    nom.submit(_user("donvi1"), n, n.version)
    with pytest.raises(ServiceError):
        nom.return_(_user("tochuc"), n, n.version, "")
    nom.return_(_user("tochuc"), n, n.version, "Thiếu báo cáo thành tích chi tiết")
    assert n.state == "returned" and n.level_unit_id == world.unit1.id
    nom.update(_user("donvi1"), n, n.version, {"summary": "Bổ sung chi tiết"})
    nom.submit(_user("donvi1"), n, n.version)
    assert n.state == "submitted"


def test_refusals(awards_world):
    world = awards_world
    with pytest.raises(PermissionDenied):  # another unit's person
        nom.create(_user("donvi1"), award=award_by_code("LDTT"), year=2026,
                   proposing_unit=db.session.get(Unit, world.unit1.id),
                   person=db.session.get(Person, world.person2.id))
    with pytest.raises(PermissionDenied):  # a unit it does not serve
        nom.create(_user("donvi1"), award=award_by_code("LDTT"), year=2026,
                   proposing_unit=db.session.get(Unit, world.unit2.id),
                   person=db.session.get(Person, world.person2.id))
    with pytest.raises(ServiceError):  # a collective award for a person
        nom.create(_user("donvi1"), award=award_by_code("TTLDXS"), year=2026,
                   proposing_unit=db.session.get(Unit, world.unit1.id),
                   person=db.session.get(Person, world.person1.id))
    n = _nominate(world)
    with pytest.raises(ServiceError):  # the same award twice for one subject and year
        _nominate(world)
    with pytest.raises(PermissionDenied):
        nom.receive(_user("donvi1"), n, n.version)
    with pytest.raises(StaleRecord):
        nom.update(_user("donvi1"), n, n.version - 1, {"summary": "cũ"})
    empty = _nominate(world, code="CSTDCS", summary="")
    with pytest.raises(ServiceError):
        nom.submit(_user("donvi1"), empty, empty.version)


def test_batch_check_and_quota(awards_world, queries):
    world = awards_world
    unit1 = db.session.get(Unit, world.unit1.id)
    people = [Person(code=f"Q{i}", unit=unit1, full_name=f"Người {i}") for i in range(8)]
    for p in people:
        p.set_name(p.full_name)
    db.session.add_all(people)
    db.session.flush()
    for p in people:
        db.session.add(Appraisal(person_id=p.id, year=2026, level="excellent"))
        db.session.add(AwardRecord(award_code="LDTT", person_id=p.id, year=2026))
    db.session.commit()
    made = [_nominate(world, "LDTT", p.id) for p in people[:7]]
    made += [_nominate(world, "CSTDCS", p.id) for p in people[:3]]
    all_nominations = db.session.scalars(select(Nomination)).all()
    ids = [n.id for n in all_nominations]
    db.session.expire_all()
    all_nominations = db.session.scalars(select(Nomination)).all()
    with queries() as count:
        verdicts = eligibility.check_batch(all_nominations)
    assert len(count) <= 7
    assert all(verdicts[i].eligible is True for i in ids)
    [quota] = eligibility.quota_results(all_nominations)
    assert quota.allowed == 1 and len(quota.exceeding) == 2  # 15% of 7 LĐTT is 1
    assert quota.exceeding == [made[8].id, made[9].id]


def test_pages(world, login, in_app):
    with in_app():
        seed(db.session)
        db.session.add(Appraisal(person_id=world.person1.id, year=2026, level="good"))
        db.session.commit()
        n_id = _nominate(world).id
    c = login("donvi1")
    page = c.get(f"/nominations/{n_id}").get_data(as_text=True)
    assert "Điều kiện hiện tại" in page and "Đạt: Xếp loại" in page
    assert login("donvi2").get(f"/nominations/{n_id}").status_code == 404
    assert c.post(f"/nominations/{n_id}/submit", data={"version": "1"}).status_code == 302
    assert c.post(f"/nominations/{n_id}/receive", data={"version": "2"}).status_code == 403
    assert login("tochuc").post(f"/nominations/{n_id}/receive",
                                data={"version": "2"}).status_code == 302
    listing = login("tochuc").get("/nominations/").get_data(as_text=True)
    assert "Đã tiếp nhận" in listing and "đủ điều kiện" in listing


def test_dossier_attachments(world, login, in_app):
    import io

    with in_app():
        seed(db.session)
        db.session.commit()
        n_id = _nominate(world).id
    c = login("donvi1")
    bad = c.post(f"/nominations/{n_id}/attachments",
                 data={"file": (io.BytesIO(b"<script>"), "ho so.pdf")},
                 content_type="multipart/form-data")
    assert bad.status_code == 400
    ok = c.post(f"/nominations/{n_id}/attachments",
                data={"file": (io.BytesIO(b"%PDF-1.4 bao cao"), "báo cáo thành tích.pdf")},
                content_type="multipart/form-data")
    assert ok.status_code == 302
    page = c.get(f"/nominations/{n_id}").get_data(as_text=True)
    assert "báo cáo thành tích.pdf" in page
    assert login("donvi2").post(f"/nominations/{n_id}/attachments", data={
        "file": (io.BytesIO(b"%PDF-1.4"), "x.pdf")},
        content_type="multipart/form-data").status_code == 404


def test_statistics_per_unit(world, login, in_app):
    with in_app() as session:
        session.add(AwardRecord(award_code="LDTT", person_id=world.person1.id, year=2025,
                                cash_amount=710_000))
        session.add(AwardRecord(award_code="TTLDXS", unit_id=world.unit1.id, year=2025,
                                cash_amount=3_510_000))
        session.commit()
    import openpyxl

    data = login("xem").get("/honours/statistics.xlsx?year=2025").data
    sheet = openpyxl.load_workbook(__import__("io").BytesIO(data)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert rows == [(2025, "CS-1", "Công đoàn Công ty DAP", 1, 1, 4_220_000)]


def test_statistics_count_a_person_where_the_award_was_earned(world, login, in_app):
    """A person who moves keeps their earlier awards in the unit they were in; the new
    unit counts what comes after. Revoked awards count nowhere."""
    import io

    import openpyxl

    with in_app() as session:
        session.add(AwardRecord(award_code="LDTT", person_id=world.person1.id, year=2024,
                                cash_amount=700_000))
        session.add(AwardRecord(award_code="CSTDCS", person_id=world.person1.id, year=2024,
                                revoked=True, cash_amount=1_000_000))
        session.commit()
        session.get(Person, world.person1.id).unit_id = world.unit2.id
        session.commit()
        session.add(AwardRecord(award_code="LDTT", person_id=world.person1.id, year=2025,
                                cash_amount=710_000))
        session.commit()
        codes = {u: session.get(Unit, u).code for u in (world.unit1.id, world.unit2.id)}

    data = login("xem").get("/honours/statistics.xlsx").data
    rows = list(openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(
        min_row=2, values_only=True))
    assert [(r[0], r[1], r[3], r[4], r[5]) for r in rows] == [
        (2025, codes[world.unit2.id], 1, 0, 710_000),
        (2024, codes[world.unit1.id], 1, 0, 700_000)]


def test_honour_roll_queries_do_not_grow_with_its_rows(world, login, in_app, queries):
    from tests.factories import gen_person

    def add(count, start):
        with in_app() as session:
            unit = session.get(Unit, world.unit1.id)
            for i in range(start, start + count):
                person = gen_person(f"H{i}", unit, f"Người được khen {i}")
                session.add(AwardRecord(award_code="LDTT", person_id=person.id, year=2025))
            if start == 0:  # one award of a unit per year (a second would be refused)
                session.add(AwardRecord(award_code="TTLDXS", unit_id=world.unit2.id,
                                        year=2025))
            session.commit()

    c = login("xem")
    add(3, 0)
    with queries() as few:
        assert "Người được khen 2" in c.get("/honours/?year=2025").get_data(as_text=True)
    add(30, 3)
    with queries() as many:
        assert "Người được khen 32" in c.get("/honours/?year=2025").get_data(as_text=True)
    assert len(many) == len(few) <= 12


def test_honour_roll_export_lists_the_years_awards(world, login, in_app):
    import io

    import openpyxl

    with in_app() as session:
        seed(session)
        session.add_all([
            AwardRecord(award_code="LDTT", person_id=world.person1.id, year=2025,
                        decision_number="12/QĐ", issuer="Công ty DAP", cash_amount=710_000),
            AwardRecord(award_code="TTLDXS", unit_id=world.unit1.id, year=2025,
                        kind="thematic"),
            AwardRecord(award_code="LDTT", person_id=world.person2.id, year=2025,
                        revoked=True),
            AwardRecord(award_code="LDTT", person_id=world.person2.id, year=2024)])
        session.commit()
    data = login("xem").get("/honours/export.xlsx?year=2025").data
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    # the kind of commendation in words, under the import's own header (Law 06/2022 Art. 8)
    assert sheet.cell(1, 8).value == "Loại khen thưởng"
    assert rows == [
        (2025, "LDTT", "Lao động tiên tiến", "Nguyễn Văn Đức", "12/QĐ", "Công ty DAP", 710_000,
         "Thường xuyên (hằng năm)"),
        (2025, "TTLDXS", "Tập thể lao động xuất sắc", "Công đoàn Công ty DAP", None, None, None,
         "Theo chuyên đề")]


def test_lists_show_each_user_exactly_their_part_of_the_tree(awards_world):
    """Whole-tree users' lists carry no filter (so the database reads them in index order);
    everyone else still sees only their tree: each list equals the per-record rule."""
    from emulation.awards.records.services import award_records_query
    from emulation.core import permissions as perms

    w = awards_world
    ldtt = award_by_code("LDTT").id
    # one active nomination per subject, award and year: P2's two are for two awards
    cstdcs = award_by_code("CSTDCS").id
    for person, proposing, level, award in ((w.person1, w.unit1, w.branch_a, ldtt),
                                            (w.person2, w.unit2, w.branch_b, ldtt),
                                            (w.person2, w.unit2, w.top, cstdcs)):
        db.session.add(Nomination(award_type_id=award, year=2026, person_id=person.id,
                                  proposing_unit_id=proposing.id, level_unit_id=level.id,
                                  state="submitted"))
    db.session.add_all([AwardRecord(award_code="LDTT", person_id=w.person1.id, year=2025),
                        AwardRecord(award_code="LDTT", person_id=w.person2.id, year=2025),
                        AwardRecord(award_code="TTLDXS", unit_id=w.unit2.id, year=2024)])
    db.session.commit()
    everything = db.session.scalars(select(Nomination)).all()
    records = db.session.scalars(select(AwardRecord)).all()
    for name in ("admin", "tochuc", "tochuc_a", "donvi1", "donvi2", "xem"):
        user = _user(name)
        listed = db.session.scalars(nom.nominations_query(user)).all()
        assert {n.id for n in listed} == {n.id for n in everything
                                          if nom.can_read(user, n)}, name
        assert [n.id for n in listed] == sorted((n.id for n in listed), reverse=True)
        seen = {r.id for r in db.session.scalars(award_records_query(user))}
        assert seen == {r.id for r in records if (
            perms.covers(user, r.person.unit, perms.VIEW_PEOPLE) if r.person_id
            else perms.covers(user, r.unit, perms.VIEW_UNITS))}, name
    assert len(db.session.scalars(nom.nominations_query(_user("tochuc"))).all()) == 3
    assert len(db.session.scalars(nom.nominations_query(_user("tochuc_a"))).all()) == 1


def test_bulk_from_registrations_skips_refusals_and_commits_all_or_nothing(awards_world,
                                                                           monkeypatch):
    from types import SimpleNamespace

    from emulation.core import audit
    from tests.factories import gen_person

    world = awards_world
    unit = db.session.get(Unit, world.unit1.id)
    first = db.session.get(Person, world.person1.id)
    second = gen_person("P11", unit, "Lê Văn Bình")
    db.session.commit()

    def registrations(*pairs):
        return SimpleNamespace(state="approved", titles=[
            SimpleNamespace(award_code=code, person=person) for code, person in pairs])

    pledge = registrations(("LDTT", first), ("LDTT", first), ("CSTDCS", first),
                           ("NO_SUCH_AWARD", first))
    monkeypatch.setattr("emulation.pledges.services.pledge_of", lambda _c, _u: pledge)
    campaign = SimpleNamespace(id=None)
    assert nom.from_title_registrations(_user("donvi1"), campaign, unit, 2026).count == 2
    db.session.expire_all()
    assert sorted(db.session.scalars(select(Nomination.award_type_id).where(
        Nomination.person_id == first.id))) == sorted(
        [award_by_code("LDTT").id, award_by_code("CSTDCS").id])

    # a failure while writing the second draft leaves not even the first
    pledge.titles = registrations(("LDTT", second), ("CSTDCS", second)).titles
    written, real = [], audit.record

    def failing(*args, **kwargs):
        written.append(1)
        if len(written) == 2:
            raise RuntimeError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(audit, "record", failing)
    with pytest.raises(RuntimeError):
        nom.from_title_registrations(_user("donvi1"), campaign, unit, 2026)
    db.session.rollback()
    assert db.session.scalar(select(func.count(Nomination.id)).where(
        Nomination.person_id == second.id)) == 0


@pytest.mark.parametrize("table, values", [
    ("decision", {"state": "issued", "base_salary": None}),
    ("decision", {"state": "revoked", "base_salary": 2_340_000, "revoke_reason": ""}),
    ("objection", {"state": "dismissed", "resolution": ""}),
    ("nomination", {"flagged": True, "explanation": ""}),
])
def test_workflow_invariants_hold_in_the_database(awards_world, table, values):
    """An issued decision has its base salary and number, a revoked one and a resolved
    objection their reason, a flagged nomination its explanation — even written by hand."""
    from sqlalchemy import update
    from sqlalchemy.exc import IntegrityError

    from emulation.awards.decisions.models import Decision, Objection

    world = awards_world
    n = _nominate(world)
    decision = Decision(number="1/QĐ", signed_on=n.created_at.date(), signer="Chủ tịch",
                        issuing_unit_id=world.top.id, state="draft")
    objection = Objection(nomination_id=n.id, author="xem", text="Không đúng")
    db.session.add_all([decision, objection])
    db.session.commit()
    row = {"decision": decision, "objection": objection, "nomination": n}[table]
    model = type(row)
    with pytest.raises(IntegrityError):
        db.session.execute(update(model).where(model.id == row.id).values(**values))
        db.session.flush()
    db.session.rollback()


def test_law_art5_2_two_forms_for_one_achievement_and_an_award_held_are_flagged(awards_world):
    world = awards_world
    gk = _nominate(world, "GK")
    bk = _nominate(world, "BK_BO")
    ldtt = _nominate(world, "LDTT")
    db.session.add(AwardRecord(award_code="LDTT", person_id=world.person1.id, year=2026,
                               decision_number="5/QĐ"))
    db.session.commit()
    warnings = eligibility.overlap_warnings([gk, bk, ldtt])
    assert warnings[gk.id] == [
        f"Đồng thời được đề nghị Bằng khen cấp bộ, ngành, tỉnh năm 2026 (hồ sơ #{bk.id}): một "
        f"thành tích chỉ được khen một hình thức (Điều 5.2 Luật 06/2022)."]
    assert len(warnings[bk.id]) == 1 and f"#{gk.id}" in warnings[bk.id][0]
    assert warnings[ldtt.id] == ["Đã được tặng Lao động tiên tiến năm 2026 (quyết định 5/QĐ)."]
    nom.withdraw(_user("donvi1"), bk, bk.version, "Trùng")
    assert eligibility.overlap_warnings([gk])[gk.id] == []


def test_law_art8_an_award_held_of_another_kind_is_no_duplicate(awards_world):
    """A one-off (đột xuất) Giấy khen held for 2026 does not flag the year's regular one, and
    a regular one held flags a regular nomination, not a one-off."""
    world = awards_world
    regular = _nominate(world, "GK")
    db.session.add(AwardRecord(award_code="GK", person_id=world.person1.id, year=2026,
                               decision_number="9/QĐ", kind="one_off"))
    db.session.commit()
    assert eligibility.overlap_warnings([regular])[regular.id] == []
    db.session.add(AwardRecord(award_code="GK", person_id=world.person1.id, year=2026,
                               decision_number="10/QĐ", kind="regular"))
    db.session.commit()
    assert eligibility.overlap_warnings([regular])[regular.id] == [
        "Đã được tặng Giấy khen năm 2026 (quyết định 10/QĐ)."]
