"""Dates as people read them: relative when near, in the reader's language (Babel's CLDR data)."""

from datetime import timedelta

from babel.dates import format_timedelta

# A unit is used once at least this many of it fit: "in 45 days", not "in 2 months".
THRESHOLD = 10


def relative_days(days, locale):
    """``days`` from today as "in 2 days" / "2天后" or "3 days ago" / "3天前"; None for today."""
    if not days:
        return None
    return format_timedelta(
        timedelta(days=days), granularity="day", threshold=THRESHOLD, add_direction=True, locale=locale
    )


def babel_locale(lang):
    """Odoo's language code (``zh_CN``, ``en_US``, ``sr@latin``) as Babel reads it."""
    return (lang or "en_US").split("@")[0]
