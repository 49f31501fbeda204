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
    check,
    check_quota,
    evaluate,
    validate,
)

NAMES = {row[0]: row[1] for row in CATALOGUE}


def rules_of(code):
    row = next(r for r in CATALOGUE if r[0] == code)
    return [Rule(r["kind"], r["params"], r.get("subject", "both"), r.get("legal_reference", ""))
            for r in row[8]]


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
     person({2026: "excellent"}, awards=[("CSTD_BO", 2025), ("CSTD_BO", 2026)],
            initiatives=[(2024, "national", False)]), 2026, True),
    ("CSTĐ toàn quốc: ministry initiative only", "CSTD_TQ",
     person({2026: "excellent"}, awards=[("CSTD_BO", 2025), ("CSTD_BO", 2026)],
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
    ("TTLĐTT: half LĐTT", "TTLDTT", unit("good", MemberStats(10, 10, {"LDTT": 5})), 2026, True),
    ("Cờ bộ: leads and TTLĐXS", "CO_BO", unit(rank=1, awards=[("TTLDXS", 2026)]), 2026, True),
    ("Cờ bộ: second in the cluster", "CO_BO", unit(rank=2, awards=[("TTLDXS", 2026)]), 2026,
     False),
    ("Cờ bộ: ranking not frozen", "CO_BO", unit(awards=[("TTLDXS", 2026)]), 2026, None),
    ("Bằng khen bộ: CSTĐCS twice in a row", "BK_BO",
     person({2026: "good"}, awards=[("CSTDCS", 2025), ("CSTDCS", 2026)]), 2026, True),
    ("Bằng khen bộ: excellent 2 years and 2 initiatives", "BK_BO",
     person({2025: "excellent", 2026: "excellent"},
            initiatives=[(2025, "grassroots", False), (2026, "grassroots", True)]), 2026, True),
    ("Bằng khen bộ: excellent 2 years, 1 initiative", "BK_BO",
     person({2025: "excellent", 2026: "excellent"}, initiatives=[(2026, "grassroots", False)]),
     2026, False),
    ("Bằng khen bộ: collective has no individual rule", "BK_BO", unit(), 2026, True),
    ("Bằng khen TTg: BK bộ + 5 good years with 3 CSTĐCS", "BK_TTG",
     person({y: "good" for y in range(2022, 2027)},
            awards=[("BK_BO", 2023), ("CSTDCS", 2022), ("CSTDCS", 2024), ("CSTDCS", 2026)]),
     2026, True),
    ("Bằng khen TTg: run of 4 then a complete year", "BK_TTG",
     person({2022: "complete", **{y: "good" for y in range(2023, 2027)}},
            awards=[("BK_BO", 2023), ("CSTDCS", 2023), ("CSTDCS", 2024), ("CSTDCS", 2026)]),
     2026, False),
    ("Bằng khen TTg: run of 4 then a missing year", "BK_TTG",
     person({y: "good" for y in range(2023, 2027)},
            awards=[("BK_BO", 2023), ("CSTDCS", 2023), ("CSTDCS", 2024), ("CSTDCS", 2026)]),
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
    verdict = check(rules_of(award), records, year, NAMES)
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
       st.tuples(st.sampled_from(["LDTT", "CSTDCS", "CSTD_BO", "BK_BO"]), years),
       st.tuples(years, st.sampled_from(["grassroots", "ministry", "national"]), st.booleans()))
def test_adding_a_qualifying_record_never_makes_a_subject_ineligible(records, award, extra_award,
                                                                      extra_initiative):
    before = check(rules_of(award), records, 2026, NAMES).eligible
    richer = person(records.appraisals, (*records.awards, extra_award),
                    (*records.initiatives, extra_initiative))
    after = check(rules_of(award), richer, 2026, NAMES).eligible
    if before is True:
        assert after is True
