"""The shipped default templates, written once with python-docx and Jinja tags (docxtpl) and
kept in the repository under `templates/documents/<style>/<kind>.docx`. `flask documents
build-templates` writes them again from this module after a change here.

Layout of Decree 30/2020/NĐ-CP (Times New Roman, A4, margins 20/20/30/15 mm; issuing body and
national motto side by side, number and place-date below, title, body, signature block), in
two styles: a trade union's (Quyết định 933/QĐ-TLĐ: the governing union above the unit's
name, "TM. BAN THƯỜNG VỤ" / "TM. BAN CHẤP HÀNH") and a state body's ("KT. BỘ TRƯỞNG"…).
Every name, place, legal basis and signer is a variable; the texts are the usual wording."""
from __future__ import annotations

import io
from datetime import datetime, timezone
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

from emulation.awards.documents.enums import DocumentKind, DocumentStyle

FONT = "Times New Roman"
FOLDER = Path(__file__).resolve().parents[3] / "templates" / "documents"
CENTER, LEFT = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT
JUSTIFY = WD_ALIGN_PARAGRAPH.JUSTIFY


def default_path(style: str, kind: str) -> Path:
    return FOLDER / style / f"{kind}.docx"


def build_all(folder: Path = FOLDER) -> list[Path]:
    """Write every default template (each style × kind) under `folder`; their paths."""
    written = []
    for style in DocumentStyle.values():
        (folder / style).mkdir(parents=True, exist_ok=True)
        for kind in DocumentKind.values():
            path = folder / style / f"{kind}.docx"
            path.write_bytes(build(style, kind))
            written.append(path)
    return written


def build(style: str, kind: str) -> bytes:
    doc = _document()
    BUILDERS[kind](doc, style)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _decision(doc, style: str) -> None:
    _header(doc, "{{ number }}")
    _para(doc, "QUYẾT ĐỊNH", bold=True, align=CENTER)
    _para(doc, "Về việc khen thưởng", bold=True, align=CENTER)
    _para(doc, "{{ unit.head_upper }}", bold=True, align=CENTER)
    _para(doc, "{%p for basis in legal_bases %}", italic=True)
    _para(doc, "Căn cứ {{ basis }};", italic=True)
    _para(doc, "{%p endfor %}", italic=True)
    if style == "union":
        _para(doc, "Căn cứ Điều lệ Công đoàn Việt Nam;", italic=True)
    _para(doc, "Xét đề nghị của Hội đồng Thi đua - Khen thưởng,", italic=True)
    _para(doc, "QUYẾT ĐỊNH:", bold=True, align=CENTER)
    _para(doc, "Điều 1. Tặng thưởng cho {{ count }} tập thể, cá nhân có tên trong danh sách kèm "
               "theo Quyết định này. Tổng số tiền thưởng: {{ total_cash }} đồng.")
    _para(doc, "Điều 2. Tiền thưởng được chi theo quy định hiện hành.")
    _para(doc, "Điều 3. Quyết định này có hiệu lực kể từ ngày ký. Các đơn vị, cá nhân có liên "
               "quan chịu trách nhiệm thi hành Quyết định này./.")
    _signature(doc, ["Nơi nhận:", "- Như Điều 3;", "- Lưu: VT, TĐKT."],
               ["{{ unit.sign_for }}", "{{ unit.signer_title }}", "", "", "{{ signer }}"])
    doc.add_page_break()
    _para(doc, "DANH SÁCH KHEN THƯỞNG", bold=True, align=CENTER)
    _para(doc, "(Kèm theo Quyết định số {{ number }} {{ date_text }})", italic=True,
          align=CENTER)
    _rows_table(doc, ("STT", "Họ tên / Tập thể", "Đơn vị", "Hình thức", "Tiền thưởng (đồng)"),
                ("{{ r.no }}", "{{ r.subject }}", "{{ r.unit }}", "{{ r.award }}",
                 "{{ r.cash }}"))


