"""When the fairness summary (events counted per month) answers as the events would."""

from datetime import date, datetime

from logic.fairness import groupby_by_month, order_by_summary, period_leaf_by_month

KEPT = {"period", "kind", "user_id", "team_id", "pool_id", "company_id"}


def test_months_quarters_and_years_group_whole_months():
    for spec in ("period", "period:month", "period:quarter", "period:year", "team_id", "kind"):
        assert groupby_by_month(spec, KEPT), spec


def test_days_weeks_and_fields_the_summary_drops_are_not_its_to_answer():
    for spec in ("period:day", "period:week", "partner_id", "other_user_id", "team_id:month", "count"):
        assert not groupby_by_month(spec, KEPT), spec


def test_the_date_filter_of_a_month_quarter_or_year_keeps_whole_months():
    # What the search view's date filter sends for December, Q4 and 2026.
    assert period_leaf_by_month(">=", "2026-12-01") and period_leaf_by_month("<=", "2026-12-31")
    assert period_leaf_by_month(">=", "2026-10-01") and period_leaf_by_month("<=", "2026-12-31")
    assert period_leaf_by_month("<=", "2024-02-29"), "a leap year's February ends on the 29th"
    assert period_leaf_by_month("<", date(2027, 1, 1)) and period_leaf_by_month(">", date(2026, 11, 30))
    assert period_leaf_by_month("!=", False)


def test_a_day_inside_a_month_splits_it():
    assert not period_leaf_by_month(">=", "2026-12-02")
    assert not period_leaf_by_month("<=", "2026-12-30")
    assert not period_leaf_by_month("<=", "2023-02-29"), "not a date"
    assert not period_leaf_by_month("=", "2026-12-01")
    assert not period_leaf_by_month("in", ["2026-12-01"])
    assert not period_leaf_by_month(">=", datetime(2026, 12, 1))
    assert not period_leaf_by_month(">=", "2026-12-01 00:00:00")


def test_orders_on_groupings_and_counts_translate_others_do_not():
    groupby = ["team_id", "period:month"]
    assert order_by_summary(None, groupby) is None
    assert order_by_summary("team_id ASC,period:month desc", groupby) == "team_id ASC, period:month desc"
    assert order_by_summary("__count DESC", groupby) == "count:sum DESC"
    assert order_by_summary("partner_id", groupby) is None
    assert order_by_summary("team_id NULLS LAST", groupby) is None
