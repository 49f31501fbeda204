"""What the app may decide (issue 14 item 12) and the kinds of commendation (Law 06/2022 Art. 8,
item 13): award types name the level that decides them; a unit issues only what it decides and
proposes the rest upward, recording the superior's decision, which then counts like any award;
nominations carry their kind, which the award record inherits."""
import importlib.util
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from emulation.awards.catalogue import services as catalogue
from emulation.awards.catalogue.data import DECIDED_BY, seed
from emulation.awards.catalogue.services import award_by_code
from emulation.awards.councils import services as cs
from emulation.awards.councils.models import AgendaItem
from emulation.awards.decisions import services as ds
from emulation.awards.decisions import superior
from emulation.awards.decisions.models import Decision, UpwardProposal
from emulation.awards.eligibility import services as eligibility
from emulation.awards.nominations import services as nom
from emulation.awards.nominations.models import Nomination
from emulation.awards.records.models import Appraisal, AwardRecord, Initiative
from emulation.core.audit import AuditEvent
from emulation.core.errors import (
    Conflict,
    InvalidState,
    NotFound,
    PermissionDenied,
    ServiceError,
    StaleRecord,
)
from emulation.core.permissions import SYSTEM
from emulation.core.vocabulary import COMMENDATION_KIND, lookup
from emulation.core.web import local_today
from emulation.extensions import db
from emulation.org.models import Person, Unit
from tests.awards.conftest import _user, passed_dossiers

# after the 10 working days of publication that BK_TTG and CSTD_TQ are seeded with
LATER = date(2027, 1, 20)
# Pages and the API act on the day they are called: their dossiers are published well before,
# and the dates typed into them are days just past.
PAST = local_today() - timedelta(days=60)
SENT, ANSWERED = local_today() - timedelta(days=10), local_today() - timedelta(days=5)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# --- the catalogue names who decides -------------------------------------------------------------

def test_each_seeded_award_names_the_level_that_decides_it(world, ctx):
    seed(db.session)
    db.session.commit()
    decided = {a.code: a.decided_by for a in catalogue.award_types()}
    assert decided == DECIDED_BY
    assert {decided[c] for c in ("CSTD_TQ", "CO_CP", "BK_TTG")} == {"state"}
    assert {decided[c] for c in ("CSTD_BO", "TTLDXS", "CO_BO", "BK_BO")} == {"ministry"}
    assert {decided[c] for c in ("LDTT", "CSTDCS", "TTLDTT", "GK")} == {"unit"}
    assert {decided[c] for c in ("BK_TLD", "CO_TLD")} == {"union_central"}
    # an administrator changes it like any field, audited; an unknown level is refused
    gk = award_by_code("GK")
    fields = {k: getattr(gk, k) for k in catalogue.AWARD_FIELDS}
    with pytest.raises(ServiceError):
        catalogue.update_award(_user("admin"), gk, gk.version, {**fields, "decided_by": "king"})
    catalogue.update_award(_user("admin"), gk, gk.version, {**fields, "decided_by": "ministry"})
    assert award_by_code("GK").decided_by == "ministry"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "award.update"))
    assert event.after_data == {"decided_by": "ministry"}


