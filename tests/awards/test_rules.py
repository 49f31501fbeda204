"""The eligibility engine against the seeded catalogue: a table of cases from Law 06/2022."""
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emulation.awards.catalogue.data import CATALOGUE
from emulation.awards.eligibility.engine import (
    MemberStats,
    Records,
    Rule,
    RuleSet,
    check,
    check_quota,
    evaluate,
    rule_set_for,
    validate,
)

NAMES = {row[0]: row[1] for row in CATALOGUE}


SUBJECTS = {"individual": ("individual",), "collective": ("collective",),
            "both": ("individual", "collective")}


def rules_of(code):
    row = next(r for r in CATALOGUE if r[0] == code)
    return [Rule(r["kind"], r["params"], r.get("subject", "both"), r.get("legal_reference", ""))
            for r in row[8]]


def judge(code, records, year):
    """The seeded award's verdict, with the subject kinds it takes."""
    row = next(r for r in CATALOGUE if r[0] == code)
    return check(rules_of(code), records, year, NAMES, subjects=SUBJECTS[row[3]], award=code)


def person(appraisals=None, awards=(), initiatives=(), disciplines=()):
    return Records("individual", dict(appraisals or {}), tuple(awards), tuple(initiatives),
                   tuple(disciplines))


def unit(appraisal="excellent", members=None, rank=None, awards=(), year=2026):
    return Records("collective", {year: appraisal}, tuple(awards), members=members, rank=rank)


