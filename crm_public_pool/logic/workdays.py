"""Working-day arithmetic: a running count of working days, so "N working days later" is a lookup."""

from datetime import timedelta


def day_index(first_day, working_days, span):
    """[(day, index, working)] for ``span`` days from ``first_day``.

    ``index`` counts the working days up to and including ``day``: the working day N working
    days after any day ``d`` is the working day whose index is ``index(d) + N``, whether ``d``
    itself is worked or not (a customer claimed on a Sunday counts from Monday).
    """
    rows = []
    index = 0
    for offset in range(span):
        day = first_day + timedelta(days=offset)
        working = day in working_days
        index += working
        rows.append((day, index, working))
    return rows
