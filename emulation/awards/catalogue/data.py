"""The seeded award catalogue of DESIGN.md §4 (Law 06/2022/QH15 with Decree 98/2023/NĐ-CP, then
Decree 152/2025/NĐ-CP from 01/07/2025, and the trade union's own forms of Quyết định
999/QĐ-TLĐ of 29/05/2024). Everything here is data, copied into the database and editable by
administrators; the code never reads these constants to decide eligibility.

Live rules cite Decree 152/2025 (the articles carried over from Decree 98/2023); only the rule
set TDKT2022-ND98, which judges 2024 to mid-2025, keeps citing Decree 98/2023. No live rule
cites a repealed decree (Decree 91/2017): what came from it is kept only as an editable
example, marked so."""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from sqlalchemy import select

LAW = "Luật Thi đua, khen thưởng 06/2022/QH15"
DECREE = "Nghị định 152/2025/NĐ-CP"
GOOD = {"kind": "appraisal", "params": {"min": "good"}}
# The trade union's own regulation (DESIGN.md §4); its conditions are not verified from here.
TLD = "Quyết định 999/QĐ-TLĐ ngày 29/05/2024"
UNVERIFIED = "điều kiện chưa đối chiếu"
# A council vote threshold that no text in force sets (the 90% of all members came from
# repealed Decree 91/2017): an editable example.
VOTE_EXAMPLE = ("Ngưỡng 90% tổng số thành viên Hội đồng là ví dụ có thể sửa, không lấy từ văn bản "
                "đang có hiệu lực; đặt theo quy chế hoạt động của Hội đồng.")


def no_discipline(years: int = 1) -> dict:
    """No discipline over the whole period the award looks at (Decree 152/2025 Art. 4)."""
    return {"kind": "no_discipline", "subject": "individual",
            "params": {"min_level": "khien_trach", "years": years},
            "legal_reference": f"{DECREE}, Điều 4",
            "note": "Không khen thưởng người đang bị kỷ luật; sau kỷ luật, thành tích chỉ tính từ "
                    "khi hết thời hạn kỷ luật, nên xét trên toàn bộ thời gian của danh hiệu."}


NO_DISCIPLINE = no_discipline()

# Rule sets (bộ tiêu chuẩn): the seeded rules are copied into each, with the decree of its period.
# code, name, legal source, valid from, valid to, decree named in the rules' references
RULE_SETS = [
    ("TDKT2022-ND98", "Luật TĐKT 2022 và Nghị định 98/2023",
     f"{LAW}; Nghị định 98/2023/NĐ-CP", "2024-01-01", "2025-06-30", "Nghị định 98/2023/NĐ-CP"),
    ("TDKT2022-ND152", "Luật TĐKT 2022 và Nghị định 152/2025",
     f"{LAW}; {DECREE}", "2025-07-01", None, DECREE),
]


def union_form(code: str, name: str, category: str, subject: str, level: str, authority: str,
               what_vi: str, what_en: str, note: str = "") -> tuple:
    """A form of the trade union's own (Quyết định 999/QĐ-TLĐ) whose conditions are not
    verified from here: a `manual` rule (the verdict is for the council, never eligible),
    no discipline over the year for an individual (Decree 152/2025 Art. 4), no cash multiple
    until the union's own amount is entered, and a note saying so."""
    rules = [{"kind": "manual", "subject": "both",
              "params": {"text": f"tiêu chuẩn {what_vi} theo {TLD} ({UNVERIFIED})",
                         "text_en": f"the criteria for {what_en} under Decision 999/QĐ-TLĐ of "
                                    "29/05/2024 (conditions not verified)"},
              "legal_reference": TLD, "note": f"Tiêu chuẩn theo {TLD}: {UNVERIFIED}."}]
    if subject in ("individual", "both"):
        rules.append(NO_DISCIPLINE)
    text = (f"Theo {TLD}; {UNVERIFIED}: Hội đồng xét theo quy định của tổ chức Công đoàn. Mức "
            "tiền thưởng theo quy định của Tổng Liên đoàn (chưa nhập).")
    return (code, name, category, subject, level, authority, None, TLD, rules, 50, "present", 0,
            f"{note} {text}".strip())


