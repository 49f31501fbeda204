from decimal import Decimal
from statistics import pstdev

from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from emulation.scoring.ranking import (
    PLACES,
    CriterionData,
    Settings,
    SheetData,
    combine,
    deviation_of,
    rank_clusters,
    sheet_total,
    unit_result,
)

D = Decimal
CRITERIA = [CriterionData(1, D(10)), CriterionData(2, D(20), D(2)),
            CriterionData(3, D(5), kind="bonus"), CriterionData(4, D(5), kind="penalty")]
BY_ID = {c.id: c for c in CRITERIA}
EQUAL = Settings({"self": D(1), "peer": D(1), "council": D(1)})


def sheet(unit, kind, p1, p2=0, bonus=0, penalty=0, submitted=True):
    return SheetData(unit, kind, {1: D(p1), 2: D(p2), 3: D(bonus), 4: D(penalty)}, submitted)


def test_sheet_total_weights_and_adjusts():
    assert sheet_total({1: D(8), 2: D(10), 3: D(2), 4: D(1)}, BY_ID) == D(8 + 20 + 2 - 1)


def test_combine_methods():
    values = [D(1), D(2), D(3), D(4), D(100)]
    assert combine(values, "mean") == D(22)
    assert combine(values, "median") == D(3)
    assert combine(values, "trimmed") == D(3)  # 2, 3, 4
    assert combine(values[:4], "trimmed") == D("2.5")  # fewer than 5: plain mean
    assert combine([], "mean") is None


def test_missing_sheets_zero_or_skip():
    sheets = [sheet(1, "council", 10), sheet(1, "council", 0, submitted=False),
              sheet(1, "peer", 6)]
    skip = unit_result(1, sheets, BY_ID, EQUAL)
    assert skip.components["council"] == D(10) and skip.final == D(8)  # (10 + 6) / 2
    zero = unit_result(1, sheets, BY_ID, Settings(EQUAL.weights, missing="zero"))
    assert zero.components["council"] == D(5)
    assert zero.final == D("3.666667")  # (5 + 6 + 0) / 3: the missing self kind is zero


def test_weights_and_adjustments():
    weights = Settings({"self": D("0.2"), "peer": D("0.3"), "council": D("0.5")})
    result = unit_result(1, [sheet(1, "self", 10), sheet(1, "peer", 8), sheet(1, "council", 6)],
                         BY_ID, weights, adjustment=D(-1))
    assert result.final == D("0.2") * 10 + D("0.3") * 8 + D("0.5") * 6 - 1


def test_spread_shows_disagreement():
    result = unit_result(1, [sheet(1, "peer", 2), sheet(1, "peer", 10)], BY_ID, EQUAL)
    assert result.spread["peer"] == (2, D(4))
    assert result.spread["council"] == (0, None)


def test_ranking_tie_breaks_and_marked_ties():
    sheets = [sheet(1, "council", 8), sheet(1, "self", 6),    # final 7, council 8
              sheet(2, "council", 6), sheet(2, "self", 8),    # final 7, council 6
              sheet(3, "council", 7), sheet(3, "self", 7),    # final 7, council 7, progress
              sheet(4, "council", 7), sheet(4, "self", 7),    # same as 3 in everything
              sheet(5, "council", 9), sheet(5, "self", 9)]
    [ranking] = rank_clusters({1: [1, 2, 3, 4, 5]}, sheets, CRITERIA, EQUAL,
                              progress={3: D(80), 4: D(80)})
    assert [(r.unit, r.rank, r.tied) for r in ranking.rows] == [
        (5, 1, False), (1, 2, False), (3, 3, True), (4, 3, True), (2, 5, False)]
    assert [r.leader for r in ranking.rows] == [True, False, False, False, False]
    no_breaks = Settings(EQUAL.weights, tie_breaks=())
    [plain] = rank_clusters({1: [1, 2, 3, 4, 5]}, sheets, CRITERIA, no_breaks)
    assert [r.rank for r in plain.rows] == [1, 2, 2, 2, 2]