def _memo(doc, style: str) -> None:
    _header(doc, "......./TTr-{{ unit.symbol }}")
    _para(doc, "TỜ TRÌNH", bold=True, align=CENTER)
    _para(doc, "Về việc đề nghị xét khen thưởng tại {{ meeting_title }}", bold=True,
          align=CENTER)
    _para(doc, "Kính gửi: {{ council_name }}", align=CENTER)
    _para(doc, "{%p for basis in legal_bases %}", italic=True)
    _para(doc, "Căn cứ {{ basis }};", italic=True)
    _para(doc, "{%p endfor %}", italic=True)
    _para(doc, "Căn cứ hồ sơ đề nghị của các đơn vị, Thường trực Hội đồng trình Hội đồng xem xét "
               "{{ count }} trường hợp đề nghị khen thưởng theo danh sách kèm theo (có kết quả "
               "kiểm tra tiêu chuẩn của từng trường hợp).")
    _para(doc, "Kính trình Hội đồng xem xét, quyết định./.")
    _signature(doc, ["Nơi nhận:", "- Như trên;", "- Lưu: VT, TĐKT."],
               ["TM. THƯỜNG TRỰC HỘI ĐỒNG", "", "", ""])
    doc.add_page_break()
    _para(doc, "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG", bold=True, align=CENTER)
    _rows_table(doc, ("STT", "Họ tên / Tập thể", "Đơn vị", "Hình thức", "Kiểm tra tiêu chuẩn"),
                ("{{ r.no }}", "{{ r.subject }}", "{{ r.unit }}", "{{ r.award }}",
                 "{{ r.eligibility }}"))


def _minutes(doc, style: str) -> None:
    _header(doc, "......./BB-{{ unit.symbol }}")
    _para(doc, "BIÊN BẢN", bold=True, align=CENTER)
    _para(doc, "{{ meeting_title }} của {{ council_name }}", bold=True, align=CENTER)
    _para(doc, "Thời gian: {{ date_text }}, tại {{ unit.place }}.")
    _para(doc, "Thành phần: có mặt {{ present }}/{{ total }} thành viên Hội đồng (tỷ lệ có mặt "
               "tối thiểu {{ quorum }}).")
    _para(doc, "{%p if written_total %}")
    _para(doc, "Thành viên Hội đồng vắng mặt có ý kiến bằng văn bản: tổng cộng {{ written_total }}"
               " phiếu ý kiến, được niêm phong và kiểm cùng các phiếu bầu tại phiên họp (số phiếu "
               "của từng trường hợp ghi tại cột “Trong đó phiếu bằng văn bản”).")
    _para(doc, "{%p endif %}")
    _para(doc, "Hội đồng đã bỏ phiếu kín đối với từng trường hợp; kết quả kiểm phiếu như sau:")
    _para(doc, "{%p if written_total %}")
    _rows_table(doc, ("STT", "Họ tên / Tập thể", "Hình thức", "Đồng ý", "Không đồng ý",
                      "Không biểu quyết", "Trong đó phiếu bằng văn bản", "Kết quả"),
                ("{{ r.no }}", "{{ r.subject }}", "{{ r.award }}", "{{ r.agree }}",
                 "{{ r.disagree }}", "{{ r.abstain }}", "{{ r.written }}", "{{ r.result }}"),
                title="")
    _para(doc, "{%p else %}")
    _rows_table(doc, ("STT", "Họ tên / Tập thể", "Hình thức", "Đồng ý", "Không đồng ý",
                      "Không biểu quyết", "Kết quả"),
                ("{{ r.no }}", "{{ r.subject }}", "{{ r.award }}", "{{ r.agree }}",
                 "{{ r.disagree }}", "{{ r.abstain }}", "{{ r.result }}"), title="")
    _para(doc, "{%p endif %}")
    _para(doc, "Biên bản được lập và thông qua tại phiên họp./.")
    _signature(doc, ["THƯ KÝ HỘI ĐỒNG", "", "", "", "{{ secretary }}"],
               ["CHỦ TỊCH HỘI ĐỒNG", "", "", "", "{{ chair }}"], left_center=True)


def _nomination_list(doc, style: str) -> None:
    _header(doc, "......./DS-{{ unit.symbol }}")
    _para(doc, "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG", bold=True, align=CENTER)
    _para(doc, "(Kèm theo Tờ trình về việc đề nghị xét khen thưởng tại {{ meeting_title }})",
          italic=True, align=CENTER)
    _rows_table(doc, ("STT", "Họ tên / Tập thể", "Chức vụ", "Đơn vị", "Hình thức",
                      "Tóm tắt thành tích", "Kiểm tra tiêu chuẩn"),
                ("{{ r.no }}", "{{ r.subject }}", "{{ r.position }}", "{{ r.unit }}",
                 "{{ r.award }}", "{{ r.summary }}", "{{ r.eligibility }}"), title="")
    _para(doc, "Danh sách gồm {{ count }} trường hợp./.", italic=True)
    _signature(doc, ["", ""], ["{{ unit.sign_for }}", "{{ unit.signer_title }}", "", ""])


