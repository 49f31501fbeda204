"""The award catalogue (issue 14 item 14): administrators add award types and take them out of
use; the union's forms of Quyết định 999/QĐ-TLĐ are seeded with their source and a note where
their conditions are unverified; live rules cite Decree 152/2025 and no repealed decree; the
catalogue page counts the rules of the set in force."""
from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from emulation.auth.models import User
from emulation.awards.catalogue import services as catalogue
from emulation.awards.catalogue.data import CATALOGUE, seed
from emulation.awards.catalogue.models import AwardRule, AwardType, RuleSet
from emulation.awards.councils.models import AgendaItem, Council, CouncilMeeting
from emulation.awards.decisions import services as ds
from emulation.awards.decisions.models import Publication
from emulation.awards.documents import services as documents
from emulation.awards.eligibility import engine
from emulation.awards.eligibility import services as eligibility
from emulation.awards.nominations import services as nom
from emulation.awards.records.models import AwardRecord
from emulation.core.audit import AuditEvent
from emulation.core.errors import Conflict, PermissionDenied, ServiceError
from emulation.core.permissions import SYSTEM
from emulation.extensions import db
from emulation.org.models import Person, Unit

TLD = "Quyết định 999/QĐ-TLĐ ngày 29/05/2024"
UNION_FORMS = ("BK_TLD", "CO_TLD", "CO_CDN", "BK_CDN", "CO_LDLD", "BK_LDLD", "GK_CDCT",
               "BANG_LDST", "KNC_CD")
NEW = {"code": "BK_CDX", "name": "Bằng khen của Công đoàn X", "category": "commendation",
       "subject": "both", "commendation_kind": "regular", "level": "Công đoàn ngành",
       "issuing_authority": "Ban Thường vụ Công đoàn X", "cash_multiple": "1,5",
       "cash_multiple_collective": "3", "legal_reference": TLD, "vote_threshold_pct": "50",
       "vote_base": "present", "publication_days": "5", "note": "Thử", "active": "y"}


@pytest.fixture
def seeded(app, world):
    with app.app_context():
        seed(db.session)
        db.session.commit()


def _html(response) -> str:
    return response.get_data(as_text=True)


def _admin():
    return db.session.scalar(select(User).where(User.username == "admin"))


# --- adding an award type ---------------------------------------------------------------------

def test_admin_adds_an_award_type_from_the_web_audited_then_adds_its_rules(seeded, login,
                                                                           in_app):
    admin = login("admin")
    assert admin.get("/awards/new").status_code == 200
    response = admin.post("/awards/new", data={**NEW, "code": "bk_cdx"})
    assert response.status_code == 302 and response.headers["Location"] == "/awards/BK_CDX"
    with in_app() as session:
        award = catalogue.award_by_code("BK_CDX")
        assert (award.name, award.subject, award.category, award.cash_multiple,
                award.cash_multiple_collective, award.publication_days, award.active,
                award.legal_reference) == (
            "Bằng khen của Công đoàn X", "both", "commendation", Decimal("1.5"), Decimal(3), 5,
            True, TLD)
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "award.create"))
        assert event.object_id == award.id and event.actor_name == "admin"
        assert event.after_data["code"] == "BK_CDX"
        assert Decimal(event.after_data["cash_multiple"]) == Decimal("1.5")
        # no rules yet: for the council, never eligible
        records = engine.Records("individual", {2026: "excellent"})
        assert eligibility.judge(award, records, 2026).eligible is None
    page = _html(admin.get("/awards/"))
    assert "BK_CDX" in page and "Bằng khen của Công đoàn X" in page
    rule = admin.post("/awards/BK_CDX/rules", data={
        "kind": "appraisal", "subject": "individual", "params": '{"min": "good"}',
        "legal_reference": TLD, "note": "", "rule_set": ""})
    assert rule.status_code == 302
    with in_app():
        award = catalogue.award_by_code("BK_CDX")
        # the first rule of a new award joins the newest rule set, not "any year"
        assert [r.rule_set.code for r in award.rules] == ["TDKT2022-ND152"]
        records = engine.Records("individual", {2026: "excellent"})
        assert eligibility.judge(award, records, 2026).eligible is True


