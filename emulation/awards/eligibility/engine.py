"""Eligibility engine (pure): award rules as data + a subject's records + a year → a verdict
that explains itself, rule by rule, in Vietnamese and English.

Each rule answers True (passed), False (failed) or None (not enough data to say). A subject is
eligible when every rule passes, not eligible when one fails, otherwise "not enough data".
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from math import floor

from emulation.awards.records.enums import DisciplineLevel, InitiativeScope
from emulation.core.numbers import percent_text

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


def _english(label) -> str:
    """An enum label's English source text, in lower case for the middle of a sentence
    (the engine is pure: no request, no catalogue)."""
    text = str(getattr(label, "_args", (label,))[0])
    return text[:1].lower() + text[1:]


# the records enums' labels (records.enums), as the sentences say them; SCOPE_VI and
# DISCIPLINE_VI are their Vietnamese labels in lower case (tests/awards/test_eligibility_labels)
SCOPE_EN = {m.value: _english(m.label) for m in InitiativeScope}
DISCIPLINE_EN = {m.value: _english(m.label) for m in DisciplineLevel}
RULE_KINDS = ("appraisal", "award", "run", "initiatives", "no_discipline", "members_share",
              "members_count", "members_discipline", "rank", "any_of", "all_of", "manual")
SUBJECT_KINDS = ("individual", "collective")
# Loại khen thưởng (Law 06/2022 Art. 8) as the verdicts name them
COMMENDATION_VI = {"regular": "thường xuyên", "thematic": "theo chuyên đề",
                   "one_off": "đột xuất", "career": "quá trình cống hiến",
                   "long_service": "niên hạn", "foreign": "đối ngoại"}
COMMENDATION_EN = {"regular": "regular", "thematic": "thematic", "one_off": "one-off",
                   "career": "career", "long_service": "long-service", "foreign": "foreign"}
COMMENDATION_REFERENCE = "Luật Thi đua, khen thưởng 06/2022/QH15, Điều 8"
SUBJECT_VI = {"individual": "cá nhân", "collective": "tập thể"}
SUBJECT_EN = {"individual": "an individual", "collective": "a collective"}


@dataclass(frozen=True)
class MemberStats:
    """What a collective's rules look at, for the year in question."""

    total: int
    completed_tasks: int | None = None
    awards: dict[str, int] = field(default_factory=dict)
    disciplined: dict[str, int] = field(default_factory=dict)  # level → members


@dataclass(frozen=True)
class Records:
    """A subject's history. An initiative is (year, scope, is_research) or, when it already
    backed an award, (year, scope, is_research, award code, award year): an initiative backs
    one commendation only. A sixth item, when given, is the caller's key of the initiative
    (its id): verdicts name the initiatives they relied on by it (`Verdict.initiatives_used`),
    (year, scope, is_research, None, None, key) for one not used yet. An award is (code, year)
    or (code, year, kind of commendation): rules that require an earlier award count regular
    ones only (Law Art. 8)."""

    kind: str  # individual | collective
    appraisals: dict[int, str] = field(default_factory=dict)
    awards: tuple[tuple, ...] = ()
    initiatives: tuple[tuple, ...] = ()
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


@dataclass(frozen=True)
class RuleSet:
    """Bộ tiêu chuẩn: the rules in force for a period, with the texts they come from."""

    code: str
    name: str
    legal_source: str = ""
    valid_from: date | None = None
    valid_to: date | None = None


@dataclass
class RuleResult:
    kind: str
    passed: bool | None
    message_vi: str
    message_en: str
    looked_at: dict = field(default_factory=dict)
    legal_reference: str = ""
    parts: list[RuleResult] = field(default_factory=list)
    # keys of the initiatives a passed rule relied on (see Records): the ones an award it
    # grants consumes
    initiatives_used: list = field(default_factory=list)

    def message(self, locale: str) -> str:
        return self.message_en if locale == "en" else self.message_vi


@dataclass
class Verdict:
    eligible: bool | None
    rules: list[RuleResult]
    rule_set: RuleSet | None = None

    def initiatives_used(self) -> list:
        """Keys of the initiatives the passed rules relied on, each once, in rule order: an
        award granted on this verdict consumes them (an initiative backs one commendation
        only). Rules that failed or lack data rely on none."""
        keys = []
        for result in self.rules:
            if result.passed is True:
                keys += [k for k in result.initiatives_used if k not in keys]
        return keys


@dataclass(frozen=True)
class _Context:
    names: dict[str, str]
    award: str = ""


def check(rules: list[Rule], records: Records, year: int,
          names: dict[str, str] | None = None, *, subjects: tuple[str, ...] | None = None,
          award: str = "", rule_set: RuleSet | None = None,
          commendation: str = "regular") -> Verdict:
    """Evaluate every rule that applies to the subject's kind.

    `subjects` are the kinds the award takes (all when None): another kind is not eligible.
    A kind the award takes but for which no rule is machine-checkable is for the council
    (None), never eligible. `award` is the code being checked (an initiative that backed
    another award does not count again); `rule_set` is named in the verdict.

    `commendation` is the kind of commendation asked for (Law 06/2022 Art. 8). The rules are
    those of regular commendation; any other kind (thematic, one-off, career, long service,
    foreign) has criteria of its own that the council judges, so only the discipline rules
    are checked, over the year alone (Decree 152/2025 Art. 4), and the verdict is at best
    "for the council" (None)."""
    ctx = _Context(names or {}, award)
    if subjects is not None and records.kind not in subjects:
        return Verdict(False, [_wrong_subject(records.kind, subjects, ctx)], rule_set)
    if commendation not in ("", "regular"):
        return _other_kind(rules, records, year, ctx, commendation, rule_set)
    results = [evaluate(rule, records, year, ctx) for rule in rules
               if rule.subject in ("both", records.kind)]
    if not results:
        results = [RuleResult(
            "manual", None, f"Cần Hội đồng xem xét: không có tiêu chuẩn kiểm tra tự động cho "
            f"{SUBJECT_VI.get(records.kind, records.kind)}",
            f"For the council to judge: no machine-checkable criteria for "
            f"{SUBJECT_EN.get(records.kind, records.kind)}")]
    return Verdict(_all(r.passed for r in results), results, rule_set)


