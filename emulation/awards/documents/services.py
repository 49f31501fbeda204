"""Documents from templates: which template a unit uses, replacing it, the unit's letterhead
data, and the context each document is rendered with.

A unit's own template (uploaded by its organisers) wins; otherwise the shipped default of the
unit's style (a trade union's or a state body's, by the unit's kind). Every document is
rendered in Vietnamese (official papers): dates in the administrative form, numbers and money
by Babel's `vi` locale, award names from the catalogue, legal bases from the rule set in force
on the document's date."""
from __future__ import annotations

import re
from datetime import date

from flask_babel import force_locale, format_date, format_decimal, format_percent
from flask_babel import gettext as _
from sqlalchemy import func, select

from emulation.awards.catalogue.models import AwardType, RuleSet
from emulation.awards.documents import rendering
from emulation.awards.documents.defaults import default_path
from emulation.awards.documents.enums import UNION_KINDS, DocumentKind, DocumentStyle
from emulation.awards.documents.models import DocumentTemplate
from emulation.awards.eligibility.engine import rule_set_on
from emulation.awards.records.enums import AppraisalLevel, DisciplineLevel, InitiativeScope
from emulation.awards.records.models import Appraisal, AwardRecord, Discipline, Initiative
from emulation.core import audit
from emulation.core import permissions as perms
from emulation.core.errors import NotFound, PermissionDenied, ServiceError, check_version
from emulation.core.formatting import VI_DATE
from emulation.core.text import clean, xml_safe
from emulation.core.uploads import read as read_upload
from emulation.core.uploads import store
from emulation.extensions import db
from emulation.org.models import Person, Unit

ORGANISER = ("organiser",)
KINDS = DocumentKind.values()
# The signature block a style prints when the unit has not set its own.
SIGNATURE_DEFAULTS = {"union": ("TM. BAN THƯỜNG VỤ", "CHỦ TỊCH"),
                      "state": ("KT. BỘ TRƯỞNG", "THỨ TRƯỞNG")}
LETTERHEAD_FIELDS = ("place_name", "letterhead", "sign_for", "signer_title")


def style_of(unit: Unit) -> str:
    """The house style of the unit's documents: a union unit's kinds take the trade union's."""
    return DocumentStyle.UNION if unit.kind in UNION_KINDS else DocumentStyle.STATE


# --- templates ---------------------------------------------------------------------------

def template_bytes(unit: Unit, kind: str) -> bytes:
    """The template the unit renders `kind` with: its own, else its style's default."""
    own = own_template(unit, kind)
    if own is not None:
        data = read_upload(own.attachment)
        if data is None:  # the store lost the unit's file: never fall back to the default
            raise FileNotFoundError(own.attachment.stored_name)
        return data
    return default_path(style_of(unit), kind).read_bytes()


def own_template(unit: Unit, kind: str) -> DocumentTemplate | None:
    return db.session.scalar(select(DocumentTemplate).where(DocumentTemplate.unit_id == unit.id,
                                                            DocumentTemplate.kind == kind))


def templates_of(unit: Unit) -> dict[str, DocumentTemplate | None]:
    """kind → the unit's own template, or None where it uses the default."""
    own = {t.kind: t for t in db.session.scalars(
        select(DocumentTemplate).where(DocumentTemplate.unit_id == unit.id))}
    return {kind: own.get(kind) for kind in KINDS}


def managed_unit(actor, unit_id: int) -> Unit:
    """A unit whose templates the actor may manage (an organiser covering it); anything else
    is NotFound, so another unit's templates are neither read nor replaced."""
    unit = db.session.get(Unit, unit_id)
    if unit is None or not perms.covers(actor, unit, ORGANISER):
        raise NotFound(_("No such unit, or you may not manage its documents."))
    return unit


