"""Award type's kind of commendation, the union's forms of 999/QĐ-TLĐ, Decree 152/2025 cited

Award types gain the kind of commendation a decision records for them (Law Art. 8): regular,
except the union's Kỷ niệm chương (long service), also where it is already in the catalogue.

A database whose catalogue was seeded (it holds the seeded rule sets) is brought to what a new
database's `flask seed-catalogue` writes, wherever nobody changed the seeded rows — a row is
changed only when it still holds exactly what the seed wrote, and an award's rules are
replaced only when no administrator ever saved or deleted one of them (the audit trail):

- the union's forms of Quyết định 999/QĐ-TLĐ (29/05/2024) that are missing are added, with
  their rules in both seeded rule sets (a `manual` rule: for the council, conditions not
  verified);
- Bằng khen and Cờ thi đua of the Tổng Liên đoàn cite the Law's Art. 74 / 26 and 999/QĐ-TLĐ
  and take those articles' rules;
- Bằng khen of the Prime Minister (Art. 73.1.b) counts a Bằng khen of the Tổng Liên đoàn (a
  central mass organisation) like a ministry's;
- the 90%-of-all-members vote thresholds no longer cite repealed Decree 91/2017: they are
  marked as editable examples;
- rules of no rule set seeded before rule sets existed that cite Decree 98/2023 (the
  discipline principle) cite Decree 152/2025 Art. 4, where that principle carried over. The
  rule set TDKT2022-ND98 (2024 to mid-2025) keeps its references to Decree 98/2023.

Downgrade drops the column only; the catalogue rows stay as upgraded.

Revision ID: 3f13134f0d63
Revises: e23b2cf099a4
Create Date: 2026-11-30 12:13:56.178429

"""
import json
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

revision = '3f13134f0d63'
down_revision = 'e23b2cf099a4'
branch_labels = None
depends_on = None

KINDS = "'regular', 'thematic', 'one_off', 'career', 'long_service', 'foreign'"
CHECK = "ck_award_type_commendation_kind_known"
LAW = "Luật Thi đua, khen thưởng 06/2022/QH15"
TLD = "Quyết định 999/QĐ-TLĐ ngày 29/05/2024"
UNVERIFIED = "điều kiện chưa đối chiếu"
SETS = {"TDKT2022-ND98": "Nghị định 98/2023/NĐ-CP", "TDKT2022-ND152": "Nghị định 152/2025/NĐ-CP"}
DECREE = "Nghị định 152/2025/NĐ-CP"
AUDITED_RULE_EDITS = ("award.rule_save", "award.rule_delete")
VOTE_EXAMPLE = ("Ngưỡng 90% tổng số thành viên Hội đồng là ví dụ có thể sửa, không lấy từ văn bản "
                "đang có hiệu lực; đặt theo quy chế hoạt động của Hội đồng.")
OLD_VOTE_NOTES = {
    "CSTD_BO": ("Ngưỡng 90% tổng số thành viên Hội đồng theo Nghị định 91/2017 (đã hết hiệu "
                "lực); giữ làm ví dụ có thể sửa.",
                "Ngưỡng 90% tổng số thành viên Hội đồng theo quy định cũ; cần đối chiếu văn bản "
                "hiện hành."),
    "CSTD_TQ": ("",), "CO_CP": ("",),
    "BK_TTG": ("Mức tiền thưởng tập thể gấp đôi cá nhân theo Điều 49 Nghị định 152/2025 (theo "
               "báo cáo, cần đối chiếu).",),
}
CASH_NOTE = ("Mức tiền thưởng tập thể gấp đôi cá nhân theo Điều 49 Nghị định 152/2025 (theo báo "
             "cáo, cần đối chiếu).")
NEW_VOTE_NOTES = {"CSTD_BO": VOTE_EXAMPLE, "CSTD_TQ": VOTE_EXAMPLE, "CO_CP": VOTE_EXAMPLE,
                  "BK_TTG": f"{CASH_NOTE} {VOTE_EXAMPLE}"}
DISCIPLINE_NOTE = ("Không khen thưởng người đang bị kỷ luật; sau kỷ luật, thành tích chỉ tính từ "
                   "khi hết thời hạn kỷ luật, nên xét trên toàn bộ thời gian của danh hiệu.")
