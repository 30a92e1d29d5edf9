"""The claim rules, written once.

Each rule of a pool is a domain that a pooled customer must satisfy for a given user to claim
it now. The same domains make the "Claimable Now" search and, evaluated on the customers asked
for, the claim's check: the list and the claim cannot disagree. Counted limits (the pool's
daily claim limit, the user's owned-customer limit) are not properties of one customer; they
close a whole pool, or every pool, once reached.
"""

from datetime import timedelta

# (code, domain) pairs; the codes name the refusal messages in the model.
POOLED = "pooled"
ACTIVE = "active"
COOLDOWN = "cooldown"
ENTRY_LOCK = "entry_lock"
EMBARGO = "embargo"


def pool_claim_rules(pool, user_id, is_admin, now):
    """[(code, domain)] a customer of ``pool`` must satisfy for ``user_id`` to claim it at ``now``.

    ``pool`` is a mapping with ``id``, ``reclaim_cooldown_days`` and ``entry_lock_hours``.
    Pool administrators are exempt from the entry lock, nobody from the rest.
    """
    rules = [
        (POOLED, [("pool_state", "=", "pool"), ("pool_id", "=", pool["id"])]),
        (ACTIVE, [("active", "=", True)]),
        (EMBARGO, ["|", ("pool_embargo_until", "=", False), ("pool_embargo_until", "<=", now)]),
    ]
    days = pool.get("reclaim_cooldown_days") or 0
    if days:
        rules.append(
            (
                COOLDOWN,
                [
                    "|",
                    "|",
                    ("pool_previous_user_id", "!=", user_id),
                    ("pool_previous_user_id", "=", False),
                    ("pool_enter_date", "<=", now - timedelta(days=days)),
                ],
            )
        )
    hours = pool.get("entry_lock_hours") or 0
    if hours and not is_admin:
        rules.append(
            (
                ENTRY_LOCK,
                ["|", ("pool_enter_date", "=", False), ("pool_enter_date", "<=", now - timedelta(hours=hours))],
            )
        )
    return rules


def daily_limit_left(limit, claimed_today):
    """How many more customers one may claim from a pool today; None when unlimited."""
    if not limit:
        return None
    return max(limit - claimed_today, 0)


def owned_room_left(limit, owned):
    """How many more customers one may own; None when unlimited."""
    if not limit:
        return None
    return max(limit - owned, 0)
