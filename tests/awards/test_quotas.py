"""Quotas (tỷ lệ, hạn mức) of three kinds, counted over a unit's whole year, and initiatives
that back one commendation only (issue 14, items 9 and 1).

The law in force (Law 06/2022, Decree 152/2025) sets no national cap on CSTĐCS: the seeded
15% of LĐTT, from repealed Decree 91/2017, is an editable example marked as such."""
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from emulation.awards.catalogue.data import seed
from emulation.awards.catalogue.models import AwardQuota, AwardRule, AwardType
from emulation.awards.catalogue.services import award_by_code
from emulation.awards.councils import services as cs
from emulation.awards.decisions import services as ds
from emulation.awards.eligibility import services as eligibility
from emulation.awards.eligibility.engine import (
    Quota,
    QuotaTally,
    Records,
    Rule,
    check,
    check_quota,
    evaluate_quota,
    quota_in_force,
)
from emulation.awards.nominations import services as nom
from emulation.awards.nominations.models import Nomination
from emulation.awards.records.models import Appraisal, AwardRecord, Initiative
from emulation.core.audit import AuditEvent
from emulation.core.permissions import SYSTEM
from emulation.extensions import db
from emulation.org.models import Person, Unit
from tests.awards.conftest import _user, close_with
from tests.factories import gen_user
from tests.security.test_duplicates import _insert_old, fresh_url  # noqa: F401 (a fixture)

NAMES = {"CSTDCS": "CSTĐCS", "LDTT": "LĐTT", "GK": "Giấy khen", "BK_TLD": "Bằng khen TLĐ"}
SHARE_15 = Quota("CSTDCS", "awards", "LDTT", Decimal(15))


# --- the engine (pure) -------------------------------------------------------------------------

def test_cstdcs_after_ldtt_decided_is_not_max_0():
    """LĐTT already decided for 20 people and no LĐTT nomination left: 15% of 20 is 3, not 0
    (the old quota counted nominations only and always said "max 0")."""
    tally = QuotaTally(base_granted=20, base_nominated=0, pending=("C1", "C2", "C3", "C4"))
    result = evaluate_quota(SHARE_15, tally, NAMES)
    assert (result.allowed, result.count, result.exceeding) == (3, 4, ["C4"])
    assert result.message_vi.startswith(
        "CSTĐCS không quá 15% số LĐTT của đơn vị (đã công nhận 20, đề nghị 0): tối đa 3")
    assert "granted 20, nominated 0" in result.message_en and "1 over" in result.message_en


def test_awards_already_granted_take_their_places_before_nominations():
    tally = QuotaTally(base_granted=10, base_nominated=10, granted=2, pending=("a", "b"))
    result = evaluate_quota(SHARE_15, tally)
    assert (result.allowed, result.granted, result.exceeding) == (3, 2, ["b"])
    over = evaluate_quota(SHARE_15, QuotaTally(base_granted=10, granted=2, pending=("a",)))
    assert over.allowed == 1 and over.exceeding == ["a"]  # granted already fill the quota


def test_a_quota_is_rounded_down_unless_it_says_half_up():
    tally = QuotaTally(base_granted=10, pending=("a", "b"))  # 15% of 10 = 1.5
    assert evaluate_quota(SHARE_15, tally).allowed == 1
    half_up = Quota("CSTDCS", "awards", "LDTT", Decimal(15), rounding="half_up")
    assert evaluate_quota(half_up, tally).allowed == 2
    assert "(làm tròn)" in evaluate_quota(half_up, tally).message_vi


def test_headcount_and_absolute_quotas_name_their_base():
    headcount = evaluate_quota(Quota("GK", "headcount", max_pct=Decimal(10)),
                               QuotaTally(headcount=21, pending=(1, 2, 3), unit="CĐ A",
                                          year=2026), NAMES)
    assert (headcount.allowed, headcount.exceeding) == (2, [3])
    assert headcount.message_vi.startswith(
        "Giấy khen không quá 10% số người của CĐ A năm 2026 (21 người): tối đa 2")
    absolute = evaluate_quota(Quota("BK_TLD", "absolute", max_count=5),
                              QuotaTally(granted=4, pending=(7, 8), unit="CĐ ngành"), NAMES)
    assert (absolute.allowed, absolute.exceeding) == (5, [8])
    assert absolute.message_vi.startswith("Bằng khen TLĐ không quá 5 khen thưởng của CĐ ngành")


