"""Eligibility engine (pure): award rules as data + a subject's records + a year → a verdict
that explains itself, rule by rule, in Vietnamese and English.

Each rule answers True (passed), False (failed) or None (not enough data to say). A subject is
eligible when every rule passes, not eligible when one fails, otherwise "not enough data".
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from math import floor

APPRAISAL_ORDER = ("incomplete", "complete", "good", "excellent")
SCOPE_ORDER = ("grassroots", "ministry", "national")
DISCIPLINE_ORDER = ("khien_trach", "canh_cao", "ha_bac_luong", "giang_chuc", "cach_chuc",
                    "buoc_thoi_viec")
APPRAISAL_VI = {"incomplete": "Không hoàn thành nhiệm vụ", "complete": "Hoàn thành nhiệm vụ",
                "good": "Hoàn thành tốt nhiệm vụ", "excellent": "Hoàn thành xuất sắc nhiệm vụ"}
APPRAISAL_EN = {"incomplete": "did not complete tasks", "complete": "completed tasks",
                "good": "completed tasks well", "excellent": "completed tasks excellently"}
SCOPE_VI = {"grassroots": "cấp cơ sở", "ministry": "cấp bộ, ngành, tỉnh", "national": "toàn quốc"}
DISCIPLINE_VI = {"khien_trach": "khiển trách", "canh_cao": "cảnh cáo",
                 "ha_bac_luong": "hạ bậc lương", "giang_chuc": "giáng chức",
                 "cach_chuc": "cách chức", "buoc_thoi_viec": "buộc thôi việc"}
RULE_KINDS = ("appraisal", "award", "run", "initiatives", "no_discipline", "members_share",
              "members_count", "members_discipline", "rank", "any_of", "all_of", "manual")


@dataclass(frozen=True)
class MemberStats:
    """What a collective's rules look at, for the year in question."""

    total: int
    completed_tasks: int | None = None
    awards: dict[str, int] = field(default_factory=dict)
    disciplined: dict[str, int] = field(default_factory=dict)  # level → members


@dataclass(frozen=True)
class Records:
    kind: str  # individual | collective
    appraisals: dict[int, str] = field(default_factory=dict)
    awards: tuple[tuple[str, int], ...] = ()
    initiatives: tuple[tuple[int, str, bool], ...] = ()  # (year, scope, is_research)
    disciplines: tuple[tuple[str, date, date], ...] = ()
    members: MemberStats | None = None
    rank: int | None = None


@dataclass(frozen=True)
class Rule:
    kind: str
    params: dict
    subject: str = "both"
    legal_reference: str = ""
    note: str = ""


@dataclass
class RuleResult:
    kind: str
    passed: bool | None
    message_vi: str
    message_en: str
    looked_at: dict = field(default_factory=dict)
    legal_reference: str = ""
    parts: list[RuleResult] = field(default_factory=list)

    def message(self, locale: str) -> str:
        return self.message_en if locale == "en" else self.message_vi


@dataclass
class Verdict:
    eligible: bool | None
    rules: list[RuleResult]


def check(rules: list[Rule], records: Records, year: int,
          names: dict[str, str] | None = None) -> Verdict:
    """Evaluate every rule that applies to the subject's kind."""
    names = names or {}
    results = [evaluate(rule, records, year, names) for rule in rules
               if rule.subject in ("both", records.kind)]
    return Verdict(_all(r.passed for r in results), results)


def evaluate(rule: Rule, records: Records, year: int, names: dict[str, str]) -> RuleResult:
    handler = _HANDLERS.get(rule.kind)
    if handler is None:
        raise ValueError(f"unknown rule kind {rule.kind!r}")
    result = handler(rule.params, records, year, names)
    result.legal_reference = rule.legal_reference
    return result


def validate(kind: str, params: dict) -> list[str]:
    """Problems with a rule's parameters (empty when it can be evaluated)."""
    if kind not in RULE_KINDS:
        return [f"unknown kind {kind!r}"]
    try:
        _HANDLERS[kind](params, Records(kind="individual"), 2000, {})
        _HANDLERS[kind](params, Records(kind="collective", members=MemberStats(1)), 2000, {})
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        return [f"{kind}: {err}"]
    return []


# --- quotas ------------------------------------------------------------------------------------

@dataclass
class QuotaResult:
    award: str
    of_award: str
    max_pct: Decimal
    allowed: int
    count: int
    exceeding: list  # nomination keys beyond the quota, last ones first in line
    message_vi: str
    message_en: str


