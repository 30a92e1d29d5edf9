"""Arithmetic of the customer distribution strategies, without Odoo.

Each strategy takes the customers to place (``Item`` or dicts with the same keys) and the pool
members (``Member`` or dicts) and returns a ``Plan``; nothing is mutated.  A plan never gives a
member more customers than their free capacity, and ties are always broken by ascending
``user_id`` so that the preview shown to an admin is exactly what is applied afterwards.
"""

from __future__ import annotations

import heapq
from bisect import bisect_right
from collections import Counter, deque
from dataclasses import dataclass, field, fields, replace
from fractions import Fraction
from math import floor

NO_MEMBER = "no_member"
CAPACITY = "capacity"
NO_REGION = "no_region"
NO_PREVIOUS_OWNER = "no_previous_owner"
ABSENT = "absent"


@dataclass(frozen=True)
class Item:
    """A customer to place."""

    id: int
    region_key: tuple | None = None
    previous_user_ids: tuple = ()
    source: str | None = None


@dataclass(frozen=True)
class Member:
    """A pool member; ``free_capacity`` None means unlimited."""

    user_id: int
    free_capacity: int | None = None
    load: int = 0
    score: float = 0.0
    region_keys: frozenset = frozenset()
    # Paused, on leave or archived: never receives a customer, but keeps a round-robin turn.
    absent: bool = False


@dataclass
class Plan:
    """Who gets what, and what stays in the pool and why.

    ``assignments`` holds ``(item_id, user_id, reason)``, ``unplaced`` holds
    ``(item_id, reason_code)``.  ``last_user_id`` is the user who received the last placed
    item; round-robin keeps the incoming cursor when it places nothing, so the caller can
    always persist it.  ``owed_user_ids`` are the absent members whose round-robin turn came
    and went: the next round-robin serves them first once they are back.
    """

    assignments: list = field(default_factory=list)
    unplaced: list = field(default_factory=list)
    last_user_id: int | None = None
    owed_user_ids: list = field(default_factory=list)

    def place(self, item_id, user_id, reason):
        """Record one assignment."""
        self.assignments.append((item_id, user_id, reason))
        self.last_user_id = user_id

    def skip(self, item_id, reason_code):
        """Record one customer left in the pool."""
        self.unplaced.append((item_id, reason_code))

    def extend(self, other):
        """Append another plan's lines, e.g. a fallback strategy's."""
        for line in other.assignments:
            self.place(*line)
        self.unplaced.extend(other.unplaced)
        if other.last_user_id is not None:
            self.last_user_id = other.last_user_id
        self.owed_user_ids = list(dict.fromkeys(self.owed_user_ids + other.owed_user_ids))

    def counts(self):
        """Number of customers per user."""
        return Counter(user_id for _item_id, user_id, _reason in self.assignments)

    def unplaced_counts(self):
        """Number of unplaced customers per reason code."""
        return Counter(code for _item_id, code in self.unplaced)


def _as_item(value):
    if isinstance(value, Item):
        return value
    data = {f.name: value[f.name] for f in fields(Item) if f.name in value}
    if data.get("region_key") is not None:
        data["region_key"] = tuple(data["region_key"])
    data["previous_user_ids"] = tuple(data.get("previous_user_ids") or ())
    return Item(**data)


def _as_member(value):
    if isinstance(value, Member):
        return value
    data = {f.name: value[f.name] for f in fields(Member) if f.name in value}
    data["region_keys"] = frozenset(data.get("region_keys") or ())
    return Member(**data)


