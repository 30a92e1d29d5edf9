"""The fairness report against the audit log's own list, as a pool manager opens them.

    ./scripts/bench.sh bench_fairness.py --db bench_pool --opens 30 --passbacks 20000

Run ``generate.py`` first. ``--passbacks N`` first adds N pass-backs to the audit log in SQL (a
``release`` by one salesperson and, an hour later, a ``claim`` by another, of a generated customer)
so the report has pairs to show, then recomputes the report and its monthly summary (timed: the
nightly refresh). In process, each call in its own transaction, as the generated manager
(``admin``), all in one run:

- log list: *Audit Log* as the web client opens it (``web_search_read`` with the list view's
  fields, the first page of 80 and the count up to 10,001): the baseline;
- report pivot: the report's default pivot (teams and salespeople by kind) as the pivot view loads
  it: one ``read_group`` per combination of its row and column groupings (``lazy=False``, the
  ``count`` measure), which the report answers from its monthly summary;
- report graph: months by kind as the graph view loads it (``web_read_group`` of ``__count`` and
  ``count:sum``, ``lazy=False``, ``fill_temporal``);
- report list: the report's list view, first page and count;
- report pivot/graph from the events: the same calls with the report counting its event rows
  (its summary switched off in this process): how they loaded before the summary.

It prints p50/p95 in ms and each against the log list's p50.
"""

import argparse
import re
import statistics
import time
from unittest.mock import patch

from bench_rpc import percentile
from generate import add_db_arguments, odoo_setup

PIVOT_GROUPINGS = [
    [],
    ["team_id"],
    ["team_id", "user_id"],
    ["kind"],
    ["team_id", "kind"],
    ["team_id", "user_id", "kind"],
]


def list_specification(env, model, xmlid):
    Model = env[model]
    arch = Model.get_views([(env.ref(xmlid).id, "list")])["views"]["list"]["arch"]
    names = dict.fromkeys(re.findall(r'<field name="([a-z_0-9]+)"', arch))
    return {
        fname: {"fields": {"display_name": {}}} if Model._fields[fname].type == "many2one" else {}
        for fname in names
        if fname in Model._fields
    }


def add_passbacks(cr, count):
    """``count`` release/claim pairs between generated salespeople of the same pool, an hour apart."""
    cr.execute(
        """
        WITH picked AS (
            SELECT p.id, p.pool_id, p.company_id, p.user_id AS giver,
                   (SELECT u.id FROM res_users u WHERE u.login LIKE 'sales%%' AND u.id <> p.user_id
                     ORDER BY (u.id * 7919 + p.id) %% 97 LIMIT 1) AS taker,
                   now() AT TIME ZONE 'UTC' - make_interval(days => (p.id %% 60)) AS released
              FROM res_partner p
             WHERE p.pool_state = 'private' AND p.user_id IS NOT NULL
             ORDER BY p.id LIMIT %s
        ), released AS (
            INSERT INTO crm_public_pool_log (date, partner_id, pool_id, action, user_id, from_user_id, company_id,
                                             create_uid, create_date, write_uid, write_date)
            SELECT released, id, pool_id, 'release', giver, giver, company_id, 1, released, 1, released FROM picked
        )
        INSERT INTO crm_public_pool_log (date, partner_id, pool_id, action, user_id, to_user_id, company_id,
                                         create_uid, create_date, write_uid, write_date)
        SELECT released + interval '1 hour', id, pool_id, 'claim', taker, taker, company_id, 1,
               released + interval '1 hour', 1, released + interval '1 hour'
          FROM picked
        """,
        [count],
    )