def test_a_code_already_used_is_a_clean_409(seeded, login, in_app, monkeypatch):
    admin = login("admin")
    response = admin.post("/awards/new", data={**NEW, "code": "CSTDCS"})
    assert response.status_code == 409
    assert "Mã danh hiệu, hình thức CSTDCS đã được dùng." in _html(response)
    # two administrators at the same instant: the unique constraint refuses the second
    monkeypatch.setattr(catalogue, "code_used", lambda code: False)
    raced = admin.post("/awards/new", data={**NEW, "code": "LDTT"})
    assert raced.status_code == 409
    assert "Mã danh hiệu, hình thức LDTT đã được dùng." in _html(raced)
    with in_app() as session:
        assert session.scalar(select(func.count(AwardType.id))
                              .where(AwardType.code.in_(("CSTDCS", "LDTT")))) == 2
        assert session.scalar(select(func.count(AuditEvent.id))
                              .where(AuditEvent.action == "award.create")) == 0


CODE_FORMAT = ("Mã danh hiệu, hình thức gồm 2 đến 20 chữ in hoa (không dấu), chữ số hoặc dấu "
               "gạch dưới, bắt đầu bằng một chữ cái (ví dụ BK_CDN).")


@pytest.mark.parametrize("change, message", [
    ({"code": "B"}, CODE_FORMAT),
    ({"code": "BK CDN"}, CODE_FORMAT),
    ({"code": "ĐK_1"}, CODE_FORMAT),
    ({"code": "1BK"}, CODE_FORMAT),
    ({"name": ""}, "Tên: Trường này là bắt buộc."),
    ({"vote_threshold_pct": "150"},
     "Tỷ lệ phiếu đồng ý cần đạt (phần trăm): Số phải nằm trong khoảng từ 1 đến 100."),
    ({"cash_multiple": "-1"}, "Tiền thưởng, hệ số mức lương cơ sở: Nhập số 0 hoặc số dương, "
                              "không nhập số âm."),
    ({"subject": "robot"}, "Đối tượng: Lựa chọn không hợp lệ."),
], ids=["short", "space", "vietnamese-letter", "digit-first", "no-name", "threshold",
        "negative-cash", "subject"])
def test_bad_input_is_a_400_with_the_reason_in_vietnamese(change, message, seeded, login,
                                                          in_app):
    response = login("admin").post("/awards/new", data={**NEW, **change})
    assert response.status_code == 400
    assert message in _html(response)
    with in_app() as session:
        assert session.scalar(select(func.count(AwardType.id))) == len(CATALOGUE)
        assert session.scalar(select(func.count(AuditEvent.id))
                              .where(AuditEvent.action == "award.create")) == 0


def test_the_service_refuses_what_the_form_cannot_catch(seeded, ctx):
    admin = _admin()
    with pytest.raises(ServiceError, match="Unknown kind of commendation|Loại khen thưởng"):
        catalogue.create_award(admin, code="XX", fields={"name": "X",
                                                         "commendation_kind": "gift"})
    with pytest.raises(ServiceError, match="0 đến 1000|0 to 1000"):
        catalogue.create_award(admin, code="XX", fields={"name": "X", "cash_multiple": "1.234"})
    with pytest.raises(ServiceError, match="60"):
        catalogue.create_award(admin, code="XX", fields={"name": "X", "publication_days": 61})
    with pytest.raises(ServiceError):
        catalogue.create_award(admin, code="XX", fields={"name": "   "})
    with pytest.raises(Conflict):  # lower case is raised: LDTT exists
        catalogue.create_award(admin, code=" ldtt ", fields={"name": "X"})
    organiser = db.session.scalar(select(User).where(User.username == "tochuc"))
    with pytest.raises(PermissionDenied):
        catalogue.create_award(organiser, code="XX", fields={"name": "X"})
    assert not catalogue.code_used("XX")


