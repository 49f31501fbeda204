from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from emulation.awards.catalogue import services as catalogue_services
from emulation.awards.catalogue.data import CATALOGUE, seed
from emulation.awards.catalogue.models import AwardRule, AwardType
from emulation.awards.eligibility import services as eligibility
from emulation.awards.records.models import Appraisal, AwardRecord, Discipline, Initiative
from emulation.core import audit
from emulation.core.errors import PermissionDenied, ServiceError
from emulation.core.permissions import SYSTEM
from emulation.extensions import db
from emulation.org.models import Person, Unit
from tests.factories import gen_person


def csv(text: str) -> bytes:
    return ("\ufeff" + text).encode("utf-8")


def upload(client, kind, data, name="f.csv"):
    """Upload, then confirm the preview (a refused preview is returned as it is)."""
    from tests.org.test_import import upload as upload_and_confirm

    return upload_and_confirm(client, f"/records/import/{kind}", data, name)


@pytest.fixture
def catalogue(app):
    with app.app_context():
        seed(db.session)
        db.session.commit()


def test_catalogue_is_seeded_once_and_keeps_edits(world, ctx):
    assert seed(db.session) == len(CATALOGUE) == 20
    award = catalogue_services.award_by_code("CSTDCS")
    award.name = "Chiến sĩ thi đua cơ sở (sửa)"
    db.session.commit()
    assert seed(db.session) == 0
    assert catalogue_services.award_by_code("CSTDCS").name.endswith("(sửa)")
    cstdcs = catalogue_services.award_by_code("CSTDCS")
    assert cstdcs.quotas[0].of_code == "LDTT" and cstdcs.quotas[0].note
    assert all(r.legal_reference for r in cstdcs.rules)
    multiples = {code: (a.cash_multiple, a.cash_multiple_collective) for code, a in (
        (c, catalogue_services.award_by_code(c)) for c in ("BK_TTG", "BK_BO", "GK", "TTLDXS"))}
    assert multiples == {"BK_TTG": (Decimal(3), Decimal(6)), "BK_BO": (Decimal("1.5"), Decimal(3)),
                         "GK": (Decimal("0.3"), Decimal("0.6")), "TTLDXS": (Decimal("1.5"), None)}


def _undated(award, params):
    """The award as seeded before rule sets existed: one rule of no set."""
    for rule in list(award.rules):
        award.rules.remove(rule)
    award.rules.append(AwardRule(position=1, kind="members_share", subject="both",
                                 params=params))


def test_seed_catalogue_upgrades_unedited_rules_and_keeps_edited_ones(world, ctx):
    seed(db.session)
    ttldtt, tt_edited = (catalogue_services.award_by_code(c) for c in ("TTLDTT", "TTLDXS"))
    _undated(ttldtt, '{"award": "LDTT", "min_pct": 50}')
    _undated(tt_edited, '{"award": "LDTT", "min_pct": 60}')
    audit.record(db.session, actor=SYSTEM, action="award.rule_save", obj=tt_edited,
                 summary="edited by an administrator")
    bk_bo, gk = (catalogue_services.award_by_code(c) for c in ("BK_BO", "GK"))
    bk_bo.cash_multiple, bk_bo.cash_multiple_collective = None, None
    gk.cash_multiple = Decimal("0.5")
    db.session.commit()
    assert seed(db.session) == 0
    db.session.commit()
    db.session.expire_all()
    ttldtt = catalogue_services.award_by_code("TTLDTT")
    assert {r.rule_set.code for r in ttldtt.rules} == {"TDKT2022-ND98", "TDKT2022-ND152"}
    assert {"award": "LDTT", "min_pct": 70} in [r.params_data for r in ttldtt.rules]
    edited = catalogue_services.award_by_code("TTLDXS")
    assert [(r.rule_set, r.params_data) for r in edited.rules] == [
        (None, {"award": "LDTT", "min_pct": 60})]
    assert catalogue_services.award_by_code("BK_BO").cash_multiple == Decimal("1.5")
    assert catalogue_services.award_by_code("BK_BO").cash_multiple_collective == Decimal("3")
    assert catalogue_services.award_by_code("GK").cash_multiple == Decimal("0.5")


