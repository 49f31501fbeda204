"""Word documents in the administrative format of Decree 30/2020/NĐ-CP: issuing body and
national motto header, number and symbol, place and date, title, body, signature block; Times
New Roman, margins 20–25 mm top/bottom, 30–35 mm left, 15–20 mm right."""
from __future__ import annotations

import io
from datetime import date

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

from emulation.core.numbers import number_text, percent_text
from emulation.core.text import xml_safe

FONT = "Times New Roman"


# The decree implementing the Law, by the day it took effect: a decision cites the one in
# force on its date (Decree 152/2025/NĐ-CP took over from Decree 98/2023/NĐ-CP on 01/07/2025).
DECREES = ((date(2025, 7, 1), "152/2025/NĐ-CP"), (date(2024, 1, 1), "98/2023/NĐ-CP"))


def decree_in_force(day: date) -> str:
    """The number of the decree implementing the Law of Emulation and Commendation in force
    on `day` (the earliest known one for a day before it)."""
    return next((number for start, number in DECREES if day >= start), DECREES[-1][1])


def decision_draft(decision, rows: list[dict]) -> bytes:
    doc = _document()
    _header(doc, decision.issuing_unit.name, decision.number,
            f"Hà Nội, ngày {decision.signed_on.day:02d} tháng {decision.signed_on.month:02d} "
            f"năm {decision.signed_on.year}")
    _paragraph(doc, "QUYẾT ĐỊNH", bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(doc, "Về việc khen thưởng", bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(doc, (decision.issuing_unit.name).upper(), bold=True, size=14,
               align=WD_ALIGN_PARAGRAPH.CENTER)
    for text in ("Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15 tháng 6 năm 2022;",
                 f"Căn cứ Nghị định số {decree_in_force(decision.signed_on)} quy định chi tiết "
                 "thi hành một số điều của Luật Thi đua, khen thưởng;",
                 "Xét đề nghị của Hội đồng Thi đua – Khen thưởng,"):
        _paragraph(doc, text, italic=True)
    _paragraph(doc, "QUYẾT ĐỊNH:", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(doc, f"Điều 1. Tặng thưởng cho {len(rows)} tập thể, cá nhân có tên trong danh "
                    f"sách kèm theo Quyết định này. Tổng số tiền thưởng: "
                    f"{_money(decision.total_cash)} đồng.")
    _paragraph(doc, "Điều 2. Tiền thưởng được chi theo quy định hiện hành.")
    _paragraph(doc, "Điều 3. Quyết định này có hiệu lực kể từ ngày ký. Các đơn vị, cá nhân có "
                    "liên quan chịu trách nhiệm thi hành Quyết định này.")
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = table.rows[0].cells
    _cell(left, "Nơi nhận:", bold=True, italic=True, size=12)
    _cell(left, "- Như Điều 3;\n- Lưu: VT, TĐKT.", size=11)
    _cell(right, "TM. " + decision.issuing_unit.name.upper(), bold=True, size=13,
          align=WD_ALIGN_PARAGRAPH.CENTER)
    _cell(right, "\n\n\n" + decision.signer, bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER)
    doc.add_page_break()
    _paragraph(doc, f"DANH SÁCH KHEN THƯỞNG (kèm theo Quyết định số {decision.number})",
               bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    annex = doc.add_table(rows=1, cols=5)
    annex.style = "Table Grid"
    for cell, title in zip(annex.rows[0].cells, ("STT", "Họ tên / Tập thể", "Đơn vị",
                                                  "Hình thức", "Tiền thưởng (đồng)"),
                           strict=True):
        _cell(cell, title, bold=True, size=12)
    for number, row in enumerate(rows, start=1):
        cells = annex.add_row().cells
        for cell, value in zip(cells, (str(number), row["subject"], row["unit"], row["award"],
                                       _money(row["cash"])), strict=True):
            _cell(cell, value, size=12)
    return _bytes(doc)


def submission_memo(meeting, rows: list[dict], today) -> bytes:
    """Tờ trình: the list of nominations carried to the council meeting."""
    council = meeting.council
    doc = _document()
    _header(doc, council.unit.name, f"......./TTr-{_acronym(council.unit.name)}",
            f"Hà Nội, ngày {today.day:02d} tháng {today.month:02d} năm {today.year}")
    _paragraph(doc, "TỜ TRÌNH", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(doc, f"Về việc đề nghị xét khen thưởng tại {meeting.title}", bold=True,
               align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(doc, f"Kính gửi: {council.name}", align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(doc, f"Căn cứ hồ sơ đề nghị của các đơn vị, Thường trực Hội đồng trình Hội đồng "
                    f"xem xét {len(rows)} trường hợp đề nghị khen thưởng theo danh sách kèm "
                    f"theo (có kết quả kiểm tra tiêu chuẩn của từng trường hợp).")
    _paragraph(doc, "Kính trình Hội đồng xem xét, quyết định./.")
    _signature(doc, "TM. THƯỜNG TRỰC HỘI ĐỒNG", "")
    doc.add_page_break()
    _rows_table(doc, "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG", ("STT", "Họ tên / Tập thể", "Đơn vị",
                                                      "Hình thức", "Kiểm tra tiêu chuẩn"),
                [(str(i), r["subject"], r["unit"], r["award"], r["eligibility"])
                 for i, r in enumerate(rows, start=1)])
    return _bytes(doc)


def minutes(meeting, rows: list[dict]) -> bytes:
    """Biên bản: attendance and the tally of each agenda item. A row's optional `written` is
    the number of its votes given as written opinions of absent members (phiếu ý kiến bằng
    văn bản); when any, the minutes say so and the table shows them per item."""
    council = meeting.council
    doc = _document()
    _header(doc, council.unit.name, f"......./BB-{_acronym(council.unit.name)}",
            f"Hà Nội, ngày {meeting.held_on.day:02d} tháng {meeting.held_on.month:02d} năm "
            f"{meeting.held_on.year}")
    _paragraph(doc, "BIÊN BẢN", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(doc, f"{meeting.title} của {council.name}", bold=True,
               align=WD_ALIGN_PARAGRAPH.CENTER)
    total = meeting.members_total or len(council.members)
    present = meeting.members_present or len(meeting.attendance)
    _paragraph(doc, f"Thành phần: có mặt {present}/{total} thành viên Hội đồng (tỷ lệ có mặt "
                    f"tối thiểu {percent_text(council.quorum_pct, 'vi', 2)}).")
    written = [r.get("written", 0) for r in rows]
    if any(written):
        _paragraph(doc, f"Thành viên Hội đồng vắng mặt có ý kiến bằng văn bản: tổng cộng "
                        f"{sum(written)} phiếu ý kiến, được niêm phong và kiểm cùng các phiếu "
                        f"bầu tại phiên họp (số phiếu của từng trường hợp ghi tại cột “Trong "
                        f"đó phiếu bằng văn bản”).")
    _paragraph(doc, "Hội đồng đã bỏ phiếu kín đối với từng trường hợp; kết quả kiểm phiếu như "
                    "sau:")
    headers = ("STT", "Họ tên / Tập thể", "Hình thức", "Đồng ý", "Không đồng ý",
               "Không biểu quyết", "Kết quả")
    table = [(str(i), r["subject"], r["award"], str(r["agree"]), str(r["disagree"]),
              str(r["abstain"]), r["result"]) for i, r in enumerate(rows, start=1)]
    if any(written):
        headers = headers[:6] + ("Trong đó phiếu bằng văn bản",) + headers[6:]
        table = [t[:6] + (str(w),) + t[6:] for t, w in zip(table, written, strict=True)]
    _rows_table(doc, "", headers, table)
    _paragraph(doc, "Biên bản được lập và thông qua tại phiên họp./.")
    _signature(doc, "THƯ KÝ HỘI ĐỒNG", "CHỦ TỊCH HỘI ĐỒNG")
    return _bytes(doc)


def _rows_table(doc, title: str, headers, rows) -> None:
    if title:
        _paragraph(doc, title, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        _cell(cell, text, bold=True, size=12)
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            _cell(cell, text, size=12)


def _signature(doc, left: str, right: str) -> None:
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    a, b = table.rows[0].cells
    _cell(a, left, bold=True, size=13, align=WD_ALIGN_PARAGRAPH.CENTER)
    _cell(b, right, bold=True, size=13, align=WD_ALIGN_PARAGRAPH.CENTER)


def _acronym(name: str) -> str:
    return "".join(word[0] for word in name.split() if word[:1].isalpha()).upper()[:8]


def _document():
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Mm(297), Mm(210)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    style = doc.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(14)
    style.element.rPr.rFonts.set(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia", FONT)
    return doc


def _header(doc, body: str, number: str, place_date: str) -> None:
    table = doc.add_table(rows=2, cols=2)
    left, right = table.rows[0].cells
    _cell(left, body.upper(), bold=True, size=13, align=WD_ALIGN_PARAGRAPH.CENTER)
    _cell(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=13,
          align=WD_ALIGN_PARAGRAPH.CENTER)
    _cell(right, "Độc lập - Tự do - Hạnh phúc", bold=True, size=14,
          align=WD_ALIGN_PARAGRAPH.CENTER)
    left2, right2 = table.rows[1].cells
    _cell(left2, f"Số: {number}", size=13, align=WD_ALIGN_PARAGRAPH.CENTER)
    _cell(right2, place_date, italic=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER)


def _paragraph(doc, text, *, bold=False, italic=False, size=14,
               align=WD_ALIGN_PARAGRAPH.JUSTIFY):
    paragraph = doc.add_paragraph()
    paragraph.alignment = align
    run = paragraph.add_run(xml_safe(text))
    run.bold, run.italic, run.font.size, run.font.name = bold, italic, Pt(size), FONT
    return paragraph


def _cell(cell, text, *, bold=False, italic=False, size=13, align=WD_ALIGN_PARAGRAPH.LEFT):
    paragraph = cell.paragraphs[0] if not cell.paragraphs[0].text else cell.add_paragraph()
    paragraph.alignment = align
    run = paragraph.add_run(xml_safe(text))
    run.bold, run.italic, run.font.size, run.font.name = bold, italic, Pt(size), FONT


def _money(value) -> str:
    return "—" if value is None else number_text(value, "vi", places=0)


def _bytes(doc) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