def replace_template(actor, unit: Unit, kind: str, upload) -> DocumentTemplate:
    """Check an uploaded `.docx` and make it the unit's template for `kind`. A file that is
    not a Word document, whose Jinja tags do not parse, or that fails to render a sample of
    the document's data is refused with the reason (ServiceError) and the template in use
    stays. Audited as `document_template.replace`."""
    _require_organiser(actor, unit)
    if kind not in KINDS:
        raise NotFound(_("No such kind of document."))
    data = upload.read() if upload is not None else b""
    name = clean(getattr(upload, "filename", "") or "")
    if not name.lower().endswith(".docx"):
        raise ServiceError(_("Upload the template as a Word document (.docx)."))
    try:
        rendering.check(data, sample_context(kind, unit))
    except rendering.TemplateRefused as refused:
        raise ServiceError(_refusal_message(refused)) from refused
    attachment = store(_Upload(name, data), owner_type="document_template", owner_id=unit.id,
                       actor=actor)
    template = own_template(unit, kind)
    before = {"file": template.attachment.original_name} if template else {"file": "default"}
    if template is None:
        template = DocumentTemplate(unit_id=unit.id, kind=kind, attachment=attachment)
        db.session.add(template)
    else:
        template.attachment = attachment
    audit.record(db.session, actor=actor, action="document_template.replace", obj=template,
                 summary=f"replaced the {kind} template of unit {unit.code}", before=before,
                 after={"file": attachment.original_name, "sha256": attachment.sha256},
                 params={"kind": kind, "unit": unit.name, "file": attachment.original_name})
    db.session.commit()
    return template


def reset_template(actor, unit: Unit, kind: str) -> None:
    """Go back to the default template of the unit's style for `kind` (the uploaded file
    stays in storage, named by the audit event). Audited as `document_template.reset`."""
    _require_organiser(actor, unit)
    template = own_template(unit, kind)
    if template is None:
        raise ServiceError(_("This document already uses the default template."))
    audit.record(db.session, actor=actor, action="document_template.reset", obj=template,
                 summary=f"reset the {kind} template of unit {unit.code}",
                 before={"file": template.attachment.original_name}, after={"file": "default"},
                 params={"kind": kind, "unit": unit.name})
    db.session.delete(template)
    db.session.commit()


def update_letterhead(actor, unit: Unit, *, version, **fields) -> Unit:
    """Set what the unit's documents print: place name, governing body, signature block
    (`version`: the unit's, as the form was loaded). Audited as `unit.letterhead`."""
    _require_organiser(actor, unit)
    check_version(unit, version)
    limits = {"place_name": 100, "letterhead": 255, "sign_for": 150, "signer_title": 150}
    before = {f: getattr(unit, f) for f in LETTERHEAD_FIELDS}
    for field in LETTERHEAD_FIELDS:
        setattr(unit, field, clean(fields.get(field) or "")[:limits[field]])
    old, new = audit.diff(before, {f: getattr(unit, f) for f in LETTERHEAD_FIELDS})
    if new:
        audit.record(db.session, actor=actor, action="unit.letterhead", obj=unit,
                     summary=f"document letterhead of unit {unit.code}", before=old, after=new,
                     params={"unit": unit.name})
    db.session.commit()
    return unit


# --- documents -----------------------------------------------------------------------------

def render_document(unit: Unit, kind: str, context: dict) -> bytes:
    """The unit's `kind` document with this context (its own template or its style's)."""
    return rendering.render(template_bytes(unit, kind), _safe(context))


def decision_document(decision, rows: list[dict]) -> bytes:
    unit = decision.issuing_unit
    with force_locale("vi"):
        context = {**common_context(unit, decision.signed_on),
                   "number": decision.number or "......", "signer": decision.signer,
                   "count": len(rows), "total_cash": money(decision.total_cash),
                   "rows": [{"no": i, "subject": r["subject"], "unit": r["unit"],
                             "award": r["award"], "kind": r.get("kind", ""),
                             "year": r.get("year", ""), "cash": money(r["cash"])}
                            for i, r in enumerate(rows, start=1)]}
    return render_document(unit, "decision", context)


def memo_document(meeting, rows: list[dict], today: date) -> bytes:
    unit = meeting.council.unit
    with force_locale("vi"):
        context = {**common_context(unit, today), **_meeting_context(meeting, rows)}
    return render_document(unit, "memo", context)