def test_an_example_quota_says_it_is_not_the_law():
    example = Quota("CSTDCS", "awards", "LDTT", Decimal(15), example=True)
    result = evaluate_quota(example, QuotaTally(base_granted=20, pending=("a",)))
    assert "không phải quy định hiện hành" in result.message_vi
    assert "not the law in force" in result.message_en


def test_the_old_call_still_counts_nominations():
    nominations = [(f"L{i}", "LDTT") for i in range(20)] + [("C1", "CSTDCS"), ("C2", "CSTDCS")]
    result = check_quota("CSTDCS", "LDTT", Decimal(15), nominations)
    assert (result.allowed, result.count, result.exceeding) == (3, 2, [])


def test_a_dated_quota_applies_to_the_years_it_covers():
    assert quota_in_force(None, None, 2026)
    assert quota_in_force(date(2025, 7, 1), None, 2025)
    assert not quota_in_force(None, date(2025, 12, 30), 2025)
    assert not quota_in_force(date(2027, 1, 1), None, 2026)


# --- counted over the unit's whole year (services, SQL) ----------------------------------------

@pytest.fixture
def awards_world(world, ctx):
    """The seeded catalogue, in the test's app context (tests without requests)."""
    seed(db.session)
    db.session.commit()
    return world


@pytest.fixture
def seeded(world, in_app):
    """The seeded catalogue, for tests that send requests (they work on the database in
    `in_app()` blocks: a request must not share the test's app context)."""
    with in_app() as session:
        seed(session)
        session.commit()
    return world


def _people(unit_id: int, n: int, prefix: str, active: bool = True) -> list[Person]:
    people = [Person(code=f"{prefix}{i}", unit_id=unit_id, full_name=f"Người {prefix}{i}",
                     active=active) for i in range(n)]
    for p in people:
        p.set_name(p.full_name)
    db.session.add_all(people)
    db.session.flush()
    return people


def _nominations(code: str, people, proposing_unit_id: int, year: int = 2026):
    award = award_by_code(code)
    made = [Nomination(award_type_id=award.id, year=year, person_id=p.id,
                       proposing_unit_id=proposing_unit_id, level_unit_id=proposing_unit_id,
                       state="submitted") for p in people]
    db.session.add_all(made)
    db.session.commit()
    return made


def _quota(code: str, **values) -> AwardQuota:
    award = award_by_code(code)
    award.quotas.append(AwardQuota(**values))
    db.session.commit()
    return award.quotas[-1]


def test_cstdcs_after_ldtt_decided_counts_the_granted_ldtt(awards_world):
    """20 people of CS-1 hold LĐTT 2026 (decided) and none is still nominated for it: four
    CSTĐCS nominations are allowed three, the fourth is over."""
    unit1 = awards_world.unit1.id
    people = _people(unit1, 20, "L")
    db.session.add_all(AwardRecord(award_code="LDTT", person_id=p.id, year=2026,
                                   source="decision") for p in people)
    db.session.add(AwardRecord(award_code="LDTT", person_id=people[0].id, year=2025))
    db.session.add(AwardRecord(award_code="LDTT", person_id=people[1].id, year=2024,
                               revoked=False))
    cstdcs = _nominations("CSTDCS", people[:4], unit1)
    [result] = eligibility.quota_results(cstdcs)
    assert (result.allowed, result.base_total, result.exceeding) == (3, 20, [cstdcs[3].id])
    assert result.unit == unit1 and result.example  # the seeded 15% is the example
    assert "(đã công nhận 20, đề nghị 0): tối đa 3" in result.message_vi


