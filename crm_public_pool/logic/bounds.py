"""The bounds of every numeric setting of the addon, enforced by the models' constraints.

A setting outside its bound is refused when it is saved; before the bounds, an entry lock of
10**9 hours was accepted and every later claim in its pool failed with a date overflow. The
upper bounds are generous for real use (ten years of days, a year of hours, a million
customers per salesperson) and small enough that every date the rules add to "now" exists.
The README lists them (section "Bounds of the settings").
"""

DAYS_MAX = 3650
HOURS_MAX = 8760
CUSTOMERS_MAX = 1_000_000
WEIGHT_MAX = 1000
AMOUNT_MAX = 10**12

SETTING_BOUNDS = {
    "crm.public.pool": {
        "daily_claim_limit": (0, CUSTOMERS_MAX),
        "reclaim_cooldown_days": (0, DAYS_MAX),
        "entry_lock_hours": (0, HOURS_MAX),
        "accept_hours": (0, 720),
        "daily_view_limit": (0, CUSTOMERS_MAX),
        "performance_period_days": (1, DAYS_MAX),
        "performance_weight_revenue": (0, WEIGHT_MAX),
        "performance_weight_won": (0, WEIGHT_MAX),
        "performance_weight_inquiries": (0, WEIGHT_MAX),
        "unclaimed_days": (0, DAYS_MAX),
    },
    "crm.public.pool.rule": {
        "days": (0, DAYS_MAX),
        "days_a": (0, DAYS_MAX),
        "days_b": (0, DAYS_MAX),
        "days_c": (0, DAYS_MAX),
        "days_d": (0, DAYS_MAX),
        "warn_days": (0, 365),
        "amount": (0, AMOUNT_MAX),
    },
    "crm.public.pool.reason": {
        "embargo_days": (0, DAYS_MAX),
    },
    "res.users": {
        "pool_max_customers": (0, CUSTOMERS_MAX),
        "pool_max_locked": (0, CUSTOMERS_MAX),
    },
    "res.company": {
        "pool_max_customers": (0, CUSTOMERS_MAX),
        "pool_max_locked": (0, CUSTOMERS_MAX),
        "pool_max_registrations": (0, CUSTOMERS_MAX),
        "pool_protect_days_a": (0, DAYS_MAX),
        "pool_protect_days_b": (0, DAYS_MAX),
        "pool_protect_days_c": (0, DAYS_MAX),
        "pool_protect_days_d": (0, DAYS_MAX),
        "pool_followup_plan_days": (0, DAYS_MAX),
    },
}


def out_of_bounds(values, bounds):
    """[(field, value, low, high)] of ``values`` (a mapping field -> number) outside ``bounds``.

    A missing or empty value is left to the field's default; only numbers are checked.
    """
    found = []
    for fname, (low, high) in bounds.items():
        value = values.get(fname)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            continue
        if not low <= value <= high:
            found.append((fname, value, low, high))
    return found