CASES = [
    # (label, award, records, year, expected)
    ("LĐTT: good", "LDTT", person({2026: "good"}), 2026, True),
    ("LĐTT: complete only", "LDTT", person({2026: "complete"}), 2026, False),
    ("LĐTT: no appraisal", "LDTT", person({2025: "excellent"}), 2026, None),
    ("LĐTT: reprimanded in the year", "LDTT",
     person({2026: "excellent"}, disciplines=[("khien_trach", date(2026, 3, 1),
                                               date(2026, 9, 1))]), 2026, False),
    ("LĐTT: discipline ended the year before", "LDTT",
     person({2026: "good"}, disciplines=[("canh_cao", date(2025, 1, 1), date(2025, 12, 31))]),
     2026, True),
    ("LĐTT: discipline overlapping 1 January", "LDTT",
     person({2026: "good"}, disciplines=[("canh_cao", date(2025, 6, 1), date(2026, 1, 1))]),
     2026, False),
    ("CSTĐCS: LĐTT and excellent", "CSTDCS",
     person({2026: "excellent"}, awards=[("LDTT", 2026)]), 2026, True),
    ("CSTĐCS: LĐTT and a grassroots initiative", "CSTDCS",
     person({2026: "good"}, awards=[("LDTT", 2026)], initiatives=[(2026, "grassroots", False)]),
     2026, True),
    ("CSTĐCS: LĐTT, good, initiative the year before", "CSTDCS",
     person({2026: "good"}, awards=[("LDTT", 2026)], initiatives=[(2025, "ministry", False)]),
     2026, False),
    ("CSTĐCS: rated only complete", "CSTDCS", person({2026: "complete"},
                                                      initiatives=[(2026, "ministry", False)]),
     2026, False),
    ("CSTĐ bộ: 3 consecutive CSTĐCS + ministry initiative", "CSTD_BO",
     person({2026: "excellent"}, awards=[("CSTDCS", 2024), ("CSTDCS", 2025), ("CSTDCS", 2026)],
            initiatives=[(2025, "ministry", True)]), 2026, True),
    ("CSTĐ bộ: a gap breaks the run", "CSTD_BO",
     person({2026: "excellent"}, awards=[("CSTDCS", 2023), ("CSTDCS", 2025), ("CSTDCS", 2026)],
            initiatives=[(2025, "ministry", True)]), 2026, False),
    ("CSTĐ bộ: grassroots initiative is not enough", "CSTD_BO",
     person({2026: "excellent"}, awards=[("CSTDCS", 2024), ("CSTDCS", 2025), ("CSTDCS", 2026)],
            initiatives=[(2025, "grassroots", True)]), 2026, False),
    ("CSTĐ toàn quốc: 2 × CSTĐ bộ + national initiative", "CSTD_TQ",
     person({2026: "excellent"}, awards=[("CSTD_BO", 2023), ("CSTD_BO", 2026)],
            initiatives=[(2024, "national", False)]), 2026, True),
    ("CSTĐ toàn quốc: ministry initiative only", "CSTD_TQ",
     person({2026: "excellent"}, awards=[("CSTD_BO", 2023), ("CSTD_BO", 2026)],
            initiatives=[(2024, "ministry", False)]), 2026, False),
    ("TTLĐXS: exactly 70% LĐTT", "TTLDXS",
     unit(members=MemberStats(10, 10, {"LDTT": 7, "CSTDCS": 1})), 2026, True),
    ("TTLĐXS: 69% LĐTT", "TTLDXS",
     unit(members=MemberStats(100, 100, {"LDTT": 69, "CSTDCS": 1})), 2026, False),
    ("TTLĐXS: one member did not complete", "TTLDXS",
     unit(members=MemberStats(10, 9, {"LDTT": 9, "CSTDCS": 1})), 2026, False),
    ("TTLĐXS: no CSTĐCS", "TTLDXS",
     unit(members=MemberStats(10, 10, {"LDTT": 9})), 2026, False),
    ("TTLĐXS: a member warned", "TTLDXS",
     unit(members=MemberStats(10, 10, {"LDTT": 9, "CSTDCS": 2}, {"canh_cao": 1})), 2026, False),
    ("TTLĐXS: a member only reprimanded", "TTLDXS",
     unit(members=MemberStats(10, 10, {"LDTT": 9, "CSTDCS": 2}, {"khien_trach": 1})), 2026,
     True),
    ("TTLĐXS: good, not excellent", "TTLDXS",
     unit("good", MemberStats(10, 10, {"LDTT": 9, "CSTDCS": 2})), 2026, False),
    ("TTLĐXS: no member data", "TTLDXS", unit(), 2026, None),
    ("TTLĐTT: half LĐTT", "TTLDTT", unit("good", MemberStats(10, 10, {"LDTT": 5})), 2026,
     False),
    ("TTLĐTT: exactly 70% LĐTT", "TTLDTT", unit("good", MemberStats(10, 10, {"LDTT": 7})), 2026,
     True),
    ("Cờ bộ: leads and TTLĐXS", "CO_BO", unit(rank=1, awards=[("TTLDXS", 2026)]), 2026, True),
    ("Cờ bộ: second in the cluster", "CO_BO", unit(rank=2, awards=[("TTLDXS", 2026)]), 2026,
     False),
    ("Cờ bộ: ranking not frozen", "CO_BO", unit(awards=[("TTLDXS", 2026)]), 2026, None),
    ("Bằng khen bộ: CSTĐCS twice in a row with 2 initiatives", "BK_BO",
     person({2026: "good"}, awards=[("CSTDCS", 2025), ("CSTDCS", 2026)],
            initiatives=[(2025, "grassroots", False), (2026, "grassroots", False)]), 2026, True),
    ("Bằng khen bộ: CSTĐCS twice in a row, no initiative", "BK_BO",
     person({2026: "good"}, awards=[("CSTDCS", 2025), ("CSTDCS", 2026)]), 2026, False),
    ("Bằng khen bộ: excellent 2 years and 2 initiatives", "BK_BO",
     person({2025: "excellent", 2026: "excellent"},
            initiatives=[(2025, "grassroots", False), (2026, "grassroots", True)]), 2026, True),
    ("Bằng khen bộ: excellent 2 years, 1 initiative", "BK_BO",
     person({2025: "excellent", 2026: "excellent"}, initiatives=[(2026, "grassroots", False)]),
     2026, False),
    ("Bằng khen bộ: a collective is for the council", "BK_BO", unit(), 2026, None),
    ("Bằng khen TTg: BK bộ + the following 5 good years with 3 CSTĐCS", "BK_TTG",
     person({y: "good" for y in range(2021, 2027)},
            awards=[("BK_BO", 2021), ("CSTDCS", 2022), ("CSTDCS", 2024), ("CSTDCS", 2026)]),
     2026, True),
    ("Bằng khen TTg: run of 4 then a complete year", "BK_TTG",
     person({2022: "complete", **{y: "good" for y in range(2023, 2027)}},
            awards=[("BK_BO", 2020), ("CSTDCS", 2023), ("CSTDCS", 2024), ("CSTDCS", 2026)]),
     2026, False),
    ("Bằng khen TTg: run of 4 then a missing year", "BK_TTG",
     person({y: "good" for y in range(2023, 2027)},
            awards=[("BK_BO", 2020), ("CSTDCS", 2023), ("CSTDCS", 2024), ("CSTDCS", 2026)]),
     2026, None),
    ("Bằng khen TTg: BK bộ in the same year only", "BK_TTG",
     person({y: "good" for y in range(2022, 2027)},
            awards=[("BK_BO", 2026), ("CSTDCS", 2022), ("CSTDCS", 2024), ("CSTDCS", 2026)]),
     2026, False),
    ("Giấy khen: the council judges", "GK", person({2026: "good"}), 2026, None),
]