def test_a_revoked_award_and_a_withdrawn_nomination_are_not_counted(awards_world):
    unit1 = awards_world.unit1.id
    people = _people(unit1, 10, "R")
    db.session.add_all(AwardRecord(award_code="LDTT", person_id=p.id, year=2026,
                                   revoked=i >= 7) for i, p in enumerate(people))
    ldtt = _nominations("LDTT", people[7:], unit1)  # the three whose LĐTT was revoked
    ldtt[0].state = "withdrawn"
    cstdcs = _nominations("CSTDCS", people[:2], unit1)
    [result] = eligibility.quota_results(cstdcs)
    # 7 granted + 2 nominated = 9 → 15% is 1
    assert (result.base_total, result.allowed, result.exceeding) == (9, 1, [cstdcs[1].id])


def test_the_quota_counts_the_unit_whole_year_not_the_page(seeded, login, in_app):
    """/nominations/ shows 50 per page: 60 LĐTT nominations and then 10 CSTĐCS. The newest page
    holds only 40 of the LĐTT (15% of 40 = 6, four over), but the unit's year has 60 (15% is 9:
    only the last CSTĐCS is over)."""
    with in_app():
        unit1 = seeded.unit1.id
        people = _people(unit1, 60, "W")
        _nominations("LDTT", people, unit1)
        cstdcs = _nominations("CSTDCS", people[:10], unit1)
        ids = [n.id for n in cstdcs]
        # one nomination of the unit is enough to count its whole year
        assert [r.exceeding for r in eligibility.quota_results(cstdcs[-1:])] == [ids[-1:]]
    page = login("admin").get("/nominations/?year=2026").get_data(as_text=True)
    warning = page.split('quota-warning">', 1)[1].split("</div>", 1)[0]
    assert "(đã công nhận 0, đề nghị 60): tối đa 9" in warning
    assert f"#{ids[-1]}<" in warning and f"#{ids[-2]}<" not in warning


def test_headcount_quota_counts_the_active_people_of_the_unit_and_its_sub_units(awards_world):
    """At most 10% of CĐ Tập đoàn Hóa chất's people may receive its Giấy khen: its own people,
    CS-1's and CS-3's (21 active: 2.1 → 2); the inactive ones and CS-2's are not counted."""
    world = awards_world
    branch_a = world.branch_a.id
    _quota("GK", base="headcount", max_pct=Decimal(10), legal_reference="Quy chế")
    a_people = _people(world.unit1.id, 10, "H1") + _people(world.unit3.id, 10, "H3")
    _people(world.unit3.id, 5, "X", active=False)
    _people(world.unit2.id, 30, "B")
    made = _nominations("GK", a_people[:3], branch_a)
    [result] = eligibility.quota_results(made)
    assert (result.base, result.base_total, result.allowed) == ("headcount", 21, 2)
    assert result.exceeding == [made[2].id] and result.unit == branch_a
    assert "số người của Công đoàn Tập đoàn Hóa chất năm 2026 (21 người)" in result.message_vi


def test_absolute_quota_per_level_counts_every_unit_below_it(awards_world):
    """At most 2 Bằng khen of the Confederation a year per trade union (the top unit's kind):
    one already granted in CS-3 and two nominated by CS-1 and CS-2 — the later one is over,
    and both nominations are counted against the one union."""
    world = awards_world
    _quota("BK_TLD", base="absolute", max_count=2, unit_kind="union")
    people = _people(world.unit3.id, 1, "G")
    db.session.add(AwardRecord(award_code="BK_TLD", person_id=people[0].id, year=2026))
    first = _nominations("BK_TLD", _people(world.unit1.id, 1, "N1"), world.unit1.id)
    second = _nominations("BK_TLD", _people(world.unit2.id, 1, "N2"), world.unit2.id)
    [result] = eligibility.quota_results(first + second)
    assert (result.unit, result.allowed, result.granted) == (world.top.id, 2, 1)
    assert result.exceeding == [second[0].id]
    assert result.message_vi.startswith("Bằng khen của Tổng Liên đoàn Lao động Việt Nam không "
                                        "quá 2 khen thưởng của Công đoàn Công Thương Việt Nam")


def test_a_quota_per_level_is_skipped_where_no_unit_of_that_level_is_above(awards_world):
    _quota("BK_TLD", base="absolute", max_count=0, unit_kind="team")
    made = _nominations("BK_TLD", _people(awards_world.unit1.id, 1, "T"), awards_world.unit1.id)
    assert eligibility.quota_results(made) == []


