"""Certificates (giấy khen, bằng khen) of an issued decision, and how each award type prints.

Who prints what: an organiser of the issuing unit prints every award of the decision; anyone
else prints the awards of the units they hold as organiser or unit officer (a person's unit,
or the collective itself), and nothing else. An award whose record is revoked is not printed
(a revoked decision prints nothing). The settings — design or blanks, heading, emblem, and
the calibration of each printer — are kept by administrators and organisers, with audit.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy import select

from emulation.awards.catalogue.models import AwardType
from emulation.awards.certificates import pdf
from emulation.awards.certificates.enums import CertificateField, CertificateMode
from emulation.awards.certificates.models import (
    MAX_OFFSET_MM,
    CertificateLayout,
    CertificateStyle,
)
from emulation.awards.decisions.models import Decision, DecisionItem
from emulation.awards.decisions.services import get_decision_for
from emulation.awards.nominations.models import Nomination
from emulation.awards.records.models import AwardRecord
from emulation.core import audit
from emulation.core import permissions as perms
from emulation.core.errors import NotFound, PermissionDenied, ServiceError, check_version
from emulation.core.text import clean
from emulation.core.uploads import Attachment, store
from emulation.core.uploads import read as read_upload
from emulation.extensions import db
from emulation.org.models import Unit

CONFIGURE = ("organiser",)  # with admin: who keeps the certificate settings
PRINT_OWN = ("organiser", "unit_officer")  # who prints their own units' certificates
EMBLEM_TYPES = {"png": "PNG", "jpg": "JPEG", "jpeg": "JPEG"}
EMBLEM_MAX_BYTES = 2 * 1024 * 1024
EMBLEM_MAX_PIXELS = 4000  # on either side


# --- printing --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Batch:
    """The certificates of one decision that `user` may print, with `printer`'s calibration
    for award types printed on blanks."""

    user: object
    decision_id: int
    printer: str = ""


def printable_items(user, decision: Decision) -> list[DecisionItem]:
    """The decision's awards the user may print, in the decision's order: none unless the
    decision is issued; never an award whose record is revoked."""
    if decision.state != "issued":
        return []
    record_ids = [i.award_record_id for i in decision.items if i.award_record_id]
    held = set(db.session.scalars(select(AwardRecord.id).where(
        AwardRecord.id.in_(record_ids), AwardRecord.revoked.is_(False)))) if record_ids \
        else set()
    items = [i for i in decision.items if i.award_record_id in held]
    if perms.covers(user, decision.issuing_unit, ("organiser",)):
        return items
    return [i for i in items if perms.covers(user, _subject_unit(i), PRINT_OWN)]


def batch_for(user, params: dict) -> Batch | None:
    """The batch of `params` {"decision", "printer"} when the user may read the decision and
    print at least one of its certificates, else None (answered as 404)."""
    decision_id, printer = params.get("decision"), params.get("printer") or ""
    if not getattr(user, "is_authenticated", False) or not isinstance(decision_id, int) \
            or not isinstance(printer, str):
        return None
    try:
        decision = get_decision_for(user, decision_id)
    except NotFound:
        return None
    if not printable_items(user, decision):
        return None
    return Batch(user, decision_id, clean(printer)[:100])


def require_printable(user, decision: Decision) -> None:
    """Refuse, with the reason, a print that would hold no page: a decision not issued or
    revoked (409), or one with no award of the user's units (403)."""
    from emulation.core.errors import InvalidState

    if decision.state == "draft":
        raise InvalidState(_("Certificates are printed once the decision is issued."))
    if decision.state == "revoked":
        raise InvalidState(_("The decision is revoked: its certificates are not printed."))
    if not printable_items(user, decision):
        raise PermissionDenied(_("This decision grants no award to a unit you hold."))


def count(batch: Batch) -> int:
    return len(printable_items(batch.user, db.session.get(Decision, batch.decision_id)))


def write(batch: Batch, on_progress=None) -> pdf.PdfDocument:
    """The batch as one PDF, a page per award (see pdf.render)."""
    decision = db.session.get(Decision, batch.decision_id)
    items = printable_items(batch.user, decision)
    layouts = _layouts({i.nomination.award_type_id for i in items}, batch.printer,
                       organisation_ids(batch.user, PRINT_OWN))
    return pdf.render(((certificate_of(decision, i), layouts[i.nomination.award_type_id])
                       for i in items), on_progress)


