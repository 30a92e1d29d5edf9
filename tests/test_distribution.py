"""Distribution strategies: fairness, capacity, tie-breaking and the reasons for what stays."""

import random
from collections import Counter
from functools import partial

import pytest
from logic import distribution as d
from logic.distribution import Item, Member


def items_of(n, start=1, **kwargs):
    return [Item(i, **kwargs) for i in range(start, start + n)]


def assert_complete(plan, items):
    """Every item is either placed once or reported unplaced once."""
    placed = [i for i, _u, _r in plan.assignments]
    unplaced = [i for i, _code in plan.unplaced]
    assert sorted(placed + unplaced) == sorted(item.id for item in items)


def random_members(rng, unlimited_share=0.2):
    ids = rng.sample(range(1, 60), rng.randint(1, 8))
    return [
        Member(
            uid,
            free_capacity=None if rng.random() < unlimited_share else rng.randint(0, 6),
            load=rng.randint(0, 10),
            score=rng.choice([0, 0.5, 1, 2.5, 7]),
            region_keys=frozenset({(rng.choice([1, 2]), None, None)}),
        )
        for uid in ids
    ]


def random_items(rng, members):
    user_ids = [m.user_id for m in members] + [99, 98]
    regions = [(1, 10, "paris"), (1, None, None), (2, 20, None), (3, None, None), None]
    return [
        Item(
            i,
            region_key=rng.choice(regions),
            previous_user_ids=tuple(rng.sample(user_ids, rng.randint(0, 2))),
        )
        for i in range(rng.randint(0, 40))
    ]


STRATEGIES = {
    "assign_to_user": lambda items, members: d.assign_to_user(items, members[0]),
    "round_robin": lambda items, members: d.round_robin(items, members, start_after_user_id=30),
    "least_loaded": d.least_loaded,
    "by_region": lambda items, members: d.by_region(items, {(1, 10, None): [members[-1].user_id]}, members),
    "by_performance": d.by_performance,
    "previous_owner_first": d.previous_owner_first,
    "previous_owner_then_round_robin": partial(d.previous_owner_first, fallback="round_robin"),
    "previous_owner_then_performance": partial(d.previous_owner_first, fallback="by_performance"),
}


# Strategies that must place every item as long as any member has room.
EXHAUSTIVE = {
    "assign_to_user",
    "round_robin",
    "least_loaded",
    "previous_owner_first",
    "previous_owner_then_round_robin",
}


@pytest.mark.parametrize("name", sorted(STRATEGIES))
def test_capacity_never_exceeded_on_random_inputs(name):
    rng = random.Random(f"capacity-{name}")
    strategy = STRATEGIES[name]
    for _ in range(400):
        members = random_members(rng)
        items = random_items(rng, members)
        plan = strategy(items, members)
        assert_complete(plan, items)
        by_id = {m.user_id: m for m in members}
        for user_id, count in plan.counts().items():
            assert user_id in by_id, "customers only go to pool members"
            cap = by_id[user_id].free_capacity
            assert cap is None or count <= cap
        if name in EXHAUSTIVE and plan.unplaced_counts()[d.CAPACITY]:
            offered = [by_id[u] for u in by_id] if name != "assign_to_user" else [members[0]]
            assert all(m.free_capacity is not None and plan.counts()[m.user_id] == m.free_capacity for m in offered), (
                "an item was left in the pool while a member still had room"
            )


@pytest.mark.parametrize("member_count", [1, 3, 7, 20])
def test_round_robin_is_fair_over_many_batches(member_count):
    rng = random.Random(member_count)
    members = [Member(uid) for uid in rng.sample(range(1, 500), member_count)]
    totals = Counter()
    cursor = None
    next_id = 0
    for _ in range(1000):
        batch = items_of(rng.randint(0, 17), start=next_id)
        next_id += len(batch)
        rng.shuffle(members)
        plan = d.round_robin(batch, members, start_after_user_id=cursor)
        totals.update(plan.counts())
        cursor = plan.last_user_id
        assert max(totals[m.user_id] for m in members) - min(totals[m.user_id] for m in members) <= 1