# code, name, category, subject, level, authority, cash multiple (an individual's, or the
# collective's for collective titles), reference, rules, vote threshold %, vote base,
# publication working days, note
CATALOGUE = [
    ("LDTT", "Lao động tiên tiến", "title", "individual", "Cơ sở", "Thủ trưởng cơ quan, đơn vị",
     Decimal("0.3"), f"{LAW}, Điều 24", [
         {**GOOD, "legal_reference": f"{LAW}, Điều 24"}, NO_DISCIPLINE], 50, "present", 0, ""),
    ("CSTDCS", "Chiến sĩ thi đua cơ sở", "title", "individual", "Cơ sở",
     "Thủ trưởng cơ quan, đơn vị", Decimal("1.0"), f"{LAW}, Điều 23", [
         {"kind": "appraisal", "params": {"min": "good"},
          "legal_reference": f"{LAW}, Điều 23.1",
          "note": "Đạt tiêu chuẩn Lao động tiên tiến trong năm (được xét cùng đợt)."},
         {"kind": "any_of", "params": {"rules": [
             {"kind": "appraisal", "params": {"min": "excellent"}},
             {"kind": "initiatives", "params": {"count": 1, "min_scope": "grassroots",
                                                "research": True}}]},
          "legal_reference": f"{LAW}, Điều 23.1"}, NO_DISCIPLINE], 50, "present", 0, ""),
    ("CSTD_BO", "Chiến sĩ thi đua cấp bộ, ngành, tỉnh", "title", "individual",
     "Bộ, ngành, tỉnh", "Bộ trưởng", Decimal("3.0"), f"{LAW}, Điều 22", [
         {"kind": "award", "params": {"award": "CSTDCS", "mode": "consecutive", "count": 3,
                                      "after_last": "CSTD_BO"},
          "legal_reference": f"{LAW}, Điều 22",
          "note": "Ba lần liên tục CSTĐCS; các năm đã dùng cho lần CSTĐ cấp bộ trước không "
                  "được tính lại (các chu kỳ 3 năm không trùng nhau)."},
         {"kind": "initiatives", "params": {"count": 1, "min_scope": "ministry", "window": 3,
                                            "after_last": "CSTD_BO"},
          "legal_reference": f"{LAW}, Điều 22",
          "note": "Sáng kiến có phạm vi ảnh hưởng cấp bộ trong thời gian đạt 3 lần CSTĐCS."},
         no_discipline(3)], 90, "all", 0, VOTE_EXAMPLE),
    ("CSTD_TQ", "Chiến sĩ thi đua toàn quốc", "title", "individual", "Nhà nước",
     "Thủ tướng Chính phủ", Decimal("4.5"), f"{LAW}, Điều 21", [
         {"kind": "award", "params": {"award": "CSTD_BO", "mode": "blocks", "count": 2,
                                      "block": 3, "after_last": "CSTD_TQ"},
          "legal_reference": f"{LAW}, Điều 21",
          "note": "Hai lần liên tục CSTĐ cấp bộ: hai chu kỳ 3 năm liền nhau (ví dụ 2022 và "
                  "2025), không phải hai năm dương lịch liền nhau."},
         {"kind": "initiatives", "params": {"count": 1, "min_scope": "national", "window": 6,
                                            "after_last": "CSTD_TQ"},
          "legal_reference": f"{LAW}, Điều 21"}, no_discipline(6)], 90, "all", 10, VOTE_EXAMPLE),
    ("TTLDTT", "Tập thể lao động tiên tiến", "title", "collective", "Cơ sở",
     "Thủ trưởng cơ quan, đơn vị", Decimal("0.8"), f"{LAW}, Điều 28", [
         {"kind": "appraisal", "params": {"min": "good"}, "legal_reference": f"{LAW}, Điều 28"},
         {"kind": "members_share", "params": {"award": "LDTT", "min_pct": 70},
          "legal_reference": f"{LAW}, Điều 28",
          "note": "Có ít nhất 70% cá nhân trong tập thể đạt danh hiệu Lao động tiên tiến."},
         {"kind": "members_discipline", "params": {"min_level": "canh_cao"},
          "legal_reference": f"{LAW}, Điều 28"}], 50, "present", 0, ""),
    ("TTLDXS", "Tập thể lao động xuất sắc", "title", "collective", "Bộ, ngành, tỉnh",
     "Bộ trưởng", Decimal("1.5"), f"{LAW}, Điều 27", [
         {"kind": "appraisal", "params": {"min": "excellent"},
          "legal_reference": f"{LAW}, Điều 27"},
         {"kind": "members_share", "params": {"min_pct": 100},
          "legal_reference": f"{LAW}, Điều 27"},
         {"kind": "members_share", "params": {"award": "LDTT", "min_pct": 70},
          "legal_reference": f"{LAW}, Điều 27"},
         {"kind": "members_count", "params": {"award": "CSTDCS", "min": 1},
          "legal_reference": f"{LAW}, Điều 27"},
         {"kind": "members_discipline", "params": {"min_level": "canh_cao"},
          "legal_reference": f"{LAW}, Điều 27"}], 50, "present", 0, ""),
    ("CO_BO", "Cờ thi đua cấp bộ, ngành, tỉnh", "title", "collective", "Bộ, ngành, tỉnh",
     "Bộ trưởng", Decimal("8"), f"{LAW}, Điều 26", [
         {"kind": "rank", "params": {"max_rank": 1}, "legal_reference": f"{LAW}, Điều 26",
          "note": "Dẫn đầu cụm, khối thi đua; Điều 26 không đòi hỏi danh hiệu Tập thể lao động "
                  "xuất sắc."}], 50, "present", 0, ""),
    ("CO_CP", "Cờ thi đua của Chính phủ", "title", "collective", "Nhà nước", "Thủ tướng Chính phủ",
     Decimal("12"), f"{LAW}, Điều 25", [
         {"kind": "award", "params": {"award": "CO_BO", "mode": "in_year"},
          "legal_reference": f"{LAW}, Điều 25"},
         {"kind": "manual", "params": {"text": "được lựa chọn trong số các tập thể dẫn đầu "
                                               "vượt chỉ tiêu",
                                       "text_en": "chosen among cluster leaders that exceeded "
                                                  "their targets"},
          "legal_reference": f"{LAW}, Điều 25"}], 90, "all", 10, VOTE_EXAMPLE),
    ("GK", "Giấy khen", "commendation", "both", "Cơ sở", "Thủ trưởng cơ quan, đơn vị",
     Decimal("0.3"), f"{LAW}, Điều 75", [
         {"kind": "manual", "params": {"text": "tiêu chuẩn do cấp ra quyết định quy định",
                                       "text_en": "criteria set by the issuing body"},
          "legal_reference": f"{LAW}, Điều 75"}], 50, "present", 0, ""),
    ("BK_BO", "Bằng khen cấp bộ, ngành, tỉnh", "commendation", "both", "Bộ, ngành, tỉnh",
     "Bộ trưởng", Decimal("1.5"), f"{LAW}, Điều 74", [
         {"kind": "any_of", "subject": "individual", "params": {"rules": [
             {"kind": "run", "params": {
                 "each_award": "CSTDCS", "years": 2, "after_last": "BK_BO",
                 "initiatives": {"count": 2, "min_scope": "grassroots", "research": True}}},
             {"kind": "run", "params": {
                 "min": "excellent", "years": 2, "after_last": "BK_BO",
                 "initiatives": {"count": 2, "min_scope": "grassroots", "research": True}}}]},
          "legal_reference": f"{LAW}, Điều 74.1.d",
          "note": "02 lần liên tục CSTĐCS hoặc 02 năm trở lên liên tục hoàn thành xuất sắc "
                  "nhiệm vụ, trong thời gian đó có 02 sáng kiến (hoặc đề tài) cấp cơ sở chưa dùng "
                  "cho khen thưởng khác (cách hiểu của Bộ Nội vụ: điều kiện sáng kiến áp dụng cho "
                  "cả hai trường hợp). Điều 74.1.a–c là tiêu chuẩn định tính do Hội đồng xem xét."},
         no_discipline(2),
         {"kind": "manual", "subject": "collective",
          "params": {"text": "tiêu chuẩn tập thể theo Điều 74.2 (định tính)",
                     "text_en": "the collective criteria of Art. 74.2 (qualitative)"},
          "legal_reference": f"{LAW}, Điều 74.2"}], 50, "present", 0,
     "Mức tiền thưởng tập thể gấp đôi cá nhân theo Điều 49 Nghị định 152/2025 (theo báo cáo, "
     "cần đối chiếu)."),
    ("BK_TTG", "Bằng khen của Thủ tướng Chính phủ", "commendation", "both", "Nhà nước",
     "Thủ tướng Chính phủ", Decimal("3.0"), f"{LAW}, Điều 73", [
         {"kind": "run", "subject": "individual",
          "params": {"min": "good", "years": 5, "award": "CSTDCS", "count": 3,
                     "after_last": ["BK_BO", "BK_TLD"], "after_required": True},
          "legal_reference": f"{LAW}, Điều 73.1.b",
          "note": "Đã được tặng Bằng khen cấp bộ, ban, ngành, tỉnh, đoàn thể trung ương (Bằng "
                  "khen bộ hoặc Bằng khen của Tổng Liên đoàn), 05 năm tiếp theo trở lên liên tục "
                  "hoàn thành tốt nhiệm vụ, trong thời gian đó có 03 lần CSTĐCS."},
         no_discipline(5),
         {"kind": "manual", "subject": "collective",
          "params": {"text": "tiêu chuẩn tập thể theo Điều 73.2 (định tính)",
                     "text_en": "the collective criteria of Art. 73.2 (qualitative)"},
          "legal_reference": f"{LAW}, Điều 73.2"}], 90, "all", 10,
     "Mức tiền thưởng tập thể gấp đôi cá nhân theo Điều 49 Nghị định 152/2025 (theo báo cáo, "
     "cần đối chiếu). " + VOTE_EXAMPLE),
    # The trade union's own forms (Quyết định 999/QĐ-TLĐ, DESIGN.md §4). The Confederation is
    # a central mass organisation: its Bằng khen and Cờ thi đua take the standards of Law Art. 74
    # and 26; the rest are judged by the council until their conditions are verified.
    ("BK_TLD", "Bằng khen của Tổng Liên đoàn Lao động Việt Nam", "commendation", "both",
     "Tổng Liên đoàn", "Chủ tịch Tổng Liên đoàn", None, f"{LAW}, Điều 74; {TLD}", [
         {"kind": "any_of", "subject": "individual", "params": {"rules": [
             {"kind": "run", "params": {
                 "each_award": "CSTDCS", "years": 2, "after_last": "BK_TLD",
                 "initiatives": {"count": 2, "min_scope": "grassroots", "research": True}}},
             {"kind": "run", "params": {
                 "min": "excellent", "years": 2, "after_last": "BK_TLD",
                 "initiatives": {"count": 2, "min_scope": "grassroots", "research": True}}}]},
          "legal_reference": f"{LAW}, Điều 74.1.d; {TLD}",
          "note": "Tiêu chuẩn Bằng khen cấp đoàn thể trung ương (Điều 74.1.d, như Bằng khen bộ); "
                  f"tiêu chuẩn bổ sung của {TLD}: {UNVERIFIED}."},
         no_discipline(2),
         {"kind": "manual", "subject": "collective",
          "params": {"text": f"tiêu chuẩn tập thể theo Điều 74.2 và {TLD} ({UNVERIFIED})",
                     "text_en": "the collective criteria of Art. 74.2 and Decision 999/QĐ-TLĐ "
                                "of 29/05/2024 (conditions not verified)"},
          "legal_reference": f"{LAW}, Điều 74.2; {TLD}"}], 50, "present", 0,
     f"Tổng Liên đoàn là đoàn thể trung ương: tiêu chuẩn Điều 74 của Luật cộng quy định của "
     f"{TLD} ({UNVERIFIED}). Mức tiền thưởng theo quy định của Tổng Liên đoàn (chưa nhập)."),
    ("CO_TLD", "Cờ thi đua của Tổng Liên đoàn Lao động Việt Nam", "title", "collective",
     "Tổng Liên đoàn", "Chủ tịch Tổng Liên đoàn", None, f"{LAW}, Điều 26; {TLD}", [
         {"kind": "rank", "params": {"max_rank": 1}, "legal_reference": f"{LAW}, Điều 26; {TLD}",
          "note": f"Dẫn đầu cụm, khối thi đua (Điều 26); tiêu chuẩn bổ sung của {TLD}: "
                  f"{UNVERIFIED}."}], 50, "present", 0,
     f"Tiêu chuẩn Điều 26 của Luật cộng quy định của {TLD} ({UNVERIFIED}). Mức tiền thưởng "
     "theo quy định của Tổng Liên đoàn (chưa nhập)."),
    union_form("CO_CDN", "Cờ thi đua của Công đoàn ngành Trung ương", "title", "collective",
               "Công đoàn ngành Trung ương", "Ban Thường vụ Công đoàn ngành Trung ương",
               "Cờ thi đua của Công đoàn ngành Trung ương",
               "the sector union's emulation flag"),
    union_form("BK_CDN", "Bằng khen của Công đoàn ngành Trung ương", "commendation", "both",
               "Công đoàn ngành Trung ương", "Ban Thường vụ Công đoàn ngành Trung ương",
               "Bằng khen của Công đoàn ngành Trung ương",
               "the sector union's certificate of merit"),
    union_form("CO_LDLD", "Cờ thi đua của Liên đoàn Lao động tỉnh, thành phố", "title",
               "collective", "Liên đoàn Lao động tỉnh, thành phố",
               "Ban Thường vụ Liên đoàn Lao động tỉnh, thành phố",
               "Cờ thi đua của Liên đoàn Lao động tỉnh, thành phố",
               "the provincial labour confederation's emulation flag"),
    union_form("BK_LDLD", "Bằng khen của Liên đoàn Lao động tỉnh, thành phố", "commendation",
               "both", "Liên đoàn Lao động tỉnh, thành phố",
               "Ban Thường vụ Liên đoàn Lao động tỉnh, thành phố",
               "Bằng khen của Liên đoàn Lao động tỉnh, thành phố",
               "the provincial labour confederation's certificate of merit"),
    union_form("GK_CDCT", "Giấy khen của công đoàn cấp trên trực tiếp cơ sở", "commendation",
               "both", "Công đoàn cấp trên trực tiếp cơ sở",
               "Ban Thường vụ công đoàn cấp trên trực tiếp cơ sở",
               "Giấy khen của công đoàn cấp trên", "an upper-level union's certificate of merit"),
    union_form("BANG_LDST", "Bằng Lao động sáng tạo", "commendation", "both", "Tổng Liên đoàn",
               "Đoàn Chủ tịch Tổng Liên đoàn",
               "Bằng Lao động sáng tạo (sáng kiến, giải pháp được công nhận)",
               "the Creative Labour certificate (recognised initiatives and solutions)"),
    union_form("KNC_CD", "Kỷ niệm chương \"Vì sự nghiệp xây dựng tổ chức Công đoàn\"",
               "commendation", "individual", "Tổng Liên đoàn", "Chủ tịch Tổng Liên đoàn",
               "Kỷ niệm chương: đủ số năm công tác công đoàn (khen thưởng theo niên hạn)",
               "the union's commemorative medal: enough years of union work (long service)",
               note="Khen thưởng theo niên hạn (Luật, Điều 8): bản ghi khen thưởng mang loại "
                    "\"niên hạn\" và không tính làm điều kiện cho danh hiệu, hình thức khác."),
]
# The level that decides each award (DESIGN.md §4, "Who decides"): the Prime Minister (or the
# State President) decides the state's titles and forms; a minister, a province, a central mass
# organisation those of its level; the head of an agency or unit the grassroots ones; the trade
# union's own forms are decided by its centre (Tổng Liên đoàn or a central sector union).
# A type that is not listed here is decided at the grassroots level until an administrator
# says otherwise.
DECIDED_BY = {"CSTD_TQ": "state", "CO_CP": "state", "BK_TTG": "state",
              "CSTD_BO": "ministry", "TTLDXS": "ministry", "CO_BO": "ministry",
              "BK_BO": "ministry", "LDTT": "unit", "CSTDCS": "unit", "TTLDTT": "unit",
              "GK": "unit", "BK_TLD": "union_central", "CO_TLD": "union_central",
              "CO_CDN": "union_central", "BK_CDN": "union_central", "CO_LDLD": "ministry",
              "BK_LDLD": "ministry", "GK_CDCT": "unit", "BANG_LDST": "union_central",
              "KNC_CD": "union_central"}