def certificate_of(decision: Decision, item: DecisionItem) -> pdf.Certificate:
    """What the page of one award says; a collective's unit line is its parent unit."""
    n = item.nomination
    if n.person is not None:
        unit = n.person.unit.name if n.person.unit else ""
    else:
        unit = n.unit.parent.name if n.unit.parent else ""
    return pdf.Certificate(subject=n.subject_name, unit=unit, award=n.award_type.name,
                           decision_number=decision.number, signed_on=decision.signed_on,
                           signer=decision.signer, issuer=decision.issuing_unit.name,
                           year=n.year, individual=n.person is not None,
                           is_title=n.award_type.category == "title",
                           place=decision.issuing_unit.place_name or "",
                           reason=n.summary or "")


def filename(batch: Batch) -> str:
    return f"giay-khen-{batch.decision_id}.pdf"


def batch_name(batch: Batch) -> str:
    decision = db.session.get(Decision, batch.decision_id)
    return decision.number if decision else ""


def calibration_page(user, award_type: AwardType, printer: str) -> bytes:
    """The calibration page of the award type in `printer` of the user's organisation (its
    saved offsets, or none)."""
    layout = _layouts({award_type.id}, printer, organisation_ids(user, CONFIGURE),
                      force_blank=True)[award_type.id]
    title = f"Hiệu chỉnh phôi: {award_type.name} — {printer or 'mặc định'}"
    return pdf.calibration(layout, title)


# --- settings --------------------------------------------------------------------------------

def may_configure(user) -> bool:
    return perms.can_any(user, CONFIGURE)


def style_of(award_type: AwardType) -> CertificateStyle | None:
    return db.session.scalar(select(CertificateStyle).where(
        CertificateStyle.award_type_id == award_type.id))


def emblem_of(style: CertificateStyle | None) -> Attachment | None:
    return db.session.get(Attachment, style.emblem_id) if style and style.emblem_id else None


def organisations(user, roles) -> list[Unit]:
    """The organisations (root units) of the units the user holds `roles` on, by name; an
    administrator's: every root."""
    if user.is_admin:
        stmt = select(Unit).where(Unit.parent_id.is_(None))
    else:
        roots = {int(path.strip("/").split("/")[0]) for path in perms.grant_paths(user, roles)
                 if path.strip("/")}
        if not roots:
            return []
        stmt = select(Unit).where(Unit.id.in_(roots))
    return list(db.session.scalars(stmt.order_by(Unit.name, Unit.id)))


def organisation_ids(user, roles) -> list[int]:
    return [unit.id for unit in organisations(user, roles)]


def layouts_of(user, award_type: AwardType) -> list[CertificateLayout]:
    """The award type's calibrations of the user's organisations (organiser)."""
    return list(db.session.scalars(select(CertificateLayout).where(
        CertificateLayout.award_type_id == award_type.id,
        CertificateLayout.unit_id.in_(organisation_ids(user, CONFIGURE)))
        .order_by(CertificateLayout.printer, CertificateLayout.unit_id)))


def printers(user, decision_ids: list[int]) -> dict[int, list[str]]:
    """decision id → the printers a print of it may use: those calibrated for an award type
    of the decision that prints on blanks, by the user's organisation — not every
    calibration of every award type and organisation. One query."""
    if not decision_ids:
        return {}
    orgs = organisation_ids(user, PRINT_OWN)
    if not orgs:
        return {}
    rows = db.session.execute(
        select(DecisionItem.decision_id, CertificateLayout.printer).distinct()
        .join(Nomination, Nomination.id == DecisionItem.nomination_id)
        .join(CertificateStyle, CertificateStyle.award_type_id == Nomination.award_type_id)
        .join(CertificateLayout, CertificateLayout.award_type_id == Nomination.award_type_id)
        .where(DecisionItem.decision_id.in_(decision_ids), CertificateStyle.mode == "blank",
               CertificateLayout.unit_id.in_(orgs))
        .order_by(DecisionItem.decision_id, CertificateLayout.printer))
    found: dict[int, list[str]] = {}
    for decision_id, printer in rows:
        found.setdefault(decision_id, []).append(printer)
    return found