def _other_kind(rules, records, year, ctx, commendation, rule_set) -> Verdict:
    """The verdict for a commendation that is not regular (see `check`)."""
    results = [evaluate(Rule(rule.kind, {**rule.params, "years": 1}, rule.subject,
                             rule.legal_reference, rule.note), records, year, ctx)
               for rule in rules
               if rule.kind == "no_discipline" and rule.subject in ("both", records.kind)]
    vi, en = COMMENDATION_VI.get(commendation, commendation), \
        COMMENDATION_EN.get(commendation, commendation)
    results.append(RuleResult(
        "manual", None,
        f"Cần Hội đồng xem xét: khen thưởng {vi} theo tiêu chuẩn riêng của loại khen thưởng "
        f"này; tiêu chuẩn khen thưởng thường xuyên (kể cả điều kiện nhiều năm) không áp dụng",
        f"For the council to judge: a {en} commendation has criteria of its own; the "
        f"criteria of regular commendation (multi-year conditions included) do not apply",
        looked_at={"commendation": commendation}, legal_reference=COMMENDATION_REFERENCE))
    return Verdict(_all(r.passed for r in results), results, rule_set)


def rule_set_for(sets: list[RuleSet], year: int) -> RuleSet | None:
    """The rule set in force for a nomination's year: the one valid on 31 December of that
    year; when none covers it, the nearest one (the earliest for older years, the latest for
    later ones)."""
    return rule_set_on(sets, date(year, 12, 31))


def rule_set_on(sets: list, day: date):
    """The rule set in force on `day` among `sets` (anything with `valid_from` and `valid_to`,
    open ends allowed): the latest-starting one that covers the day; when none does, the
    earliest for a day before them all, else the latest."""
    if not sets:
        return None
    covering = [s for s in sets if (s.valid_from is None or s.valid_from <= day)
                and (s.valid_to is None or day <= s.valid_to)]
    if covering:
        return max(covering, key=lambda s: s.valid_from or date.min)
    ordered = sorted(sets, key=lambda s: s.valid_from or date.min)
    return ordered[0] if ordered[0].valid_from and day < ordered[0].valid_from else ordered[-1]


def evaluate(rule: Rule, records: Records, year: int, names) -> RuleResult:
    """One rule's result; `names` is the award names by code (or the check's context)."""
    ctx = names if isinstance(names, _Context) else _Context(names or {})
    handler = _HANDLERS.get(rule.kind)
    if handler is None:
        raise ValueError(f"unknown rule kind {rule.kind!r}")
    result = handler(rule.params, records, year, ctx)
    result.legal_reference = rule.legal_reference
    return result


def describe(rule: Rule, names: dict[str, str] | None = None) -> tuple[str, str]:
    """The rule in words, (vi, en), for no year in particular: the catalogue's sentence. It is
    the sentence a verdict starts with (the same builders), "năm xét" standing for the year."""
    ctx = _Context(names or {})
    builder = _LABELS.get(rule.kind)
    if builder is None:
        return rule.kind, rule.kind
    vi, en = builder(rule.params, ctx, None)
    return vi, en


def validate(kind: str, params: dict) -> list[str]:
    """Problems with a rule's parameters (empty when it can be evaluated)."""
    if kind not in RULE_KINDS:
        return [f"unknown kind {kind!r}"]
    try:
        _HANDLERS[kind](params, Records(kind="individual"), 2000, _Context({}))
        _HANDLERS[kind](params, Records(kind="collective", members=MemberStats(1)), 2000,
                        _Context({}))
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        return [f"{kind}: {err}"]
    return []


# --- quotas ------------------------------------------------------------------------------------
# A quota (tỷ lệ, hạn mức) is a maximum ("không quá"): awards of type X in a unit for a year may
# be at most P% of a base — the unit's awards of type Y (granted and still nominated) or its
# headcount — or at most N. The engine only compares counts; the services count the unit's
# whole set for the year.

QUOTA_BASES = ("awards", "headcount", "absolute")
ROUNDINGS = ("floor", "half_up")


@dataclass(frozen=True)
class Quota:
    """Tỷ lệ / hạn mức khen thưởng: at most `max_pct` % of the base (`awards` of `of_award`,
    or the unit's `headcount`), or at most `max_count` (`absolute`), rounded by `rounding`
    (`floor`: rounded down, the usual reading of "không quá"; `half_up`). `example` marks a
    rate kept as an editable example, not the law in force."""

    award: str
    base: str = "awards"
    of_award: str = ""
    max_pct: Decimal | None = None
    max_count: int | None = None
    rounding: str = "floor"
    legal_reference: str = ""
    example: bool = False


@dataclass(frozen=True)
class QuotaTally:
    """What a quota looks at in one unit (with its sub-units) for one year: awards of the
    base award granted (not revoked) and still only nominated, the headcount, awards of the
    capped award already granted, and the keys of its nominations not yet granted, in the
    order they were made (the last ones are the first beyond the quota)."""

    base_granted: int = 0
    base_nominated: int = 0
    headcount: int = 0
    granted: int = 0
    pending: tuple = ()
    unit: str = ""
    year: int | None = None