# The discipline rule as seeded before rule sets existed
OLD_DISCIPLINE = ("Nghị định 98/2023/NĐ-CP",
                  "Người đang bị kỷ luật không được đề nghị khen thưởng (Điều 5 Nghị định "
                  "98/2023); mức kỷ luật chặn khen thưởng cần đối chiếu văn bản hiện hành.")


def _rule(kind, params, subject="both", legal_reference="", note=""):
    return {"kind": kind, "params": params, "subject": subject,
            "legal_reference": legal_reference, "note": note}


def _no_discipline(years):
    return _rule("no_discipline", {"min_level": "khien_trach", "years": years}, "individual",
                 f"{DECREE}, Điều 4", DISCIPLINE_NOTE)


OLD_UNION_MANUAL = {"text": "theo quy chế khen thưởng của Tổng Liên đoàn",
                    "text_en": "by the union's own rules"}
OLD_TLD = {
    "BK_TLD": ("Quy chế khen thưởng của Tổng Liên đoàn",
               "Tiêu chuẩn theo quy chế của tổ chức Công đoàn; nhập dưới dạng quy tắc.",
               [_rule("manual", OLD_UNION_MANUAL)]),
    "CO_TLD": ("Quy chế khen thưởng của Tổng Liên đoàn", "",
               [_rule("rank", {"max_rank": 1}), _rule("manual", OLD_UNION_MANUAL)]),
}
GRASSROOTS_TWO = {"count": 2, "min_scope": "grassroots", "research": True}
NEW_TLD = {
    "BK_TLD": (
        f"{LAW}, Điều 74; {TLD}",
        f"Tổng Liên đoàn là đoàn thể trung ương: tiêu chuẩn Điều 74 của Luật cộng quy định của "
        f"{TLD} ({UNVERIFIED}). Mức tiền thưởng theo quy định của Tổng Liên đoàn (chưa nhập).",
        [_rule("any_of", {"rules": [
            {"kind": "run", "params": {"each_award": "CSTDCS", "years": 2,
                                       "after_last": "BK_TLD", "initiatives": GRASSROOTS_TWO}},
            {"kind": "run", "params": {"min": "excellent", "years": 2, "after_last": "BK_TLD",
                                       "initiatives": GRASSROOTS_TWO}}]},
            "individual", f"{LAW}, Điều 74.1.d; {TLD}",
            "Tiêu chuẩn Bằng khen cấp đoàn thể trung ương (Điều 74.1.d, như Bằng khen bộ); "
            f"tiêu chuẩn bổ sung của {TLD}: {UNVERIFIED}."),
         _no_discipline(2),
         _rule("manual", {"text": f"tiêu chuẩn tập thể theo Điều 74.2 và {TLD} ({UNVERIFIED})",
                          "text_en": "the collective criteria of Art. 74.2 and Decision "
                                     "999/QĐ-TLĐ of 29/05/2024 (conditions not verified)"},
               "collective", f"{LAW}, Điều 74.2; {TLD}")]),
    "CO_TLD": (
        f"{LAW}, Điều 26; {TLD}",
        f"Tiêu chuẩn Điều 26 của Luật cộng quy định của {TLD} ({UNVERIFIED}). Mức tiền thưởng "
        "theo quy định của Tổng Liên đoàn (chưa nhập).",
        [_rule("rank", {"max_rank": 1}, "both", f"{LAW}, Điều 26; {TLD}",
               f"Dẫn đầu cụm, khối thi đua (Điều 26); tiêu chuẩn bổ sung của {TLD}: "
               f"{UNVERIFIED}.")]),
}
OLD_TTG_RUN = ({"min": "good", "years": 5, "award": "CSTDCS", "count": 3, "after_last": "BK_BO",
                "after_required": True},
               "Đã được tặng Bằng khen cấp bộ, 05 năm tiếp theo trở lên liên tục hoàn thành tốt "
               "nhiệm vụ, trong thời gian đó có 03 lần CSTĐCS.")