def test_a_quota_out_of_its_period_is_not_applied(awards_world):
    cstdcs = award_by_code("CSTDCS")
    cstdcs.quotas[0].valid_to = date(2025, 12, 31)
    db.session.commit()
    made = _nominations("CSTDCS", _people(awards_world.unit1.id, 2, "D"), awards_world.unit1.id)
    assert eligibility.quota_results(made) == []


def test_the_quotas_are_counted_in_a_fixed_number_of_queries(awards_world, queries):
    world = awards_world
    made = []
    for unit in (world.unit1.id, world.unit2.id, world.unit3.id):
        people = _people(unit, 10, f"Q{unit}-")
        made += _nominations("LDTT", people, unit) + _nominations("CSTDCS", people[:3], unit)
    db.session.expire_all()
    made = db.session.scalars(select(Nomination)).all()
    eligibility.check_batch(made)  # loads what the list page loads anyway
    with queries() as count:
        results = eligibility.quota_results(made)
    assert len(results) == 3 and all(r.exceeding for r in results)
    assert len(count) <= 8


# --- the seeded example and the administrator's edits ------------------------------------------

def test_the_seeded_cstdcs_quota_is_an_example_citing_a_repealed_decree(seeded, login,
                                                                         in_app):
    with in_app():
        [quota] = award_by_code("CSTDCS").quotas
        assert quota.is_example and (quota.base, quota.of_code, quota.max_pct) == (
            "awards", "LDTT", Decimal(15))
        assert "91/2017" in quota.note and "152/2025" in quota.note
        assert "hết hiệu lực" in quota.note
    page = login("tochuc").get("/awards/CSTDCS").get_data(as_text=True)
    assert "Ví dụ, không phải quy định hiện hành" in page and "91/2017" in page


def _quota_form(**values) -> dict:
    form = {"base": "awards", "of_code": "", "max_pct": "", "max_count": "", "rounding": "floor",
            "unit_kind": "", "valid_from": "", "valid_to": "", "legal_reference": "",
            "note": ""}
    form.update(values)
    return form


def test_an_administrator_adds_changes_and_deletes_a_quota_audited(seeded, login, in_app):
    admin = login("admin")
    response = admin.post("/awards/BK_TLD/quotas", data=_quota_form(
        base="absolute", max_count="5", unit_kind="union", valid_from="2026-01-01",
        legal_reference="Phân bổ chỉ tiêu Bằng khen chuyên đề", note="Chỉ tiêu năm 2026"))
    assert response.status_code == 302
    with in_app() as session:
        quota = session.scalar(select(AwardQuota).join(AwardType)
                               .where(AwardType.code == "BK_TLD"))
        assert (quota.base, quota.max_count, quota.max_pct, quota.unit_kind, quota.valid_from) \
            == ("absolute", 5, None, "union", date(2026, 1, 1))
        quota_id, version = quota.id, quota.version
    page = admin.get("/awards/BK_TLD").get_data(as_text=True)
    assert "Không quá 5 mỗi năm mỗi Công đoàn ngành" in page
    response = admin.post(f"/awards/BK_TLD/quotas/{quota_id}", data=_quota_form(
        base="headcount", max_pct="2,5", max_count="5", rounding="half_up",
        version=str(version)))
    assert response.status_code == 302
    stale = admin.post(f"/awards/BK_TLD/quotas/{quota_id}", data=_quota_form(
        base="absolute", max_count="1", version=str(version)))
    assert stale.status_code == 409
    with in_app() as session:
        quota = session.get(AwardQuota, quota_id)
        # the number of an absolute quota is dropped once it is a share of headcount
        assert (quota.base, quota.max_pct, quota.max_count, quota.rounding, quota.unit_kind) \
            == ("headcount", Decimal("2.5"), None, "half_up", "")
        version = quota.version
        events = session.scalars(select(AuditEvent).where(
            AuditEvent.action == "award.quota_save").order_by(AuditEvent.id)).all()
        assert len(events) == 2 and '"max_count": 5' in events[0].after
        assert '"base": "absolute"' in events[1].before and '"base": "headcount"' in \
            events[1].after
    assert admin.post(f"/awards/BK_TLD/quotas/{quota_id}/delete",
                      data={"version": str(version - 1)}).status_code == 409
    assert admin.post(f"/awards/BK_TLD/quotas/{quota_id}/delete",
                      data={"version": str(version)}).status_code == 302
    with in_app() as session:
        assert session.get(AwardQuota, quota_id) is None
        event = session.scalar(select(AuditEvent).where(
            AuditEvent.action == "award.quota_delete"))
        assert '"unit_kind": "union"' not in event.before and '"headcount"' in event.before