def nomination_list_document(meeting, rows: list[dict], today: date) -> bytes:
    unit = meeting.council.unit
    with force_locale("vi"):
        context = {**common_context(unit, today), **_meeting_context(meeting, rows)}
    return render_document(unit, "nomination_list", context)


def minutes_document(meeting, rows: list[dict]) -> bytes:
    council = meeting.council
    unit = council.unit
    written = [r.get("written", 0) or 0 for r in rows]
    with force_locale("vi"):
        context = {**common_context(unit, meeting.held_on),
                   "meeting_title": meeting.title, "council_name": council.name,
                   "present": meeting.members_present or len(meeting.attendance),
                   "total": meeting.members_total or len(council.members),
                   "quorum": format_percent(council.quorum_pct / 100, "#,##0.##%"),
                   "written_total": sum(written),
                   # who signs the minutes: the council's chair and secretary, by name
                   "chair": _member_name(council, "chair"),
                   "secretary": _member_name(council, "secretary"),
                   "rows": [{"no": i, "subject": r["subject"], "award": r["award"],
                             "agree": r["agree"], "disagree": r["disagree"],
                             "abstain": r["abstain"], "written": w, "result": r["result"]}
                            for i, (r, w) in enumerate(zip(rows, written, strict=True),
                                                       start=1)]}
    return render_document(unit, "minutes", context)


def _member_name(council, role: str) -> str:
    """The full name of the council's member holding `role` (chair, secretary), or "" when
    none does (the line is then left to be written by hand)."""
    return next((m.user.display_name for m in council.members if m.role == role), "")


def achievement_report(nomination, today: date) -> bytes:
    """Báo cáo thành tích of a dossier in the form of the decree's appendix: the dossier's
    text and the subject's records (appraisals, initiatives, awards, discipline)."""
    unit = nomination.proposing_unit
    kind = "report_individual" if nomination.person_id else "report_collective"
    with force_locale("vi"):
        context = {**common_context(unit, today), **report_context(nomination)}
    return render_document(unit, kind, context)


def common_context(unit: Unit, day: date) -> dict:
    """What every document prints of its issuing unit and date."""
    style = style_of(unit)
    sign_for, signer_title = SIGNATURE_DEFAULTS[style]
    letterhead = unit.letterhead or (unit.parent.name if unit.parent else "")
    sign_for = (unit.sign_for or sign_for).upper()
    bases = legal_bases(day)
    return {"style": str(style),
            "unit": {"name": unit.name, "name_upper": unit.name.upper(),
                     "head_upper": f"{authority(sign_for)} {unit.name.upper()}".strip(),
                     "letterhead": letterhead,
                     "letterhead_upper": letterhead.upper(),
                     "place": unit.place_name or "......", "address": unit.address,
                     "sign_for": sign_for,
                     "signer_title": (unit.signer_title or signer_title).upper(),
                     "signer": "", "symbol": acronym(unit.name)},
            "legal_bases": bases, "decree": next((b for b in bases if "Nghị định" in b), ""),
            "place_date": f"{unit.place_name or '......'}, {administrative_date(day)}",
            "date_text": administrative_date(day)}


def authority(sign_for: str) -> str:
    """The competent authority a signature block stands for, as the line under a decision's
    title names it: `TM. BAN THƯỜNG VỤ` → `BAN THƯỜNG VỤ`, `KT. BỘ TRƯỞNG` → `BỘ TRƯỞNG`
    (Decree 30/2020: TM., KT., TL., TUQ., Q. are ways of signing, not the authority)."""
    head, _, rest = sign_for.partition(" ")
    return rest.strip() if head.rstrip(".") in {"TM", "KT", "TL", "TUQ", "Q"} else sign_for


def legal_bases(day: date) -> list[str]:
    """The legal texts of the rule set in force on `day` (its `legal_source`, split at `;`)."""
    rule_set = rule_set_on(list(db.session.scalars(select(RuleSet))), day)
    if rule_set is None:
        return []
    return [part.strip() for part in rule_set.legal_source.split(";") if part.strip()]