NEW_TTG_RUN = ({"min": "good", "years": 5, "award": "CSTDCS", "count": 3,
                "after_last": ["BK_BO", "BK_TLD"], "after_required": True},
               "Đã được tặng Bằng khen cấp bộ, ban, ngành, tỉnh, đoàn thể trung ương (Bằng khen bộ "
               "hoặc Bằng khen của Tổng Liên đoàn), 05 năm tiếp theo trở lên liên tục hoàn thành "
               "tốt nhiệm vụ, trong thời gian đó có 03 lần CSTĐCS.")


def _union_form(code, name, category, subject, level, authority, what_vi, what_en, note="",
                kind="regular"):
    """A union form as `emulation.awards.catalogue.data.union_form` seeds it (frozen here)."""
    rules = [_rule("manual", {"text": f"tiêu chuẩn {what_vi} theo {TLD} ({UNVERIFIED})",
                              "text_en": f"the criteria for {what_en} under Decision "
                                         "999/QĐ-TLĐ of 29/05/2024 (conditions not verified)"},
                   "both", TLD, f"Tiêu chuẩn theo {TLD}: {UNVERIFIED}.")]
    if subject in ("individual", "both"):
        rules.append(_no_discipline(1))
    text = (f"Theo {TLD}; {UNVERIFIED}: Hội đồng xét theo quy định của tổ chức Công đoàn. Mức "
            "tiền thưởng theo quy định của Tổng Liên đoàn (chưa nhập).")
    return {"code": code, "name": name, "category": category, "subject": subject,
            "commendation_kind": kind, "level": level, "issuing_authority": authority,
            "legal_reference": TLD, "note": f"{note} {text}".strip(), "rules": rules}


UNION_FORMS = [
    _union_form("CO_CDN", "Cờ thi đua của Công đoàn ngành Trung ương", "title", "collective",
                "Công đoàn ngành Trung ương", "Ban Thường vụ Công đoàn ngành Trung ương",
                "Cờ thi đua của Công đoàn ngành Trung ương",
                "the sector union's emulation flag"),
    _union_form("BK_CDN", "Bằng khen của Công đoàn ngành Trung ương", "commendation", "both",
                "Công đoàn ngành Trung ương", "Ban Thường vụ Công đoàn ngành Trung ương",
                "Bằng khen của Công đoàn ngành Trung ương",
                "the sector union's certificate of merit"),
    _union_form("CO_LDLD", "Cờ thi đua của Liên đoàn Lao động tỉnh, thành phố", "title",
                "collective", "Liên đoàn Lao động tỉnh, thành phố",
                "Ban Thường vụ Liên đoàn Lao động tỉnh, thành phố",
                "Cờ thi đua của Liên đoàn Lao động tỉnh, thành phố",
                "the provincial labour confederation's emulation flag"),
    _union_form("BK_LDLD", "Bằng khen của Liên đoàn Lao động tỉnh, thành phố", "commendation",
                "both", "Liên đoàn Lao động tỉnh, thành phố",
                "Ban Thường vụ Liên đoàn Lao động tỉnh, thành phố",
                "Bằng khen của Liên đoàn Lao động tỉnh, thành phố",
                "the provincial labour confederation's certificate of merit"),
    _union_form("GK_CDCT", "Giấy khen của công đoàn cấp trên trực tiếp cơ sở", "commendation",
                "both", "Công đoàn cấp trên trực tiếp cơ sở",
                "Ban Thường vụ công đoàn cấp trên trực tiếp cơ sở",
                "Giấy khen của công đoàn cấp trên", "an upper-level union's certificate of merit"),
    _union_form("BANG_LDST", "Bằng Lao động sáng tạo", "commendation", "both", "Tổng Liên đoàn",
                "Đoàn Chủ tịch Tổng Liên đoàn",
                "Bằng Lao động sáng tạo (sáng kiến, giải pháp được công nhận)",
                "the Creative Labour certificate (recognised initiatives and solutions)"),
    _union_form("KNC_CD", "Kỷ niệm chương \"Vì sự nghiệp xây dựng tổ chức Công đoàn\"",
                "commendation", "individual", "Tổng Liên đoàn", "Chủ tịch Tổng Liên đoàn",
                "Kỷ niệm chương: đủ số năm công tác công đoàn (khen thưởng theo niên hạn)",
                "the union's commemorative medal: enough years of union work (long service)",
                note="Khen thưởng theo niên hạn (Luật, Điều 8): bản ghi khen thưởng mang loại "
                     "\"niên hạn\" và không tính làm điều kiện cho danh hiệu, hình thức khác.",
                kind="long_service"),
]