def test_round_robin_counts_differ_by_one_among_members_with_room():
    rng = random.Random(7)
    for _ in range(300):
        members = [Member(uid, free_capacity=rng.choice([None, 1, 2, 5, 30])) for uid in range(1, rng.randint(2, 9))]
        plan = d.round_robin(items_of(rng.randint(0, 60)), members, start_after_user_id=rng.randint(0, 9))
        counts = plan.counts()
        with_room = [
            counts[m.user_id] for m in members if m.free_capacity is None or counts[m.user_id] < m.free_capacity
        ]
        if with_room:
            assert max(with_room) - min(with_room) <= 1


@pytest.mark.parametrize(
    ("cursor", "expected"),
    [
        (None, [10, 20, 30, 10]),
        (10, [20, 30, 10, 20]),
        (30, [10, 20, 30, 10]),
        (25, [30, 10, 20, 30]),  # the user of the last distribution left the pool
        (99, [10, 20, 30, 10]),
    ],
)
def test_round_robin_continues_after_the_last_user(cursor, expected):
    members = [Member(30), Member(10), Member(20)]
    plan = d.round_robin(items_of(4), members, start_after_user_id=cursor)
    assert [u for _i, u, _r in plan.assignments] == expected
    assert plan.last_user_id == expected[-1]


def test_round_robin_skips_full_members_and_keeps_cursor_when_nothing_placed():
    members = [Member(1, free_capacity=1), Member(2, free_capacity=0), Member(3)]
    plan = d.round_robin(items_of(4), members)
    assert [u for _i, u, _r in plan.assignments] == [1, 3, 3, 3]
    assert d.round_robin([], members, start_after_user_id=2).last_user_id == 2


def test_least_loaded_prefers_unlimited_then_most_free_then_lowest_load():
    members = [
        Member(1, free_capacity=5, load=0),
        Member(2, free_capacity=3, load=0),
        Member(3, free_capacity=5, load=2),
    ]
    plan = d.least_loaded(items_of(4), members)
    # 1 and 3 tie on free capacity, 1 has less load; after one each, 1 and 3 are at 4 free.
    assert [u for _i, u, _r in plan.assignments] == [1, 3, 1, 3]
    unlimited = d.least_loaded(
        items_of(3),
        [Member(1, free_capacity=100), Member(2, load=5), Member(3, load=6)],
    )
    assert [u for _i, u, _r in unlimited.assignments] == [2, 2, 3]


@pytest.mark.parametrize(
    "strategy",
    [
        d.least_loaded,
        d.round_robin,
        d.by_performance,
        partial(d.previous_owner_first, fallback="least_loaded"),
    ],
)
def test_ties_are_broken_by_ascending_user_id_whatever_the_input_order(strategy):
    members = [Member(uid, free_capacity=2, load=1, score=1.0) for uid in (42, 7, 13)]
    expected = strategy(items_of(4), sorted(members, key=lambda m: m.user_id)).assignments
    for seed in range(10):
        random.Random(seed).shuffle(members)
        assert strategy(items_of(4), members).assignments == expected
    assert [u for _i, u, _r in expected][:3] == [7, 13, 42]


def test_by_performance_gives_the_odd_unit_to_the_lowest_user_id():
    members = [Member(3, score=1), Member(1, score=1), Member(2, score=1)]
    assert d.by_performance(items_of(4), members).counts() == {1: 2, 2: 1, 3: 1}


def test_by_performance_is_proportional_within_one():
    rng = random.Random(11)
    for _ in range(500):
        members = [Member(uid, score=rng.choice([0.1, 0.33, 1, 2, 5, 12.5])) for uid in range(1, rng.randint(2, 12))]
        n = rng.randint(0, 200)
        counts = d.by_performance(items_of(n), members).counts()
        total_score = sum(m.score for m in members)
        assert sum(counts.values()) == n
        for m in members:
            assert abs(counts[m.user_id] - n * m.score / total_score) < 1


def test_by_performance_exact_shares_and_interleaving():
    plan = d.by_performance(items_of(8), [Member(1, score=3), Member(2, score=1)])
    assert plan.counts() == {1: 6, 2: 2}
    # The weaker member's turns are spread through the batch, not left for the end.
    assert [u for _i, u, _r in plan.assignments] == [1, 1, 2, 1, 1, 1, 2, 1]


def test_by_performance_re_spreads_the_share_of_full_members():
    members = [
        Member(1, free_capacity=1, score=2),
        Member(2, score=1),
        Member(3, score=1),
        Member(4, free_capacity=0, score=9),
    ]
    plan = d.by_performance(items_of(9), members)
    assert plan.counts() == {1: 1, 2: 4, 3: 4}
    assert not plan.unplaced