@pytest.mark.parametrize("values, status, reason", [
    ({"of_code": ""}, 400, "Ghi hình thức khen thưởng làm cơ sở tính tỷ lệ"),
    ({"of_code": "NOPE", "max_pct": "10"}, 400, "NOPE"),
    ({"of_code": "CSTDCS", "max_pct": "10"}, 400, "chính hình thức khen thưởng đó"),
    ({"of_code": "LDTT", "max_pct": "150"}, 400, "100"),
    ({"of_code": "LDTT", "max_pct": ""}, 400, "phần trăm từ 0 đến 100"),
    ({"base": "absolute", "max_count": ""}, 400, "số tối đa từ 0 trở lên"),
    ({"base": "absolute", "max_count": "-1"}, 400, ""),
    ({"base": "weekly", "max_count": "3"}, 400, ""),
    ({"base": "absolute", "max_count": "3", "unit_kind": "galaxy"}, 400, ""),
    ({"base": "absolute", "max_count": "3", "valid_from": "2026-07-01",
      "valid_to": "2026-01-01"}, 400, "Ngày hết hiệu lực trước ngày bắt đầu hiệu lực"),
])
def test_bad_quotas_are_refused_with_the_reason(values, status, reason, seeded, login, in_app):
    response = login("admin").post("/awards/CSTDCS/quotas",
                                   data=_quota_form(**{"max_pct": "10", **values}))
    assert response.status_code == status
    assert reason in response.get_data(as_text=True)
    with in_app() as session:
        assert len(session.scalars(select(AwardQuota)).all()) == 1  # the seeded one only


def test_only_an_administrator_edits_quotas(seeded, login, in_app):
    with in_app() as session:
        quota_id = session.scalar(select(AwardQuota.id))
    for url in ("/awards/CSTDCS/quotas", f"/awards/CSTDCS/quotas/{quota_id}",
                f"/awards/CSTDCS/quotas/{quota_id}/delete"):
        assert login("tochuc").post(url, data=_quota_form(of_code="LDTT", version="1")) \
            .status_code == 403
    # another award's quota is not reachable through this award
    assert login("admin").post(f"/awards/LDTT/quotas/{quota_id}/delete",
                               data={"version": "1"}).status_code == 404


# --- an initiative backs one commendation only -------------------------------------------------

def _grant(world, code: str, person_id: int, number: str):
    """A nomination of CS-1 taken through the council, publication and an issued decision."""
    top = db.session.get(Unit, world.top.id)
    n = nom.create(SYSTEM, award=award_by_code(code), year=2026,
                   proposing_unit=db.session.get(Unit, world.unit1.id),
                   person=db.session.get(Person, person_id), texts={"summary": "Thành tích"})
    nom.submit(SYSTEM, n, n.version, "Giải trình")
    nom.receive(SYSTEM, n, n.version)
    for _level in range(2):
        nom.forward(SYSTEM, n, n.version)
        nom.receive(SYSTEM, n, n.version)
    nom.put_on_agenda(SYSTEM, n, n.version)
    council = cs.create_council(SYSTEM, top, f"Hội đồng {number}", Decimal("66.67"))
    cs.add_member(SYSTEM, council, _user("thuky"), "secretary")
    cs.add_member(SYSTEM, council, _user("hoidong1"), "chair")
    cs.add_member(SYSTEM, council, gen_user(f"hd{council.id}", "council_member", top),
                  "member")
    meeting = cs.schedule(_user("thuky"), council, "Phiên họp", date(2026, 12, 20))
    cs.add_to_agenda(_user("thuky"), meeting, n)
    close_with(meeting, "agree")
    ds.publish(_user("tochuc"), meeting, date(2026, 12, 21))
    decision = ds.create_decision(_user("tochuc"), top, number=number,
                                  signed_on=date(2026, 12, 30), signer="Chủ tịch",
                                  nominations=[n], today=date(2026, 12, 22))
    ds.issue(_user("tochuc"), decision, decision.version, date(2026, 12, 30))
    return decision