@dataclass
class QuotaResult:
    award: str
    of_award: str
    max_pct: Decimal | None
    allowed: int
    count: int
    exceeding: list  # nomination keys beyond the quota, last ones first in line
    message_vi: str
    message_en: str
    base: str = "awards"
    max_count: int | None = None
    granted: int = 0
    base_total: int = 0
    example: bool = False
    legal_reference: str = ""
    unit: object = None  # the services' key of the unit counted over
    year: int | None = None

    def message(self, locale: str) -> str:
        return self.message_en if locale == "en" else self.message_vi


def quota_allowed(quota: Quota, tally: QuotaTally) -> int:
    """How many awards the quota allows for this tally (a percentage rounded per
    `quota.rounding`: down unless `half_up`)."""
    if quota.base == "absolute":
        return int(quota.max_count or 0)
    base = (tally.headcount if quota.base == "headcount"
            else tally.base_granted + tally.base_nominated)
    exact = Decimal(base) * Decimal(quota.max_pct or 0) / 100
    if quota.rounding == "half_up":
        return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return floor(exact)


def evaluate_quota(quota: Quota, tally: QuotaTally,
                   names: dict[str, str] | None = None) -> QuotaResult:
    """The quota against one unit's tally for a year: how many it allows, how many are
    granted or nominated, and which nominations (keys of `tally.pending`) are beyond it —
    awards already granted take their places first. The message names the base, e.g.
    "CSTĐCS không quá 15% số LĐTT của đơn vị (đã công nhận 20, đề nghị 0): tối đa 3"."""
    names = names or {}
    what = names.get(quota.award, quota.award)
    allowed = quota_allowed(quota, tally)
    pending = list(tally.pending)
    free = max(allowed - tally.granted, 0)
    exceeding = pending[free:]
    count = tally.granted + len(pending)
    unit_vi = tally.unit or "đơn vị"
    unit_en = tally.unit or "the unit"
    year_vi = f" năm {tally.year}" if tally.year else ""
    year_en = f" in {tally.year}" if tally.year else ""
    pct_vi, pct_en = (percent_text(quota.max_pct, "vi", 2), percent_text(quota.max_pct, "en", 2))
    rounding_vi = " (làm tròn)" if quota.rounding == "half_up" else ""
    rounding_en = " (rounded half up)" if quota.rounding == "half_up" else ""
    if quota.base == "absolute":
        base_total = int(quota.max_count or 0)
        vi = f"{what} không quá {quota.max_count} khen thưởng của {unit_vi}{year_vi}"
        en = f"{what}: at most {quota.max_count} for {unit_en}{year_en}"
    elif quota.base == "headcount":
        base_total = tally.headcount
        vi = (f"{what} không quá {pct_vi} số người của {unit_vi}{year_vi} "
              f"({tally.headcount} người): tối đa {allowed}{rounding_vi}")
        en = (f"{what} may be at most {pct_en} of the headcount of {unit_en}"
              f"{year_en} ({tally.headcount} people): at most {allowed}{rounding_en}")
    else:
        base_total = tally.base_granted + tally.base_nominated
        of = names.get(quota.of_award, quota.of_award)
        vi = (f"{what} không quá {pct_vi} số {of} của {unit_vi}{year_vi} "
              f"(đã công nhận {tally.base_granted}, đề nghị {tally.base_nominated}): "
              f"tối đa {allowed}{rounding_vi}")
        en = (f"{what} may be at most {pct_en} of the {of} of {unit_en}{year_en} "
              f"(granted {tally.base_granted}, nominated {tally.base_nominated}): at most "
              f"{allowed}{rounding_en}")
    vi += f"; đã công nhận {tally.granted}, đề nghị {len(pending)}"
    en += f"; granted {tally.granted}, nominated {len(pending)}"
    if exceeding:
        vi += f"; vượt {len(exceeding)}"
        en += f"; {len(exceeding)} over"
    if quota.example:
        vi += " (tỷ lệ ví dụ, không phải quy định hiện hành)"
        en += " (an example rate, not the law in force)"
    return QuotaResult(quota.award, quota.of_award,
                       None if quota.max_pct is None else Decimal(quota.max_pct), allowed,
                       count, exceeding, vi, en, base=quota.base, max_count=quota.max_count,
                       granted=tally.granted, base_total=base_total, example=quota.example,
                       legal_reference=quota.legal_reference, year=tally.year)


def check_quota(award: str, of_award: str, max_pct: Decimal,
                nominations: list[tuple[object, str]]) -> QuotaResult:
    """`nominations` are (key, award code) of one unit and year, in the order they were made:
    at most max_pct % of the `of_award` nominations may be for `award` (rounded down). Kept
    for callers that hold only nominations; `evaluate_quota` also counts awards granted."""
    tally = QuotaTally(base_nominated=sum(1 for _k, code in nominations if code == of_award),
                       pending=tuple(key for key, code in nominations if code == award))
    return evaluate_quota(Quota(award, "awards", of_award, Decimal(max_pct)), tally)