@pytest.mark.parametrize("label, award, records, year, expected", CASES,
                         ids=[c[0] for c in CASES])
def test_law_cases(label, award, records, year, expected):
    verdict = judge(award, records, year)
    assert verdict.eligible is expected, [r.message_vi for r in verdict.rules]
    for rule in verdict.rules:
        assert rule.message_vi and rule.message_en


def test_message_names_the_years_it_looked_at():
    result = evaluate(Rule("award", {"award": "CSTDCS", "mode": "consecutive", "count": 3}),
                      person(awards=[("CSTDCS", 2024), ("CSTDCS", 2025)]), 2025, NAMES)
    assert result.passed is False
    assert result.message_vi == ("Chưa đủ 3 năm liên tục đạt Chiến sĩ thi đua cơ sở đến 2025: "
                                 "có 2024, 2025; thiếu 2023")
    assert "2023" in result.message_en and result.looked_at["years"] == [2023, 2024, 2025]


def test_quota_names_the_nominations_over_it():
    nominations = [(f"L{i}", "LDTT") for i in range(20)] + [("C1", "CSTDCS"), ("C2", "CSTDCS"),
                                                             ("C3", "CSTDCS"), ("C4", "CSTDCS")]
    result = check_quota("CSTDCS", "LDTT", Decimal(15), nominations)
    assert result.allowed == 3 and result.exceeding == ["C4"]
    assert "vượt 1" in result.message_vi
    assert check_quota("CSTDCS", "LDTT", Decimal(15), nominations[:-1]).exceeding == []


def test_validation_of_rule_parameters():
    assert validate("appraisal", {"min": "good"}) == []
    assert validate("appraisal", {"min": "perfect"})
    assert validate("award", {"award": "LDTT", "mode": "sometimes"})
    assert validate("teleport", {})


years = st.integers(2015, 2026)
levels = st.sampled_from(["incomplete", "complete", "good", "excellent"])
records_strategy = st.builds(
    lambda appraisals, awards, initiatives: person(appraisals, awards, initiatives),
    st.dictionaries(years, levels, max_size=12),
    st.lists(st.tuples(st.sampled_from(["LDTT", "CSTDCS", "CSTD_BO", "BK_BO"]), years),
             max_size=10),
    st.lists(st.tuples(years, st.sampled_from(["grassroots", "ministry", "national"]),
                       st.booleans()), max_size=5))
AT_LEAST = ["LDTT", "CSTDCS", "CSTD_BO", "CSTD_TQ", "BK_BO", "BK_TTG"]


@given(records_strategy, st.sampled_from(AT_LEAST),
       # awards that never start a window afresh (a later CSTĐ bộ or Bằng khen bộ may)
       st.tuples(st.sampled_from(["LDTT", "CSTDCS"]), years),
       st.tuples(years, st.sampled_from(["grassroots", "ministry", "national"]), st.booleans()))
def test_adding_a_qualifying_record_never_makes_a_subject_ineligible(records, award, extra_award,
                                                                      extra_initiative):
    before = judge(award, records, 2026).eligible
    richer = person(records.appraisals, (*records.awards, extra_award),
                    (*records.initiatives, extra_initiative))
    after = judge(award, richer, 2026).eligible
    if before is True:
        assert after is True


# --- cases of issue 14, each named after its article ---------------------------------------------

def _cstdcs_every_year(first, last):
    return [("CSTDCS", y) for y in range(first, last + 1)]