@pytest.fixture
def inventor(awards_world):
    """Person P1 (see `_inventor`), in the test's app context."""
    return _inventor(awards_world)


def _inventor(world) -> int:
    """Person P1: two excellent years and two grassroots initiatives, 2025 and 2026 (enough for
    a Bằng khen bộ, Law Art. 74.1.d); the union's Bằng khen judged by the same standard."""
    person_id = world.person1.id
    db.session.add_all([Appraisal(person_id=person_id, year=y, level="excellent")
                        for y in (2025, 2026)])
    db.session.add_all([Initiative(person_id=person_id, year=y, scope="grassroots",
                                   title=f"Sáng kiến {y}") for y in (2025, 2026)])
    bk_bo, bk_tld = award_by_code("BK_BO"), award_by_code("BK_TLD")
    for rule in list(bk_tld.rules):
        bk_tld.rules.remove(rule)
    bk_tld.rules.extend(AwardRule(kind=r.kind, params=r.params, subject=r.subject,
                                  position=r.position)
                        for r in bk_bo.rules if r.rule_set.code == "TDKT2022-ND152")
    db.session.commit()
    return person_id


def test_initiatives_that_backed_a_bk_bo_do_not_back_another_commendation(inventor,
                                                                          awards_world):
    person = db.session.get(Person, inventor)
    assert eligibility.check_person(award_by_code("BK_TLD"), person, 2026).eligible is True
    decision = _grant(awards_world, "BK_BO", inventor, "7/QĐ-CĐCT")
    record_id = decision.items[0].award_record_id
    initiatives = db.session.scalars(select(Initiative).order_by(Initiative.id)).all()
    assert [i.used_by_award_id for i in initiatives] == [record_id, record_id]
    [(*_, code, year, _id), _second] = eligibility.people_records([inventor])[inventor].initiatives
    assert (code, year) == ("BK_BO", 2026)
    verdict = eligibility.check_person(award_by_code("BK_TLD"), person, 2026)
    assert verdict.eligible is False
    assert "0 sáng kiến/đề tài" in verdict.rules[0].parts[1].message_vi
    # the award that consumed them is still judged on them
    assert eligibility.check_person(award_by_code("BK_BO"), person, 2026).eligible is True
    issued = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "decision.issue"))
    assert f'"{record_id}": [{initiatives[0].id}, {initiatives[1].id}]' in issued.after


def test_the_person_page_marks_the_initiatives_used(seeded, login, in_app):
    with in_app():
        person_id = _inventor(seeded)
        _grant(seeded, "BK_BO", person_id, "7/QĐ-CĐCT")
    page = login("admin").get(f"/people/{person_id}/eligibility?award=BK_TLD")
    assert page.get_data(as_text=True).count("Đã dùng cho Bằng khen cấp bộ, ngành, tỉnh năm "
                                             "2026 (7/QĐ-CĐCT)") == 2


def test_revoking_the_award_frees_its_initiatives(inventor, awards_world):
    decision = _grant(awards_world, "BK_BO", inventor, "8/QĐ-CĐCT")
    ds.revoke(_user("tochuc"), decision, decision.version, "Sai thành tích")
    assert [i.used_by_award_id for i in db.session.scalars(select(Initiative))] == [None, None]
    person = db.session.get(Person, inventor)
    assert eligibility.check_person(award_by_code("BK_TLD"), person, 2026).eligible is True
    revoked = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "decision.revoke"))
    assert '"initiatives_freed": 2' in revoked.after