def check_quota(award: str, of_award: str, max_pct: Decimal,
                nominations: list[tuple[object, str]]) -> QuotaResult:
    """`nominations` are (key, award code) of one unit and year, in the order they were made.
    At most max_pct % of the `of_award` nominations may be for `award`."""
    base = sum(1 for _k, code in nominations if code == of_award)
    chosen = [key for key, code in nominations if code == award]
    allowed = floor(Decimal(base) * Decimal(max_pct) / 100)
    exceeding = chosen[allowed:]
    vi = (f"Tỷ lệ {award} không quá {max_pct:g}% số {of_award} ({base}): được tối đa {allowed}, "
          f"đề nghị {len(chosen)}")
    en = (f"{award} may be at most {max_pct:g}% of {of_award} ({base}): at most {allowed}, "
          f"nominated {len(chosen)}")
    if exceeding:
        vi += f"; vượt {len(exceeding)}"
        en += f"; {len(exceeding)} over"
    return QuotaResult(award, of_award, Decimal(max_pct), allowed, len(chosen), exceeding,
                       vi, en)


# --- rule kinds ----------------------------------------------------------------------------------

def _appraisal(p, r: Records, year, names):
    level, n = p["min"], int(p.get("years", 1))
    _rank(APPRAISAL_ORDER, level)
    years = list(range(year - n + 1, year + 1))
    ok = [y for y in years if y in r.appraisals and _ge(APPRAISAL_ORDER, r.appraisals[y], level)]
    bad = [y for y in years if y in r.appraisals and y not in ok]
    missing = [y for y in years if y not in r.appraisals]
    passed = False if bad else (None if missing else True)
    span_vi = f"năm {year}" if n == 1 else f"{n} năm liên tục đến {year}"
    span_en = f"in {year}" if n == 1 else f"{n} consecutive years up to {year}"
    vi = f"Xếp loại từ \"{APPRAISAL_VI[level]}\" trở lên {span_vi}"
    en = f"Rated \"{APPRAISAL_EN[level]}\" or better {span_en}"
    return RuleResult("appraisal", passed, *_detail(vi, en, passed, ok, bad, missing),
                      looked_at={"years": years, "appraisals": {y: r.appraisals.get(y)
                                                                 for y in years}})


def _award(p, r: Records, year, names):
    code, mode = p["award"], p.get("mode", "in_year")
    count, end = int(p.get("count", 1)), year - int(p.get("end_offset", 0))
    held = sorted({y for c, y in r.awards if c == code})
    name = names.get(code, code)
    if mode == "in_year":
        years = [end]
    elif mode == "consecutive":
        years = list(range(end - count + 1, end + 1))
    elif mode == "within":
        years = list(range(end - int(p["window"]) + 1, end + 1))
    elif mode == "ever":
        years = [y for y in held if y < year]
    else:
        raise ValueError(f"unknown mode {mode!r}")
    have = [y for y in years if y in held]
    if mode in ("in_year", "consecutive"):
        passed = len(have) == len(years)
        missing = [y for y in years if y not in held]
        label = {"in_year": (f"Đạt {name} năm {end}", f"Holds {name} in {end}"),
                 "consecutive": (f"{count} năm liên tục đạt {name} đến {end}",
                                 f"{name} {count} consecutive years up to {end}")}[mode]
        vi, en = _detail(*label, passed, have, [], missing, missing_word=("thiếu", "missing"))
    else:
        passed = len(have) >= count
        span_vi = "trước đây" if mode == "ever" else f"trong {p['window']} năm đến {end}"
        span_en = "before" if mode == "ever" else f"within {p['window']} years up to {end}"
        vi = (f"Đạt {name} ít nhất {count} lần {span_vi}: có {len(have)}"
              f"{' (' + ', '.join(map(str, have)) + ')' if have else ''}")
        en = (f"{name} at least {count} times {span_en}: {len(have)}"
              f"{' (' + ', '.join(map(str, have)) + ')' if have else ''}")
        vi, en = _prefix(passed, vi, en)
    return RuleResult("award", passed, vi, en, looked_at={"award": code, "years": years,
                                                          "held": have})


def _run(p, r: Records, year, names):
    """A run of ≥ N consecutive years rated ≥ level ending with the year, with K of an award
    inside it."""
    level, n = p["min"], int(p["years"])
    code, k = p["award"], int(p.get("count", 0))
    _rank(APPRAISAL_ORDER, level)
    run, y = [], year
    while y in r.appraisals and _ge(APPRAISAL_ORDER, r.appraisals[y], level):
        run.append(y)
        y -= 1
    broken_by_gap = len(run) < n and y not in r.appraisals
    held = [x for x in run if (code, x) in set(r.awards)]
    if len(run) >= n:
        passed = len(held) >= k
    else:
        passed = None if broken_by_gap else False
    span = f"{min(run)}–{year}" if run else "—"
    name = names.get(code, code)
    vi = (f"Liên tục {n} năm trở lên đạt từ \"{APPRAISAL_VI[level]}\" đến {year}, trong đó "
          f"{k} lần {name}: chuỗi {len(run)} năm ({span}), {len(held)} lần {name}")
    en = (f"An unbroken run of {n}+ years rated \"{APPRAISAL_EN[level]}\" or better up to "
          f"{year} with {k} × {name}: run of {len(run)} ({span}), {len(held)} × {name}")
    if passed is None:
        vi += f"; thiếu xếp loại năm {y}"
        en += f"; no appraisal for {y}"
    vi, en = _prefix(passed, vi, en)
    return RuleResult("run", passed, vi, en, looked_at={"run": sorted(run), "held": held})