class _Ledger:
    """Free capacity and load of each member while a plan is being built."""

    def __init__(self, members):
        self.members = {}
        for member in members:
            if member.user_id in self.members:
                raise ValueError(f"member {member.user_id} is listed twice")
            self.members[member.user_id] = member
        self.free = {
            m.user_id: None if m.free_capacity is None else max(m.free_capacity, 0) for m in self.members.values()
        }
        self.load = {m.user_id: m.load for m in self.members.values()}

    def has_capacity(self, user_id):
        """Room under the member's limit, whether or not they are there to take it."""
        if user_id not in self.free:
            return False
        free = self.free[user_id]
        return free is None or free > 0

    def is_absent(self, user_id):
        return user_id in self.members and self.members[user_id].absent

    def has_room(self, user_id):
        return self.has_capacity(user_id) and not self.is_absent(user_id)

    def with_room(self, user_ids=None):
        candidates = self.members if user_ids is None else user_ids
        return sorted(u for u in set(candidates) if u in self.members and self.has_room(u))

    def take(self, user_id):
        if self.free[user_id] is not None:
            self.free[user_id] -= 1
        self.load[user_id] += 1

    def rank(self, user_id):
        """Sort key: unlimited first, then most free capacity, lowest load, lowest id."""
        free = self.free[user_id]
        if free is None:
            return (0, 0, self.load[user_id], user_id)
        return (1, -free, self.load[user_id], user_id)

    def full_reason(self, user_ids=None):
        """Why nothing can be placed once none of ``user_ids`` (default: all members) has room."""
        candidates = self.members if user_ids is None else [u for u in user_ids if u in self.members]
        if not candidates:
            return NO_MEMBER
        if any(self.is_absent(u) and self.has_capacity(u) for u in candidates):
            return ABSENT
        return CAPACITY

    def remaining_members(self, keep_load=False):
        """Members as they stand now, for handing over to another strategy.

        With ``keep_load`` the customers taken so far use up capacity but do not count as
        load, so the next strategy's fairness ignores them.
        """
        return [
            replace(m, free_capacity=self.free[u], load=m.load if keep_load else self.load[u])
            for u, m in self.members.items()
        ]


def _prepare(items, members):
    return [_as_item(i) for i in items], _Ledger(_as_member(m) for m in members)


def assign_to_user(items, member):
    """Give every customer to one member, as far as their capacity allows."""
    items, ledger = _prepare(items, [] if member is None else [member])
    plan = Plan()
    for item in items:
        user_ids = ledger.with_room()
        if not user_ids:
            plan.skip(item.id, ledger.full_reason())
            continue
        ledger.take(user_ids[0])
        plan.place(item.id, user_ids[0], "assign_to_user")
    return plan


def round_robin(items, members, start_after_user_id=None, owed_user_ids=()):
    """Deal customers in turn by ascending user id, after the previous distribution's last user.

    Members without room are skipped; among those that keep room, counts differ by at most one.
    An absent member whose turn comes is passed over and owed that turn: members in
    ``owed_user_ids`` who are back and have room are served first, without moving the cursor.
    A member is owed at most one turn, however long they were away.
    """
    items, ledger = _prepare(items, members)
    order = sorted(ledger.members)
    # The cursor is compared by id so that it still works after its user left the pool.
    start = 0 if start_after_user_id is None else bisect_right(order, start_after_user_id)
    turn = deque(u for u in order[start:] + order[:start] if ledger.has_capacity(u))
    owed = [u for u in dict.fromkeys(owed_user_ids) if u in ledger.members]
    first = deque(u for u in owed if ledger.has_room(u))
    still_owed = [u for u in owed if ledger.is_absent(u) and ledger.has_capacity(u)]
    plan = Plan()
    cursor = start_after_user_id
    for item in items:
        if first:
            user_id = first.popleft()
            ledger.take(user_id)
            plan.place(item.id, user_id, "round_robin_owed")
            continue
        user_id = None
        while turn:
            candidate = turn.popleft()
            if ledger.is_absent(candidate):
                if candidate not in still_owed:
                    still_owed.append(candidate)
                continue
            user_id = candidate
            break
        if user_id is None:
            plan.skip(item.id, ledger.full_reason())
            continue
        ledger.take(user_id)
        plan.place(item.id, user_id, "round_robin")
        cursor = user_id
        if ledger.has_room(user_id):
            turn.append(user_id)
    plan.last_user_id = cursor
    plan.owed_user_ids = still_owed
    return plan