def test_only_an_administrator_adds_or_retires_award_types(seeded, login, in_app):
    for username in ("tochuc", "donvi1", "xem"):
        client = login(username)
        assert client.get("/awards/new").status_code == 403
        assert client.post("/awards/new", data=NEW).status_code == 403
        assert client.post("/awards/LDTT/active", data={"version": "1", "active": "0"}) \
            .status_code == 403
        assert client.post("/awards/LDTT/delete", data={"version": "1"}).status_code == 403
    assert "Thêm danh hiệu, hình thức khen thưởng" not in _html(login("tochuc").get("/awards/"))
    assert "Thêm danh hiệu, hình thức khen thưởng" in _html(login("admin").get("/awards/"))
    with in_app() as session:
        assert catalogue.award_by_code("LDTT").active
        assert session.scalar(select(AwardType).where(AwardType.code == "BK_CDX")) is None


# --- taking out of use, deleting --------------------------------------------------------------

def _nominate(world, code: str):
    return nom.create(SYSTEM, award=catalogue.award_by_code(code), year=2026,
                      proposing_unit=db.session.get(Unit, world.unit1.id),
                      person=db.session.get(Person, world.person1.id),
                      texts={"summary": "Thành tích"})


def test_an_award_with_nominations_is_taken_out_of_use_not_deleted(seeded, world, login,
                                                                   in_app):
    with in_app():
        _nominate(world, "GK_CDCT")
        version = catalogue.award_by_code("GK_CDCT").version
    admin = login("admin")
    refused = admin.post("/awards/GK_CDCT/delete", data={"version": version})
    assert refused.status_code == 409
    assert "không thể xóa. Hãy ngừng sử dụng thay vì xóa." in _html(refused)
    stale = admin.post("/awards/GK_CDCT/active", data={"version": version - 1, "active": "0"})
    assert stale.status_code == 409
    assert admin.post("/awards/GK_CDCT/active", data={"version": version, "active": "x"}) \
        .status_code == 400
    done = admin.post("/awards/GK_CDCT/active", data={"version": version, "active": "0"})
    assert done.status_code == 302
    with in_app() as session:
        award = catalogue.award_by_code("GK_CDCT")
        assert not award.active and award.rules
        assert "GK_CDCT" not in {a.code for a in catalogue.awards_for("individual")}
        events = session.scalars(select(AuditEvent).where(
            AuditEvent.object_type == "award_type", AuditEvent.object_id == award.id)).all()
        assert [(e.action, e.after_data) for e in events] == [
            ("award.deactivate", {"active": False})]
        with pytest.raises(ServiceError):  # no new nomination for it
            nom.create(SYSTEM, award=award, year=2027,
                       proposing_unit=db.session.get(Unit, world.unit1.id),
                       person=db.session.get(Person, world.person1.id), texts={})
        version = award.version
    page = _html(admin.get("/awards/"))
    assert re.search(r"GK_CDCT.*?Ngừng sử dụng", page, re.S)
    back = admin.post("/awards/GK_CDCT/active", data={"version": version, "active": "1"})
    assert back.status_code == 302
    with in_app() as session:
        assert catalogue.award_by_code("GK_CDCT").active
        assert session.scalar(select(func.count(AuditEvent.id)).where(
            AuditEvent.action == "award.activate")) == 1


def test_an_unused_award_is_deleted_audited_and_one_with_records_is_not(seeded, world, login,
                                                                       in_app):
    admin = login("admin")
    assert admin.post("/awards/new", data=NEW).status_code == 302
    with in_app() as session:
        version = catalogue.award_by_code("BK_CDX").version
        session.add(AwardRecord(award_code="BANG_LDST", year=2025, decision_number="1",
                                source="import", person_id=world.person1.id))
        session.commit()
        used = catalogue.award_by_code("BANG_LDST").version
    assert admin.post("/awards/BANG_LDST/delete", data={"version": used}).status_code == 409
    assert admin.post("/awards/BK_CDX/delete", data={"version": version}).status_code == 302
    with in_app() as session:
        assert not catalogue.code_used("BK_CDX") and catalogue.code_used("BANG_LDST")
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "award.delete"))
        assert event.before_data["code"] == "BK_CDX"
        # another award's rule naming a code also keeps it
        assert catalogue.award_in_use(catalogue.award_by_code("CSTDCS"))


