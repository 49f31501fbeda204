"""The catalogue migration of issue 14 item 14 brings a database seeded before it to what a new
database's seed writes, wherever nobody changed the seeded rows, and keeps what administrators
changed; on SQLite it adds its column in place, so no rule or quota is lost."""
from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import delete, func, select, update

from emulation.awards.catalogue.data import seed
from emulation.awards.catalogue.models import AwardQuota, AwardRule, AwardType, RuleSet
from emulation.core.audit import AuditEvent
from emulation.extensions import db
from tests.security.test_duplicates import fresh_url  # noqa: F401  (the fixture)

ROOT = Path(__file__).resolve().parents[2]
NEW_FORMS = ("CO_CDN", "BK_CDN", "CO_LDLD", "BK_LDLD", "GK_CDCT", "BANG_LDST", "KNC_CD")
OLD_MANUAL = {"text": "theo quy chế khen thưởng của Tổng Liên đoàn",
              "text_en": "by the union's own rules"}
OLD_TLD_REFERENCE = "Quy chế khen thưởng của Tổng Liên đoàn"
OLD_CSTD_BO_NOTE = ("Ngưỡng 90% tổng số thành viên Hội đồng theo Nghị định 91/2017 (đã hết hiệu "
                    "lực); giữ làm ví dụ có thể sửa.")
OLD_TTG_NOTE = ("Mức tiền thưởng tập thể gấp đôi cá nhân theo Điều 49 Nghị định 152/2025 (theo "
                "báo cáo, cần đối chiếu).")
OLD_DISCIPLINE = ("Nghị định 98/2023/NĐ-CP",
                  "Người đang bị kỷ luật không được đề nghị khen thưởng (Điều 5 Nghị định "
                  "98/2023); mức kỷ luật chặn khen thưởng cần đối chiếu văn bản hiện hành.")