def test_by_performance_zero_score_gets_nothing_unless_all_are_zero():
    plan = d.by_performance(
        items_of(5),
        [Member(1, score=0), Member(2, score=0.5), Member(3, free_capacity=1, score=2)],
    )
    assert plan.counts() == {2: 4, 3: 1}
    full = d.by_performance(items_of(3), [Member(1, score=0), Member(2, free_capacity=1, score=1)])
    assert full.counts() == {2: 1}
    assert full.unplaced_counts() == {d.CAPACITY: 2}
    all_zero = d.by_performance(items_of(7), [Member(1), Member(2), Member(3)])
    assert all_zero.counts() == {1: 3, 2: 2, 3: 2}


TABLE = {
    (1, 10, "paris"): [100],
    (1, 10, None): [110],
    (1, None, None): [111],
    (2, None, "lyon"): [200],
}


@pytest.mark.parametrize(
    ("region", "user_id"),
    [
        ((1, 10, "paris"), 100),
        ((1, 10, "nice"), 110),
        ((1, 10, None), 110),
        ((1, 11, "paris"), 111),
        ((1, None, None), 111),
        ((2, None, "lyon"), 200),
        ((2, 20, "lyon"), 200),  # a city mapped without its state beats the state
    ],
)
def test_region_falls_back_from_city_to_state_to_country(region, user_id):
    members = [Member(u) for u in (100, 110, 111, 200)]
    plan = d.by_region([Item(1, region_key=region)], TABLE, members)
    assert plan.counts() == {user_id: 1}


def test_region_reasons_for_customers_left_in_the_pool():
    members = [Member(100, free_capacity=0), Member(110), Member(111)]
    items = [
        Item(1, region_key=(1, 10, "paris")),  # city owner full: no spill to the state
        Item(2, region_key=(3, None, None)),  # country nobody covers
        Item(3),  # no address
        Item(4, region_key=(2, 20, "lyon")),  # only a non-member covers it
    ]
    plan = d.by_region(items, TABLE, members)
    assert plan.unplaced == [
        (1, d.CAPACITY),
        (2, d.NO_REGION),
        (3, d.NO_REGION),
        (4, d.NO_MEMBER),
    ]


def test_region_skips_non_members_and_balances_within_the_region():
    table = {(1, 10, "paris"): [999], (1, 10, None): [3, 2]}
    members = [
        Member(2, load=4),
        Member(3, load=1),
        Member(4, region_keys=frozenset({(1, 10, None)})),
    ]
    plan = d.by_region(items_of(3, region_key=(1, 10, "paris")), table, members)
    # 999 is not a member; 4 (load 0) first, then 3 and 4 tie at load 1 and 3 has the lower id.
    assert [u for _i, u, _r in plan.assignments] == [4, 3, 4]
    assert plan.assignments[0][2] == "by_region (1, 10, None)"


def test_region_key_normalises_the_city():
    assert d.region_key(1, 10, "  New   York ") == d.region_key(1, 10, "new york") == (1, 10, "new york")
    assert d.region_key(1, False, "") == (1, None, None)


@pytest.mark.parametrize(
    ("previous", "members", "expected"),
    [
        ((5,), [Member(5), Member(1)], 5),
        ((5,), [Member(5, free_capacity=0), Member(1)], 1),  # full: falls back
        ((5,), [Member(1), Member(2, load=3)], 1),  # not a member: falls back
        ((9, 5, 2), [Member(2), Member(5)], 5),  # first previous owner that qualifies
        ((), [Member(1, load=1), Member(2)], 2),
    ],
)
def test_previous_owner_only_when_member_with_capacity(previous, members, expected):
    plan = d.previous_owner_first([Item(1, previous_user_ids=previous)], members)
    assert plan.counts() == {expected: 1}


def test_previous_owner_served_before_newcomers_take_the_last_slot():
    members = [Member(1, free_capacity=1), Member(2, free_capacity=1, load=5)]
    items = [Item(10), Item(11, previous_user_ids=(1,))]
    plan = d.previous_owner_first(items, members)
    assert sorted(plan.assignments) == [
        (10, 2, "least_loaded"),
        (11, 1, "previous_owner_first"),
    ]