def test_art21_cstd_tq_needs_two_non_overlapping_cstd_bo_blocks():
    blocks = person({2025: "excellent"}, awards=[("CSTD_BO", 2022), ("CSTD_BO", 2025)],
                    initiatives=[(2024, "national", False)])
    assert judge("CSTD_TQ", blocks, 2025).eligible is True
    adjacent = person({2025: "excellent"}, awards=[("CSTD_BO", 2024), ("CSTD_BO", 2025)],
                      initiatives=[(2024, "national", False)])
    verdict = judge("CSTD_TQ", adjacent, 2025)
    assert verdict.eligible is False
    assert verdict.rules[0].message_vi == (
        "Chưa đủ 2 lần liên tục đạt Chiến sĩ thi đua cấp bộ, ngành, tỉnh theo các chu kỳ 3 năm "
        "không trùng nhau, lần cuối năm 2025: có 2025; thiếu 2022")
    assert verdict.rules[0].legal_reference.endswith("Điều 21")


def test_art22_cstd_bo_years_used_by_the_last_cstd_bo_do_not_count_again():
    records = person({y: "excellent" for y in range(2022, 2026)},
                     awards=[*_cstdcs_every_year(2022, 2025), ("CSTD_BO", 2024)],
                     initiatives=[(2025, "ministry", False)])
    verdict = judge("CSTD_BO", records, 2025)
    assert verdict.eligible is False
    assert verdict.rules[0].message_vi == (
        "Chưa đạt: 3 năm liên tục đạt Chiến sĩ thi đua cơ sở đến 2025: có 2025; năm 2023, 2024 "
        "đã dùng để xét Chiến sĩ thi đua cấp bộ, ngành, tỉnh năm 2024")
    assert "already counted for the Chiến sĩ thi đua cấp bộ, ngành, tỉnh of 2024" in \
        verdict.rules[0].message_en
    later = person({y: "excellent" for y in range(2022, 2028)},
                   awards=[*_cstdcs_every_year(2022, 2027), ("CSTD_BO", 2024)],
                   initiatives=[(2026, "ministry", False)])
    assert judge("CSTD_BO", later, 2027).eligible is True


def test_art22_cstd_bo_initiative_of_the_previous_block_does_not_count_again():
    records = person({y: "excellent" for y in range(2022, 2028)},
                     awards=[*_cstdcs_every_year(2022, 2027), ("CSTD_BO", 2024)],
                     initiatives=[(2024, "ministry", False)])
    verdict = judge("CSTD_BO", records, 2027)
    assert verdict.eligible is False
    assert verdict.rules[1].message_vi.startswith(
        "Chưa đạt: Có ít nhất 1 sáng kiến hoặc đề tài khoa học được công nhận cấp bộ, ngành, "
        "tỉnh trở lên trong 3 năm đến 2027, chưa dùng cho khen thưởng khác, tính từ sau")


def test_art73_1_b_bk_ttg_counts_only_the_years_after_the_bk_bo():
    before = person({y: "good" for y in range(2018, 2027)},
                    awards=[("CSTDCS", 2018), ("CSTDCS", 2019), ("CSTDCS", 2020),
                            ("BK_BO", 2021)])
    verdict = judge("BK_TTG", before, 2026)
    assert verdict.eligible is False
    assert verdict.rules[0].message_vi == (
        "Chưa đạt: Liên tục 5 năm trở lên đạt từ \"Hoàn thành tốt nhiệm vụ\" đến 2026, trong "
        "thời gian đó có 3 lần Chiến sĩ thi đua cơ sở, tính từ sau Bằng khen cấp bộ, ngành, "
        "tỉnh năm 2021: chuỗi 5 năm (2022–2026), 0 lần Chiến sĩ thi đua cơ sở")
    after = person({y: "good" for y in range(2018, 2027)},
                   awards=[("BK_BO", 2021), ("CSTDCS", 2022), ("CSTDCS", 2023), ("CSTDCS", 2025)])
    assert judge("BK_TTG", after, 2026).eligible is True


def test_art73_1_b_bk_ttg_needs_a_bk_bo_first():
    records = person({y: "good" for y in range(2020, 2027)},
                     awards=[("CSTDCS", 2022), ("CSTDCS", 2023), ("CSTDCS", 2025)])
    verdict = judge("BK_TTG", records, 2026)
    assert verdict.eligible is False
    assert verdict.rules[0].message_vi.endswith(
        "; chưa có Bằng khen cấp bộ, ngành, tỉnh hoặc Bằng khen của Tổng Liên đoàn Lao động Việt "
        "Nam trước đó")