def test_progress_and_max_criteria_tie_breaks():
    sheets = [sheet(1, "council", 10, 0), sheet(2, "council", 5, D("2.5"))]  # both total 10
    [by_progress] = rank_clusters({1: [1, 2]}, sheets, CRITERIA,
                                  Settings(EQUAL.weights, tie_breaks=("progress",)),
                                  progress={1: D(50), 2: D(90)})
    assert [r.unit for r in by_progress.rows] == [2, 1]
    [by_max] = rank_clusters({1: [1, 2]}, sheets, CRITERIA,
                             Settings(EQUAL.weights, tie_breaks=("max_criteria",)))
    assert [r.unit for r in by_max.rows] == [1, 2]  # unit 1 has a criterion at maximum


def test_unit_without_sheets_ranks_last_without_a_score():
    [ranking] = rank_clusters({1: [1, 2]}, [sheet(1, "peer", 3)], CRITERIA, EQUAL)
    assert [(r.unit, r.final, r.leader) for r in ranking.rows] == [(1, D(3), True),
                                                                     (2, None, False)]


points = st.decimals(min_value=0, max_value=10, places=1)
sheets_strategy = st.lists(st.builds(
    lambda unit, kind, p1, p2: sheet(unit, kind, p1, p2), st.integers(1, 4),
    st.sampled_from(["self", "peer", "council"]), points, points), max_size=25)
settings_strategy = st.builds(
    Settings, st.fixed_dictionaries({"self": st.sampled_from([D(0), D(1), D("0.2")]),
                                     "peer": st.sampled_from([D(1), D("0.3")]),
                                     "council": st.sampled_from([D(1), D("0.5")])}),
    st.sampled_from(["mean", "median", "trimmed"]), st.sampled_from(["zero", "skip"]))


def _summary(rankings):
    return [(r.cluster, [(u.unit, u.final, u.rank, u.tied) for u in r.rows]) for r in rankings]


@given(sheets_strategy, settings_strategy, st.randoms())
@hsettings(max_examples=60)
def test_permuting_scorers_never_changes_the_result(sheets, settings, rnd):
    shuffled = list(sheets)
    rnd.shuffle(shuffled)
    clusters = {1: [1, 2, 3, 4]}
    assert _summary(rank_clusters(clusters, sheets, CRITERIA, settings)) == \
        _summary(rank_clusters(clusters, shuffled, CRITERIA, settings))


@given(st.lists(points, min_size=1, max_size=8))
def test_a_sheet_equal_to_the_mean_does_not_move_the_unit(values):
    sheets = [SheetData(1, "peer", {1: v}) for v in values]
    before = unit_result(1, sheets, BY_ID, EQUAL).components["peer"]
    after = unit_result(1, [*sheets, SheetData(1, "peer", {1: before})], BY_ID,
                        EQUAL).components["peer"]
    assert after == before


@given(sheets_strategy, settings_strategy)
def test_ranks_are_contiguous_from_one(sheets, settings):
    for ranking in rank_clusters({1: [1, 2, 3, 4]}, sheets, CRITERIA, settings):
        ranks = [r.rank for r in ranking.rows]
        assert ranks[0] == 1 and ranks == sorted(ranks)
        assert all(r.rank <= i + 1 for i, r in enumerate(ranking.rows))


@given(st.lists(st.decimals(min_value=-1000, max_value=1000, places=5, allow_nan=False),
                min_size=2, max_size=40)
       | st.lists(st.decimals(min_value=0, max_value=100, places=7, allow_nan=False),
                  min_size=2, max_size=5))
@hsettings(max_examples=300)
def test_deviation_equals_statistics_pstdev(values):
    """The integer shortcut gives exactly what `statistics.pstdev` rounds to 6 places, and
    values with more than 5 decimals take the general way."""
    assert deviation_of(values) == Decimal(pstdev(values)).quantize(PLACES)
