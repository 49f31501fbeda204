"""Certificates as PDF (fpdf2, pure Python): A4 landscape, one page per award, in the
shipped Noto Serif (static/fonts, SIL OFL) so that every Vietnamese letter prints.

No Flask and no database here: the service hands over `Certificate`s and `Layout`s. The
texts are official papers, always in Vietnamese; dates go through Babel with the `vi` locale.
"""
from __future__ import annotations

import io
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from babel.dates import format_date
from babel.numbers import format_decimal
from fpdf import FPDF

FONT_DIR = Path(__file__).resolve().parents[3] / "static" / "fonts"
FONT = "NotoSerif"
PAGE_W, PAGE_H = 297.0, 210.0  # A4 landscape, mm
FIELDS = ("subject", "unit", "award", "decision", "date", "signer")
# Where each field of a blank is printed before calibration: (x of the text's centre,
# y of its baseline) in mm from the top left corner, and its size in points.
BLANK_POSITIONS = {
    "subject": (148.5, 100.0, 22),
    "unit": (148.5, 114.0, 15),
    "award": (148.5, 128.0, 15),
    "decision": (80.0, 168.0, 12),
    "date": (215.0, 158.0, 12),
    "signer": (215.0, 190.0, 13),
}
# The calibration page is printed for the office like the certificates: always Vietnamese.
FIELD_NAMES = {"subject": "Tên", "unit": "Đơn vị", "award": "Thành tích",
               "decision": "Số và ngày quyết định", "date": "Ngày tháng năm (bằng chữ)",
               "signer": "Người ký"}
MAX_LINE = 260.0  # mm: a longer line on a blank is printed smaller
MIDDLE_TOP, MIDDLE_BOTTOM = 52.0, 152.0  # mm: the design's centred texts fit between these


@dataclass(frozen=True)
class Certificate:
    """What one page says: the subject (person or collective), their unit, the award by
    name, the decision's number, date and signer, the issuing unit, the reason. A title
    (danh hiệu) is certified ("Giấy chứng nhận … Đạt danh hiệu …"), a form of commendation
    given for the reason ("Bằng khen … Tặng … Đã có thành tích …")."""

    subject: str
    unit: str
    award: str
    decision_number: str
    signed_on: date
    signer: str
    issuer: str
    year: int
    individual: bool = True
    is_title: bool = False  # danh hiệu thi đua: a "giấy chứng nhận" of the title
    place: str = ""  # the issuing unit's place name, before the date ("Hà Nội, ngày …")
    reason: str = ""  # the dossier's summary of achievements (tóm tắt thành tích)


@dataclass(frozen=True)
class Layout:
    """How one award type is printed: `mode` "design" (with `heading` and the `emblem`
    image, PNG/JPEG bytes, or an empty emblem area) or "blank" (only the variable text,
    each field moved by its (dx, dy) offset in mm from BLANK_POSITIONS)."""

    mode: str = "design"
    heading: str = ""
    emblem: bytes | None = None
    offsets: dict[str, tuple[float, float]] = field(default_factory=dict)

    def position(self, name: str) -> tuple[float, float, int]:
        x, y, size = BLANK_POSITIONS[name]
        dx, dy = self.offsets.get(name, (0.0, 0.0))
        return x + float(dx), y + float(dy), size


class PdfDocument:
    """A finished PDF, shaped like `core.xlsx.Workbook` for the job queue: `rows` (pages)
    and `close()` → (file, size)."""

    def __init__(self, data: bytes, pages: int):
        self.data = data
        self.rows = pages

    def close(self):
        return io.BytesIO(self.data), len(self.data)


def render(pages: Iterable[tuple[Certificate, Layout]],
           on_progress: Callable[[int], None] | None = None) -> PdfDocument:
    """One page per (certificate, layout of its award type), in order."""
    pdf = _new_pdf()
    count = 0
    for certificate, layout in pages:
        pdf.add_page()
        if layout.mode == "blank":
            _blank(pdf, certificate, layout)
        else:
            _design(pdf, certificate, layout)
        count += 1
        if on_progress is not None:
            on_progress(count)
    if count == 0:
        pdf.add_page()
    return PdfDocument(bytes(pdf.output()), count)