# A collective's multiple for a commendation form that both kinds receive: twice the
# individual's (Decree 152/2025 Art. 49, as reported: verify). Collective titles carry theirs
# in the catalogue's own column.
COLLECTIVE_CASH = {"BK_TTG": Decimal("6.0"), "BK_BO": Decimal("3.0"), "GK": Decimal("0.6")}
# The kind of commendation a decision records for an award (Law Art. 8); regular otherwise.
COMMENDATION_KINDS = {"KNC_CD": "long_service"}
CASH_REFERENCE = f"{DECREE}, Điều 49, 50, 54"
# Quotas: the law in force (Law 06/2022, Decree 152/2025) sets no national cap on CSTĐCS; the
# 15% of LĐTT came from repealed Decree 91/2017 and is seeded only as an editable example.
# award, base, of award, max %, max number, reference, note, example
QUOTAS = [("CSTDCS", "awards", "LDTT", Decimal(15), None,
           "Nghị định 91/2017/NĐ-CP (đã hết hiệu lực) — ví dụ",
           "Ví dụ, không phải quy định hiện hành: tỷ lệ 15% lấy từ Nghị định 91/2017/NĐ-CP (đã "
           "hết hiệu lực); Luật Thi đua, khen thưởng 06/2022/QH15 và Nghị định 152/2025/NĐ-CP "
           "không quy định tỷ lệ Chiến sĩ thi đua cơ sở chung toàn quốc. Sửa hoặc xóa theo quy "
           "chế của đơn vị.", True)]