def validate_quota(quota: Quota) -> list[str]:
    """Problems with a quota's data (empty when it can be evaluated), in English; the
    services say them in the reader's language."""
    problems = []
    if quota.base not in QUOTA_BASES:
        problems.append(f"unknown base {quota.base!r}")
    if quota.rounding not in ROUNDINGS:
        problems.append(f"unknown rounding {quota.rounding!r}")
    if quota.base == "absolute":
        if quota.max_count is None or int(quota.max_count) < 0:
            problems.append("an absolute quota needs a maximum number of at least 0")
    elif quota.base in QUOTA_BASES:
        if quota.max_pct is None or not 0 <= Decimal(quota.max_pct) <= 100:
            problems.append("a percentage quota needs a percentage between 0 and 100")
    if quota.base == "awards" and not quota.of_award:
        problems.append("a share of awards names the award it is a share of")
    if quota.base == "awards" and quota.of_award == quota.award:
        problems.append("a quota cannot be a share of its own award")
    return problems


def quota_in_force(valid_from: date | None, valid_to: date | None, year: int) -> bool:
    """Whether a dated quota applies to a year: in force on 31 December of that year, as
    rule sets are (open ends allowed)."""
    day = date(year, 12, 31)
    return (valid_from is None or valid_from <= day) and (valid_to is None or day <= valid_to)


# --- rule kinds ----------------------------------------------------------------------------------
# Every handler takes (params, records, year, context). Multi-year rules accept "after_last": an
# award code (or list) whose last grant before the year starts the window afresh, so the years an
# earlier award of that kind used are not counted again.

def _appraisal(p, r: Records, year, ctx):
    level, n = p["min"], int(p.get("years", 1))
    _rank(APPRAISAL_ORDER, level)
    years = list(range(year - n + 1, year + 1))
    anchor = _anchor(p, r, year)
    used = [y for y in years if anchor and y <= anchor[1]]
    ok = [y for y in years if y in r.appraisals and _ge(APPRAISAL_ORDER, r.appraisals[y], level)
          and y not in used]
    bad = [y for y in years if y in r.appraisals and y not in ok and y not in used]
    missing = [y for y in years if y not in r.appraisals and y not in used]
    passed = False if bad or used else (None if missing else True)
    vi, en = _label_appraisal(p, ctx, year)
    vi, en = _detail(vi, en, passed, ok, bad, missing)
    vi, en = _used_note(vi, en, used, anchor, ctx)
    return RuleResult("appraisal", passed, vi, en,
                      looked_at={"years": years, "appraisals": {y: r.appraisals.get(y)
                                                                 for y in years}})


def _award(p, r: Records, year, ctx):
    code, mode = p["award"], p.get("mode", "in_year")
    count, end = int(p.get("count", 1)), year - int(p.get("end_offset", 0))
    held = sorted({y for c, y in _regular(r) if c == code})
    anchor = _anchor(p, r, year)
    if mode == "in_year":
        years = [end]
    elif mode == "consecutive":
        years = list(range(end - count + 1, end + 1))
    elif mode == "blocks":
        block = int(p["block"])
        if block < 1:
            raise ValueError("block must be at least 1")
        years = [end - block * i for i in range(count - 1, -1, -1)]
    elif mode == "within":
        years = list(range(end - int(p["window"]) + 1, end + 1))
    elif mode == "ever":
        years = [y for y in held if y < year]
    else:
        raise ValueError(f"unknown mode {mode!r}")
    used = [y for y in years if anchor and y <= anchor[1]]
    have = [y for y in years if y in held and y not in used]
    label = _label_award(p, ctx, year)
    if mode in ("in_year", "consecutive", "blocks"):
        missing = [y for y in years if y not in held and y not in used]
        passed = not missing and not used
        vi, en = _detail(*label, passed, have, [], missing, missing_word=("thiếu", "missing"))
    else:
        passed = len(have) >= count
        vi = (f"{label[0]}: có {len(have)}"
              f"{' (' + ', '.join(map(str, have)) + ')' if have else ''}")
        en = (f"{label[1]}: {len(have)}"
              f"{' (' + ', '.join(map(str, have)) + ')' if have else ''}")
        vi, en = _prefix(passed, vi, en)
    vi, en = _used_note(vi, en, used, anchor, ctx)
    return RuleResult("award", passed, vi, en, looked_at={"award": code, "years": years,
                                                          "held": have, "used": used})