def least_loaded(items, members):
    """Give each customer to the member with most free capacity, then lowest load."""
    items, ledger = _prepare(items, members)
    plan = Plan()
    # A heap keeps this O(n log m): distributing 100k customers among 200 members is expected.
    heap = [ledger.rank(u) for u in ledger.with_room()]
    heapq.heapify(heap)
    for item in items:
        if not heap:
            plan.skip(item.id, ledger.full_reason())
            continue
        user_id = heapq.heappop(heap)[-1]
        ledger.take(user_id)
        plan.place(item.id, user_id, "least_loaded")
        if ledger.has_room(user_id):
            heapq.heappush(heap, ledger.rank(user_id))
    return plan


def region_key(country_id, state_id=None, city=None):
    """Build a region key; the city is compared case- and space-insensitively."""
    city = " ".join(city.split()).casefold() if city else None
    return (country_id or None, state_id or None, city or None)


def region_candidates(key):
    """Keys to try for a customer's ``(country, state, city)``, from most to least specific.

    A city is more specific than a state, so a map row that names the city but not the state
    wins over the state's row; levels the customer has no value for are not tried.
    """
    if not key or key[0] is None:
        return []
    country, state, city = (tuple(key) + (None, None))[:3]
    candidates = (
        (country, state, city),
        (country, None, city),
        (country, state, None),
        (country, None, None),
    )
    # Missing levels make some candidates equal; each is tried once, in this order.
    return list(dict.fromkeys(candidates))


def region_table(members, members_by_region=None):
    """Merge an explicit region table with the regions listed on the members."""
    table = {}
    for key, user_ids in (members_by_region or {}).items():
        table.setdefault(tuple(key), set()).update(user_ids)
    for member in map(_as_member, members):
        for key in member.region_keys:
            table.setdefault(tuple(key), set()).add(member.user_id)
    return table


def _match_region(key, table, ledger):
    """Most specific mapped region of ``key`` that has members: ``(region, users, reason)``."""
    reason = NO_REGION
    for candidate in region_candidates(key):
        users = [u for u in table.get(candidate, ()) if u in ledger.members]
        if users:
            return candidate, users, None
        if candidate in table:
            reason = NO_MEMBER
    return None, [], reason


def by_region(items, members_by_region, members):
    """Route each customer to the members of its most specific mapped region, least loaded first.

    A region level whose users are no longer members is passed over.  When the matched level's
    members are full the customer stays in the pool ('capacity') rather than spilling to the
    wider region, so that territories are not silently broken.
    """
    items, ledger = _prepare(items, members)
    table = region_table(ledger.members.values(), members_by_region)
    plan = Plan()
    for item in items:
        key, users, reason = _match_region(item.region_key, table, ledger)
        if key is None:
            plan.skip(item.id, reason)
            continue
        with_room = ledger.with_room(users)
        if not with_room:
            plan.skip(item.id, ledger.full_reason(users))
            continue
        user_id = min(with_room, key=ledger.rank)
        ledger.take(user_id)
        plan.place(item.id, user_id, f"by_region {key!r}")
    return plan


def apportion(total, weights):
    """Split ``total`` units proportionally to ``weights`` by the largest remainder method.

    Exact fractions keep the result independent of float rounding; equal remainders go to the
    lowest key.
    """
    weights = {k: Fraction(w) for k, w in weights.items() if w > 0}
    weight_sum = sum(weights.values())
    if not weights or total <= 0:
        return dict.fromkeys(weights, 0)
    quotas = {k: total * w / weight_sum for k, w in weights.items()}
    shares = {k: floor(q) for k, q in quotas.items()}
    left = total - sum(shares.values())
    for k in sorted(quotas, key=lambda k: (-(quotas[k] - shares[k]), k))[:left]:
        shares[k] += 1
    return shares


def capped_apportion(total, weights, caps):
    """Apportion ``total`` by weight without exceeding ``caps`` (None = unlimited).

    Members whose share exceeds their cap get the cap, and the rest is apportioned again among
    the others.  Returns the shares and the number of units nobody could take.
    """
    active = {k: w for k, w in weights.items() if w > 0 and caps.get(k) != 0}
    shares = {}
    left = total
    while active and left > 0:
        tentative = apportion(left, active)
        over = [k for k in active if caps.get(k) is not None and tentative[k] > caps[k]]
        if not over:
            shares.update(tentative)
            return shares, 0
        for k in over:
            shares[k] = caps[k]
            left -= caps[k]
            del active[k]
    return shares, left