def test_previous_owner_without_fallback_leaves_the_others_in_the_pool():
    plan = d.previous_owner_first(
        [Item(1, previous_user_ids=(3,)), Item(2, previous_user_ids=(4,))],
        [Member(3)],
        fallback=None,
    )
    assert plan.assignments == [(1, 3, "previous_owner_first")]
    assert plan.unplaced == [(2, d.NO_PREVIOUS_OWNER)]


def test_previous_owner_fallback_to_whoever_met_them():
    met = Member(8)
    plan = d.previous_owner_first(
        items_of(2, previous_user_ids=(99,)),
        [met, Member(1)],
        fallback=lambda items, members: d.assign_to_user(items, met),
    )
    assert plan.counts() == {8: 2}


# With nobody in the pool, the region table names a user who is not (or no longer) a member.
EMPTY_POOL = {
    **STRATEGIES,
    "assign_to_user": lambda items, _members: d.assign_to_user(items, None),
    "by_region": lambda items, members: d.by_region(items, {(1, None, None): [5]}, members),
}


@pytest.mark.parametrize("name", sorted(EMPTY_POOL))
def test_no_member_reason_when_pool_is_empty(name):
    plan = EMPTY_POOL[name](items_of(2, region_key=(1, None, None)), [])
    assert plan.unplaced == [(1, d.NO_MEMBER), (2, d.NO_MEMBER)]


def test_assign_to_user_stops_at_capacity():
    plan = d.assign_to_user(items_of(3), Member(4, free_capacity=2))
    assert plan.counts() == {4: 2}
    assert plan.unplaced == [(3, d.CAPACITY)]


def test_plain_dicts_are_accepted_and_inputs_are_not_changed():
    members = [{"user_id": 1, "free_capacity": 1}, Member(2, free_capacity=1)]
    items = [
        {"id": 1, "previous_user_ids": [2]},
        {"id": 2, "region_key": [1, None, None]},
    ]
    plan = d.previous_owner_first(items, members)
    assert plan.assignments == [(1, 2, "previous_owner_first"), (2, 1, "least_loaded")]
    assert members[1].free_capacity == 1


def test_duplicate_members_are_refused():
    with pytest.raises(ValueError, match="twice"):
        d.least_loaded(items_of(1), [Member(1), Member(1)])


def test_apportion_handles_capacity_and_leftover():
    assert d.capped_apportion(10, {1: 1, 2: 1}, {1: 2, 2: 3}) == ({1: 2, 2: 3}, 5)
    assert d.apportion(10, {1: 1, 2: 2, 3: 0}) == {1: 3, 2: 7}


def test_performance_scores_normalise_units_and_weights():
    metrics = {
        1: {"won_revenue": 1_000_000, "won_count": 1, "inquiries": 10},
        2: {"won_revenue": 10_000, "won_count": 10, "inquiries": 10},
        3: {},
    }
    scores = d.performance_scores(metrics, {"won_revenue": 1, "won_count": 1})
    # Revenue in currency must not drown the deal count: both are best at one thing.
    assert scores[1] == pytest.approx(0.55)
    assert scores[2] == pytest.approx(0.505)
    assert scores[3] == 0
    assert d.performance_scores(metrics, {"won_revenue": 5, "won_count": 5}) == pytest.approx(scores)
    assert d.performance_scores(metrics, {"inquiries": 1, "won_count": 0}) == {
        1: 1.0,
        2: 1.0,
        3: 0.0,
    }


def test_performance_score_refuses_meaningless_weights():
    with pytest.raises(ValueError, match="negative"):
        d.performance_score({"won_count": 1}, {"won_count": -1})
    with pytest.raises(ValueError, match="positive"):
        d.performance_score({"won_count": 1}, {"won_count": 0})
    assert d.performance_score({"won_count": 4, "inquiries": 2}, {"won_count": 3, "inquiries": 1}) == pytest.approx(3.5)


def test_performance_scores_drive_the_shares():
    scores = d.performance_scores(
        {1: {"won_count": 3}, 2: {"won_count": 1}, 3: {"won_count": 0}},
        {"won_count": 1},
    )
    members = [Member(uid, score=score) for uid, score in scores.items()]
    assert d.by_performance(items_of(8), members).counts() == {1: 6, 2: 2}


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        (
            (1, 10, "paris"),
            [(1, 10, "paris"), (1, None, "paris"), (1, 10, None), (1, None, None)],
        ),
        ((1, None, "paris"), [(1, None, "paris"), (1, None, None)]),
        ((1, 10, None), [(1, 10, None), (1, None, None)]),
        ((None, 10, "paris"), []),
        (None, []),
    ],
)
def test_region_candidates_order(key, expected):
    assert d.region_candidates(key) == expected