def _run(p, r: Records, year, ctx):
    """A run of N or more consecutive years ending with the year, each year rated ≥ `min`
    and/or holding `each_award`, with K × `award` and K initiatives anywhere inside it. The run
    starts after the last `after_last` award (required when `after_required`) and after the end
    of any discipline (Decree 152/2025 Art. 4: achievements count from the end of a discipline)."""
    n = int(p["years"])
    level, each = p.get("min"), p.get("each_award")
    if level is None and each is None:
        raise ValueError("a run needs 'min' or 'each_award'")
    if level is not None:
        _rank(APPRAISAL_ORDER, level)
    code, k = p.get("award"), int(p.get("count", 0))
    ini = p.get("initiatives")
    blocking = p.get("discipline_level", "khien_trach")
    _rank(DISCIPLINE_ORDER, blocking)
    anchor = _anchor(p, r, year)
    awards = _regular(r)
    held_each = {y for c, y in awards if c == each}
    run, y, stop = [], year, None
    while True:
        if anchor and y <= anchor[1]:
            stop = "anchor"
        elif _disciplined_in(r, y, blocking):
            stop = "discipline"
        elif level is not None and y not in r.appraisals:
            stop = "missing"
        elif level is not None and not _ge(APPRAISAL_ORDER, r.appraisals[y], level):
            stop = "below"
        elif each is not None and y not in held_each:
            stop = "no_award"
        if stop:
            break
        run.append(y)
        y -= 1
    run.sort()
    held = [x for x in run if code and (code, x) in awards]
    found = _usable_initiatives(r, set(run), ini or {}, ctx, year) if ini else []
    ini_k = int(ini.get("count", 1)) if ini else 0
    passed = len(run) >= n and len(held) >= k and len(found) >= ini_k
    if p.get("after_required") and anchor is None:
        passed = False
    elif not passed and stop == "missing" and len(run) < n:
        passed = None
    span = "—" if not run else str(run[0]) if len(run) == 1 else f"{run[0]}–{run[-1]}"
    vi, en = _label_run(p, ctx, year)
    have_vi, have_en = [], []
    if code and k:
        name = ctx.names.get(code, code)
        have_vi.append(f"{len(held)} lần {name}" + (f" ({_years(held)})" if held else ""))
        have_en.append(f"{len(held)} × {name}" + (f" ({_years(held)})" if held else ""))
    if ini:
        have_vi.append(f"{len(found)} sáng kiến/đề tài")
        have_en.append(f"{len(found)} initiatives/research")
    if anchor:
        aname = ctx.names.get(anchor[0], anchor[0])
        vi += f", tính từ sau {aname} năm {anchor[1]}"
        en += f", counted after the {aname} of {anchor[1]}"
    vi += f": chuỗi {len(run)} năm ({span})"
    en += f": run of {len(run)} ({span})"
    if have_vi:
        vi += ", " + ", ".join(have_vi)
        en += ", " + ", ".join(have_en)
    if p.get("after_required") and anchor is None:
        codes = _codes(p.get("after_last"))
        vi += "; chưa có " + " hoặc ".join(ctx.names.get(c, c) for c in codes) + " trước đó"
        en += "; no earlier " + " or ".join(ctx.names.get(c, c) for c in codes)
    elif stop == "missing" and passed is None:
        vi += f"; thiếu xếp loại năm {y}"
        en += f"; no appraisal for {y}"
    elif stop == "discipline":
        vi += f"; bị kỷ luật trong năm {y}, thành tích chỉ tính từ khi hết thời hạn kỷ luật"
        en += f"; disciplined in {y}, achievements count only from the end of the discipline"
    vi, en = _prefix(passed, vi, en)
    return RuleResult("run", passed, vi, en,
                      looked_at={"run": run, "held": held, "initiatives": _plain(found),
                                 "after": anchor[1] if anchor else None},
                      initiatives_used=_relied_on(found, ini_k) if passed else [])


def _initiatives(p, r: Records, year, ctx):
    k, scope = int(p.get("count", 1)), p.get("min_scope", "grassroots")
    window = int(p.get("window", 1))
    _rank(SCOPE_ORDER, scope)
    anchor = _anchor(p, r, year)
    first = year - window + 1
    if anchor:
        first = max(first, anchor[1] + 1)
    years = list(range(first, year + 1))
    found = _usable_initiatives(r, set(years), p, ctx, year)
    passed = len(found) >= k
    vi, en = _label_initiatives(p, ctx, year)
    if anchor:
        aname = ctx.names.get(anchor[0], anchor[0])
        vi += f", tính từ sau {aname} năm {anchor[1]}"
        en += f", counted after the {aname} of {anchor[1]}"
    vi, en = _prefix(passed, f"{vi}: có {len(found)}", f"{en}: {len(found)}")
    return RuleResult("initiatives", passed, vi, en,
                      looked_at={"years": years, "initiatives": _plain(found)},
                      initiatives_used=_relied_on(found, k) if passed else [])


def _no_discipline(p, r: Records, year, ctx):
    """No discipline of level ≥ L overlapping the whole period the award looks at (the last
    `years` years, Decree 152/2025 Art. 4)."""
    level, n = p.get("min_level", "khien_trach"), int(p.get("years", 1))
    _rank(DISCIPLINE_ORDER, level)
    start, end = date(year - n + 1, 1, 1), date(year, 12, 31)
    hits = [(lv, a, b) for lv, a, b in r.disciplines
            if _ge(DISCIPLINE_ORDER, lv, level) and a <= end and b >= start]
    passed = not hits
    vi, en = _label_no_discipline(p, ctx, year)
    if hits:
        lv, a, b = hits[0]
        vi += f": có {DISCIPLINE_VI.get(lv, lv)} từ {a:%d/%m/%Y} đến {b:%d/%m/%Y}"
        en += f": {DISCIPLINE_EN.get(lv, lv)} from {a.isoformat()} to {b.isoformat()}"
    vi, en = _prefix(passed, vi, en)
    return RuleResult("no_discipline", passed, vi, en, looked_at={"disciplines": hits})


def _members_share(p, r: Records, year, ctx):
    """Share of members: "min_pct" is at least P% (từ P% trở lên), "over_pct" strictly more
    than P% (trên P%)."""
    strict = "over_pct" in p
    pct = Decimal(str(p["over_pct"] if strict else p["min_pct"]))
    m = r.members
    what = p.get("award")
    label_vi, label_en = _label_members_share(p, ctx, year)
    if m is None or m.total <= 0 or (not what and m.completed_tasks is None):
        vi = f"{label_vi}: chưa có số liệu thành viên"
        en = f"{label_en}: no member data"
        return RuleResult("members_share", None, vi, en)
    count = m.awards.get(what, 0) if what else m.completed_tasks
    share = Decimal(count) * 100 / m.total
    passed = share > pct if strict else share >= pct
    vi = f"{label_vi}: {count}/{m.total} ({percent_text(share, 'vi')})"
    en = f"{label_en}: {count}/{m.total} ({percent_text(share, 'en')})"
    vi, en = _prefix(passed, vi, en)
    return RuleResult("members_share", passed, vi, en,
                      looked_at={"count": count, "total": m.total})