def _initiatives(p, r: Records, year, names):
    k, scope = int(p.get("count", 1)), p.get("min_scope", "grassroots")
    window, research = int(p.get("window", 1)), bool(p.get("research", True))
    _rank(SCOPE_ORDER, scope)
    years = range(year - window + 1, year + 1)
    found = [(y, s, res) for y, s, res in r.initiatives if y in years and
             _ge(SCOPE_ORDER, s, scope) and (research or not res)]
    passed = len(found) >= k
    span_vi = f"năm {year}" if window == 1 else f"trong {window} năm đến {year}"
    span_en = f"in {year}" if window == 1 else f"within {window} years up to {year}"
    what_vi = "sáng kiến hoặc đề tài khoa học" if research else "sáng kiến"
    what_en = "initiatives or research projects" if research else "initiatives"
    vi = (f"Có ít nhất {k} {what_vi} được công nhận {SCOPE_VI[scope]} trở lên {span_vi}: "
          f"có {len(found)}")
    en = f"At least {k} {what_en} recognised at {scope} level or above {span_en}: {len(found)}"
    vi, en = _prefix(passed, vi, en)
    return RuleResult("initiatives", passed, vi, en,
                      looked_at={"years": list(years), "initiatives": found})


def _no_discipline(p, r: Records, year, names):
    level = p.get("min_level", "khien_trach")
    _rank(DISCIPLINE_ORDER, level)
    start, end = date(year, 1, 1), date(year, 12, 31)
    hits = [(lv, a, b) for lv, a, b in r.disciplines
            if _ge(DISCIPLINE_ORDER, lv, level) and a <= end and b >= start]
    passed = not hits
    vi = f"Không bị kỷ luật từ hình thức {DISCIPLINE_VI[level]} trở lên trong năm {year}"
    en = f"No discipline of level {level} or above in {year}"
    if hits:
        lv, a, b = hits[0]
        vi += f": có {DISCIPLINE_VI.get(lv, lv)} từ {a:%d/%m/%Y} đến {b:%d/%m/%Y}"
        en += f": {lv} from {a.isoformat()} to {b.isoformat()}"
    vi, en = _prefix(passed, vi, en)
    return RuleResult("no_discipline", passed, vi, en, looked_at={"disciplines": hits})


def _members_share(p, r: Records, year, names):
    pct = Decimal(str(p["min_pct"]))
    m = r.members
    what = p.get("award")
    label_vi = f"đạt {names.get(what, what)}" if what else "hoàn thành nhiệm vụ"
    label_en = f"holding {names.get(what, what)}" if what else "completing their tasks"
    if m is None or m.total <= 0 or (not what and m.completed_tasks is None):
        vi = f"Tỷ lệ thành viên {label_vi} từ {pct:g}%: chưa có số liệu thành viên"
        en = f"Share of members {label_en} at least {pct:g}%: no member data"
        return RuleResult("members_share", None, vi, en)
    count = m.awards.get(what, 0) if what else m.completed_tasks
    share = Decimal(count) * 100 / m.total
    passed = share >= pct
    vi = (f"Tỷ lệ thành viên {label_vi} từ {pct:g}% trở lên: {count}/{m.total} "
          f"({share.quantize(Decimal('0.1'))}%)")
    en = (f"Share of members {label_en} at least {pct:g}%: {count}/{m.total} "
          f"({share.quantize(Decimal('0.1'))}%)")
    vi, en = _prefix(passed, vi, en)
    return RuleResult("members_share", passed, vi, en,
                      looked_at={"count": count, "total": m.total})


def _members_count(p, r: Records, year, names):
    what, k = p["award"], int(p.get("min", 1))
    name = names.get(what, what)
    if r.members is None:
        return RuleResult("members_count", None, f"Có ít nhất {k} thành viên đạt {name}: chưa "
                          f"có số liệu", f"At least {k} members holding {name}: no member data")
    count = r.members.awards.get(what, 0)
    passed = count >= k
    vi, en = _prefix(passed, f"Có ít nhất {k} thành viên đạt {name}: có {count}",
                     f"At least {k} members holding {name}: {count}")
    return RuleResult("members_count", passed, vi, en, looked_at={"count": count})