def calibration(layout: Layout, title: str) -> bytes:
    """The calibration page: a grid every 10 mm (numbered every 50 mm) and, at each field's
    calibrated position, crosshairs and the field's name, to print on a blank and compare."""
    pdf = _new_pdf()
    pdf.add_page()
    pdf.set_draw_color(190, 190, 190)
    pdf.set_line_width(0.1)
    pdf.set_font(FONT, size=6)
    pdf.set_text_color(120, 120, 120)
    for x in range(0, int(PAGE_W) + 1, 10):
        pdf.line(x, 0, x, PAGE_H)
        if x % 50 == 0:
            pdf.text(x + 0.6, 4, str(x))
    for y in range(0, int(PAGE_H) + 1, 10):
        pdf.line(0, y, PAGE_W, y)
        if y % 50 == 0:
            pdf.text(0.8, y - 0.6, str(y))
    pdf.set_text_color(0, 0, 0)
    pdf.set_font(FONT, size=10)
    pdf.text(60, 8, _nfc(title))
    pdf.set_draw_color(200, 0, 0)
    pdf.set_line_width(0.3)
    for name in FIELDS:
        x, y, _size = layout.position(name)
        pdf.line(x - 6, y, x + 6, y)
        pdf.line(x, y - 6, x, y + 6)
        pdf.set_font(FONT, size=8)
        pdf.text(x + 1.5, y - 1.5, f"{FIELD_NAMES[name]} ({_mm(x)}; {_mm(y)})")
    return bytes(pdf.output())


def date_numeric(day: date) -> str:
    """20/01/2027."""
    return format_date(day, "dd/MM/yyyy", locale="vi")


def date_in_words(day: date) -> str:
    """ngày 20 tháng 01 năm 2027."""
    return format_date(day, "'ngày' dd 'tháng' MM 'năm' yyyy", locale="vi")


def place_date(certificate: Certificate) -> str:
    """"Hà Nội, ngày 12 tháng 01 năm 2021", or "Ngày 12 tháng 01 năm 2021" without a place."""
    words = date_in_words(certificate.signed_on)
    place = _nfc(certificate.place).strip()
    return f"{place}, {words}" if place else words.capitalize()


def decision_line(certificate: Certificate) -> str:
    return (f"Quyết định số {certificate.decision_number} "
            f"ngày {date_numeric(certificate.signed_on)}")


# --- helpers ---------------------------------------------------------------------------------

def _new_pdf() -> FPDF:
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.add_font(FONT, "", str(FONT_DIR / "NotoSerif-Regular.ttf"))
    pdf.add_font(FONT, "B", str(FONT_DIR / "NotoSerif-Bold.ttf"))
    pdf.add_font(FONT, "I", str(FONT_DIR / "NotoSerif-Italic.ttf"))
    pdf.set_creator("Thi đua")
    return pdf


def _design(pdf: FPDF, c: Certificate, layout: Layout) -> None:
    """Border, the issuer and the national motto, the emblem area, the title ("BẰNG
    KHEN"), "Tặng", the subject and unit, what it is given for, the decision, the place and
    date, the signer."""
    pdf.set_draw_color(150, 20, 20)
    pdf.set_line_width(1.6)
    pdf.rect(8, 8, PAGE_W - 16, PAGE_H - 16)
    pdf.set_line_width(0.4)
    pdf.rect(12, 12, PAGE_W - 24, PAGE_H - 24)
    pdf.set_text_color(0, 0, 0)
    pdf.set_font(FONT, "B", 11)
    _box(pdf, 18, 18, 110, _upper(c.issuer), 5)
    _box(pdf, 170, 18, 110, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 5)
    pdf.set_font(FONT, "B", 11)
    _box(pdf, 170, 24, 110, "Độc lập - Tự do - Hạnh phúc", 5)
    if layout.emblem:
        pdf.image(io.BytesIO(layout.emblem), x=PAGE_W / 2 - 14, y=18, w=28, h=28,
                  keep_aspect_ratio=True)
    blocks = _middle_blocks(c, layout)
    scale = _fitting_scale(pdf, blocks)
    y = MIDDLE_TOP
    for colour, style, size, line, gap, text in blocks:
        pdf.set_text_color(*colour)
        pdf.set_font(FONT, style, size * scale)
        _box(pdf, 20, y + gap * scale, PAGE_W - 40, text, line * scale)
        y = pdf.get_y()
    pdf.set_text_color(0, 0, 0)
    pdf.set_font(FONT, "I", 12)
    _box(pdf, 20, 160, 120, decision_line(c), 6)
    _box(pdf, 160, 156, 120, place_date(c), 6)
    pdf.set_font(FONT, "B", 13)
    _box(pdf, 160, 184, 120, c.signer, 6)


