from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emulation.core.numbers import parse_number
from emulation.pledges.progress import ItemData, item_progress, mean, rollup

D = Decimal


def test_item_progress_prefers_the_target():
    assert item_progress(ItemData(1, D(10), D(5), D(90))) == D(50)
    assert item_progress(ItemData(1, D(10), D(15), None)) == D(100)  # capped
    assert item_progress(ItemData(1, None, None, D(40))) == D(40)
    assert item_progress(ItemData(1, D(10), None, None)) is None  # missing, not 0


def test_rollup_averages_movements_and_skips_missing():
    overall, movements = rollup([
        ItemData(1, D(10), D(10), None), ItemData(1, None, None, D(50)),
        ItemData(2, None, None, None), ItemData(3, D(4), D(1), None)])
    assert movements == {1: D("75.0"), 2: None, 3: D("25.0")}
    assert overall == D("50.0")
    assert rollup([]) == (None, {})


percent = st.decimals(min_value=0, max_value=100, places=1)
items = st.lists(st.builds(ItemData, st.integers(1, 4), st.none(), st.none(),
                           st.one_of(st.none(), percent)), max_size=12)


@given(items)
def test_rollup_stays_within_0_and_100(data):
    overall, movements = rollup(data)
    for value in [overall, *movements.values()]:
        assert value is None or D(0) <= value <= D(100)


@given(items, st.randoms())
def test_rollup_does_not_depend_on_order(data, rnd):
    shuffled = list(data)
    rnd.shuffle(shuffled)
    assert rollup(data) == rollup(shuffled)


@given(items)
def test_adding_a_missing_item_changes_nothing(data):
    assert rollup(data)[0] == rollup([*data, ItemData(1, None, None, None)])[0]


@given(st.lists(percent, min_size=1))
def test_mean_is_between_min_and_max(values):
    assert min(values) - D("0.05") <= mean(values) <= max(values) + D("0.05")


@pytest.mark.parametrize("text, locale, expected", [
    ("1.234,5", "vi", D("1234.50")), ("12,5", "vi", D("12.50")), ("1.500", "vi", D("1500")),
    ("12.5", "vi", D("12.50")), ("1,500", "en", D("1500")), ("1,234.5", "en", D("1234.50")),
    ("1.234.567", "vi", D("1234567")), ("", "vi", None), ("  ", "en", None)])
def test_parse_number(text, locale, expected):
    assert parse_number(text, locale) == expected


@pytest.mark.parametrize("text", ["abc", "-1", "1e20", "NaN", "Infinity", "1,2,3.4.5"])
def test_parse_number_refuses(text):
    with pytest.raises(ValueError):
        parse_number(text)


amount = st.one_of(st.none(), st.decimals(min_value=0, max_value=10**6, places=2))
full_items = st.lists(st.builds(ItemData, st.integers(1, 5), amount, amount,
                                st.one_of(st.none(), percent)), max_size=30)


@given(full_items)
def test_rollup_follows_its_definition(data):
    """Movement % = mean of its reported items' %; overall = mean of the movements that have
    one; both rounded half up to 0.1 — written here the plain way, item by item."""
    from decimal import ROUND_HALF_UP

    def r(v):
        return v.quantize(D("0.1"), rounding=ROUND_HALF_UP)

    movements = {}
    for m in dict.fromkeys(i.movement for i in data):
        values = [item_progress(i) for i in data if i.movement == m]
        values = [v for v in values if v is not None]
        movements[m] = sum(values) / len(values) if values else None
    known = [v for v in movements.values() if v is not None]
    overall = r(sum(known) / len(known)) if known else None
    assert rollup(data) == (overall, {m: r(v) if v is not None else None
                                      for m, v in movements.items()})