def _report_individual(doc, style: str) -> None:
    _appendix(doc, "Mẫu số 02")
    _header(doc, "", body="{{ unit.name_upper }}")
    _para(doc, "BÁO CÁO THÀNH TÍCH", bold=True, align=CENTER)
    _para(doc, "ĐỀ NGHỊ TẶNG {{ award_upper }}", bold=True, align=CENTER)
    _para(doc, "(Thành tích năm {{ year }})", italic=True, align=CENTER)
    _para(doc, "I. SƠ LƯỢC LÝ LỊCH", bold=True)
    _para(doc, "- Họ tên: {{ person.name }}; giới tính: {{ person.gender }}.")
    _para(doc, "- Sinh ngày, tháng, năm: {{ person.birth }}.")
    _para(doc, "- Chức vụ: {{ person.position }}.")
    _para(doc, "- Đơn vị công tác: {{ person.unit }}.")
    _para(doc, "II. THÀNH TÍCH ĐẠT ĐƯỢC", bold=True)
    _achievements(doc)
    _para(doc, "4. Sáng kiến, đề tài nghiên cứu khoa học:")
    _para(doc, "{%p for line in initiatives_text %}")
    _para(doc, "{{ line }}")
    _para(doc, "{%p endfor %}")
    _rows_table(doc, ("Năm", "Tên sáng kiến, đề tài", "Phạm vi ảnh hưởng", "Cơ quan công nhận"),
                ("{{ r.year }}", "{{ r.title }}", "{{ r.scope }}", "{{ r.recognised_by }}"),
                rows="initiatives", title="")
    _honours(doc)
    _para(doc, "IV. KỶ LUẬT", bold=True)
    _para(doc, "{%p if disciplines %}")
    _rows_table(doc, ("Hình thức kỷ luật", "Thời gian", "Lý do"),
                ("{{ r.level }}", "{{ r.period }}", "{{ r.reason }}"), rows="disciplines",
                title="")
    _para(doc, "{%p else %}")
    _para(doc, "Không bị kỷ luật trong thời gian đề nghị khen thưởng.")
    _para(doc, "{%p endif %}")
    _signature(doc, ["THỦ TRƯỞNG ĐƠN VỊ XÁC NHẬN, ĐỀ NGHỊ", "(Ký, đóng dấu)", "", "",
                     "{{ unit.signer }}"],
               ["NGƯỜI BÁO CÁO THÀNH TÍCH", "(Ký, ghi rõ họ và tên)", "", "",
                "{{ person.name }}"], left_center=True)
    _para(doc, "XÁC NHẬN CỦA CẤP TRÌNH KHEN THƯỞNG", bold=True, align=CENTER)


def _report_collective(doc, style: str) -> None:
    _appendix(doc, "Mẫu số 01")
    _header(doc, "", body="{{ unit.name_upper }}")
    _para(doc, "BÁO CÁO THÀNH TÍCH", bold=True, align=CENTER)
    _para(doc, "ĐỀ NGHỊ TẶNG {{ award_upper }}", bold=True, align=CENTER)
    _para(doc, "(Thành tích năm {{ year }})", italic=True, align=CENTER)
    _para(doc, "Tên tập thể đề nghị: {{ collective.name }}", bold=True)
    _para(doc, "I. SƠ LƯỢC ĐẶC ĐIỂM, TÌNH HÌNH", bold=True)
    _para(doc, "- Trụ sở: {{ collective.address }}.")
    _para(doc, "- Đơn vị cấp trên: {{ collective.parent }}.")
    _para(doc, "- Số thành viên: {{ collective.members }}.")
    _para(doc, "II. THÀNH TÍCH ĐẠT ĐƯỢC", bold=True)
    _achievements(doc)
    _para(doc, "4. Kết quả của các thành viên trong năm {{ year }}: "
               "{{ collective.member_awards }}.")
    _para(doc, "{%p for line in initiatives_text %}")
    _para(doc, "{{ line }}")
    _para(doc, "{%p endfor %}")
    _honours(doc)
    _para(doc, "IV. KỶ LUẬT", bold=True)
    _para(doc, "{%p if disciplines %}")
    _rows_table(doc, ("Thành viên", "Hình thức kỷ luật", "Thời gian", "Lý do"),
                ("{{ r.person }}", "{{ r.level }}", "{{ r.period }}", "{{ r.reason }}"),
                rows="disciplines", title="")
    _para(doc, "{%p else %}")
    _para(doc, "Không có thành viên bị kỷ luật trong thời gian đề nghị khen thưởng.")
    _para(doc, "{%p endif %}")
    right = (["TM. BAN CHẤP HÀNH", "CHỦ TỊCH", "(Ký, đóng dấu)", "", ""] if style == "union"
             else ["THỦ TRƯỞNG ĐƠN VỊ", "(Ký, đóng dấu)", "", ""])
    _signature(doc, ["XÁC NHẬN CỦA CẤP TRÌNH KHEN THƯỞNG", "(Ký, đóng dấu)", "", ""], right,
               left_center=True)