def _spread(shares):
    """Order users so each one's turns are evenly spaced through the batch.

    A member with share ``t`` takes positions ``(2j+1)/(2t)`` of the batch; the first
    customers therefore do not all go to the top performer.
    """
    slots = [((2 * j + 1) / (2 * t), u) for u, t in shares.items() for j in range(t)]
    return [u for _pos, u in sorted(slots)]


def by_performance(items, members):
    """Share customers in proportion to the members' scores, within their capacity.

    Members scoring 0 get nothing unless every member scores 0, in which case this is a
    round-robin.  Shares left over by full members are re-spread among the others.
    """
    items, ledger = _prepare(items, members)
    scores = {u: 0 if m.absent else max(m.score, 0) for u, m in ledger.members.items()}
    present = [u for u, m in ledger.members.items() if not m.absent]
    if present and not any(scores.values()):
        plan = round_robin(items, ledger.members.values())
        plan.assignments = [(i, u, "by_performance: all scores 0, round_robin") for i, u, _r in plan.assignments]
        return plan
    plan = Plan()
    shares, _left = capped_apportion(len(items), scores, ledger.free)
    order = _spread(shares)
    for item, user_id in zip(items, order, strict=False):
        ledger.take(user_id)
        plan.place(item.id, user_id, f"by_performance score={scores[user_id]:.4g}")
    for item in items[len(order) :]:
        plan.skip(item.id, ledger.full_reason())
    return plan


FALLBACKS = {
    "least_loaded": least_loaded,
    "round_robin": round_robin,
    "by_performance": by_performance,
}


def previous_owner_first(items, members, fallback="least_loaded"):
    """Return customers to the first previous owner who is a member with room, else fall back.

    Previous owners are served for the whole batch before the fallback runs, so a newcomer
    customer cannot take the last slot of someone whose old customer comes back.  ``fallback``
    is a name in ``FALLBACKS``, a callable ``(items, members) -> Plan``, or None to leave the
    others in the pool.
    """
    items, ledger = _prepare(items, members)
    plan = Plan()
    rest = []
    for item in items:
        owner = next((u for u in item.previous_user_ids if ledger.has_room(u)), None)
        if owner is None:
            rest.append(item)
            continue
        ledger.take(owner)
        plan.place(item.id, owner, "previous_owner_first")
    if fallback is None:
        for item in rest:
            plan.skip(item.id, NO_PREVIOUS_OWNER)
        return plan
    strategy = FALLBACKS[fallback] if isinstance(fallback, str) else fallback
    # Customers returned to their previous owner do not count against the fallback's fairness.
    plan.extend(strategy(rest, ledger.remaining_members(keep_load=True)))
    return plan


def performance_score(metrics, weights, maxima=None):
    """Weighted sum of a member's metrics (won_revenue, won_count, inquiries, ...).

    Weights are divided by their sum, so only their ratio matters.  Each metric is divided by
    its maximum over the compared members (``maxima``), so revenue in currency does not drown
    a count of won deals, and the score lies in [0, 1]; negative values count as 0 because
    shares cannot be negative.
    """
    if any(w < 0 for w in weights.values()):
        raise ValueError("performance weights cannot be negative")
    weight_sum = sum(weights.values())
    if not weight_sum:
        raise ValueError("at least one performance weight must be positive")
    score = 0.0
    for name, weight in weights.items():
        value = max(metrics.get(name) or 0, 0)
        if maxima is not None:
            top = maxima.get(name) or 0
            value = value / top if top > 0 else 0.0
        score += weight / weight_sum * value
    return score


def performance_scores(metrics_by_user, weights):
    """Scores of all members, each metric normalised by its maximum among them."""
    maxima = {name: max((max(m.get(name) or 0, 0) for m in metrics_by_user.values()), default=0) for name in weights}
    return {user_id: performance_score(metrics, weights, maxima) for user_id, metrics in metrics_by_user.items()}