def test_the_migration_reads_the_level_of_award_types_it_does_not_know():
    root = Path(__file__).resolve().parents[2]
    path = next((root / "migrations" / "versions").glob("531285064bb2_*.py"))
    spec = importlib.util.spec_from_file_location("migration_531285064bb2", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    assert migration.DECIDED_BY == DECIDED_BY
    read = migration._from_level
    assert read("Nhà nước") == "state"
    assert read("Tổng Liên đoàn") == "union_central"
    assert read("Công đoàn ngành Trung ương") == "union_central"
    assert read("Bộ, ngành, tỉnh") == "ministry"
    assert read("Cơ sở") == read("") == read("Công ty") == "unit"


def test_the_top_unit_decides_ministry_and_union_levels_the_others_the_grassroots(world, ctx):
    seed(db.session)
    top, branch, unit1 = (db.session.get(Unit, u.id)
                          for u in (world.top, world.branch_a, world.unit1))
    assert ds.deciding_levels(top) == ("unit", "ministry", "union_central")
    assert ds.deciding_levels(branch) == ds.deciding_levels(unit1) == ("unit",)
    for code, top_may, branch_may in (("LDTT", True, True), ("GK", True, True),
                                      ("BK_BO", True, False), ("CSTD_BO", True, False),
                                      ("BK_TLD", True, False), ("BK_TTG", False, False),
                                      ("CSTD_TQ", False, False), ("CO_CP", False, False)):
        award = award_by_code(code)
        assert ds.may_decide(top, award) is top_may, code
        assert ds.may_decide(branch, award) is branch_may, code


# --- a union cannot issue what the Prime Minister decides ----------------------------------------

def test_law_art73_art21_a_union_cannot_issue_bk_ttg_or_cstd_tq(world, ctx):
    bk_ttg, cstd_tq = passed_dossiers(world, [("BK_TTG", None), ("CSTD_TQ", None)])
    top = db.session.get(Unit, world.top.id)
    before = (_count(Decision), _count(AwardRecord))
    for n in (bk_ttg, cstd_tq):
        assert ds.grantable(n, LATER) is None  # passed and published: only the level is wrong
        with pytest.raises(PermissionDenied) as refused:
            ds.create_decision(_user("tochuc"), top, number="9/QĐ-CĐCT", signed_on=LATER,
                               signer="Chủ tịch", nominations=[n], today=LATER)
        assert n.award_type.name in refused.value.message
        assert "Thủ tướng Chính phủ hoặc Chủ tịch nước" in refused.value.message
    db.session.rollback()
    assert (_count(Decision), _count(AwardRecord)) == before == (0, 0)
    # nor offered on the new-decision page: they go to the superior from their dossier
    assert ds.grantable_candidates(_user("tochuc"), LATER) == []


def test_a_draft_is_refused_at_issue_when_the_award_left_the_units_levels(world, ctx):
    (bk_bo,) = passed_dossiers(world, [("BK_BO", None)])
    top = db.session.get(Unit, world.top.id)
    assert ds.grantable_candidates(_user("tochuc"), LATER) == [bk_bo]
    decision = ds.create_decision(_user("tochuc"), top, number="3/QĐ-CĐCT", signed_on=LATER,
                                  signer="Chủ tịch", nominations=[bk_bo], today=LATER)
    award = award_by_code("BK_BO")
    fields = {k: getattr(award, k) for k in catalogue.AWARD_FIELDS}
    catalogue.update_award(_user("admin"), award, award.version, {**fields, "decided_by": "state"})
    with pytest.raises(PermissionDenied):
        ds.issue(_user("tochuc"), decision, decision.version, LATER)
    db.session.rollback()
    assert db.session.get(Decision, decision.id).state == "draft"
    assert _count(AwardRecord) == 0


# --- the upward path -----------------------------------------------------------------------------

def test_bk_ttg_goes_to_the_prime_minister_and_comes_back_as_an_award(world, ctx):
    (n,) = passed_dossiers(world, [("BK_TTG", None)])
    organiser = _user("tochuc")
    assert superior.needs_superior(n)
    memo = {"submitted_on": date(2027, 1, 8), "document_number": "12/TTr-CĐCT"}
    # not before the publication period is over (10 working days from 21/12/2026)
    with pytest.raises(InvalidState):
        superior.submit_to_superior(organiser, n, n.version, **memo, today=date(2026, 12, 28))
    with pytest.raises(PermissionDenied):  # the branch's organiser does not handle it
        superior.submit_to_superior(_user("tochuc_a"), n, n.version, **memo, today=LATER)
    with pytest.raises(PermissionDenied):  # the proposing unit's officer does not either
        superior.submit_to_superior(_user("donvi1"), n, n.version, **memo, today=LATER)
    with pytest.raises(StaleRecord):
        superior.submit_to_superior(organiser, n, n.version - 1, **memo, today=LATER)
    with pytest.raises(ServiceError):
        superior.submit_to_superior(organiser, n, n.version, submitted_on=date(2027, 2, 1),
                                    document_number="12/TTr-CĐCT", today=LATER)
    with pytest.raises(ServiceError):
        superior.submit_to_superior(organiser, n, n.version, submitted_on=LATER,
                                    document_number="  ", today=LATER)
    db.session.rollback()
    assert _count(UpwardProposal) == 0
    superior.submit_to_superior(organiser, n, n.version, **memo, today=LATER)
    assert n.state == "submitted_up" and n.upward.outcome == "pending"
    with pytest.raises(InvalidState):  # once only
        superior.submit_to_superior(organiser, n, n.version, **memo, today=LATER)
    # the union still may not grant it itself, even by mistake
    assert ds.grantable(n, LATER) == "đã trình cấp trên"

    answer = {"decision_number": "345/QĐ-TTg", "deciding_body": "Thủ tướng Chính phủ"}
    with pytest.raises(ServiceError):  # dated before the memo
        superior.record_superior_decision(organiser, n, n.version, **answer,
                                          decided_on=date(2027, 1, 7), today=LATER)
    with pytest.raises(ServiceError):  # dated after today
        superior.record_superior_decision(organiser, n, n.version, **answer,
                                          decided_on=date(2027, 1, 21), today=LATER)
    with pytest.raises(ServiceError):  # no body
        superior.record_superior_decision(organiser, n, n.version, decision_number="345",
                                          deciding_body="", decided_on=LATER, today=LATER)
    with pytest.raises(StaleRecord):
        superior.record_superior_decision(organiser, n, n.version - 1, **answer,
                                          decided_on=LATER, today=LATER)
    db.session.rollback()
    assert _count(AwardRecord) == 0
    record = superior.record_superior_decision(organiser, n, n.version, **answer,
                                               decided_on=date(2027, 1, 15), today=LATER)
    assert (record.award_code, record.person_id, record.year, record.source, record.kind,
            record.issuer, record.decision_number, record.cash_amount) == (
        "BK_TTG", world.person1.id, 2026, "superior", "regular", "Thủ tướng Chính phủ",
        "345/QĐ-TTg", None)  # no cash computed here: none was entered
    assert n.state == "granted_up" and n.upward.award_record_id == record.id
    assert [s.to_state for s in n.steps][-2:] == ["submitted_up", "granted_up"]
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"nomination.submitted_up", "nomination.granted_up"} <= actions
    with pytest.raises(InvalidState):  # recorded once
        superior.record_superior_decision(organiser, n, n.version, **answer,
                                          decided_on=LATER, today=LATER)
    # in the person's history and on the honour roll like any award
    history = eligibility.history("individual", world.person1.id)
    assert [(a.award_code, a.source) for a in history["awards"]] == [("BK_TTG", "superior")]
    # and the council's vote that sent it up is not reopened from under it
    item = db.session.scalar(select(AgendaItem).where(AgendaItem.nomination_id == n.id))
    assert not cs.can_reopen(organiser, item)
    with pytest.raises(InvalidState):
        cs.reopen_item(organiser, item, "Xem lại")