award_type = sa.table(
    "award_type", sa.column("id", sa.Integer), sa.column("code", sa.String),
    sa.column("name", sa.String), sa.column("category", sa.String),
    sa.column("subject", sa.String), sa.column("commendation_kind", sa.String),
    sa.column("level", sa.String), sa.column("issuing_authority", sa.String),
    sa.column("legal_reference", sa.String), sa.column("note", sa.Text),
    sa.column("vote_threshold_pct", sa.Numeric), sa.column("vote_base", sa.String),
    sa.column("publication_days", sa.Integer), sa.column("active", sa.Boolean),
    sa.column("version", sa.Integer), sa.column("created_at", sa.DateTime),
    sa.column("updated_at", sa.DateTime))
award_rule = sa.table(
    "award_rule", sa.column("id", sa.Integer), sa.column("award_type_id", sa.Integer),
    sa.column("rule_set_id", sa.Integer), sa.column("position", sa.Integer),
    sa.column("subject", sa.String), sa.column("kind", sa.String), sa.column("params", sa.Text),
    sa.column("legal_reference", sa.String), sa.column("note", sa.Text),
    sa.column("created_at", sa.DateTime), sa.column("updated_at", sa.DateTime))
rule_set = sa.table("rule_set", sa.column("id", sa.Integer), sa.column("code", sa.String))
audit_event = sa.table("audit_event", sa.column("id", sa.Integer),
                       sa.column("action", sa.String), sa.column("object_type", sa.String),
                       sa.column("object_id", sa.Integer))


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        # SQLite adds the column with its check in place: batch mode would copy award_type
        # and drop the old table, and with foreign keys on that drop deletes every rule and
        # quota (ON DELETE CASCADE) and is refused once a nomination refers to an award type
        op.execute("ALTER TABLE award_type ADD COLUMN commendation_kind VARCHAR(12) DEFAULT "
                   f"'regular' NOT NULL CONSTRAINT {CHECK} CHECK (commendation_kind IN ({KINDS}))")
    else:
        op.add_column("award_type", sa.Column("commendation_kind", sa.String(length=12),
                                              server_default="regular", nullable=False))
        op.create_check_constraint(op.f(CHECK), "award_type", f"commendation_kind IN ({KINDS})")
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    awards = {row.code: row for row in bind.execute(sa.select(award_type))}
    sets = {code: bind.execute(sa.select(rule_set.c.id).where(rule_set.c.code == code))
            .scalar() for code in SETS}
    seeded_sets = all(sets.values())  # else `flask seed-catalogue` adds the sets and rules
    for form in UNION_FORMS:
        if seeded_sets and form["code"] not in awards:
            _add_form(bind, form, sets, now)
        elif form["code"] in awards and form["commendation_kind"] != "regular":
            # the column is new: nobody chose another kind yet
            bind.execute(award_type.update().where(award_type.c.code == form["code"])
                         .values(commendation_kind=form["commendation_kind"]))
    for code, (old_reference, old_note, old_rules) in OLD_TLD.items():
        award = awards.get(code)
        if award is None:
            continue
        reference, note, rules = NEW_TLD[code]
        values = {}
        if award.legal_reference == old_reference:
            values["legal_reference"] = reference
        if award.note == old_note:
            values["note"] = note
        if values:
            bind.execute(award_type.update().where(award_type.c.id == award.id)
                         .values(**values, updated_at=now))
        if seeded_sets and _seeded_rules_untouched(bind, award.id, old_rules, sets):
            bind.execute(award_rule.delete().where(award_rule.c.award_type_id == award.id))
            _add_rules(bind, award.id, rules, sets, now)
    for code, olds in OLD_VOTE_NOTES.items():
        award = awards.get(code)
        if award is not None and award.note in olds and award.vote_base == "all" \
                and award.vote_threshold_pct is not None and award.vote_threshold_pct == 90:
            bind.execute(award_type.update().where(award_type.c.id == award.id)
                         .values(note=NEW_VOTE_NOTES[code], updated_at=now))
    if "BK_TTG" in awards:
        for rule in bind.execute(sa.select(award_rule).where(
                award_rule.c.award_type_id == awards["BK_TTG"].id,
                award_rule.c.kind == "run")).all():
            if _params(rule.params) == OLD_TTG_RUN[0] and rule.note == OLD_TTG_RUN[1]:
                bind.execute(award_rule.update().where(award_rule.c.id == rule.id).values(
                    params=json.dumps(NEW_TTG_RUN[0], ensure_ascii=False), note=NEW_TTG_RUN[1],
                    updated_at=now))
    bind.execute(award_rule.update().where(
        award_rule.c.rule_set_id.is_(None), award_rule.c.kind == "no_discipline",
        award_rule.c.legal_reference == OLD_DISCIPLINE[0], award_rule.c.note == OLD_DISCIPLINE[1])
        .values(legal_reference=f"{DECREE}, Điều 4", note=DISCIPLINE_NOTE, updated_at=now))


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        # a copy of the table without the column and its CHECK (env.py runs migrations with
        # foreign keys off, so the copy deletes nothing that refers to award types); in place
        # is not possible once a later downgrade has copied the table and made the column's
        # CHECK a table constraint
        with op.batch_alter_table("award_type", recreate="always") as batch_op:
            batch_op.drop_constraint(op.f(CHECK), type_="check")
            batch_op.drop_column("commendation_kind")
    else:
        op.drop_constraint(op.f(CHECK), "award_type", type_="check")
        op.drop_column("award_type", "commendation_kind")