# --- the catalogue page -----------------------------------------------------------------------

def test_the_catalogue_counts_the_rules_of_the_set_in_force(seeded, login, ctx):
    rows = {a.code: (s.code if s else None, n)
            for a, s, n in catalogue.catalogue_rows(date(2025, 3, 1))}
    assert rows["LDTT"] == ("TDKT2022-ND98", 2)
    assert rows["TTLDXS"] == ("TDKT2022-ND98", 5)
    rows = {a.code: (s.code if s else None, n)
            for a, s, n in catalogue.catalogue_rows(date(2026, 1, 1))}
    assert rows["LDTT"] == ("TDKT2022-ND152", 2) and rows["KNC_CD"] == ("TDKT2022-ND152", 2)
    # both sets hold 2 rules each; the page said 4
    assert len(catalogue.award_by_code("LDTT").rules) == 4
    db.session.remove()
    page = _html(login("xem").get("/awards/"))
    row = re.search(r"<code data-award-code>LDTT</code>.*?</tr>", page, re.S).group(0)
    cell = re.search(r'class="rules-in-force">(.*?)</td>', row, re.S).group(1)
    assert cell.startswith("2 ") and "Luật TĐKT 2022 và Nghị định 152/2025" in cell


def test_the_catalogue_page_reads_in_a_fixed_number_of_queries(seeded, login, queries,
                                                               in_app):
    client = login("xem")
    client.get("/awards/")
    with queries() as first:
        client.get("/awards/")
    with in_app():
        award = catalogue.create_award(_admin(), code="ZZ", fields={"name": "Z"})
        catalogue.save_rule(_admin(), award, None, kind="manual", params_text='{"text": "x"}',
                            subject="both", legal_reference="", note="")
    with queries() as second:
        assert "<code data-award-code>ZZ</code>" in _html(client.get("/awards/"))
    assert len(second) == len(first)


# --- the union's forms ------------------------------------------------------------------------

def test_the_unions_forms_are_seeded_with_their_source_and_unverified_note(seeded, ctx):
    for code in UNION_FORMS:
        award = catalogue.award_by_code(code)
        assert TLD in award.legal_reference, code
        assert "điều kiện chưa đối chiếu" in award.note, code
        assert award.cash_multiple is None, code  # the union's own amounts: not entered
        assert {r.rule_set.code for r in award.rules} == {"TDKT2022-ND98", "TDKT2022-ND152"}
        assert all(r.legal_reference for r in award.rules), code
    kinds = {code: catalogue.award_by_code(code).subject for code in UNION_FORMS}
    assert kinds == {"BK_TLD": "both", "CO_TLD": "collective", "CO_CDN": "collective",
                     "BK_CDN": "both", "CO_LDLD": "collective", "BK_LDLD": "both",
                     "GK_CDCT": "both", "BANG_LDST": "both", "KNC_CD": "individual"}
    knc = catalogue.award_by_code("KNC_CD")
    assert knc.commendation_kind == "long_service" and "niên hạn" in knc.note
    assert {a.commendation_kind for a in db.session.scalars(select(AwardType))
            if a.code != "KNC_CD"} == {"regular"}


STAR = engine.Records("individual", {y: "excellent" for y in range(2020, 2027)},
                      tuple(("CSTDCS", y) for y in range(2020, 2027)),
                      tuple((y, "grassroots", False) for y in range(2020, 2027)))


@pytest.mark.parametrize("code", ["CO_CDN", "BK_CDN", "CO_LDLD", "BK_LDLD", "GK_CDCT",
                                  "BANG_LDST", "KNC_CD"])
def test_qd999_unverified_forms_are_for_the_council_never_eligible(code, seeded, ctx):
    award = catalogue.award_by_code(code)
    unit = engine.Records("collective", {2026: "excellent"}, members=engine.MemberStats(10),
                          rank=1)
    for records in (STAR, unit):
        if records.kind not in eligibility.subjects_of(award):
            verdict = eligibility.judge(award, records, 2026)
            assert verdict.eligible is False
            assert verdict.rules[0].kind == "subject"
            continue
        verdict = eligibility.judge(award, records, 2026)
        assert verdict.eligible is None, (code, records.kind)
        manual = next(r for r in verdict.rules if r.kind == "manual")
        assert manual.message_vi.startswith("Cần Hội đồng xem xét: tiêu chuẩn")
        assert "(điều kiện chưa đối chiếu)" in manual.message_vi
        assert "(conditions not verified)" in manual.message_en
        assert manual.legal_reference == TLD