def test_the_superiors_refusal_is_recorded_and_makes_no_award(world, ctx):
    (n,) = passed_dossiers(world, [("CSTD_TQ", None)])
    organiser = _user("tochuc")
    superior.submit_to_superior(organiser, n, n.version, submitted_on=date(2027, 1, 8),
                                document_number="13/TTr-CĐCT", today=LATER)
    with pytest.raises(ServiceError):
        superior.record_superior_refusal(organiser, n, n.version, decided_on=LATER,
                                         reason=" ", today=LATER)
    superior.record_superior_refusal(organiser, n, n.version, decided_on=LATER,
                                     reason="Chưa đủ tiêu chuẩn sáng kiến toàn quốc",
                                     today=LATER)
    assert n.state == "declined_up" and n.upward.outcome == "declined"
    assert _count(AwardRecord) == 0
    with pytest.raises(InvalidState):
        superior.record_superior_decision(organiser, n, n.version, decision_number="1",
                                          deciding_body="Thủ tướng Chính phủ",
                                          decided_on=LATER, today=LATER)


def test_an_award_the_level_decides_is_granted_by_decision_not_sent_up(world, ctx):
    (n,) = passed_dossiers(world, [("BK_BO", None)])
    with pytest.raises(InvalidState) as refused:
        superior.submit_to_superior(_user("tochuc"), n, n.version,
                                    submitted_on=date(2027, 1, 8), document_number="1/TTr",
                                    today=LATER)
    assert "khen thưởng bằng quyết định" in refused.value.message