def _params(text):
    try:
        return json.loads(text or "{}")
    except ValueError:
        return None


def _add_form(bind, form, sets, now):
    bind.execute(award_type.insert().values(
        code=form["code"], name=form["name"], category=form["category"],
        subject=form["subject"], commendation_kind=form["commendation_kind"],
        level=form["level"], issuing_authority=form["issuing_authority"],
        legal_reference=form["legal_reference"], note=form["note"], vote_threshold_pct=50,
        vote_base="present", publication_days=0, active=True, version=1, created_at=now,
        updated_at=now))
    award_id = bind.execute(sa.select(award_type.c.id)
                            .where(award_type.c.code == form["code"])).scalar()
    _add_rules(bind, award_id, form["rules"], sets, now)


def _add_rules(bind, award_id, rules, sets, now):
    """The rules in each seeded set, the decree of its period in their references (as
    `emulation.awards.catalogue.data._add_rules` writes them)."""
    rows = []
    for code, set_id in sets.items():
        for position, rule in enumerate(rules, start=1):
            rows.append({"award_type_id": award_id, "rule_set_id": set_id, "position": position,
                         "subject": rule["subject"], "kind": rule["kind"],
                         "params": json.dumps(rule["params"], ensure_ascii=False),
                         "legal_reference": rule["legal_reference"].replace(DECREE, SETS[code]),
                         "note": rule["note"], "created_at": now, "updated_at": now})
    bind.execute(award_rule.insert(), rows)


def _seeded_rules_untouched(bind, award_id, old_rules, sets) -> bool:
    """No administrator ever saved or deleted a rule of the award, and it holds, in each
    seeded set and no other, exactly the rules the seed wrote."""
    edited = bind.execute(sa.select(audit_event.c.id).where(
        audit_event.c.object_type == "award_type", audit_event.c.object_id == award_id,
        audit_event.c.action.in_(AUDITED_RULE_EDITS)).limit(1)).scalar()
    if edited is not None:
        return False
    rows = bind.execute(sa.select(award_rule).where(award_rule.c.award_type_id == award_id)
                        .order_by(award_rule.c.rule_set_id, award_rule.c.position)).all()
    expected = [(rule["kind"], rule["subject"], rule["params"]) for rule in old_rules]
    for set_id in sets.values():
        held = [(r.kind, r.subject, _params(r.params)) for r in rows if r.rule_set_id == set_id]
        if held != expected:
            return False
    return len(rows) == len(expected) * len(sets)