def _members_count(p, r: Records, year, ctx):
    what, k = p["award"], int(p.get("min", 1))
    label_vi, label_en = _label_members_count(p, ctx, year)
    if r.members is None:
        return RuleResult("members_count", None, f"{label_vi}: chưa có số liệu",
                          f"{label_en}: no member data")
    count = r.members.awards.get(what, 0)
    passed = count >= k
    vi, en = _prefix(passed, f"{label_vi}: có {count}", f"{label_en}: {count}")
    return RuleResult("members_count", passed, vi, en, looked_at={"count": count})


def _members_discipline(p, r: Records, year, ctx):
    level = p.get("min_level", "canh_cao")
    _rank(DISCIPLINE_ORDER, level)
    if r.members is None:
        return RuleResult("members_discipline", None,
                          "Không có thành viên bị kỷ luật: chưa có số liệu",
                          "No member disciplined: no member data")
    count = sum(n for lv, n in r.members.disciplined.items()
                if lv in DISCIPLINE_ORDER and _ge(DISCIPLINE_ORDER, lv, level))
    passed = count == 0
    label_vi, label_en = _label_members_discipline(p, ctx, year)
    vi, en = _prefix(passed, f"{label_vi}: có {count}", f"{label_en}: {count}")
    return RuleResult("members_discipline", passed, vi, en, looked_at={"count": count})


def _rank_rule(p, r: Records, year, ctx):
    label_vi, label_en = _label_rank(p, ctx, year)
    if r.rank is None:
        return RuleResult("rank", None, f"{label_vi}: chưa có bảng xếp hạng đã chốt",
                          f"{label_en}: no frozen ranking")
    passed = r.rank <= int(p.get("max_rank", 1))
    vi, en = _prefix(passed, f"{label_vi}: hạng {r.rank}", f"{label_en}: rank {r.rank}")
    return RuleResult("rank", passed, vi, en, looked_at={"rank": r.rank})


def _group(kind):
    def handler(p, r: Records, year, ctx):
        parts = [evaluate(Rule(s["kind"], s.get("params", {})), r, year, ctx)
                 for s in p["rules"]]
        values = [x.passed for x in parts]
        passed = _any(values) if kind == "any_of" else _all(values)
        joiner_vi, joiner_en = (" hoặc ", " or ") if kind == "any_of" else (" và ", " and ")
        vi = "(" + joiner_vi.join(x.message_vi for x in parts) + ")"
        en = "(" + joiner_en.join(x.message_en for x in parts) + ")"
        # any_of relies on its first passed part only; all_of on every part
        relied = [x for x in parts if x.passed is True]
        relied = relied[:1] if kind == "any_of" else relied
        used = []
        for x in relied if passed is True else []:
            used += [key for key in x.initiatives_used if key not in used]
        return RuleResult(kind, passed, vi, en, parts=parts, initiatives_used=used)
    return handler


def _manual(p, r: Records, year, ctx):
    return RuleResult("manual", None, *_label_manual(p, ctx, year))


# --- the sentences: what each rule asks, shared by the verdicts (with the year) and the
# catalogue (year None: "năm xét", the year being judged) ----------------------------------------

def _until(year, offset: int = 0) -> tuple[str, str]:
    """"đến 2026" / "up to 2026"; for no year, "đến năm xét" (or N years before it)."""
    if year is not None:
        return f"đến {year - offset}", f"up to {year - offset}"
    if offset:
        return f"đến {offset} năm trước năm xét", f"up to {offset} years before the year judged"
    return "đến năm xét", "up to the year judged"


def _in_year(year, offset: int = 0) -> tuple[str, str]:
    if year is not None:
        return f"năm {year - offset}", f"in {year - offset}"
    if offset:
        return f"{offset} năm trước năm xét", f"{offset} years before the year judged"
    return "năm xét", "in the year judged"


def _after_last(p, ctx, year) -> tuple[str, str]:
    """For the catalogue only: a window that starts again after the last award of a kind."""
    codes = _codes(p.get("after_last"))
    if year is not None or not codes:
        return "", ""
    names = [ctx.names.get(c, c) for c in codes]
    return (", tính từ sau lần đạt " + " hoặc ".join(names) + " gần nhất",
            ", counted after the last " + " or ".join(names))


def _label_appraisal(p, ctx, year):
    level, n = p["min"], int(p.get("years", 1))
    until_vi, until_en = _until(year)
    span_vi = _in_year(year)[0] if n == 1 else f"{n} năm liên tục {until_vi}"
    span_en = _in_year(year)[1] if n == 1 else f"{n} consecutive years {until_en}"
    extra = _after_last(p, ctx, year)
    return (f"Xếp loại từ \"{APPRAISAL_VI[level]}\" trở lên {span_vi}{extra[0]}",
            f"Rated \"{APPRAISAL_EN[level]}\" or better {span_en}{extra[1]}")


