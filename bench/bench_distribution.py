"""Benchmark: distribute pooled customers among pool members, beside a single-user assignment.

Run against a database where crm_public_pool is installed; everything is rolled back:

    PYTHONPATH=/path/to/odoo python bench/bench_distribution.py -d DB [--db_host H --db_user U] [--customers 100000] [--members 200]

Prints a table of the time and SQL queries of the Assign wizard's ``action_apply`` (round-robin
and least-loaded among all members) and of ``pool_assign`` of the same rows to one user.
"""

import argparse
import time

import odoo
from odoo.tools import config


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--db_host", default=None)
    parser.add_argument("--db_user", default=None)
    parser.add_argument("--db_password", default=None)
    parser.add_argument("--addons-path", default=None)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument(
        "--operations",
        nargs="+",
        choices=["round_robin", "least_loaded", "single"],
        default=["round_robin", "least_loaded", "single"],
        help="what to time (default: all)",
    )
    return parser.parse_args()


def setup(env, customers, members):
    """A pool with ``members`` salespeople and ``customers`` pooled customers, inserted in SQL."""
    from odoo.addons.crm_public_pool.models.engine_token import engine_statements  # noqa: PLC0415

    group = env.ref("sales_team.group_sale_salesman")
    users = (
        env["res.users"]
        .with_context(no_reset_password=True, tracking_disable=True)
        .create(
            [
                {"name": f"Bench Member {i}", "login": f"bench_member_{i}", "groups_id": [(6, 0, group.ids)]}
                for i in range(members)
            ]
        )
    )
    pool = env["crm.public.pool"].create({"name": "Bench Pool", "member_user_ids": [(6, 0, users.ids)]})
    env.flush_all()
    # Loaded as the engine's statements, each customer with its audit row in the same
    # transaction: PostgreSQL refuses customers without them (res_partner_guard.py).
    with engine_statements(env.cr):
        env.cr.execute(
            """
            INSERT INTO res_partner (name, complete_name, is_company, active, type, lang,
                                     company_id, pool_id, pool_state, pool_enter_date, create_date, write_date,
                                     create_uid, write_uid)
            SELECT 'Bench Customer ' || n, 'Bench Customer ' || n, true, true, 'contact',
                   'en_US', %(company)s, %(pool)s, 'pool', now(), now(), now(), 1, 1
              FROM generate_series(1, %(count)s) n
            RETURNING id
            """,
            {"company": env.company.id, "pool": pool.id, "count": customers},
        )
        partner_ids = [row[0] for row in env.cr.fetchall()]
        env.cr.execute("UPDATE res_partner SET commercial_partner_id = id WHERE id = ANY(%s)", [partner_ids])
        env.cr.execute(
            """
            INSERT INTO crm_public_pool_log (date, partner_id, partner_name, pool_id, action, user_id, to_user_id, company_id)
            SELECT now() AT TIME ZONE 'UTC', id, name, pool_id, 'create', 1, user_id, company_id
              FROM res_partner WHERE id = ANY(%s)
            """,
            [partner_ids],
        )
    return pool, users, partner_ids


def measure(env, label, func):
    env.flush_all()
    env.invalidate_all()
    env.cr.execute("SAVEPOINT bench_step")
    queries = env.cr.sql_log_count
    start = time.perf_counter()
    func()
    env.flush_all()
    elapsed = time.perf_counter() - start
    queries = env.cr.sql_log_count - queries
    env.cr.execute("ROLLBACK TO SAVEPOINT bench_step")
    env.invalidate_all()
    return label, elapsed, queries


def main():
    args = parse_args()
    options = ["-d", args.database]
    for name in ("db_host", "db_user", "db_password"):
        if getattr(args, name):
            options += [f"--{name}", getattr(args, name)]
    if args.addons_path:
        options += ["--addons-path", args.addons_path]
    config.parse_config(options)
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        start = time.perf_counter()
        pool, users, partner_ids = setup(env, args.customers, args.members)
        setup_time = time.perf_counter() - start
        Wizard = env["crm.public.pool.assign.wizard"]

        def wizard_apply(strategy):
            wizard = Wizard.create({"pool_id": pool.id, "partner_ids": [(6, 0, partner_ids)], "strategy": strategy})
            env.flush_all()
            return measure(env, f"wizard apply, {strategy}, {len(users)} users", wizard.action_apply)

        rows = [wizard_apply(strategy) for strategy in ("round_robin", "least_loaded") if strategy in args.operations]
        if "single" in args.operations:
            rows.append(measure(env, "pool_assign to 1 user", lambda: pool.pool_assign(partner_ids, users[0].id)))
        cr.rollback()
    print(f"\n{args.customers:,} pooled customers, {args.members} members (setup {setup_time:.1f}s, rolled back)\n")
    print(f"| {'operation':<40} | {'seconds':>8} | {'queries':>8} | {'ms/customer':>11} |")
    print(f"|{'-' * 42}|{'-' * 10}|{'-' * 10}|{'-' * 13}|")
    for label, elapsed, queries in rows:
        print(f"| {label:<40} | {elapsed:>8.1f} | {queries:>8} | {1000 * elapsed / args.customers:>11.3f} |")


if __name__ == "__main__":
    main()