# Receivers who are there: absent members never receive, and keep their round-robin turn.


def test_round_robin_passes_over_an_absent_member_and_owes_them_the_turn():
    members = [Member(1), Member(2, absent=True), Member(3)]
    plan = d.round_robin(items_of(3), members)
    assert [u for _i, u, _r in plan.assignments] == [1, 3, 1]
    assert plan.owed_user_ids == [2]
    assert plan.last_user_id == 1
    # Back the next day: served first, without moving the cursor, then the rotation goes on.
    back = [Member(1), Member(2), Member(3)]
    plan = d.round_robin(items_of(3, start=3), back, 1, plan.owed_user_ids)
    assert [u for _i, u, _r in plan.assignments] == [2, 2, 3]
    assert [r for _i, _u, r in plan.assignments] == ["round_robin_owed", "round_robin", "round_robin"]
    assert plan.owed_user_ids == []
    assert plan.last_user_id == 3


def test_round_robin_owes_an_absent_member_one_turn_however_long_the_absence():
    members = [Member(1), Member(2, absent=True)]
    owed = []
    cursor = None
    for batch in range(5):
        plan = d.round_robin(items_of(4, start=batch * 4), members, cursor, owed)
        assert plan.counts() == {1: 4}
        owed, cursor = plan.owed_user_ids, plan.last_user_id
    assert owed == [2]
    plan = d.round_robin(items_of(4, start=100), [Member(1), Member(2)], cursor, owed)
    # The one owed turn, then the rotation after member 1.
    assert [u for _i, u, _r in plan.assignments] == [2, 2, 1, 2]


def test_round_robin_stays_fair_when_members_come_and_go():
    """Over many batches with random absences, turns missed while away are made up once."""
    rng = random.Random(3)
    ids = [4, 8, 15, 16, 23]
    totals = Counter()
    cursor, owed = None, []
    for _ in range(400):
        absent = set(rng.sample(ids, rng.randint(0, 2)))
        members = [Member(u, absent=u in absent) for u in ids]
        plan = d.round_robin(items_of(rng.randint(0, 9)), members, cursor, owed)
        assert not absent & set(plan.counts())
        totals.update(plan.counts())
        cursor, owed = plan.last_user_id, plan.owed_user_ids
    assert max(totals.values()) - min(totals.values()) <= 0.15 * max(totals.values())


def test_everyone_absent_is_its_own_reason():
    members = [Member(1, absent=True), Member(2, free_capacity=0)]
    for strategy in (d.round_robin, d.least_loaded, d.by_performance):
        plan = strategy(items_of(2), members)
        assert plan.unplaced == [(1, d.ABSENT), (2, d.ABSENT)], strategy.__name__
    assert d.assign_to_user(items_of(1), Member(1, absent=True)).unplaced == [(1, d.ABSENT)]
    # Full members are not absent ones: capacity stays the reason.
    assert d.least_loaded(items_of(1), [Member(2, free_capacity=0)]).unplaced == [(1, d.CAPACITY)]
    region = d.by_region(items_of(1, region_key=(1, None, None)), {(1, None, None): [1]}, members)
    assert region.unplaced == [(1, d.ABSENT)]


def test_absent_members_get_no_share_by_performance():
    members = [Member(1, score=0.9, absent=True), Member(2, score=0.1), Member(3, score=0.1)]
    plan = d.by_performance(items_of(6), members)
    assert plan.counts() == {2: 3, 3: 3}


def test_customers_returned_to_previous_owners_do_not_count_against_fairness():
    # Member 1 gets two old customers back; the newcomers are still shared as if that had not happened.
    members = [Member(1, load=5), Member(2, load=5)]
    items = [*items_of(2, previous_user_ids=(1,)), *items_of(2, start=2)]
    plan = d.previous_owner_first(items, members, fallback="least_loaded")
    assert plan.counts() == {1: 3, 2: 1}
    assert [u for _i, u, r in plan.assignments if r == "least_loaded"] == [1, 2]
    # Absent previous owners are skipped like full ones.
    plan = d.previous_owner_first(items_of(1, previous_user_ids=(1,)), [Member(1, absent=True), Member(2)])
    assert plan.counts() == {2: 1}