def save_style(actor, award_type: AwardType, version, *, mode: str, heading: str
               ) -> CertificateStyle:
    """Set how the award type prints (design or blanks) and its heading."""
    _require_configurer(actor)
    if mode not in CertificateMode.values():
        raise ServiceError(_("Choose how the certificates are printed."))
    style = style_of(award_type)
    if style is None:
        style = CertificateStyle(award_type_id=award_type.id, mode="design", heading="")
        db.session.add(style)
    elif version is not None:
        check_version(style, version)
    before = {"mode": style.mode, "heading": style.heading}
    style.mode, style.heading = mode, clean(heading)[:120]
    old, new = audit.diff(before, {"mode": style.mode, "heading": style.heading})
    audit.record(db.session, actor=actor, action="certificate.style", obj=style,
                 summary=f"certificate style of {award_type.code}", before=old, after=new,
                 params={"award": award_type.code})
    db.session.commit()
    return style


def upload_emblem(actor, award_type: AwardType, upload) -> CertificateStyle:
    """Keep the emblem image of the design: PNG or JPEG only, at most EMBLEM_MAX_BYTES, an
    image that opens; stored like every upload (core.uploads). A refusal names the reason
    and keeps the old image."""
    _require_configurer(actor)
    name = clean(getattr(upload, "filename", "") or "")
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in EMBLEM_TYPES:
        raise ServiceError(_("The emblem must be a PNG or JPEG image."))
    data = upload.read()
    if len(data) > EMBLEM_MAX_BYTES:
        raise ServiceError(_("The emblem image is larger than %(size)s MB.", size=2))
    _require_image(data, EMBLEM_TYPES[ext])
    upload.seek(0)
    style = style_of(award_type)
    if style is None:
        style = CertificateStyle(award_type_id=award_type.id, mode="design", heading="")
        db.session.add(style)
        db.session.flush()
    attachment = store(upload, owner_type="certificate_style", owner_id=style.id, actor=actor)
    db.session.flush()
    before = style.emblem_id
    style.emblem_id = attachment.id
    audit.record(db.session, actor=actor, action="certificate.emblem", obj=style,
                 summary=f"emblem of {award_type.code}: {attachment.original_name}",
                 before={"emblem": before}, after={"emblem": attachment.id,
                                                   "sha256": attachment.sha256},
                 params={"award": award_type.code, "file": attachment.original_name})
    db.session.commit()
    return style


def remove_emblem(actor, award_type: AwardType) -> None:
    """Leave the emblem area blank again (the stored file stays, as every upload does)."""
    _require_configurer(actor)
    style = style_of(award_type)
    if style is None or style.emblem_id is None:
        return
    before, style.emblem_id = style.emblem_id, None
    audit.record(db.session, actor=actor, action="certificate.emblem", obj=style,
                 summary=f"emblem of {award_type.code} removed", before={"emblem": before},
                 after={"emblem": None},
                 params={"_m": "certificate.emblem:removed", "award": award_type.code})
    db.session.commit()


def save_layout(actor, award_type: AwardType, printer: str, offsets: dict, version=None,
                organisation_id: int | None = None) -> CertificateLayout:
    """Save the calibration of the award type in `printer` of the actor's organisation
    (`organisation_id`, needed only when the actor has several): offsets {field: (dx, dy)}
    in mm, each within ±MAX_OFFSET_MM. A new printer name makes a new calibration.
    ServiceError when the organisation is not one of the actor's."""
    _require_configurer(actor)
    printer = clean(printer)[:100]
    if not printer:
        raise ServiceError(_("Name the printer this calibration is for."))
    mine = organisation_ids(actor, CONFIGURE)
    if organisation_id is None and len(mine) == 1:
        organisation_id = mine[0]
    if organisation_id not in mine:
        raise ServiceError(_("Choose the organisation whose printer this is."))
    values = {}
    for name in CertificateField.values():
        for axis, value in zip(("dx", "dy"), offsets.get(name, (0, 0)), strict=True):
            values[f"{name}_{axis}"] = _offset(value)
    layout = db.session.scalar(select(CertificateLayout).where(
        CertificateLayout.award_type_id == award_type.id,
        CertificateLayout.unit_id == organisation_id, CertificateLayout.printer == printer))
    if layout is None:
        layout = CertificateLayout(award_type_id=award_type.id, printer=printer,
                                   unit_id=organisation_id,
                                   **{k: Decimal(0) for k in values})
        db.session.add(layout)
    elif version is not None:
        check_version(layout, version)
    before = {k: getattr(layout, k) for k in values}
    for key, value in values.items():
        setattr(layout, key, value)
    old, new = audit.diff(before, values)
    audit.record(db.session, actor=actor, action="certificate.layout", obj=layout,
                 summary=f"calibration of {award_type.code} in {printer}", before=old,
                 after={"printer": printer, **new},
                 params={"award": award_type.code, "printer": printer})
    db.session.commit()
    return layout