def measure(registry, api, uid, context, count, call):
    """Times of ``count`` calls (the first 3 warm the caches and are dropped)."""
    times = []
    for i in range(count + 3):
        with registry.cursor() as cr:
            env = api.Environment(cr, uid, context)
            env.user.fetch(["tz", "lang"])
            started = time.perf_counter()
            call(env)
            elapsed = (time.perf_counter() - started) * 1000
            cr.rollback()
        if i >= 3:
            times.append(elapsed)
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_db_arguments(parser)
    parser.add_argument("--opens", type=int, default=30)
    parser.add_argument("--passbacks", type=int, default=0)
    args = parser.parse_args()
    odoo, __, __ = odoo_setup(args)
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415

    registry = odoo.modules.registry.Registry(args.db)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        if args.passbacks:
            add_passbacks(cr, args.passbacks)
            cr.execute("ANALYZE crm_public_pool_log")
        started = time.perf_counter()
        env["crm.public.pool.fairness.report"]._fairness_refresh()
        refresh = time.perf_counter() - started
        cr.execute("SELECT count(*) FROM crm_public_pool_log")
        logs = cr.fetchone()[0]
        cr.execute("SELECT count(*) FROM res_partner")
        partners = cr.fetchone()[0]
        cr.execute("SELECT kind, count(*) FROM crm_public_pool_fairness_report GROUP BY kind ORDER BY kind")
        kinds = cr.fetchall()
        cr.execute("SELECT count(*) FROM crm_public_pool_fairness_summary")
        summary_rows = cr.fetchone()[0]
        manager = env.ref("base.user_admin")
        log_spec = list_specification(env, "crm.public.pool.log", "crm_public_pool.crm_public_pool_log_view_list")
        report_spec = list_specification(
            env, "crm.public.pool.fairness.report", "crm_public_pool.crm_public_pool_fairness_report_view_list"
        )
        uid = manager.id
    print(
        f"{partners:,} partners, {logs:,} audit rows; report rows: {dict(kinds)}; "
        f"summary rows: {summary_rows:,}; refresh {refresh:.1f} s"
    )
    context = {"lang": "zh_CN", "tz": "Asia/Shanghai", "bin_size": True}

    def pivot(env):
        Report = env["crm.public.pool.fairness.report"]
        for groupby in PIVOT_GROUPINGS:
            Report.read_group([], ["count:sum"], groupby, lazy=False)

    def graph(env):
        env["crm.public.pool.fairness.report"].with_context(fill_temporal=True).web_read_group(
            [], ["__count", "count:sum"], ["period:month", "kind"], lazy=False
        )

    def from_the_events(call):
        """``call`` with the report counting its event rows, as it did before its summary."""

        def events_only(env):
            Report = type(env["crm.public.pool.fairness.report"])
            with patch.object(Report, "_fairness_summary_answers", lambda *args: False):
                call(env)

        return events_only

    calls = [
        (
            "log list (baseline)",
            lambda env: env["crm.public.pool.log"].web_search_read([], log_spec, limit=80, count_limit=10001),
        ),
        ("report pivot", pivot),
        ("report graph", graph),
        (
            "report list",
            lambda env: env["crm.public.pool.fairness.report"].web_search_read(
                [], report_spec, limit=80, count_limit=10001
            ),
        ),
        ("report pivot from the events (before)", from_the_events(pivot)),
        ("report graph from the events (before)", from_the_events(graph)),
    ]
    with registry.cursor() as cr:
        Report = api.Environment(cr, uid, context)["crm.public.pool.fairness.report"]
        from_summary = [Report.read_group([], ["count:sum"], groupby, lazy=False) for groupby in PIVOT_GROUPINGS]
        with patch.object(type(Report), "_fairness_summary_answers", lambda *args: False):
            from_events = [Report.read_group([], ["count:sum"], groupby, lazy=False) for groupby in PIVOT_GROUPINGS]
    same = from_summary == from_events
    print(f"pivot groups and counts from the summary equal those from the events: {'yes' if same else 'NO'}")
    rows = [(label, measure(registry, api, uid, context, args.opens, call)) for label, call in calls]
    base = statistics.median(rows[0][1])
    print("| screen | p50 | p95 | p50 vs log list |")
    print("|---|---|---|---|")
    for label, times in rows:
        p50 = statistics.median(times)
        print(f"| {label} | {p50:.1f} ms | {percentile(times, 0.95):.1f} ms | {p50 / base:.2f}x |")


if __name__ == "__main__":
    main()