# Written opinions (phiếu ý kiến bằng văn bản) of council members absent from the meeting are
# seeded as allowed wherever the threshold is counted over all the council's members: there a
# member who cannot attend would otherwise count as a "no", and attendance decide the outcome.
# The text that set the "≥ 90% of all members" threshold also said "if a member of the council
# is absent, take their opinion in writing" (Decree 91/2017/NĐ-CP Art. 45.8, repealed); the
# provision of Decree 152/2025/NĐ-CP that carries it over is to verify. Editable per award.
WRITTEN_VOTES_SOURCE = ("Nghị định 91/2017/NĐ-CP, Điều 45.8 (đã hết hiệu lực): thành viên Hội "
                        "đồng vắng mặt thì lấy ý kiến bằng văn bản; cần đối chiếu Nghị định "
                        "152/2025/NĐ-CP")


def written_votes_seeded(vote_base: str) -> bool:
    """Whether a seeded award takes written opinions of absent members: where its vote is
    counted over all members (`WRITTEN_VOTES_SOURCE`)."""
    return vote_base == "all"


# Base salaries and the working calendar are seeded by emulation.refdata.data.


def seed(session) -> int:
    """Insert the catalogue where a code is missing; never overwrite an administrator's edits.

    Award types already present are upgraded only where nobody changed them: empty cash
    multiples are filled, and rules that no administrator ever saved or deleted (the audit
    trail says so) are replaced by the seeded rule sets' rules."""
    from emulation.awards.catalogue.models import AwardQuota, AwardType

    sets = _seed_rule_sets(session)
    existing = {a.code: a for a in session.scalars(select(AwardType))}
    added = 0
    for (code, name, category, subject, level, authority, cash, ref, rules, threshold, base,
         days, note) in CATALOGUE:
        award = existing.get(code)
        if award is None:
            award = AwardType(code=code, name=name, category=category, subject=subject,
                              commendation_kind=COMMENDATION_KINDS.get(code, "regular"),
                              level=level, issuing_authority=authority, cash_multiple=cash,
                              cash_multiple_collective=COLLECTIVE_CASH.get(code),
                              decided_by=DECIDED_BY.get(code, "unit"),
                              legal_reference=ref, vote_threshold_pct=Decimal(threshold),
                              vote_base=base, publication_days=days, note=note,
                              written_votes_allowed=written_votes_seeded(base))
            session.add(award)
            _add_rules(award, rules, sets)
            added += 1
            continue
        if award.cash_multiple is None and cash is not None:
            award.cash_multiple = cash
        if award.cash_multiple_collective is None and code in COLLECTIVE_CASH:
            award.cash_multiple_collective = COLLECTIVE_CASH[code]
        if not any(r.rule_set_id for r in award.rules) and not _rules_edited(session, award):
            for rule in list(award.rules):
                award.rules.remove(rule)
            session.flush()
            _add_rules(award, rules, sets)
    session.flush()
    from emulation.refdata.data import seed as seed_reference

    seed_reference(session)
    by_code = {a.code: a for a in session.scalars(select(AwardType))}
    for code, base, of_code, pct, count, ref, note, example in QUOTAS:
        award = by_code[code]
        if not any(q.base == base and q.of_code == of_code for q in award.quotas):
            award.quotas.append(AwardQuota(base=base, of_code=of_code, max_pct=pct,
                                           max_count=count, legal_reference=ref, note=note,
                                           is_example=example))
    return added