def _migration():
    path = next((ROOT / "migrations" / "versions").glob("3f13134f0d63_*.py"))
    spec = importlib.util.spec_from_file_location("catalogue_migration", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _catalogue(session) -> dict:
    """Every award type's fields and rules (with their set), comparable across databases."""
    out = {}
    for award in session.scalars(select(AwardType).order_by(AwardType.code)):
        rules = sorted((r.rule_set.code if r.rule_set else "", r.position, r.subject, r.kind,
                        json.dumps(r.params_data, sort_keys=True), r.legal_reference, r.note)
                       for r in award.rules)
        out[award.code] = ((award.name, award.category, award.subject, award.level,
                            award.issuing_authority, award.cash_multiple,
                            award.cash_multiple_collective, award.legal_reference, award.note,
                            award.vote_threshold_pct, award.vote_base, award.publication_days,
                            award.active), rules)
    return out


def _age(session, award: AwardType, rules: list[tuple[str, dict]]) -> None:
    """Give the award the rules the seed wrote before this migration, in both sets."""
    session.execute(delete(AwardRule).where(AwardRule.award_type_id == award.id))
    for rule_set in session.scalars(select(RuleSet)):
        for position, (kind, params) in enumerate(rules, start=1):
            session.add(AwardRule(award_type_id=award.id, rule_set_id=rule_set.id,
                                  position=position, kind=kind, subject="both",
                                  params=json.dumps(params, ensure_ascii=False)))


def test_the_migration_upgrades_what_nobody_edited_and_keeps_edits(fresh_url):  # noqa: F811
    from emulation import create_app

    migration = _migration()
    env = {**os.environ, "DATABASE_URL": fresh_url, "SECRET_KEY": "x"}

    def flask_db(*args):
        done = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", *args],
                              cwd=ROOT, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr

    flask_db("upgrade")
    app = create_app({"SQLALCHEMY_DATABASE_URI": fresh_url, "SECRET_KEY": "x"})
    with app.app_context():
        seed(db.session)
        db.session.commit()
        expected = _catalogue(db.session)
        quotas = db.session.scalar(select(func.count(AwardQuota.id)))
        # the catalogue as the seed before this revision wrote it
        db.session.execute(delete(AwardType).where(AwardType.code.in_(NEW_FORMS)))
        by_code = {a.code: a for a in db.session.scalars(select(AwardType))}
        db.session.execute(update(AwardType).where(AwardType.code.in_(("BK_TLD", "CO_TLD")))
                           .values(legal_reference=OLD_TLD_REFERENCE))
        db.session.execute(update(AwardType).where(AwardType.code == "BK_TLD").values(
            note="Tiêu chuẩn theo quy chế của tổ chức Công đoàn; nhập dưới dạng quy tắc."))
        db.session.execute(update(AwardType).where(AwardType.code == "CO_TLD").values(note=""))
        _age(db.session, by_code["BK_TLD"], [("manual", OLD_MANUAL)])
        _age(db.session, by_code["CO_TLD"], [("rank", {"max_rank": 1}), ("manual", OLD_MANUAL)])
        db.session.execute(update(AwardType).where(AwardType.code == "CSTD_BO")
                           .values(note=OLD_CSTD_BO_NOTE))
        db.session.execute(update(AwardType).where(AwardType.code.in_(("CSTD_TQ", "CO_CP")))
                           .values(note=""))
        db.session.execute(update(AwardType).where(AwardType.code == "BK_TTG")
                           .values(note=OLD_TTG_NOTE))
        for rule in by_code["BK_TTG"].rules:
            if rule.kind == "run":
                params = {**rule.params_data, "after_last": "BK_BO"}
                rule.params = json.dumps(params, ensure_ascii=False)
                rule.note = ("Đã được tặng Bằng khen cấp bộ, 05 năm tiếp theo trở lên liên tục "
                             "hoàn thành tốt nhiệm vụ, trong thời gian đó có 03 lần CSTĐCS.")
        # an administrator edited TTLDXS's rules before rule sets existed: they kept no set,
        # with the discipline rule as seeded then
        ttldxs = by_code["TTLDXS"]
        db.session.execute(delete(AwardRule).where(AwardRule.award_type_id == ttldxs.id))
        db.session.add_all([
            AwardRule(award_type_id=ttldxs.id, position=1, kind="members_share",
                      params='{"min_pct": 60}', legal_reference="sửa"),
            AwardRule(award_type_id=ttldxs.id, position=2, kind="no_discipline",
                      params='{"min_level": "khien_trach"}', legal_reference=OLD_DISCIPLINE[0],
                      note=OLD_DISCIPLINE[1])])
        db.session.add(AuditEvent(action="award.rule_save", object_type="award_type",
                                  object_id=ttldxs.id, summary="edited"))
        # and edited a rule of CO_TLD and its note: both stay
        db.session.add(AuditEvent(action="award.rule_save", object_type="award_type",
                                  object_id=by_code["CO_TLD"].id, summary="edited"))
        db.session.execute(update(AwardType).where(AwardType.code == "CO_TLD")
                           .values(note="Ghi chú của quản trị viên"))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    flask_db("downgrade", migration.down_revision)
    flask_db("upgrade")
    with app.app_context():
        got = _catalogue(db.session)
        assert db.session.scalar(select(func.count(AwardQuota.id))) == quotas
        knc = db.session.scalar(select(AwardType).where(AwardType.code == "KNC_CD"))
        assert knc.commendation_kind == "long_service"
        ttldxs_rules = got.pop("TTLDXS")[1]
        co_tld = got.pop("CO_TLD")
        expected.pop("TTLDXS")
        expected_co_tld = expected.pop("CO_TLD")
        assert got == expected
        # edited: kept as they were, the discipline rule citing the decree in force
        assert [(r[3], r[5]) for r in ttldxs_rules] == [
            ("members_share", "sửa"), ("no_discipline", "Nghị định 152/2025/NĐ-CP, Điều 4")]
        assert "Nghị định 98/2023" not in ttldxs_rules[1][6]
        assert co_tld[0][8] == "Ghi chú của quản trị viên"
        assert co_tld[0][7] == expected_co_tld[0][7]  # the reference nobody edited: upgraded
        assert [r[3] for r in co_tld[1]] == ["rank", "manual", "rank", "manual"]
        db.session.remove()
        db.engine.dispose()