def test_art21_a_cstd_bo_recorded_from_the_superior_counts_for_cstd_tq(world, ctx):
    """The branch (CD-A) does not decide CSTĐ bộ: its council passes the dossier, its
    organiser sends it up and records the ministry's decision; with the CSTĐ bộ of 2022 from
    the history, the two back-to-back blocks that CSTĐ toàn quốc asks for are then there."""
    seed(db.session)
    pid = world.person1.id
    for year in range(2020, 2026):
        db.session.add(Appraisal(person_id=pid, year=year, level="excellent"))
        db.session.add(AwardRecord(award_code="CSTDCS", person_id=pid, year=year))
    db.session.add(AwardRecord(award_code="CSTD_BO", person_id=pid, year=2022,
                               decision_number="5/QĐ-BCT", issuer="Bộ Công Thương"))
    db.session.add(Initiative(person_id=pid, year=2024, scope="national", title="Sáng kiến"))
    db.session.commit()
    cstd_tq = award_by_code("CSTD_TQ")

    def verdict():
        return eligibility.judge(cstd_tq, eligibility.people_records([pid])[pid], 2025)

    assert verdict().eligible is False
    (n,) = passed_dossiers(world, [("CSTD_BO", None)], at=world.branch_a, year=2025)
    organiser = _user("tochuc_a")
    superior.submit_to_superior(organiser, n, n.version, submitted_on=date(2026, 12, 22),
                                document_number="7/TTr-CĐHC", today=LATER)
    superior.record_superior_decision(organiser, n, n.version, decision_number="88/QĐ-BCT",
                                      decided_on=date(2027, 1, 12),
                                      deciding_body="Bộ trưởng Bộ Công Thương",
                                      cash_amount=7_590_000, today=LATER)
    record = db.session.get(AwardRecord, n.upward.award_record_id)
    assert (record.year, record.cash_amount, record.source) == (2025, 7_590_000, "superior")
    assert verdict().eligible is True


# --- kinds of commendation -----------------------------------------------------------------------

def test_art8_a_thematic_bk_bo_does_not_count_for_bk_ttg(world, ctx):
    """Bằng khen Thủ tướng (Art. 73.1.b) needs a Bằng khen bộ before its five years: one
    granted for a thematic drive is recorded as thematic (the decision item inherits the
    nomination's kind) and does not count; a regular one the same year does."""
    seed(db.session)
    pid = world.person1.id
    for year in range(2021, 2026):
        db.session.add(Appraisal(person_id=pid, year=year, level="good"))
    for year in (2021, 2023, 2025):
        db.session.add(AwardRecord(award_code="CSTDCS", person_id=pid, year=year))
    db.session.commit()
    (bk_bo,) = passed_dossiers(world, [("BK_BO", "thematic")], year=2020)
    top = db.session.get(Unit, world.top.id)
    decision = ds.create_decision(_user("tochuc"), top, number="5/QĐ-CĐCT", signed_on=LATER,
                                  signer="Chủ tịch", nominations=[bk_bo], today=LATER)
    ds.issue(_user("tochuc"), decision, decision.version, LATER)
    record = db.session.get(AwardRecord, decision.items[0].award_record_id)
    assert (record.award_code, record.year, record.kind) == ("BK_BO", 2020, "thematic")
    assert ds.decision_rows(decision)[0]["kind"] == "Theo chuyên đề"
    bk_ttg = award_by_code("BK_TTG")

    def verdict():
        return eligibility.judge(bk_ttg, eligibility.people_records([pid])[pid], 2025)

    assert verdict().eligible is False
    # a regular Bằng khen bộ of the same year is another award: it may be held beside it
    db.session.add(AwardRecord(award_code="BK_BO", person_id=pid, year=2020,
                               decision_number="2/QĐ-BCT"))
    db.session.commit()
    assert verdict().eligible is True