def test_rules_are_validated_before_saving(world, catalogue, ctx):
    award = catalogue_services.award_by_code("LDTT")
    for params in ('{"min": "perfect"}', "[1, 2]", "{oops"):
        with pytest.raises(ServiceError):
            catalogue_services.save_rule(SYSTEM, award, None, kind="appraisal", params_text=params,
                               subject="individual", legal_reference="", note="")
    rule = catalogue_services.save_rule(SYSTEM, award, None, kind="appraisal",
                              params_text='{"min": "excellent", "years": 2}',
                              subject="individual", legal_reference="Điều 24", note="Thử")
    assert rule.params_data == {"min": "excellent", "years": 2}
    # a new rule joins the award's newest rule set, so older verdicts keep their rules
    assert rule.rule_set.code == "TDKT2022-ND152"
    assert [r.position for r in award.rules if r.rule_set is rule.rule_set] == [1, 2, 3]
    from emulation.auth.models import User

    officer = db.session.scalar(select(User).where(User.username == "donvi1"))
    with pytest.raises(PermissionDenied):
        catalogue_services.delete_rule(officer, rule)
    rule_set = rule.rule_set
    catalogue_services.delete_rule(SYSTEM, rule)
    assert [r.position for r in award.rules if r.rule_set is rule_set] == [1, 2]


def test_changing_a_threshold_changes_the_verdict_without_code(world, catalogue, ctx):
    person = db.session.get(Person, world.person1.id)
    db.session.add(Appraisal(person_id=person.id, year=2026, level="complete"))
    db.session.add(Appraisal(person_id=person.id, year=2024, level="complete"))
    db.session.commit()
    award = catalogue_services.award_by_code("LDTT")
    assert eligibility.check_person(award, person, 2026).eligible is False
    rule = next(r for r in award.rules if r.rule_set.code == "TDKT2022-ND152")
    catalogue_services.save_rule(SYSTEM, award, rule, kind="appraisal",
                                 params_text='{"min": "complete"}',
                                 subject="both", legal_reference=rule.legal_reference, note="")
    verdict = eligibility.check_person(award, person, 2026)
    assert verdict.eligible is True and verdict.rule_set.code == "TDKT2022-ND152"
    # the rules of 2024 are another set's: its verdicts do not move
    old = eligibility.check_person(award, person, 2024)
    assert old.eligible is False and old.rule_set.code == "TDKT2022-ND98"
    assert old.rules[0].legal_reference == "Luật Thi đua, khen thưởng 06/2022/QH15, Điều 24"


def test_admin_only_edits_the_catalogue(world, catalogue, login):
    assert login("tochuc").post("/awards/LDTT", data={"name": "X"}).status_code == 403
    assert login("tochuc").get("/awards/LDTT").status_code == 200
    response = login("admin").post("/awards/LDTT/rules", data={
        "kind": "appraisal", "subject": "both", "params": '{"min": "great"}'})
    assert response.status_code == 400
    assert "Không áp dụng được tiêu chuẩn" in response.get_data(as_text=True)


def test_record_imports_all_kinds_then_reimport_adds_nothing(world, catalogue, login, in_app):
    c = login("admin")
    files = {
        "appraisals": "Mã cá nhân,Mã đơn vị,Năm,Xếp loại\nP1,,2025,Hoàn thành xuất sắc nhiệm vụ\n"
                      ",CS-1,2025,tốt\n",
        "initiatives": "Mã cá nhân,Năm,Phạm vi,Đề tài khoa học,Tên sáng kiến\n"
                       "P1,2025,Cấp bộ,có,Cải tiến lò hơi\n",
        "disciplines": "Mã cá nhân,Hình thức kỷ luật,Từ ngày,Đến ngày,Lý do\n"
                       "P2,Khiển trách,01/03/2025,28/02/2026,Đi muộn\n",
        "awards": "Mã cá nhân,Mã đơn vị,Mã khen thưởng,Năm,Số quyết định\n"
                  "P1,,CSTDCS,2025,12/QĐ-CĐ\n,CS-1,TTLDXS,2025,13/QĐ-CĐ\n",
    }
    for kind, text in files.items():
        response = upload(c, kind, csv(text))
        assert response.status_code == 200, (kind, response.get_data(as_text=True)[-800:])
        again = upload(c, kind, csv(text))
        assert "tạo mới 0" in again.get_data(as_text=True), kind
    with in_app() as session:
        assert session.scalar(select(func.count(Appraisal.id))) == 2
        assert session.scalar(select(Initiative)).is_research is True
        assert session.scalar(select(Discipline)).level == "khien_trach"
        assert session.scalar(select(func.count(AwardRecord.id))) == 2


def test_art8_imported_awards_carry_their_kind(world, catalogue, login, in_app):
    text = ("Mã cá nhân,Mã khen thưởng,Năm,Số quyết định,Loại khen thưởng\n"
            "P1,BK_BO,2024,1/QĐ,Chuyên đề\nP1,CSTDCS,2025,2/QĐ,\n")
    assert upload(login("admin"), "awards", csv(text)).status_code == 200
    bad = csv("Mã cá nhân,Mã khen thưởng,Năm,Loại khen thưởng\nP1,LDTT,2025,bất chợt\n")
    response = upload(login("admin"), "awards", bad)
    assert response.status_code == 400
    assert "bất chợt" in response.get_data(as_text=True)
    with in_app() as session:
        kinds = dict(session.execute(select(AwardRecord.award_code, AwardRecord.kind)).all())
        assert kinds == {"BK_BO": "thematic", "CSTDCS": "regular"}