def _achievements(doc) -> None:
    _para(doc, "1. Tóm tắt thành tích: {{ summary }}")
    _para(doc, "2. Thành tích đạt được:")
    _para(doc, "{%p for line in achievements %}")
    _para(doc, "{{ line }}")
    _para(doc, "{%p endfor %}")
    _para(doc, "3. Kết quả đánh giá, xếp loại:")
    _rows_table(doc, ("Năm", "Xếp loại"), ("{{ r.year }}", "{{ r.level }}"), rows="appraisals",
                title="")


def _honours(doc) -> None:
    _para(doc, "III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG", bold=True)
    _para(doc, "1. Danh hiệu thi đua:")
    _rows_table(doc, ("Năm", "Danh hiệu thi đua", "Số quyết định", "Cơ quan ban hành"),
                ("{{ r.year }}", "{{ r.award }}", "{{ r.decision }}", "{{ r.issuer }}"),
                rows="titles", title="")
    _para(doc, "2. Hình thức khen thưởng:")
    _rows_table(doc, ("Năm", "Hình thức khen thưởng", "Số quyết định", "Cơ quan ban hành"),
                ("{{ r.year }}", "{{ r.award }}", "{{ r.decision }}", "{{ r.issuer }}"),
                rows="commendations", title="")


def _appendix(doc, form: str) -> None:
    _para(doc, form + " - Phụ lục kèm theo {{ decree }}", italic=True, size=12,
          align=WD_ALIGN_PARAGRAPH.RIGHT)


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
    # fixed so that rebuilding unchanged templates gives the same properties
    props = doc.core_properties
    props.author = props.last_modified_by = "Thi đua"
    props.created = props.modified = datetime(2026, 1, 1, tzinfo=timezone.utc)
    props.revision = 1
    return doc


def _header(doc, number: str, body: str = "") -> None:
    """Issuing body (the governing body above it when there is one) | national motto; number |
    place and date."""
    table = doc.add_table(rows=2, cols=2)
    left, right = table.rows[0].cells
    if body:
        _cell(left, body, bold=True, size=13, align=CENTER)
    else:
        _cell(left, "{{ unit.letterhead_upper }}", size=13, align=CENTER)
        _cell(left, "{{ unit.name_upper }}", bold=True, size=13, align=CENTER)
    _cell(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=13, align=CENTER)
    _cell(right, "Độc lập - Tự do - Hạnh phúc", bold=True, size=14, align=CENTER)
    left2, right2 = table.rows[1].cells
    _cell(left2, f"Số: {number}" if number else "", size=13, align=CENTER)
    _cell(right2, "{{ place_date }}", italic=True, size=14, align=CENTER)


def _rows_table(doc, headers, cells, *, rows: str = "rows", title: str = "") -> None:
    """A grid with a header row and one row per item of `rows` (docxtpl's `{%tr %}`)."""
    if title:
        _para(doc, title, bold=True, align=CENTER)
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        _cell(cell, text, bold=True, size=12)
    _cell(table.add_row().cells[0], f"{{%tr for r in {rows} %}}", size=12)
    for cell, text in zip(table.add_row().cells, cells, strict=True):
        _cell(cell, text, size=12)
    _cell(table.add_row().cells[0], "{%tr endfor %}", size=12)


def _signature(doc, left: list[str], right: list[str], *, left_center: bool = False) -> None:
    """Recipients (or a second signer) on the left, the signer's block on the right: the
    first line bold, "(Ký…)" lines italic, the name bold at the bottom."""
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    a, b = table.rows[0].cells
    for cell, lines, center in ((a, left, left_center), (b, right, True)):
        for i, line in enumerate(lines):
            italic = line.startswith("(") or (not center and i > 0)
            bold = (i == 0 or line.startswith("{{")) and not line.startswith("(")
            _cell(cell, line, bold=bold and (center or i == 0), italic=italic,
                  size=13 if center else (12 if i == 0 else 11),
                  align=CENTER if center else LEFT)


def _para(doc, text, *, bold=False, italic=False, size=14, align=JUSTIFY):
    paragraph = doc.add_paragraph()
    paragraph.alignment = align
    run = paragraph.add_run(text)
    run.bold, run.italic, run.font.size, run.font.name = bold, italic, Pt(size), FONT
    return paragraph


def _cell(cell, text, *, bold=False, italic=False, size=13, align=LEFT):
    paragraph = cell.paragraphs[0] if not cell.paragraphs[0].runs else cell.add_paragraph()
    paragraph.alignment = align
    run = paragraph.add_run(text)
    run.bold, run.italic, run.font.size, run.font.name = bold, italic, Pt(size), FONT


BUILDERS = {"decision": _decision, "memo": _memo, "minutes": _minutes,
            "nomination_list": _nomination_list, "report_individual": _report_individual,
            "report_collective": _report_collective}
