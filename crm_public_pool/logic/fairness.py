"""Which questions the fairness summary (events counted per month) answers as the events would.

The summary keeps one row per month, kind, salesperson, team, pool and company. A grouping or a
filter on the period gives the same counts on it as on the events only when it cuts at month
boundaries: months, quarters and years, the periods the search view's date filter offers.
"""

import calendar
from datetime import date, datetime

# Granularities of the period that are whole months.
MONTHLY_GRANULARITIES = ("month", "quarter", "year")
# What the summary sums for each aggregate of the events: a count of events is their summed count.
SUMMARY_AGGREGATES = {"__count": "count:sum", "count:sum": "count:sum"}


def groupby_by_month(spec, fields, period="period"):
    """Whether grouping by ``spec`` ("team_id", "period:quarter") splits no month of ``fields``."""
    name, __, granularity = spec.partition(":")
    if name not in fields:
        return False
    if name == period:
        # A date without a granularity groups by month (Odoo's default).
        return granularity in ("", *MONTHLY_GRANULARITIES)
    return not granularity


def period_leaf_by_month(operator, value):
    """Whether ``period <operator> value`` keeps or drops whole months.

    The date filter's month, quarter and year give ``>= first day`` and ``<= last day``.
    """
    if operator in ("=", "!=") and value is False:
        return True
    day = _as_date(value)
    if day is None:
        return False
    last = calendar.monthrange(day.year, day.month)[1]
    if operator in (">=", "<"):
        return day.day == 1
    if operator in ("<=", ">"):
        return day.day == last
    return False


def _as_date(value):
    if isinstance(value, datetime):
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def order_by_summary(order, groupby):
    """``order`` of the events' groups as the summary sorts them, or None if it cannot."""
    if not order:
        return order
    terms = []
    for term in order.split(","):
        words = term.split()
        if not words or len(words) > 2 or (len(words) == 2 and words[1].lower() not in ("asc", "desc")):
            return None
        key = words[0]
        if key in SUMMARY_AGGREGATES:
            words[0] = SUMMARY_AGGREGATES[key]
        elif key not in groupby:
            return None
        terms.append(" ".join(words))
    return ", ".join(terms)
