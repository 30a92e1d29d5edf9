"""The bounds of the numeric settings (``logic.bounds``)."""

from datetime import datetime, timedelta

import pytest
from logic.bounds import DAYS_MAX, HOURS_MAX, SETTING_BOUNDS, out_of_bounds


def test_every_bound_is_a_range():
    for model, bounds in SETTING_BOUNDS.items():
        for fname, (low, high) in bounds.items():
            assert 0 <= low < high, (model, fname)


def test_dates_at_the_bounds_exist():
    # The rules add these to "now": at the bounds the dates still exist, 10**9 does not.
    far = datetime(2026, 12, 7) + timedelta(days=DAYS_MAX) + timedelta(hours=HOURS_MAX)
    assert far.year < 2050
    with pytest.raises(OverflowError):
        datetime(2026, 12, 7) + timedelta(hours=10**9) * 100


@pytest.mark.parametrize("value", [10**9, -1, 3651])
def test_out_of_bounds_names_field_value_and_bound(value):
    bounds = {"reclaim_cooldown_days": (0, DAYS_MAX)}
    assert out_of_bounds({"reclaim_cooldown_days": value}, bounds) == [("reclaim_cooldown_days", value, 0, DAYS_MAX)]


@pytest.mark.parametrize("value", [0, 1, DAYS_MAX, False, None, True])
def test_in_bounds_or_empty_passes(value):
    assert out_of_bounds({"reclaim_cooldown_days": value}, {"reclaim_cooldown_days": (0, DAYS_MAX)}) == []


def test_floats_are_checked():
    bounds = SETTING_BOUNDS["crm.public.pool"]
    assert out_of_bounds({"performance_weight_won": 1e9}, bounds) == [("performance_weight_won", 1e9, 0, 1000)]