def _seed_rule_sets(session) -> list:
    """The seeded rule sets, added where their code is missing, with the decree each names."""
    from emulation.awards.catalogue.models import RuleSet

    known = {s.code: s for s in session.scalars(select(RuleSet))}
    sets = []
    for code, name, source, valid_from, valid_to, decree in RULE_SETS:
        rule_set = known.get(code)
        if rule_set is None:
            rule_set = RuleSet(code=code, name=name, legal_source=source,
                               valid_from=date.fromisoformat(valid_from),
                               valid_to=date.fromisoformat(valid_to) if valid_to else None)
            session.add(rule_set)
        sets.append((rule_set, decree))
    session.flush()
    return sets


def _add_rules(award, rules: list[dict], sets: list) -> None:
    from emulation.awards.catalogue.models import AwardRule

    for rule_set, decree in sets:
        for position, rule in enumerate(rules, start=1):
            award.rules.append(AwardRule(
                rule_set=rule_set, position=position, kind=rule["kind"],
                subject=rule.get("subject", "both"),
                params=json.dumps(rule["params"], ensure_ascii=False),
                legal_reference=rule.get("legal_reference", "").replace(DECREE, decree),
                note=rule.get("note", "")))


def _rules_edited(session, award) -> bool:
    """Whether an administrator ever saved or deleted a rule of this award."""
    from emulation.core.audit import AuditEvent

    return session.scalar(select(AuditEvent.id).where(
        AuditEvent.object_type == "award_type", AuditEvent.object_id == award.id,
        AuditEvent.action.in_(("award.rule_save", "award.rule_delete"))).limit(1)) is not None