def administrative_date(day: date) -> str:
    """`ngày 05 tháng 12 năm 2026` as Decree 30/2020 writes dates: a day below 10 and the
    months January and February with a leading zero; the numbers by Babel."""
    day_text = format_decimal(day.day, "00")
    month_text = format_decimal(day.month, "00" if day.month < 3 else "0")
    return f"ngày {day_text} tháng {month_text} năm {format_decimal(day.year, '0')}"


def money(value) -> str:
    """Whole VND with the locale's thousands separator (`3.510.000`), `—` when none."""
    return "—" if value is None else format_decimal(value, "#,##0")


def acronym(name: str) -> str:
    return "".join(word[0] for word in name.split() if word[:1].isalpha()).upper()[:8]


def report_context(n) -> dict:
    """The dossier's text and the subject's records up to the nomination's year."""
    award_names = dict(db.session.execute(select(AwardType.code, AwardType.name)).all())
    categories = dict(db.session.execute(select(AwardType.code, AwardType.category)).all())
    subject = AwardRecord.person_id == n.person_id if n.person_id \
        else AwardRecord.unit_id == n.unit_id
    honours = db.session.scalars(select(AwardRecord).where(
        subject, AwardRecord.revoked.is_(False), AwardRecord.year <= n.year)
        .order_by(AwardRecord.year, AwardRecord.id)).all()
    # the award this dossier proposes is not yet an achievement of the report proposing it
    honours = [r for r in honours
               if not (r.award_code == n.award_type.code and r.year == n.year)]
    honour_rows = [{"year": r.year, "award": award_names.get(r.award_code, r.award_code),
                    "decision": r.decision_number, "issuer": r.issuer,
                    "category": categories.get(r.award_code, "commendation")}
                   for r in honours]
    appraisal_subject = Appraisal.person_id == n.person_id if n.person_id \
        else Appraisal.unit_id == n.unit_id
    appraisals = db.session.scalars(select(Appraisal).where(
        appraisal_subject, Appraisal.year <= n.year, Appraisal.year > n.year - 6)
        .order_by(Appraisal.year)).all()
    levels = {k: str(v) for k, v in AppraisalLevel.labels().items()}
    context = {
        "award": n.award_type.name, "award_upper": n.award_type.name.upper(), "year": n.year,
        "summary": n.summary, "achievements": _lines(n.achievements),
        "initiatives_text": _lines(n.initiatives_text),
        "appraisals": [{"year": a.year, "level": levels.get(a.level, a.level)}
                       for a in appraisals],
        "titles": [r for r in honour_rows if r["category"] == "title"],
        "commendations": [r for r in honour_rows if r["category"] != "title"],
    }
    if n.person_id:
        person = n.person
        context["person"] = {
            "name": person.full_name, "position": person.position or "—",
            "unit": person.unit.name,
            "gender": {"male": "Nam", "female": "Nữ"}.get(person.gender or "", "—"),
            # "Sinh ngày, tháng, năm:" of the appendix's form is filled as dd/mm/yyyy
            "birth": (format_date(person.birth_date, VI_DATE) if person.birth_date
                      else str(person.birth_year or "—"))}
        context["initiatives"] = _initiatives([person.id], n.year)
        context["disciplines"] = _disciplines([person.id], n.year)
    else:
        collective = n.unit
        members = db.session.scalars(select(Person.id).where(
            Person.unit_id == collective.id, Person.active.is_(True))).all()
        context["collective"] = {
            "name": collective.name, "address": collective.address or "—",
            "parent": collective.parent.name if collective.parent else "—",
            "members": len(members),
            "member_awards": _member_awards(members, n.year, award_names)}
        context["disciplines"] = _disciplines(members, n.year)
    return context