def delete_layout(actor, award_type: AwardType, layout_id: int) -> None:
    _require_configurer(actor)
    layout = db.session.get(CertificateLayout, layout_id)
    if layout is None or layout.award_type_id != award_type.id or \
            layout.unit_id not in organisation_ids(actor, CONFIGURE):
        raise NotFound(_("No such calibration."))
    audit.record(db.session, actor=actor, action="certificate.layout_delete", obj=layout,
                 summary=f"calibration of {award_type.code} in {layout.printer} deleted",
                 before={"printer": layout.printer, **{k: v for k, v in
                                                       layout.offsets().items()}},
                 params={"award": award_type.code, "printer": layout.printer})
    db.session.delete(layout)
    db.session.commit()


# --- helpers ---------------------------------------------------------------------------------

def _subject_unit(item: DecisionItem):
    n = item.nomination
    return n.person.unit if n.person is not None else n.unit


def _layouts(award_type_ids: set[int], printer: str, organisation_ids: list[int],
             force_blank: bool = False) -> dict[int, pdf.Layout]:
    """award type id → pdf.Layout: its style (design by default), its emblem, and the
    offsets of `printer` in one of `organisation_ids` (the first by id when several share
    the name; none: the default positions)."""
    styles = {s.award_type_id: s for s in db.session.scalars(select(CertificateStyle).where(
        CertificateStyle.award_type_id.in_(award_type_ids)))} if award_type_ids else {}
    calibrated = {}
    if award_type_ids and printer and organisation_ids:
        for c in db.session.scalars(select(CertificateLayout).where(
                CertificateLayout.award_type_id.in_(award_type_ids),
                CertificateLayout.unit_id.in_(organisation_ids),
                CertificateLayout.printer == printer).order_by(CertificateLayout.unit_id)):
            calibrated.setdefault(c.award_type_id, c)
    result = {}
    for type_id in award_type_ids:
        style = styles.get(type_id)
        offsets = calibrated[type_id].offsets() if type_id in calibrated else {}
        result[type_id] = pdf.Layout(
            mode="blank" if force_blank else (style.mode if style else "design"),
            heading=style.heading if style else "", emblem=_emblem_bytes(style),
            offsets={k: (float(dx), float(dy)) for k, (dx, dy) in offsets.items()})
    return result


def _emblem_bytes(style: CertificateStyle | None) -> bytes | None:
    attachment = emblem_of(style)
    if attachment is None:
        return None
    return read_upload(attachment)


def _offset(value) -> Decimal:
    try:
        number = Decimal(str(value if value not in (None, "") else 0)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError) as err:
        raise ServiceError(_("An offset is a number of millimetres.")) from err
    if not number.is_finite() or abs(number) > MAX_OFFSET_MM:
        raise ServiceError(_("An offset lies between -%(max)s and %(max)s mm.",
                             max=MAX_OFFSET_MM))
    return number


def _require_image(data: bytes, expected: str) -> None:
    """The bytes are a PNG or JPEG as named, that opens, of a sensible size."""
    from PIL import Image, UnidentifiedImageError

    if not data:
        raise ServiceError(_("The emblem image is empty."))
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind, size = image.format, image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
            Image.DecompressionBombError) as err:
        raise ServiceError(_("The emblem is not a readable PNG or JPEG image.")) from err
    if kind != expected:
        raise ServiceError(_("The emblem is not a readable PNG or JPEG image."))
    if max(size) > EMBLEM_MAX_PIXELS:
        raise ServiceError(_("The emblem image is larger than %(size)s pixels on a side.",
                             size=format_decimal(EMBLEM_MAX_PIXELS)))


def _require_configurer(actor) -> None:
    if not may_configure(actor):
        raise PermissionDenied(_("Only an administrator or an organiser keeps the "
                                 "certificate settings."))