def test_record_import_errors_and_scope(world, catalogue, login, in_app):
    bad = csv("Mã cá nhân,Năm,Xếp loại\nP1,2025,tuyệt vời\nP404,2025,tốt\nP1,năm ngoái,tốt\n")
    response = upload(login("admin"), "appraisals", bad)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert all(f"<td>{n}</td>" in html for n in (2, 3, 4))
    other_unit = csv("Mã cá nhân,Năm,Xếp loại\nP2,2025,tốt\n")
    assert upload(login("donvi1"), "appraisals", other_unit).status_code == 400
    wrong_award = csv("Mã cá nhân,Mã đơn vị,Mã khen thưởng,Năm\nP1,,HUAN_CHUONG_XYZ,2025\n")
    assert upload(login("admin"), "awards", wrong_award).status_code == 400
    with in_app() as session:
        assert session.scalar(select(func.count(Appraisal.id))) == 0
        assert session.scalar(select(func.count(AwardRecord.id))) == 0


def test_cli_record_import(world, catalogue, runner, tmp_path):
    path = tmp_path / "awards.csv"
    path.write_bytes(csv("Mã cá nhân,Mã đơn vị,Mã khen thưởng,Năm\nP1,,LDTT,2024\n"))
    result = runner.invoke(args=["import", "awards", str(path)])
    assert result.exit_code == 0 and "created: 1" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv("Mã cá nhân,Năm,Xếp loại\nP1,2025,?\n"))
    failed = runner.invoke(args=["import", "appraisals", str(bad)])
    assert failed.exit_code == 1 and "row 2:" in failed.output


def test_person_eligibility_page_explains_itself(world, catalogue, login, in_app):
    with in_app() as session:
        for year in (2024, 2025):
            session.add(AwardRecord(award_code="CSTDCS", person_id=world.person1.id, year=year))
        session.add(Appraisal(person_id=world.person1.id, year=2025, level="excellent"))
        session.commit()
    c = login("donvi1")
    html = c.get(f"/people/{world.person1.id}/eligibility?award=CSTD_BO&year=2025"
                 ).get_data(as_text=True)
    assert "chưa đủ điều kiện" in html
    assert "Chưa đủ 3 năm liên tục đạt Chiến sĩ thi đua cơ sở đến 2025: có 2024, 2025; " \
           "thiếu 2023" in html
    assert c.get(f"/people/{world.person2.id}/eligibility?award=LDTT").status_code == 404
    en = login("donvi1")
    en.post("/language", data={"locale": "en"})
    html = en.get(f"/people/{world.person1.id}/eligibility?award=CSTD_BO&year=2025"
                  ).get_data(as_text=True)
    assert "consecutive years up to 2025" in html


def test_collective_records_count_members(world, catalogue, ctx, queries):
    unit = db.session.get(Unit, world.unit1.id)
    people = [db.session.get(Person, world.person1.id)] + [
        gen_person(f"M{i}", unit, f"Thành viên {i}") for i in range(9)]
    db.session.add(Appraisal(unit_id=unit.id, year=2026, level="excellent"))
    for i, p in enumerate(people):
        db.session.add(Appraisal(person_id=p.id, year=2026, level="good"))
        if i < 7:
            db.session.add(AwardRecord(award_code="LDTT", person_id=p.id, year=2026))
    db.session.add(AwardRecord(award_code="CSTDCS", person_id=people[0].id, year=2026))
    db.session.add(Discipline(person_id=people[9].id, level="khien_trach",
                              starts_on=date(2026, 1, 1), ends_on=date(2026, 6, 30)))
    db.session.commit()
    verdict = eligibility.check_unit(catalogue_services.award_by_code("TTLDXS"), unit, 2026)
    assert verdict.eligible is True, [r.message_vi for r in verdict.rules]
    with queries() as few:
        eligibility.units_records([unit.id], 2026)
    all_units = [u.id for u in db.session.scalars(select(Unit))]
    with queries() as many:
        eligibility.units_records(all_units, 2026)
    assert len(many) == len(few)
    people_ids = [p.id for p in people]
    with queries() as per_people:
        eligibility.people_records(people_ids)
    assert len(per_people) == 4


def test_award_type_subject_check(world, catalogue, ctx):
    award = db.session.scalar(select(AwardType).where(AwardType.code == "LDTT"))
    with pytest.raises(ServiceError):
        catalogue_services.update_award(SYSTEM, award, award.version, {
            "subject": "aliens", "vote_threshold_pct": 50})