def sample_context(kind: str, unit: Unit | None = None) -> dict:
    """Made-up data with every variable the real `kind` document has: an uploaded template
    must render it (so a misspelt variable is refused at upload, not at year end)."""
    row = {"no": 1, "subject": "Nguyễn Văn An", "unit": "Công đoàn cơ sở A",
           "position": "Tổ trưởng", "award": "Bằng khen", "kind": "Thường xuyên", "year": 2026,
           "cash": "3.510.000", "summary": "Hoàn thành xuất sắc nhiệm vụ",
           "eligibility": "Đủ tiêu chuẩn", "explanation": "", "agree": 7, "disagree": 0,
           "abstain": 0, "written": 0, "result": "Đạt"}
    common = {"style": "union",
              "unit": {"name": "Công đoàn mẫu", "name_upper": "CÔNG ĐOÀN MẪU",
                       "head_upper": "CÔNG ĐOÀN MẪU", "letterhead": "Cơ quan chủ quản",
                       "letterhead_upper": "CƠ QUAN CHỦ QUẢN", "place": "Hà Nội",
                       "address": "Số 1", "sign_for": "TM. BAN THƯỜNG VỤ",
                       "signer_title": "CHỦ TỊCH", "signer": "", "symbol": "CĐM"},
              "legal_bases": ["Luật Thi đua, khen thưởng", "Nghị định"], "decree": "Nghị định",
              "place_date": "Hà Nội, ngày 01 tháng 12 năm 2026",
              "date_text": "ngày 01 tháng 12 năm 2026"}
    meeting = {"meeting_title": "Phiên họp", "council_name": "Hội đồng", "count": 1,
               "rows": [row]}
    honour = {"year": 2025, "award": "Lao động tiên tiến", "decision": "01/QĐ",
              "issuer": "Công đoàn", "category": "title"}
    report = {"award": "Bằng khen", "award_upper": "BẰNG KHEN", "year": 2026,
              "summary": "Tóm tắt", "achievements": ["Thành tích"],
              "initiatives_text": ["Sáng kiến"],
              "appraisals": [{"year": 2026, "level": "Hoàn thành xuất sắc nhiệm vụ"}],
              "titles": [honour], "commendations": [honour],
              "disciplines": [{"person": "Nguyễn Văn An", "level": "Khiển trách",
                               "period": "2025", "reason": "Lý do"}]}
    specific = {
        "decision": {"number": "01/QĐ", "signer": "Nguyễn Văn B", "count": 1,
                     "total_cash": "3.510.000", "rows": [row]},
        "memo": meeting, "nomination_list": meeting,
        "minutes": {**meeting, "present": 7, "total": 9, "quorum": "66,67%",
                    "written_total": 1, "chair": "Trần Văn C", "secretary": "Lê Thị D"},
        "report_individual": {**report, "person": {
            "name": "Nguyễn Văn An", "position": "Tổ trưởng", "unit": "Công đoàn cơ sở A",
            "gender": "Nam", "birth": "01/01/1980"},
            "initiatives": [{"year": 2026, "title": "Sáng kiến", "scope": "Cơ sở",
                             "recognised_by": "Công đoàn"}]},
        "report_collective": {**report, "collective": {
            "name": "Công đoàn cơ sở A", "address": "Số 1", "parent": "Công đoàn ngành",
            "members": 10, "member_awards": "Lao động tiên tiến: 8"}},
    }
    return {**common, **specific[kind]}


def _meeting_context(meeting, rows: list[dict]) -> dict:
    return {"meeting_title": meeting.title, "council_name": meeting.council.name,
            "count": len(rows),
            "rows": [{**r, "no": i} for i, r in enumerate(rows, start=1)]}


def _initiatives(person_ids, year: int) -> list[dict]:
    scopes = {k: str(v) for k, v in InitiativeScope.labels().items()}
    return [{"year": i.year, "title": i.title or "—", "scope": scopes.get(i.scope, i.scope),
             "recognised_by": i.recognised_by or "—"}
            for i in db.session.scalars(select(Initiative).where(
                Initiative.person_id.in_(person_ids), Initiative.year <= year,
                Initiative.year > year - 6).order_by(Initiative.year, Initiative.id))]


