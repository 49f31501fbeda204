"""How Vietnamese offices write things in their spreadsheets, and what each means here: the one
table every import reads. To accept a new spelling, add it to the table below (matching
ignores case, accents, and for abbreviations dots, spaces and hyphens: `H.T.X.S.N.V` is
`HTXSNV`).

Values are the codes the records keep (`excellent`, `female`, `canh_cao` …), so this module
depends on no area; awards are also resolved against the award catalogue's codes and names
(`award_lookup`).
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from emulation.core.text import clean, fold

# --- column headers: what offices call our columns ---------------------------------------------
HEADERS: dict[str, tuple[str, ...]] = {
    "person_code": ("Mã cá nhân", "person code", "mã số cá nhân", "mã đoàn viên",
                    "mã nhân viên", "mã NV", "mã CB", "mã cán bộ", "mã CBCNV", "số hiệu"),
    "full_name": ("Họ và tên", "full name", "họ tên", "họ, tên", "họ và tên đoàn viên",
                  "họ và tên cán bộ", "họ và tên người được đề nghị"),
    "gender": ("Giới tính", "gender", "nam/nữ", "nam, nữ", "phái", "sex"),
    "birth": ("Ngày sinh", "date of birth", "birth date", "ngày tháng năm sinh",
              "ngày, tháng, năm sinh", "sinh ngày", "năm sinh", "year of birth"),
    "position": ("Chức vụ", "position", "chức danh", "chức vụ, chức danh",
                 "chức vụ/chức danh", "chức vụ hoặc chức danh", "nghề nghiệp", "công việc"),
    "unit_code": ("Mã đơn vị", "unit code", "mã ĐV"),
    "unit_name": ("Tên đơn vị", "unit name", "name", "đơn vị", "tên tổ chức"),
    "parent_code": ("Mã đơn vị cấp trên", "parent code", "parent", "mã cấp trên"),
    "unit_kind": ("Loại đơn vị", "kind", "unit kind", "loại hình"),
    "address": ("Địa chỉ", "address", "trụ sở"),
    "email": ("Email", "e-mail", "thư điện tử", "địa chỉ email"),
    "year": ("Năm", "year", "năm xét", "năm đánh giá", "năm khen thưởng"),
    "appraisal": ("Xếp loại", "level", "kết quả xếp loại", "xếp loại chất lượng",
                  "mức độ hoàn thành nhiệm vụ", "kết quả đánh giá", "đánh giá, xếp loại"),
    "scope": ("Phạm vi", "scope", "phạm vi ảnh hưởng", "cấp công nhận"),
    "research": ("Đề tài khoa học", "research", "đề tài", "đề tài NCKH"),
    "title": ("Tên sáng kiến", "title", "tên sáng kiến, đề tài", "tên sáng kiến/đề tài"),
    "recognised_by": ("Cơ quan công nhận", "recognised by", "nơi công nhận"),
    "discipline": ("Hình thức kỷ luật", "level", "kỷ luật", "hình thức"),
    "from": ("Từ ngày", "from", "ngày bắt đầu", "ngày hiệu lực"),
    "to": ("Đến ngày", "to", "ngày kết thúc", "ngày hết hạn"),
    "reason": ("Lý do", "reason", "nội dung vi phạm"),
    "award": ("Mã khen thưởng", "award", "danh hiệu", "hình thức khen thưởng",
              "danh hiệu thi đua", "khen thưởng", "danh hiệu/hình thức khen thưởng"),
    "decision_number": ("Số quyết định", "decision number", "số QĐ", "số, ngày quyết định"),
    "issuer": ("Cơ quan ban hành", "issuer", "cấp khen", "cơ quan quyết định"),
    "commendation_kind": ("Loại khen thưởng", "kind", "loại"),
}
# Columns every office list has that no import reads: never a reason to refuse a file.
IGNORED_HEADERS = ("STT", "TT", "Số TT", "Số thứ tự", "Ghi chú", "Ký nhận", "Ký tên")

# --- values -----------------------------------------------------------------------------------
SEX = {"Nam": "male", "Nữ": "female", "Ông": "male", "Bà": "female", "male": "male",
       "m": "male", "female": "female", "f": "female", "Anh": "male", "Chị": "female"}
# Written before a name; removed (and telling the sex when the sex column is empty).
NAME_PREFIXES = {"Ông": "male", "Bà": "female", "Đ/c": None, "Đ.c": None, "Đc": None,
                 "Đồng chí": None, "Đ/chí": None}
APPRAISAL = {
    "Hoàn thành xuất sắc nhiệm vụ": "excellent", "HTXSNV": "excellent", "HTXS": "excellent",
    "Xuất sắc": "excellent", "Hoàn thành xuất sắc": "excellent",
    "Hoàn thành tốt nhiệm vụ": "good", "HTTNV": "good", "HTT": "good", "Tốt": "good",
    "Hoàn thành tốt": "good",
    "Hoàn thành nhiệm vụ": "complete", "HTNV": "complete", "HT": "complete",
    "Hoàn thành": "complete",
    "Không hoàn thành nhiệm vụ": "incomplete", "KHTNV": "incomplete", "KHT": "incomplete",
    "Không hoàn thành": "incomplete",
    "excellent": "excellent", "good": "good", "complete": "complete",
    "incomplete": "incomplete",
}
INITIATIVE_SCOPE = {"Cơ sở": "grassroots", "Cấp cơ sở": "grassroots", "Bộ": "ministry",
                    "Cấp bộ": "ministry", "Bộ, ngành, tỉnh": "ministry",
                    "Cấp bộ, ngành, tỉnh": "ministry", "Tỉnh": "ministry",
                    "Cấp tỉnh": "ministry", "Toàn quốc": "national",
                    "Cấp toàn quốc": "national", "grassroots": "grassroots",
                    "ministry": "ministry", "national": "national"}
DISCIPLINE = {"Khiển trách": "khien_trach", "Cảnh cáo": "canh_cao",
              "Hạ bậc lương": "ha_bac_luong", "Giáng chức": "giang_chuc",
              "Cách chức": "cach_chuc", "Buộc thôi việc": "buoc_thoi_viec",
              **{k: k for k in ("khien_trach", "canh_cao", "ha_bac_luong", "giang_chuc",
                                "cach_chuc", "buoc_thoi_viec")}}
COMMENDATION_KIND = {"Thường xuyên": "regular", "Chuyên đề": "thematic",
                     "Theo chuyên đề": "thematic", "Đột xuất": "one_off",
                     "Quá trình cống hiến": "career", "Niên hạn": "long_service",
                     "Đối ngoại": "foreign", "Thường xuyên (hằng năm)": "regular",
                     "Khen thưởng thường xuyên": "regular",
                     "Khen thưởng theo chuyên đề": "thematic",
                     "Khen thưởng đột xuất": "one_off",
                     # the English labels, as an export in English writes them
                     "Regular (yearly)": "regular", "Thematic": "thematic",
                     "One-off": "one_off", "For a career": "career",
                     "Long service": "long_service", "Foreign": "foreign",
                     **{k: k for k in ("regular", "thematic", "one_off", "career",
                                       "long_service", "foreign")}}
UNIT_KIND = {"Công đoàn ngành": "union", "Công đoàn cấp trên cơ sở": "upper_grassroots",
             "CĐCTCS": "upper_grassroots", "Công đoàn cơ sở": "grassroots",
             "CĐCS": "grassroots", "Tổ công đoàn": "team", "Khác": "other",
             **{k: k for k in ("union", "upper_grassroots", "grassroots", "team", "other")}}
YES = {"Có": True, "x": True, "yes": True, "1": True, "true": True, "Đề tài": True,
       "Không": False, "no": False, "0": False, "false": False}
# Awards by what offices write, beyond the catalogue's own codes and names (which
# `award_lookup` reads from the database, with the initials of each name: `LĐTT`).
AWARD = {"CSTĐ": "CSTD_BO", "CSTĐ cấp bộ": "CSTD_BO", "CSTĐ cấp tỉnh": "CSTD_BO",
         "CSTĐTQ": "CSTD_TQ", "CSTĐ toàn quốc": "CSTD_TQ", "TTLĐTT": "TTLDTT",
         "TTLĐXS": "TTLDXS", "Bằng khen Bộ": "BK_BO", "BK Bộ": "BK_BO",
         "BKTTg": "BK_TTG", "BK TTg": "BK_TTG", "Bằng khen Thủ tướng": "BK_TTG",
         "BK TLĐ": "BK_TLD", "Bằng khen Tổng Liên đoàn": "BK_TLD",
         "Cờ Tổng Liên đoàn": "CO_TLD", "Cờ TLĐ": "CO_TLD", "Cờ Chính phủ": "CO_CP",
         "Cờ thi đua Bộ": "CO_BO"}


def key(text) -> str:
    """What two spellings must share to mean the same: folded, inner spaces collapsed."""
    return " ".join(fold(text).split())


def compact(text) -> str:
    """The key without spaces, dots, hyphens, slashes: for abbreviations (`H.T.X.S.N.V`)."""
    return re.sub(r"[\s.\-/_,]+", "", key(text))


def table(words: dict) -> dict[str, object]:
    """A lookup dict of a table above: each spelling by its key and its compact key."""
    found: dict[str, object] = {}
    for word, value in words.items():
        found.setdefault(key(word), value)
        found.setdefault(compact(word), value)
    return found


_TABLES: dict[int, dict] = {}


def lookup(words: dict, text):
    """The value `text` means in the table `words` (SEX, APPRAISAL …), or None."""
    found = _TABLES.get(id(words))
    if found is None:
        found = _TABLES[id(words)] = table(words)
    if text is None:
        return None
    for candidate in (key(text), compact(text)):
        if candidate in found:
            return found[candidate]
    return None


def award_lookup(catalogue: list[tuple[str, str]]) -> dict[str, str]:
    """Spellings → award code, from the catalogue's (code, name) pairs and the AWARD table:
    each code (`CSTD_BO`, `cstdbo`), each name (`Lao động tiên tiến`) and its initials
    (`LĐTT`; initials two awards share are left out)."""
    found: dict[str, str] = {}
    initials: dict[str, set[str]] = {}
    for code, name in catalogue:
        for word in (code, name):
            found[key(word)] = code
            found[compact(word)] = code
        letters = "".join(w[0] for w in key(name).split() if w[:1].isalnum())
        initials.setdefault(letters, set()).add(code)
    for letters, codes in initials.items():
        if len(codes) == 1 and len(letters) >= 2:
            found.setdefault(letters, next(iter(codes)))
    known = {code for code, _name in catalogue}
    for word, code in AWARD.items():
        if code in known:
            found.setdefault(key(word), code)
            found.setdefault(compact(word), code)
    return found


def find_award(spellings: dict[str, str], text) -> str | None:
    """The award code `text` names (see award_lookup), or None."""
    return spellings.get(key(text)) or spellings.get(compact(text))


# --- names ------------------------------------------------------------------------------------
_PREFIXES = sorted(((key(p), sex) for p, sex in NAME_PREFIXES.items()),
                   key=lambda item: -len(item[0]))


def strip_name_prefix(name: str) -> tuple[str, str | None, bool]:
    """(name without `Ông`/`Bà`/`Đ/c`/`Đồng chí`, the sex the prefix tells or None, whether a
    prefix was removed). A prefix is removed only when at least two words remain."""
    text = clean(name)
    folded = key(text)
    for prefix, sex in _PREFIXES:
        if folded.startswith(prefix) and folded[len(prefix):len(prefix) + 1] in (" ", ".", ":"):
            rest = text[len(prefix):].lstrip(" .:")
            if len(rest.split()) >= 2:
                return rest, sex, True
    return text, None, False


# --- digits, numbers and dates ----------------------------------------------------------------
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def ascii_forms(text: str) -> str:
    """Full-width forms (`１９８６`, `ＢＨ－０１`, the ideographic space) as ASCII."""
    return text.translate(_FULL_WIDTH)


_FULL_WIDTH_FOUND = re.compile("[\uff01-\uff5e\u3000]")


def has_full_width(text: str) -> bool:
    return not text.isascii() and _FULL_WIDTH_FOUND.search(text) is not None


_EXCEL_EPOCH = date(1899, 12, 30)
_SERIALS = (3654, 73415)  # 01/01/1910 … 31/12/2100 as Excel day numbers
_DATE_TEXT = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_WORDS_DATE = re.compile(r"^ngay\s*(\d{1,2})\s*thang\s*(\d{1,2})\s*nam\s*(\d{4})$")


def _number(value) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    text = ascii_forms(clean(value))
    if re.fullmatch(r"\d+(\.0+)?", text):
        return float(text)
    return None


def year_value(value) -> int | None:
    """A year written as a number or text (`1986`, `１９８６`, `1986.0`), or None."""
    number = _number(value)
    if number is None or not number.is_integer():
        return None
    return int(number)


def parse_date(value, allow_year: bool = False) -> date | int | None:
    """A date as offices write it: a date cell, an Excel day number (also as text), text in
    Vietnamese order `15/08/1985`, `15-8-1985`, `15.08.1985`, `ngày 15 tháng 8 năm 1985`, or
    ISO `1985-08-15`; full-width digits accepted. With `allow_year` a bare year (`1986`) is
    returned as an int. None for an empty cell; ValueError when it is not a date."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    number = _number(value)
    if number is not None:
        if allow_year and number.is_integer() and 1000 <= number <= 2999:
            return int(number)  # a year (its plausibility is the caller's)
        if number.is_integer() and _SERIALS[0] <= number <= _SERIALS[1]:
            return _EXCEL_EPOCH + timedelta(days=int(number))
        raise ValueError(value)
    text = ascii_forms(clean(value))
    for pattern, order in ((_DATE_TEXT, (2, 1, 0)), (_ISO, (0, 1, 2)),
                           (_WORDS_DATE, (2, 1, 0))):
        match = pattern.match(key(text) if pattern is _WORDS_DATE else text)
        if match:
            parts = [int(g) for g in match.groups()]
            year, month, day = (parts[i] for i in order)
            return date(year, month, day)  # ValueError for 31/02
    raise ValueError(value)

