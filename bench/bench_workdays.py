"""Recycle dates counted in working days against calendar days, on a generated pool.

    ./scripts/bench.sh bench_workdays.py --db bench_pool --runs 5

Run ``generate.py`` first. On the generated pool with the most customers, whose rule recycles after
30 days without follow-up, in one run and each in a transaction rolled back afterwards:

- dates: the recycle date of every customer of the pool, computed as the refresh computes it
  (the rules' SQL, summed so nothing is sent back);
- due: the customers the daily recycle would take now (``_recycle_count``, the rule's due selection);

once with the rule counting calendar days and once counting working days of mainland China's
calendar (shipped as data, set on the company for the run). It prints p50 of ``--runs`` runs and the
time to build the calendar's working-day table (and read it as arrays).
"""

import argparse
import statistics
import time

from generate import add_db_arguments, odoo_setup


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_db_arguments(parser)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    odoo, __, __ = odoo_setup(args)
    from odoo import SUPERUSER_ID, api, fields  # noqa: PLC0415
    from odoo.tools import SQL  # noqa: PLC0415

    registry = odoo.modules.registry.Registry(args.db)
    results = {}
    build = None
    for basis in ("calendar", "working"):
        dates, due = [], []
        for _run in range(args.runs):
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                pool = env["crm.public.pool"].search([("rule_ids", "!=", False)]).sorted("partner_count")[-1]
                rule = pool.rule_ids[:1]
                pool_name, pool_size = pool.name, pool.partner_count
                calendar = env.ref("crm_public_pool.resource_calendar_cn")
                cr.execute(
                    SQL(
                        "UPDATE res_company SET resource_calendar_id = %s WHERE id = %s",
                        calendar.id,
                        pool.company_id.id,
                    )
                )
                cr.execute(SQL("UPDATE crm_public_pool_rule SET day_basis = %s WHERE id = %s", basis, rule.id))
                env.invalidate_all()
                registry.clear_cache()
                if basis == "working":
                    started = time.perf_counter()
                    env["crm.public.pool.workday"]._workday_table(calendar)
                    build = time.perf_counter() - started
                now = fields.Datetime.now()
                started = time.perf_counter()
                cr.execute(
                    SQL(
                        """SELECT count(d), max(d) FROM (SELECT %s AS d FROM res_partner p
                            WHERE p.pool_id = %s AND (p.is_company OR p.parent_id IS NULL)) dates""",
                        rule._recycle_date_sql(now),
                        pool.id,
                    )
                )
                counted = cr.fetchone()[0]
                dates.append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                due_count = rule._recycle_count(now)
                due.append((time.perf_counter() - started) * 1000)
                cr.rollback()
        results[basis] = (statistics.median(dates), statistics.median(due), counted, due_count)
    print(f"pool {pool_name!r}: {pool_size:,} customers; working-day table built in {build * 1000:.0f} ms")
    print("| rule counts | recycle dates of the pool (p50) | due now (p50) | dated | due |")
    print("|---|---|---|---|---|")
    base_dates, base_due = results["calendar"][:2]
    for basis, (dates, due, counted, due_count) in results.items():
        print(
            f"| {basis} days | {dates:.0f} ms ({dates / base_dates:.2f}x) | {due:.0f} ms ({due / base_due:.2f}x) "
            f"| {counted:,} | {due_count:,} |"
        )


if __name__ == "__main__":
    main()