def _disciplines(person_ids, year: int) -> list[dict]:
    """Disciplines overlapping the years the report looks at (the last six)."""
    levels = {k: str(v) for k, v in DisciplineLevel.labels().items()}
    rows = db.session.execute(select(Discipline, Person.full_name).join(
        Person, Person.id == Discipline.person_id).where(
        Discipline.person_id.in_(person_ids), Discipline.starts_on <= date(year, 12, 31),
        Discipline.ends_on >= date(year - 5, 1, 1)).order_by(Discipline.starts_on)).all()
    return [{"person": name, "level": levels.get(d.level, d.level),
             "period": f"{administrative_date(d.starts_on).removeprefix('ngày ')} - "
                       f"{administrative_date(d.ends_on).removeprefix('ngày ')}",
             "reason": d.reason or "—"} for d, name in rows]


def _member_awards(person_ids, year: int, award_names: dict) -> str:
    """`Lao động tiên tiến: 8; Chiến sĩ thi đua cơ sở: 2` for the members in the year."""
    if not person_ids:
        return "—"
    counts = db.session.execute(select(AwardRecord.award_code, func.count(AwardRecord.id))
                                .where(AwardRecord.person_id.in_(person_ids),
                                       AwardRecord.year == year,
                                       AwardRecord.revoked.is_(False))
                                .group_by(AwardRecord.award_code)
                                .order_by(AwardRecord.award_code)).all()
    return "; ".join(f"{award_names.get(code, code)}: {format_decimal(count)}"
                     for code, count in counts) or "—"


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _safe(value):
    """Every text of the context without what XML cannot hold."""
    if isinstance(value, dict):
        return {k: _safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_safe(v) for v in value]
    if isinstance(value, str):
        return xml_safe(value)
    return value


def _require_organiser(actor, unit: Unit) -> None:
    if not perms.covers(actor, unit, ORGANISER):
        raise PermissionDenied(_("Only the unit's organisers manage its document templates."))


def _refusal_message(refused: rendering.TemplateRefused) -> str:
    """The reason in the reader's language: Jinja's and the parser's own words are English, so
    only the name they quote (a field, a filter, an attribute) and the text near the fault
    are shown."""
    name = _quoted_name(refused.detail)
    near = refused.line or "—"
    if refused.reason == "syntax" and refused.detail.startswith("No filter named"):
        reason = _("The template uses a filter that does not exist: %(name)s (near: %(line)s).",
                   name=name, line=near)
    elif refused.reason == "syntax":
        reason = _("The template's tags are not valid near: %(line)s.", line=near)
    elif refused.reason == "undefined":
        reason = _("The template uses a field the document does not have: %(detail)s.",
                   detail=name or "—")
    elif refused.reason == "forbidden":
        reason = _("The template uses an operation that is not allowed: %(detail)s.",
                   detail=name or "—")
    elif refused.reason == "too_large":
        reason = _("The template asks for too much work or too long a document (a loop, "
                   "range, repetition or power beyond the limit).")
    elif refused.reason == "render":
        reason = _("The template cannot be filled: a field or filter in it is used the "
                   "wrong way.")
    elif refused.reason == "broken_output":
        reason = _("Filling the template gives a document Word cannot open.")
    else:
        reason = _("The file is not a Word document (.docx).")
    return _("The template was refused and the one in use is kept. %(reason)s", reason=reason)


def _quoted_name(detail: str) -> str:
    """The last name Jinja quotes in its message ("'x' is undefined", "has no attribute 'y'",
    "No filter named 'z'", "access to attribute '__class__' … is unsafe")."""
    names = re.findall(r"'([^']{1,80})'", detail or "")
    for pattern in (r"'([^']{1,80})' is undefined", r"attribute '([^']{1,80})'",
                    r"filter named '([^']{1,80})'"):
        found = re.search(pattern, detail or "")
        if found:
            return found.group(1)
    return names[-1] if names else ""


class _Upload:
    """The checked bytes, in the shape `core.uploads.store` reads."""

    def __init__(self, filename: str, data: bytes):
        self.filename, self._data = filename, data

    def read(self) -> bytes:
        return self._data