def test_qd999_unverified_forms_refuse_a_person_under_discipline(seeded, ctx):
    """Decree 152/2025 Art. 4 cuts across every form: not eligible, not "for the council"."""
    disciplined = engine.Records("individual", {2026: "excellent"}, disciplines=(
        ("khien_trach", date(2026, 3, 1), date(2027, 2, 28)),))
    for code in ("BK_CDN", "GK_CDCT", "KNC_CD", "BK_TLD"):
        assert eligibility.judge(catalogue.award_by_code(code), disciplined, 2026).eligible \
            is False, code


def test_art74_1_d_bk_tld_takes_the_standards_of_a_central_mass_organisation(seeded, ctx):
    bk_tld = catalogue.award_by_code("BK_TLD")
    two = engine.Records("individual", {2025: "good", 2026: "good"},
                         (("CSTDCS", 2025), ("CSTDCS", 2026)),
                         ((2025, "grassroots", False), (2026, "grassroots", False)))
    verdict = eligibility.judge(bk_tld, two, 2026)
    assert verdict.eligible is True and verdict.rule_set.code == "TDKT2022-ND152"
    no_initiative = engine.Records("individual", two.appraisals, two.awards)
    assert eligibility.judge(bk_tld, no_initiative, 2026).eligible is False
    unit = engine.Records("collective", {2026: "excellent"}, members=engine.MemberStats(5))
    collective = eligibility.judge(bk_tld, unit, 2026)
    assert collective.eligible is None
    assert "Điều 74.2" in collective.rules[0].message_vi


def test_art26_co_tld_leads_its_cluster(seeded, ctx):
    co_tld = catalogue.award_by_code("CO_TLD")
    leader = engine.Records("collective", {2026: "excellent"}, members=engine.MemberStats(9),
                            rank=1)
    assert eligibility.judge(co_tld, leader, 2026).eligible is True
    second = engine.Records("collective", {2026: "excellent"}, members=engine.MemberStats(9),
                            rank=2)
    assert eligibility.judge(co_tld, second, 2026).eligible is False
    assert eligibility.judge(co_tld, STAR, 2026).eligible is False  # a person: subject


def test_art73_1_b_bk_ttg_counts_a_bk_tld_like_a_ministrys(seeded, ctx):
    bk_ttg = catalogue.award_by_code("BK_TTG")
    after_tld = engine.Records(
        "individual", {y: "good" for y in range(2019, 2027)},
        (("BK_TLD", 2020), ("CSTDCS", 2022), ("CSTDCS", 2023), ("CSTDCS", 2025)))
    assert eligibility.judge(bk_ttg, after_tld, 2026).eligible is True
    before_tld = engine.Records(
        "individual", {y: "good" for y in range(2019, 2027)},
        (("CSTDCS", 2022), ("CSTDCS", 2023), ("CSTDCS", 2025), ("BK_TLD", 2025)))
    assert eligibility.judge(bk_ttg, before_tld, 2026).eligible is False


def test_art8_a_decision_records_a_kỷ_niệm_chương_as_long_service(seeded, world, ctx):
    n = _nominate(world, "KNC_CD")
    n.state, n.level_unit_id = "on_agenda", world.top.id
    council = Council(name="Hội đồng", unit_id=world.top.id)
    meeting = CouncilMeeting(council=council, title="Phiên", held_on=date(2026, 12, 1),
                             state="closed")
    db.session.add_all([council, meeting, AgendaItem(meeting=meeting, nomination=n, passed=True),
                        Publication(meeting=meeting, starts_on=date(2026, 12, 2),
                                    ends_on=date(2026, 12, 5), published_by="system")])
    db.session.commit()
    tochuc = db.session.scalar(select(User).where(User.username == "tochuc"))
    decision = ds.create_decision(tochuc, db.session.get(Unit, world.top.id), number="9/QĐ",
                                  signed_on=date(2026, 12, 30), signer="Chủ tịch",
                                  nominations=[n], today=date(2026, 12, 10))
    ds.issue(tochuc, decision, decision.version, date(2026, 12, 30))
    record = db.session.scalar(select(AwardRecord).where(AwardRecord.award_code == "KNC_CD"))
    assert record.kind == "long_service"