def _middle_blocks(c: Certificate, layout: Layout) -> list[tuple]:
    """The centred texts between the header and the decision line, as a real certificate
    reads: the title, "Tặng", the name, the unit, then what it is given for — each said
    once (the title is the form, "BẰNG KHEN", not the award's name again): (colour, style,
    size in points, line height in mm, gap above in mm, text)."""
    red, black = (150, 20, 20), (0, 0, 0)
    blocks = [(red, "B", 30, 14, 0, _upper(layout.heading or heading_of(c))),
              (black, "I", 15, 8, 2, "Tặng" if c.individual else "Tặng tập thể"),
              (black, "B", 24, 12, 1, c.subject)]
    if c.unit:
        blocks.append((black, "", 14, 7, 0, c.unit))
    blocks.append((black, "B" if c.is_title else "", 16, 8, 3, achievement(c)))
    return blocks


# the forms of commendation whose certificate is titled by the form alone: "Bằng khen cấp
# bộ, ngành, tỉnh" prints "BẰNG KHEN" (the issuer above says whose)
FORMS = ("Bằng khen", "Giấy khen")


def heading_of(c: Certificate) -> str:
    """The certificate's title: "Giấy chứng nhận" for a title (danh hiệu); the form for a
    bằng khen or giấy khen ("Bằng khen"); else the award's name ("Bằng Lao động sáng
    tạo", "Kỷ niệm chương …"), which then is not repeated below."""
    if c.is_title:
        return "Giấy chứng nhận"
    award = _nfc(c.award).strip()
    for form in FORMS:
        if award.casefold().startswith(form.casefold()):
            return form
    return award


def achievement(c: Certificate) -> str:
    """What the award is for. A title: "Đạt danh hiệu Lao động tiên tiến năm 2026". A
    commendation: "Đã có thành tích …" from the dossier's summary ("Hoàn thành xuất sắc
    nhiệm vụ" → "Đã có thành tích hoàn thành xuất sắc nhiệm vụ năm 2026"; a summary that
    already says "Đã có thành tích …" or "Thành tích …" is not doubled), or "Đã có thành
    tích xuất sắc năm 2026" without one. The year is added unless the text names it."""
    if c.is_title:
        return f"Đạt danh hiệu {_nfc(c.award)} năm {c.year}"
    text = " ".join(_nfc(c.reason).split()).rstrip(".;")
    for prefix in ("đã có thành tích", "đã có", "thành tích"):
        if text.casefold().startswith(prefix):
            text = text[len(prefix):].lstrip(" :,")
            break
    text = text[:1].lower() + text[1:] if text[1:2].islower() else text
    line = f"Đã có thành tích {text or 'xuất sắc'}"
    return line if str(c.year) in text else f"{line} năm {c.year}"


def _fitting_scale(pdf: FPDF, blocks: list[tuple]) -> float:
    """The largest scale (1 down to 0.5) at which the blocks end above the decision line:
    a long heading, name or unit is printed smaller instead of running over it."""
    scale = 1.0
    while scale > 0.5:
        height = 0.0
        for _colour, style, size, line, gap, text in blocks:
            pdf.set_font(FONT, style, size * scale)
            lines = pdf.multi_cell(PAGE_W - 40, line * scale, _nfc(text), align="C",
                                   dry_run=True, output="LINES")
            height += gap * scale + len(lines) * line * scale
        if MIDDLE_TOP + height <= MIDDLE_BOTTOM:
            break
        scale = round(scale - 0.05, 2)
    return scale


def _blank(pdf: FPDF, c: Certificate, layout: Layout) -> None:
    texts = {"subject": c.subject, "unit": c.unit, "award": achievement(c),
             "decision": decision_line(c), "date": place_date(c),
             "signer": c.signer}
    pdf.set_text_color(0, 0, 0)
    for name in FIELDS:
        text = _nfc(texts[name])
        if not text:
            continue
        x, y, size = layout.position(name)
        style = "B" if name in ("subject", "signer") else ""
        pdf.set_font(FONT, style, size)
        while pdf.get_string_width(text) > MAX_LINE and size > 7:
            size -= 1
            pdf.set_font(FONT, style, size)
        pdf.text(x - pdf.get_string_width(text) / 2, y, text)


def _box(pdf: FPDF, x: float, y: float, width: float, text: str, line: float) -> None:
    """Centred text in a column, wrapped onto more lines when needed; y moves below it."""
    pdf.set_xy(x, y)
    pdf.multi_cell(width, line, _nfc(text), align="C", new_x="LMARGIN", new_y="NEXT")


def _upper(text: str) -> str:
    return _nfc(text).upper()


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text or "")


def _mm(value: float) -> str:
    return format_decimal(value, "#,##0.#", locale="vi")