def test_a_nominations_kind_defaults_from_its_campaign_and_is_checked(world, ctx):
    from tests.factories import gen_campaign

    seed(db.session)
    top, unit1 = db.session.get(Unit, world.top.id), db.session.get(Unit, world.unit1.id)
    person = db.session.get(Person, world.person1.id)
    regular = gen_campaign(top, title="Thi đua thường xuyên 2026", publish=False)
    thematic = gen_campaign(top, title="Thi đua chuyên đề chuyển đổi số", publish=False)
    thematic.kind = "thematic"
    db.session.commit()
    gk = award_by_code("GK")

    def make(**kw):
        return nom.create(SYSTEM, award=gk, year=2026, proposing_unit=unit1, person=person,
                          texts={"summary": "x"}, **kw)

    assert make(campaign_id=thematic.id).kind == "thematic"
    assert make(campaign_id=regular.id).kind == "regular"
    with pytest.raises(Conflict):  # one regular GK for the year already
        make()
    n = make(kind="one_off")
    assert n.kind == "one_off"
    with pytest.raises(ServiceError):  # a thematic commendation of a regular drive
        make(campaign_id=regular.id, kind="thematic")
    with pytest.raises(ServiceError):
        make(kind="heroic")
    # a draft's kind changes with its texts, checked the same way and audited
    with pytest.raises(StaleRecord):
        nom.update(SYSTEM, n, n.version - 1, {"summary": "y"}, kind="career")
    with pytest.raises(Conflict):
        nom.update(SYSTEM, n, n.version, {"summary": "y"}, kind="thematic")
    nom.update(SYSTEM, n, n.version, {"summary": "y"}, kind="career")
    assert db.session.get(Nomination, n.id).kind == "career"
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "nomination.update").order_by(AuditEvent.id.desc())).first()
    assert event.after_data["kind"] == "career"


def test_art8_one_off_follows_the_simplified_procedure(world, ctx):
    """Đột xuất: no multi-year rule (the council judges its own criteria, discipline still
    checked for the year) and no publication period before the decision."""
    seed(db.session)
    person = db.session.get(Person, world.person1.id)
    unit1 = db.session.get(Unit, world.unit1.id)
    probe = nom.create(SYSTEM, award=award_by_code("CSTD_BO"), year=2026, proposing_unit=unit1,
                       person=person, texts={"summary": "x"}, kind="one_off")
    verdict = eligibility.check_batch([probe])[probe.id]
    assert verdict.eligible is None  # not False: the 3 consecutive CSTĐCS are not asked
    assert "đột xuất" in verdict.rules[-1].message_vi
    assert all(r.kind in ("no_discipline", "manual") for r in verdict.rules)
    nom.withdraw(SYSTEM, probe, probe.version, "Thử")

    regular, one_off = passed_dossiers(world, [("GK", "regular"), ("GK", "one_off")], publish=False)
    today = date(2026, 12, 19)
    assert ds.grantable(regular, today) == "chưa được Hội đồng thông qua hoặc chưa công khai"
    assert ds.grantable(one_off, today) is None
    top = db.session.get(Unit, world.top.id)
    decision = ds.create_decision(_user("tochuc"), top, number="6/QĐ-CĐCT", signed_on=today,
                                  signer="Chủ tịch", nominations=[one_off], today=today)
    ds.issue(_user("tochuc"), decision, decision.version, today)
    record = db.session.get(AwardRecord, decision.items[0].award_record_id)
    assert record.kind == "one_off" and record.award_code == "GK"


def test_the_award_history_import_reads_the_kinds_as_the_export_writes_them(app):
    from flask_babel import force_locale

    from emulation.awards.records.enums import CommendationKind

    with app.test_request_context():
        for locale in ("vi", "en"):
            with force_locale(locale):
                for kind in CommendationKind:
                    assert lookup(COMMENDATION_KIND, str(kind.label)) == kind.value, (locale, kind)
    assert lookup(COMMENDATION_KIND, "Khen thưởng đột xuất") == "one_off"
    assert lookup(COMMENDATION_KIND, "Thuong xuyen") == "regular"


# --- pages ---------------------------------------------------------------------------------------