# --- legal references ---------------------------------------------------------------------------

def _live_rules():
    return db.session.scalars(select(AwardRule).outerjoin(RuleSet).where(
        (AwardRule.rule_set_id.is_(None)) | (RuleSet.valid_to.is_(None)))).all()


def test_live_rules_cite_decree_152_and_no_repealed_decree(seeded, ctx):
    live = _live_rules()
    assert live and {r.rule_set.code for r in live} == {"TDKT2022-ND152"}
    for rule in live:
        text = f"{rule.legal_reference} {rule.note} {rule.params}"
        assert "98/2023" not in text and "91/2017" not in text, rule.award_type.code
    discipline = {r.legal_reference for r in live if r.kind == "no_discipline"}
    assert discipline == {"Nghị định 152/2025/NĐ-CP, Điều 4"}
    for award in db.session.scalars(select(AwardType)):
        text = f"{award.legal_reference} {award.note}"
        assert "98/2023" not in text and "91/2017" not in text, award.code
    # the rule set of 2024 to mid-2025 keeps its historical references
    old = db.session.scalars(select(AwardRule).join(RuleSet).where(
        RuleSet.code == "TDKT2022-ND98", AwardRule.kind == "no_discipline")).all()
    assert {r.legal_reference for r in old} == {"Nghị định 98/2023/NĐ-CP, Điều 4"}


def test_the_90_percent_vote_thresholds_are_marked_as_editable_examples(seeded, ctx):
    for code in ("CSTD_BO", "CSTD_TQ", "CO_CP", "BK_TTG"):
        award = catalogue.award_by_code(code)
        assert (award.vote_threshold_pct, award.vote_base) == (90, "all")
        assert "ví dụ có thể sửa" in award.note and "91/2017" not in award.note, code


def test_a_decision_draft_cites_the_decree_of_the_rule_set_in_force_on_its_date(seeded, ctx):
    law = "Luật Thi đua, khen thưởng 06/2022/QH15"
    assert documents.legal_bases(date(2025, 6, 30)) == [law, "Nghị định 98/2023/NĐ-CP"]
    assert documents.legal_bases(date(2025, 7, 1)) == [law, "Nghị định 152/2025/NĐ-CP"]
    assert documents.legal_bases(date(2026, 12, 30)) == [law, "Nghị định 152/2025/NĐ-CP"]
    # the bases are data: an edited rule set is what the documents cite
    rule_set = db.session.scalar(select(RuleSet).where(RuleSet.code == "TDKT2022-ND152"))
    rule_set.legal_source = f"{law}; Nghị định 999/2030/NĐ-CP"
    db.session.flush()
    assert documents.legal_bases(date(2026, 12, 30))[-1] == "Nghị định 999/2030/NĐ-CP"


def test_seeding_stays_idempotent_and_keeps_admin_edits_of_union_forms(seeded, ctx):
    admin = _admin()
    knc = catalogue.award_by_code("KNC_CD")
    catalogue.update_award(admin, knc, knc.version, {"name": "Kỷ niệm chương (sửa)",
                                                     "commendation_kind": "career"})
    rules = len(knc.rules)
    assert seed(db.session) == 0
    db.session.commit()
    db.session.expire_all()
    knc = catalogue.award_by_code("KNC_CD")
    assert (knc.name, knc.commendation_kind, len(knc.rules)) == (
        "Kỷ niệm chương (sửa)", "career", rules)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "award.update"))
    assert json.loads(event.after)["commendation_kind"] == "career"
    assert {row[0] for row in CATALOGUE} >= set(UNION_FORMS)