def _label_award(p, ctx, year):
    code, mode = p["award"], p.get("mode", "in_year")
    count, offset = int(p.get("count", 1)), int(p.get("end_offset", 0))
    name = ctx.names.get(code, code)
    until_vi, until_en = _until(year, offset)
    if mode == "blocks":
        last_vi, last_en = _in_year(year, offset)
        vi = (f"{count} lần liên tục đạt {name} theo các chu kỳ {p['block']} năm không "
              f"trùng nhau, lần cuối {last_vi}")
        en = (f"{name} {count} times in a row, in non-overlapping {p['block']}-year "
              f"blocks, the last {last_en}")
    elif mode == "in_year":
        at_vi, at_en = _in_year(year, offset)
        vi, en = f"Đạt {name} {at_vi}", f"Holds {name} {at_en}"
    elif mode == "consecutive":
        vi = f"{count} năm liên tục đạt {name} {until_vi}"
        en = f"{name} {count} consecutive years {until_en}"
    else:
        span_vi = "trước đây" if mode == "ever" else f"trong {p.get('window')} năm {until_vi}"
        span_en = "before" if mode == "ever" else f"within {p.get('window')} years {until_en}"
        vi = f"Đạt {name} ít nhất {count} lần {span_vi}"
        en = f"{name} at least {count} times {span_en}"
    extra = _after_last(p, ctx, year)
    return vi + extra[0], en + extra[1]


def _label_run(p, ctx, year):
    n, level, each = int(p["years"]), p.get("min"), p.get("each_award")
    code, k, ini = p.get("award"), int(p.get("count", 0)), p.get("initiatives")
    what_vi, what_en = [], []
    if level is not None:
        what_vi.append(f"đạt từ \"{APPRAISAL_VI[level]}\"")
        what_en.append(f"rated \"{APPRAISAL_EN[level]}\" or better")
    if each is not None:
        what_vi.append(f"đạt {ctx.names.get(each, each)}")
        what_en.append(f"holding {ctx.names.get(each, each)}")
    until_vi, until_en = _until(year)
    vi = f"Liên tục {n} năm trở lên {' và '.join(what_vi)} {until_vi}"
    en = f"An unbroken run of {n} or more years {' and '.join(what_en)} {until_en}"
    inside_vi, inside_en = [], []
    if code and k:
        name = ctx.names.get(code, code)
        inside_vi.append(f"{k} lần {name}")
        inside_en.append(f"{k} × {name}")
    if ini:
        scope, ini_k = ini.get("min_scope", "grassroots"), int(ini.get("count", 1))
        inside_vi.append(f"{ini_k} sáng kiến/đề tài {SCOPE_VI[scope]} trở lên chưa dùng cho "
                         f"khen thưởng khác")
        inside_en.append(f"{ini_k} initiatives/research at {SCOPE_EN[scope]} level or above "
                         f"not used "
                         f"for another award")
    if inside_vi:
        vi += ", trong thời gian đó có " + ", ".join(inside_vi)
        en += ", with " + ", ".join(inside_en) + " inside it"
    extra = _after_last(p, ctx, year)
    return vi + extra[0], en + extra[1]


def _label_initiatives(p, ctx, year):
    k, scope = int(p.get("count", 1)), p.get("min_scope", "grassroots")
    window, research = int(p.get("window", 1)), bool(p.get("research", True))
    until_vi, until_en = _until(year)
    in_vi, in_en = _in_year(year)
    span_vi = in_vi if window == 1 else f"trong {window} năm {until_vi}"
    span_en = in_en if window == 1 else f"within {window} years {until_en}"
    what_vi = "sáng kiến hoặc đề tài khoa học" if research else "sáng kiến"
    what_en = "initiatives or research projects" if research else "initiatives"
    extra = _after_last(p, ctx, year)
    return (f"Có ít nhất {k} {what_vi} được công nhận {SCOPE_VI[scope]} trở lên {span_vi}"
            f", chưa dùng cho khen thưởng khác{extra[0]}",
            f"At least {k} {what_en} recognised at {SCOPE_EN[scope]} level or above {span_en}, "
            f"not used "
            f"for another award{extra[1]}")


def _label_no_discipline(p, ctx, year):
    level, n = p.get("min_level", "khien_trach"), int(p.get("years", 1))
    if year is None:
        span_vi = "trong năm xét" if n == 1 else f"trong {n} năm đến năm xét"
        span_en = "in the year judged" if n == 1 else f"in the {n} years up to the year judged"
    else:
        span_vi = f"trong năm {year}" if n == 1 else f"trong {n} năm {year - n + 1}–{year}"
        span_en = f"in {year}" if n == 1 else f"in the {n} years {year - n + 1}–{year}"
    return (f"Không bị kỷ luật từ hình thức {DISCIPLINE_VI[level]} trở lên {span_vi}",
            f"No discipline of {DISCIPLINE_EN[level]} or above {span_en}")


def _label_members_share(p, ctx, year):
    strict = "over_pct" in p
    pct = Decimal(str(p["over_pct"] if strict else p["min_pct"]))
    what = p.get("award")
    label_vi = f"đạt {ctx.names.get(what, what)}" if what else "hoàn thành nhiệm vụ"
    label_en = f"holding {ctx.names.get(what, what)}" if what else "completing their tasks"
    bound_vi = (f"trên {percent_text(pct, 'vi', 2)}" if strict
                else f"từ {percent_text(pct, 'vi', 2)} trở lên")
    bound_en = (f"more than {percent_text(pct, 'en', 2)}" if strict
                else f"at least {percent_text(pct, 'en', 2)}")
    return (f"Tỷ lệ thành viên {label_vi} {bound_vi}",
            f"Share of members {label_en} {bound_en}")


def _label_members_count(p, ctx, year):
    what, k = p["award"], int(p.get("min", 1))
    name = ctx.names.get(what, what)
    return f"Có ít nhất {k} thành viên đạt {name}", f"At least {k} members holding {name}"