def test_art74_1_d_bk_bo_two_years_or_more_with_initiatives_anywhere_inside():
    records = person({2024: "excellent", 2025: "excellent", 2026: "excellent"},
                     initiatives=[(2024, "grassroots", False), (2025, "grassroots", True)])
    verdict = judge("BK_BO", records, 2026)
    assert verdict.eligible is True
    assert verdict.rules[0].parts[1].message_vi == (
        "Đạt: Liên tục 2 năm trở lên đạt từ \"Hoàn thành xuất sắc nhiệm vụ\" đến 2026, trong "
        "thời gian đó có 2 sáng kiến/đề tài cấp cơ sở trở lên chưa dùng cho khen thưởng khác: "
        "chuỗi 3 năm (2024–2026), 2 sáng kiến/đề tài")


def test_art74_1_d_bk_bo_initiative_used_for_another_award_does_not_count():
    records = person({2025: "excellent", 2026: "excellent"},
                     initiatives=[(2025, "grassroots", False, "GK", 2025),
                                  (2026, "grassroots", False)])
    verdict = judge("BK_BO", records, 2026)
    assert verdict.eligible is False
    assert "1 sáng kiến/đề tài" in verdict.rules[0].parts[1].message_vi


def test_art74_1_d_bk_bo_years_of_the_last_bk_bo_are_not_reused():
    records = person({y: "excellent" for y in range(2023, 2027)},
                     awards=[("BK_BO", 2025)],
                     initiatives=[(y, "grassroots", False) for y in range(2023, 2027)])
    verdict = judge("BK_BO", records, 2026)
    assert verdict.eligible is False
    assert "tính từ sau Bằng khen cấp bộ, ngành, tỉnh năm 2025: chuỗi 1 năm (2026)" in \
        verdict.rules[0].parts[1].message_vi


def test_decree152_art4_discipline_checked_over_the_whole_period():
    records = person({y: "excellent" for y in range(2022, 2026)},
                     awards=_cstdcs_every_year(2023, 2025),
                     initiatives=[(2025, "ministry", False)],
                     disciplines=[("khien_trach", date(2023, 3, 1), date(2023, 9, 1))])
    verdict = judge("CSTD_BO", records, 2025)
    assert verdict.eligible is False
    assert verdict.rules[2].message_vi == (
        "Chưa đạt: Không bị kỷ luật từ hình thức khiển trách trở lên trong 3 năm 2023–2025: có "
        "khiển trách từ 01/03/2023 đến 01/09/2023")


def test_decree152_art4_achievements_count_from_the_end_of_the_discipline():
    records = person({y: "excellent" for y in range(2022, 2027)},
                     initiatives=[(2022, "grassroots", False), (2026, "grassroots", False)],
                     disciplines=[("khien_trach", date(2023, 1, 1), date(2023, 12, 31))])
    verdict = judge("BK_BO", records, 2026)
    assert verdict.eligible is False
    assert verdict.rules[0].parts[1].message_vi.endswith(
        "chuỗi 3 năm (2024–2026), 1 sáng kiến/đề tài; bị kỷ luật trong năm 2023, thành tích chỉ "
        "tính từ khi hết thời hạn kỷ luật")


def test_art24_individual_title_asked_for_a_collective_is_not_eligible():
    verdict = judge("LDTT", unit(), 2026)
    assert verdict.eligible is False
    assert verdict.rules[0].message_vi == ("Chưa đạt: Lao động tiên tiến chỉ xét tặng cho cá "
                                           "nhân, không xét cho tập thể")
    assert verdict.rules[0].message_en == ("Not met: Lao động tiên tiến is given only to an "
                                           "individual, not to a collective")
    assert judge("TTLDXS", person({2026: "excellent"}), 2026).eligible is False


@pytest.mark.parametrize("code, article", [("BK_BO", "Điều 74.2"), ("BK_TTG", "Điều 73.2")])
def test_art74_2_and_73_2_collectives_are_for_the_council(code, article):
    empty = judge(code, Records("collective"), 2026)
    assert empty.eligible is None
    assert empty.rules[0].message_vi.startswith("Cần Hội đồng xem xét: tiêu chuẩn tập thể theo")
    assert empty.rules[0].legal_reference.endswith(article)
    strong = judge(code, unit(members=MemberStats(10, 10, {"LDTT": 10, "CSTDCS": 3})), 2026)
    assert strong.eligible is None