def _members_discipline(p, r: Records, year, names):
    level = p.get("min_level", "canh_cao")
    _rank(DISCIPLINE_ORDER, level)
    if r.members is None:
        return RuleResult("members_discipline", None,
                          "Không có thành viên bị kỷ luật: chưa có số liệu",
                          "No member disciplined: no member data")
    count = sum(n for lv, n in r.members.disciplined.items()
                if lv in DISCIPLINE_ORDER and _ge(DISCIPLINE_ORDER, lv, level))
    passed = count == 0
    vi, en = _prefix(passed, f"Không có thành viên bị kỷ luật từ {DISCIPLINE_VI[level]} trở lên"
                     f" trong năm {year}: có {count}",
                     f"No member disciplined at {level} or above in {year}: {count}")
    return RuleResult("members_discipline", passed, vi, en, looked_at={"count": count})


def _rank_rule(p, r: Records, year, names):
    limit = int(p.get("max_rank", 1))
    if r.rank is None:
        return RuleResult("rank", None, f"Dẫn đầu cụm, khối (hạng ≤ {limit}): chưa có bảng "
                          f"xếp hạng đã chốt", f"Leads its cluster (rank ≤ {limit}): no frozen "
                          f"ranking")
    passed = r.rank <= limit
    vi, en = _prefix(passed, f"Dẫn đầu cụm, khối (hạng ≤ {limit}): hạng {r.rank}",
                     f"Leads its cluster (rank ≤ {limit}): rank {r.rank}")
    return RuleResult("rank", passed, vi, en, looked_at={"rank": r.rank})


def _group(kind):
    def handler(p, r: Records, year, names):
        parts = [evaluate(Rule(s["kind"], s.get("params", {})), r, year, names)
                 for s in p["rules"]]
        values = [x.passed for x in parts]
        passed = _any(values) if kind == "any_of" else _all(values)
        joiner_vi, joiner_en = (" hoặc ", " or ") if kind == "any_of" else (" và ", " and ")
        vi = "(" + joiner_vi.join(x.message_vi for x in parts) + ")"
        en = "(" + joiner_en.join(x.message_en for x in parts) + ")"
        return RuleResult(kind, passed, vi, en, parts=parts)
    return handler


def _manual(p, r: Records, year, names):
    text = p.get("text", "")
    return RuleResult("manual", None, f"Cần Hội đồng xem xét: {text}",
                      f"For the council to judge: {p.get('text_en', text)}")


_HANDLERS = {"appraisal": _appraisal, "award": _award, "run": _run,
             "initiatives": _initiatives, "no_discipline": _no_discipline,
             "members_share": _members_share, "members_count": _members_count,
             "members_discipline": _members_discipline, "rank": _rank_rule,
             "any_of": _group("any_of"), "all_of": _group("all_of"), "manual": _manual}


# --- helpers -------------------------------------------------------------------------------------

def _rank(order, value) -> int:
    if value not in order:
        raise ValueError(f"unknown level {value!r}")
    return order.index(value)


def _ge(order, value, minimum) -> bool:
    return value in order and order.index(value) >= order.index(minimum)


def _all(values) -> bool | None:
    values = list(values)
    if any(v is False for v in values):
        return False
    return None if any(v is None for v in values) else True


def _any(values) -> bool | None:
    values = list(values)
    if any(v is True for v in values):
        return True
    return None if any(v is None for v in values) else False


def _prefix(passed, vi, en):
    if passed is False:
        return f"Chưa đạt: {vi}", f"Not met: {en}"
    if passed is None:
        return f"Chưa đủ dữ liệu: {vi}", f"Not enough data: {en}"
    return f"Đạt: {vi}", f"Met: {en}"


def _detail(vi, en, passed, ok, bad, missing, missing_word=("thiếu dữ liệu", "no data")):
    def years(values):
        return ", ".join(map(str, values))

    extra_vi, extra_en = [], []
    if ok:
        extra_vi.append(f"có {years(ok)}")
        extra_en.append(f"has {years(ok)}")
    if bad:
        extra_vi.append(f"không đạt {years(bad)}")
        extra_en.append(f"below in {years(bad)}")
    if missing:
        extra_vi.append(f"{missing_word[0]} {years(missing)}")
        extra_en.append(f"{missing_word[1]} {years(missing)}")
    if passed is False and not bad and missing:
        vi, en = f"Chưa đủ {vi[0].lower()}{vi[1:]}", f"Not enough: {en}"
    else:
        vi, en = _prefix(passed, vi, en)
    if extra_vi:
        vi += ": " + "; ".join(extra_vi)
        en += ": " + "; ".join(extra_en)
    return vi, en