def _label_members_discipline(p, ctx, year):
    level = p.get("min_level", "canh_cao")
    in_vi, in_en = (f"trong năm {year}", f"in {year}") if year is not None else (
        "trong năm xét", "in the year judged")
    return (f"Không có thành viên bị kỷ luật từ {DISCIPLINE_VI[level]} trở lên {in_vi}",
            f"No member disciplined at {DISCIPLINE_EN[level]} or above {in_en}")


def _label_rank(p, ctx, year):
    limit = int(p.get("max_rank", 1))
    return f"Dẫn đầu cụm, khối (hạng ≤ {limit})", f"Leads its cluster (rank ≤ {limit})"


def _label_group(kind):
    def label(p, ctx, year):
        parts = [_LABELS[s["kind"]](s.get("params", {}), ctx, year) for s in p["rules"]]
        joiner_vi, joiner_en = (" hoặc ", " or ") if kind == "any_of" else (" và ", " and ")
        return ("(" + joiner_vi.join(v for v, _e in parts) + ")",
                "(" + joiner_en.join(e for _v, e in parts) + ")")
    return label


def _label_manual(p, ctx, year):
    text = p.get("text", "")
    return f"Cần Hội đồng xem xét: {text}", f"For the council to judge: {p.get('text_en', text)}"


_LABELS = {"appraisal": _label_appraisal, "award": _label_award, "run": _label_run,
           "initiatives": _label_initiatives, "no_discipline": _label_no_discipline,
           "members_share": _label_members_share, "members_count": _label_members_count,
           "members_discipline": _label_members_discipline, "rank": _label_rank,
           "any_of": _label_group("any_of"), "all_of": _label_group("all_of"),
           "manual": _label_manual}


_HANDLERS = {"appraisal": _appraisal, "award": _award, "run": _run,
             "initiatives": _initiatives, "no_discipline": _no_discipline,
             "members_share": _members_share, "members_count": _members_count,
             "members_discipline": _members_discipline, "rank": _rank_rule,
             "any_of": _group("any_of"), "all_of": _group("all_of"), "manual": _manual}


# --- helpers -------------------------------------------------------------------------------------

def _wrong_subject(kind, subjects, ctx) -> RuleResult:
    takes_vi = ", ".join(SUBJECT_VI.get(k, k) for k in subjects)
    takes_en = " or ".join(SUBJECT_EN.get(k, k) for k in subjects)
    name = ctx.names.get(ctx.award, ctx.award) or "Hình thức này"
    name_en = ctx.names.get(ctx.award, ctx.award) or "This award"
    return RuleResult("subject", False,
                      f"Chưa đạt: {name} chỉ xét tặng cho {takes_vi}, không xét cho "
                      f"{SUBJECT_VI.get(kind, kind)}",
                      f"Not met: {name_en} is given only to {takes_en}, not to "
                      f"{SUBJECT_EN.get(kind, kind)}", looked_at={"subjects": list(subjects)})


def _codes(value) -> list[str]:
    if not value:
        return []
    return [value] if isinstance(value, str) else list(value)


def _anchor(p, r: Records, year) -> tuple[str, int] | None:
    """(code, year) of the last award among `after_last` granted before the year."""
    codes = _codes(p.get("after_last"))
    found = [(y, c) for c, y in _regular(r) if c in codes and y < year]
    if not found:
        return None
    y, c = max(found)
    return c, y


def _regular(r: Records) -> set[tuple[str, int]]:
    """(code, year) of the regular awards (thường xuyên): only they count for later awards."""
    return {(a[0], a[1]) for a in r.awards if len(a) < 3 or a[2] in (None, "", "regular")}


def _used_note(vi, en, used, anchor, ctx):
    if not used:
        return vi, en
    aname = ctx.names.get(anchor[0], anchor[0])
    return (f"{vi}; năm {_years(used)} đã dùng để xét {aname} năm {anchor[1]}",
            f"{en}; {_years(used)} already counted for the {aname} of {anchor[1]}")


def _disciplined_in(r: Records, year: int, level: str) -> bool:
    start, end = date(year, 1, 1), date(year, 12, 31)
    return any(_ge(DISCIPLINE_ORDER, lv, level) and a <= end and b >= start
               for lv, a, b in r.disciplines)


def _usable_initiatives(r: Records, years: set[int], p: dict, ctx, year) -> list[tuple]:
    """Initiatives in `years` of scope ≥ min_scope (research counted unless excluded) that
    did not back another award (an initiative backs one commendation only), each as
    (year, scope, is_research, key): the record's sixth item, else its first three."""
    scope, research = p.get("min_scope", "grassroots"), bool(p.get("research", True))
    _rank(SCOPE_ORDER, scope)
    found = []
    for item in r.initiatives:
        y, s, res = item[:3]
        used = tuple(item[3:5]) if len(item) > 3 and item[3] else None
        if used and not (used[0] == ctx.award and (len(used) < 2 or used[1] == year)):
            continue
        if y in years and _ge(SCOPE_ORDER, s, scope) and (research or not res):
            found.append((y, s, res, item[5] if len(item) > 5 else (y, s, res)))
    return found


def _relied_on(found: list[tuple], k: int) -> list:
    """The keys of the `k` initiatives a passed rule relies on: the lowest scope that
    suffices first, then the oldest, so that wider-scope and newer ones stay free for the
    awards that need them."""
    ordered = sorted(found, key=lambda f: (SCOPE_ORDER.index(f[1]), f[0]))
    return [f[3] for f in ordered[:max(k, 0)]]


def _plain(found: list[tuple]) -> list[tuple]:
    return [f[:3] for f in found]


def _years(values) -> str:
    return ", ".join(map(str, values))


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
    years = _years
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