def test_engine_no_rule_for_the_kind_is_for_the_council_never_eligible():
    verdict = check([Rule("appraisal", {"min": "good"}, "individual")], Records("collective"),
                    2026, NAMES, subjects=("individual", "collective"))
    assert verdict.eligible is None
    assert verdict.rules[0].message_en == ("For the council to judge: no machine-checkable "
                                           "criteria for a collective")


def test_art28_ttldtt_needs_at_least_70_percent_ldtt():
    verdict = judge("TTLDTT", unit("good", MemberStats(10, 10, {"LDTT": 6})), 2026)
    assert verdict.eligible is False
    assert verdict.rules[1].message_vi == ("Chưa đạt: Tỷ lệ thành viên đạt Lao động tiên tiến "
                                           "từ 70% trở lên: 6/10 (60%)")
    assert judge("TTLDTT", unit("good", MemberStats(10, 10, {"LDTT": 7})), 2026).eligible


def test_threshold_more_than_is_strict():
    rule = Rule("members_share", {"award": "LDTT", "over_pct": 70})
    at = evaluate(rule, unit(members=MemberStats(10, 10, {"LDTT": 7})), 2026, NAMES)
    assert at.passed is False
    assert at.message_vi == ("Chưa đạt: Tỷ lệ thành viên đạt Lao động tiên tiến trên 70%: 7/10 "
                             "(70%)")
    above = evaluate(rule, unit(members=MemberStats(10, 10, {"LDTT": 8})), 2026, NAMES)
    assert above.passed is True and above.message_en.startswith(
        "Met: Share of members holding Lao động tiên tiến more than 70%")


def test_shares_and_thresholds_are_written_as_the_reader_writes_numbers():
    """Babel's numbers in both languages: no `15.00%`, `66.67%` in a Vietnamese verdict."""
    rule = Rule("members_share", {"award": "LDTT", "min_pct": Decimal("66.50")})
    result = evaluate(rule, unit(members=MemberStats(3, 3, {"LDTT": 2})), 2026, NAMES)
    assert result.message_vi.endswith("từ 66,5% trở lên: 2/3 (66,7%)")
    assert result.message_en.endswith("at least 66.5%: 2/3 (66.7%)")
    rule = Rule("members_share", {"award": "LDTT", "min_pct": Decimal("15.00")})
    result = evaluate(rule, unit(members=MemberStats(3, 3, {"LDTT": 2})), 2026, NAMES)
    assert "từ 15% trở lên" in result.message_vi and "15.00" not in result.message_vi


def test_art26_co_bo_does_not_require_ttldxs():
    verdict = judge("CO_BO", unit(rank=1), 2026)
    assert verdict.eligible is True
    assert [r.kind for r in verdict.rules] == ["rank"]
    assert verdict.rules[0].message_vi == "Đạt: Dẫn đầu cụm, khối (hạng ≤ 1): hạng 1"


def test_rule_set_in_force_for_the_year():
    old = RuleSet("A", "Old", "Decree 98/2023", date(2024, 1, 1), date(2025, 6, 30))
    new = RuleSet("B", "New", "Decree 152/2025", date(2025, 7, 1), None)
    assert rule_set_for([old, new], 2024) is old
    assert rule_set_for([old, new], 2025) is new
    assert rule_set_for([old, new], 2030) is new
    assert rule_set_for([old, new], 2020) is old
    assert rule_set_for([], 2025) is None


def test_art8_only_regular_awards_count_for_later_ones():
    thematic = person({2026: "good"}, awards=[("CSTDCS", 2025, "thematic"), ("CSTDCS", 2026)],
                      initiatives=[(2025, "grassroots", False), (2026, "grassroots", False)])
    verdict = judge("BK_BO", thematic, 2026)
    assert verdict.eligible is False
    assert "chuỗi 1 năm (2026)" in verdict.rules[0].parts[0].message_vi
    regular = person({2026: "good"}, awards=[("CSTDCS", 2025, "regular"), ("CSTDCS", 2026)],
                     initiatives=[(2025, "grassroots", False), (2026, "grassroots", False)])
    assert judge("BK_BO", regular, 2026).eligible is True
    # a thematic Bằng khen bộ neither opens "the following 5 years" nor uses them up
    career = person({y: "good" for y in range(2020, 2027)},
                    awards=[("BK_BO", 2021, "thematic"), ("CSTDCS", 2022), ("CSTDCS", 2024),
                            ("CSTDCS", 2026)])
    assert judge("BK_TTG", career, 2026).eligible is False