def test_the_dossier_page_sends_it_up_and_records_the_answer(world, in_app, login):
    with in_app():
        (n,) = passed_dossiers(world, [("BK_TTG", "regular")], published_on=PAST)
        nid, version = n.id, n.version
    memo = {"document_number": "1/TTr", "submitted_on": SENT.isoformat()}
    page = login("tochuc").get(f"/nominations/{nid}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Trình cấp trên" in text
    assert "Thủ tướng Chính phủ hoặc Chủ tịch nước" in text
    # another unit's officer neither sees the dossier nor acts on it
    assert login("donvi2").post(f"/nominations/{nid}/superior/submit",
                                data={"version": version, **memo}).status_code == 404
    organiser = login("tochuc")
    stale = organiser.post(f"/nominations/{nid}/superior/submit",
                           data={**memo, "version": version - 1})
    assert stale.status_code == 409
    bad_date = organiser.post(f"/nominations/{nid}/superior/submit", data={
        **memo, "version": version, "submitted_on": "2099-01-08"})
    assert bad_date.status_code == 400
    done = organiser.post(f"/nominations/{nid}/superior/submit",
                          data={**memo, "version": version})
    assert done.status_code == 302
    with in_app() as session:
        n = session.get(Nomination, nid)
        assert n.state == "submitted_up"
        version = n.version
    text = organiser.get(f"/nominations/{nid}").get_data(as_text=True)
    assert "Ghi nhận quyết định của cấp trên" in text and "1/TTr" in text
    recorded = organiser.post(f"/nominations/{nid}/superior/decision", data={
        "version": version, "decision_number": "345/QĐ-TTg", "decided_on": ANSWERED.isoformat(),
        "deciding_body": "Thủ tướng Chính phủ", "cash_amount": "7590000"})
    assert recorded.status_code == 302
    with in_app() as session:
        record = session.scalar(select(AwardRecord).where(AwardRecord.source == "superior"))
        assert (record.award_code, record.cash_amount) == ("BK_TTG", 7_590_000)
    assert organiser.post(f"/nominations/{nid}/superior/unknown", data={}).status_code == 404


def test_pages_show_the_kind_and_the_deciding_level(world, in_app, login):
    with in_app():
        (n,) = passed_dossiers(world, [("GK", "one_off")], publish=False)
        nid = n.id
    organiser = login("tochuc")
    assert "Đột xuất" in organiser.get(f"/nominations/{nid}").get_data(as_text=True)
    assert "Đột xuất" in organiser.get("/nominations/").get_data(as_text=True)
    catalogue_page = organiser.get("/awards/").get_data(as_text=True)
    assert "Cấp quyết định" in catalogue_page and "Tổng Liên đoàn hoặc công đoàn ngành" \
        in catalogue_page


def test_nominations_of_another_unit_stay_hidden(world, ctx):
    (n,) = passed_dossiers(world, [("BK_TTG", None)])
    with pytest.raises(NotFound):
        nom.get_for(_user("donvi2"), n.id)


def test_a_decision_number_is_unique_per_issuing_unit_by_the_database(world, ctx):
    """Two decisions of one unit in force never share a number: the service says so in words,
    and the database's partial unique index refuses what slips past it (two clerks at the same
    moment). A revoked decision's number may be given again; another unit may use it."""
    from sqlalchemy import insert
    from sqlalchemy.exc import IntegrityError

    first, second = passed_dossiers(world, [("GK", "one_off"), ("LDTT", "one_off")],
                                    publish=False)
    top = db.session.get(Unit, world.top.id)
    today = local_today()
    decision = ds.create_decision(_user("tochuc"), top, number="7/QĐ-CĐCT", signed_on=today,
                                  signer="Chủ tịch", nominations=[first], today=today)
    with pytest.raises(Conflict, match="7/QĐ-CĐCT đã được .* dùng"):
        ds.create_decision(_user("tochuc"), top, number="7/QĐ-CĐCT", signed_on=today,
                           signer="Chủ tịch", nominations=[second], today=today)
    row = {"number": "7/QĐ-CĐCT", "signed_on": today, "signer": "Chủ tịch", "state": "draft",
           "issuing_unit_id": top.id, "total_cash": 0, "revoke_reason": "", "version": 1}
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            db.session.execute(insert(Decision).values(**row))
    # in another unit the same number is its own
    with db.session.begin_nested():
        db.session.execute(insert(Decision).values(**{**row, "issuing_unit_id": world.unit1.id}))
    # once the first is revoked its number is free again
    ds.issue(_user("tochuc"), decision, decision.version, today)
    ds.revoke(_user("tochuc"), decision, decision.version, "Sai đối tượng")
    again = ds.create_decision(_user("tochuc"), top, number="7/QĐ-CĐCT", signed_on=today,
                               signer="Chủ tịch", nominations=[second], today=today)
    assert again.number == "7/QĐ-CĐCT"