def test_a_title_does_not_consume_the_initiatives_it_was_judged_on(awards_world):
    """CSTĐCS (a title) on an initiative: the initiative stays free for the Bằng khen that
    follows two CSTĐCS years."""
    person_id = awards_world.person1.id
    db.session.add(Appraisal(person_id=person_id, year=2026, level="good"))
    db.session.add(Initiative(person_id=person_id, year=2026, scope="grassroots"))
    db.session.commit()
    _grant(awards_world, "CSTDCS", person_id, "9/QĐ-CĐCT")
    assert db.session.scalar(select(Initiative.used_by_award_id)) is None


def test_the_verdict_names_the_initiatives_it_relied_on():
    """The lowest scope that suffices and the oldest first; an any_of relies on its first
    passed branch only."""
    records = Records("individual", {2025: "excellent", 2026: "excellent"},
                      initiatives=((2024, "grassroots", False, None, None, 1),
                                   (2025, "ministry", False, None, None, 2),
                                   (2025, "grassroots", False, None, None, 3),
                                   (2026, "grassroots", True, None, None, 4)))
    rule = Rule("run", {"min": "excellent", "years": 2,
                        "initiatives": {"count": 2, "min_scope": "grassroots"}})
    assert check([rule], records, 2026).initiatives_used() == [3, 4]
    either = Rule("any_of", {"rules": [{"kind": "appraisal", "params": {"min": "excellent"}},
                                       {"kind": "initiatives", "params": {"count": 1}}]})
    assert check([either], records, 2026).initiatives_used() == []
    failed = Rule("initiatives", {"count": 4, "window": 2})
    assert check([failed], records, 2026).initiatives_used() == []


# --- the migration -----------------------------------------------------------------------------

def test_the_migration_marks_the_seeded_quota_as_an_example(fresh_url):  # noqa: F811
    """Quotas written before the kinds existed are shares of nominations' awards, rounded down,
    undated; the seeded 15% CSTĐCS one becomes the marked example, an administrator's own
    quota is kept as it was."""
    import importlib.util
    import os
    import subprocess
    import sys
    from pathlib import Path

    from sqlalchemy import MetaData

    from emulation import create_app

    root = Path(__file__).resolve().parents[2]
    path = next((root / "migrations" / "versions").glob("9d728a926bda_*.py"))
    spec = importlib.util.spec_from_file_location("migration", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    env = {**os.environ, "DATABASE_URL": fresh_url, "SECRET_KEY": "x"}

    def upgrade(*target):
        done = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade",
                               *target], cwd=root, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr

    upgrade(migration.down_revision)
    app = create_app({"SQLALCHEMY_DATABASE_URI": fresh_url, "SECRET_KEY": "x"})
    with app.app_context():
        old = MetaData()
        old.reflect(bind=db.engine, only=["award_type", "award_quota"])
        awards = {code: _insert_old(old.tables["award_type"], code=code, name=code,
                                    category="title", subject="individual", vote_base="present")
                  for code in ("CSTDCS", "GK", "LDTT")}
        _insert_old(old.tables["award_quota"], award_type_id=awards["CSTDCS"], of_code="LDTT",
                    max_pct=Decimal(15), legal_reference="Nghị định 91/2017/NĐ-CP (đã thay thế)",
                    note=migration.OLD_NOTE)
        _insert_old(old.tables["award_quota"], award_type_id=awards["GK"], of_code="LDTT",
                    max_pct=Decimal(10), legal_reference="Quy chế đơn vị", note="Của đơn vị")
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    upgrade()
    with app.app_context():
        rows = db.session.execute(select(
            AwardQuota.base, AwardQuota.of_code, AwardQuota.max_pct, AwardQuota.rounding,
            AwardQuota.is_example, AwardQuota.version, AwardQuota.legal_reference,
            AwardQuota.note).order_by(AwardQuota.id)).all()
        assert rows == [
            ("awards", "LDTT", Decimal(15), "floor", True, 1, migration.EXAMPLE_REFERENCE,
             migration.EXAMPLE_NOTE),
            ("awards", "LDTT", Decimal(10), "floor", False, 1, "Quy chế đơn vị", "Của đơn vị")]
        gk = db.session.get(AwardType, awards["GK"])
        gk.quotas.append(AwardQuota(base="absolute", max_count=3))
        db.session.commit()  # a quota of the new kinds fits the migrated table
        db.session.remove()
        db.engine.dispose()
