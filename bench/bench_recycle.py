"""Daily recycle of N customers (10% due) through the addon's cron path, beside the SQL floor.

    cd /opt/odoo && .venv/bin/python /work/main/bench/bench_recycle.py \
        --odoo . --customers 100000 300000 --db_host 127.0.0.1 --db_user root

Creates the template database ``bench_recycle_tpl`` with crm_public_pool when it does not exist
(50 salespeople, one pool with a "no follow-up for 30 days" rule, ``warn_days`` 0 so that both
paths do the same work). For every size it bulk-inserts the customers with raw SQL
(``generate_series``: 90% owned, 10% pooled, 10% of all due; Chinese names and phones so the
trigram indexes are maintained as in production), then copies that database twice
(``createdb -T``) so both paths start from identical data:

- cron: ``crm.public.pool._recycle_run(commit=True)``, the method the daily ``ir.cron`` runs
  (batches of 5,000, one commit per batch; contacts, open leads, warnings and recycle dates
  included);
- floor: one SQL statement that selects the due rows ``FOR UPDATE``, updates them and inserts
  the log rows (a CTE), then commits.

It prints the time of each, their ratio and the cron's peak Python memory (``tracemalloc``),
checks that both moved the same customers with one log row each, and drops the copies
(``--keep`` keeps them).
"""

import argparse
import os
import resource
import subprocess
import sys
import time
import tracemalloc

TEMPLATE = "bench_recycle_tpl"
SALESPEOPLE = 50
RULE_DAYS = 30


def run(cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--odoo", default=".", help="Odoo 18 source tree (where odoo-bin is)")
    parser.add_argument("--customers", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--db_host", default=os.environ.get("PGHOST", ""))
    parser.add_argument("--db_user", default=os.environ.get("PGUSER", ""))
    parser.add_argument("--keep", action="store_true", help="keep the generated databases")
    args = parser.parse_args()

    project = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    odoo_root = os.path.abspath(args.odoo)
    db_args = [f"--db_host={args.db_host}"] * bool(args.db_host) + [f"--db_user={args.db_user}"] * bool(args.db_user)
    pg_args = ["-h", args.db_host] * bool(args.db_host) + ["-U", args.db_user] * bool(args.db_user)
    addons = f"{odoo_root}/addons,{project}"
    sys.path.insert(0, odoo_root)
    import odoo  # noqa: PLC0415 - the Odoo tree is given on the command line

    odoo.tools.config.parse_config([f"--addons-path={addons}", "--log-level=warn", *db_args])
    if TEMPLATE not in odoo.service.db.list_dbs(force=True):
        print(f"creating database {TEMPLATE} with crm_public_pool ...", flush=True)
        run([sys.executable, f"{odoo_root}/odoo-bin", "-d", TEMPLATE, *db_args, f"--addons-path={addons}",
             "-i", "crm_public_pool", "--without-demo=all", "--stop-after-init", "--log-level=warn"])
    prepare_template(odoo)
    odoo.sql_db.close_db(TEMPLATE)

    rows = []
    for size in args.customers:
        generated, cron_db, floor_db = f"bench_recycle_{size}", f"bench_recycle_{size}_cron", f"bench_recycle_{size}_floor"
        for name in (generated, cron_db, floor_db):
            run(["dropdb", "--if-exists", *pg_args, name])
        run(["createdb", *pg_args, "-T", TEMPLATE, generated])
        started = time.perf_counter()
        due = generate(odoo, generated, size)
        print(f"{size:,} customers generated in {time.perf_counter() - started:.0f} s ({due:,} due)", flush=True)
        odoo.sql_db.close_db(generated)
        run(["createdb", *pg_args, "-T", generated, cron_db])
        run(["createdb", *pg_args, "-T", generated, floor_db])
        cron_seconds, peak, cron_moved = run_cron(odoo, cron_db)
        floor_seconds, floor_moved = run_floor(odoo, floor_db)
        if cron_moved != floor_moved or len(cron_moved) != due:
            sys.exit(f"paths disagree: cron moved {len(cron_moved)}, floor {len(floor_moved)}, expected {due}")
        rows.append((size, due, cron_seconds, floor_seconds, peak))
        print(f"  cron {cron_seconds:.1f} s, floor {floor_seconds:.1f} s", flush=True)
        for name in (cron_db, floor_db):
            odoo.sql_db.close_db(name)
        if not args.keep:
            for name in (generated, cron_db, floor_db):
                run(["dropdb", *pg_args, name])

    print("\n-- results --")
    print("| customers | due | cron (`_recycle_run`) | SQL floor | cron / floor | cron peak Python memory |")
    print("|---:|---:|---:|---:|---:|---:|")
    for size, due, cron_seconds, floor_seconds, peak in rows:
        print(f"| {size:,} | {due:,} | {cron_seconds:.1f} s | {floor_seconds:.1f} s | "
              f"{cron_seconds / floor_seconds:.1f}x | {peak / 2**20:.1f} MiB |")
    print(f"\nprocess max RSS over the whole run: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


def prepare_template(odoo):
    """50 salespeople and one pool with one rule: the fixed part of every size (once)."""
    registry = odoo.modules.registry.Registry(TEMPLATE)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True, "no_reset_password": True})
        if env["res.users"].search_count([("login", "=", "sales00")]):
            registry.delete(TEMPLATE)
            return
        users = env["res.users"].create(
            [{"name": f"销售 {i:02d}", "login": f"sales{i:02d}", "groups_id": [(6, 0, env.ref("sales_team.group_sale_salesman").ids)]}
             for i in range(SALESPEOPLE)]
        )
        pool = env["crm.public.pool"]._get_default_pool()
        pool.member_user_ids = users
        env["crm.public.pool.rule"].create(
            {"pool_id": pool.id, "name": "No follow-up", "rule_type": "no_followup", "days": RULE_DAYS, "warn_days": 0,
             "include_open_opportunities": False}
        )
    registry.delete(TEMPLATE)


def generate(odoo, dbname, size):
    """Bulk-insert ``size`` company customers; return how many are due."""
    registry = odoo.modules.registry.Registry(dbname)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        pool = env["crm.public.pool"]._get_default_pool()
        user_ids = env["res.users"].search([("login", "=like", "sales%")], order="id").ids
        cr.execute("SELECT coalesce(max(id), 0) FROM res_partner")
        base = cr.fetchone()[0]
        # Every 10th customer is pooled; every 9th of the others is due (no follow-up for 40 days).
        cr.execute(
            """
            INSERT INTO res_partner (id, name, complete_name, active, is_company, type, company_id,
                                     commercial_partner_id, phone, pool_id, pool_state, user_id,
                                     pool_claim_date, pool_last_followup_date, pool_enter_date, pool_recycle_date,
                                     create_uid, create_date, write_uid, write_date)
            SELECT %(base)s + i, '客户' || i || '有限公司', '客户' || i || '有限公司', TRUE, TRUE, 'contact', %(company)s,
                   %(base)s + i, '+86 138 ' || lpad(i::text, 8, '0'), %(pool)s,
                   CASE WHEN i %% 10 = 0 THEN 'pool' ELSE 'private' END,
                   CASE WHEN i %% 10 = 0 THEN NULL ELSE (%(users)s::int[])[1 + i %% %(nusers)s] END,
                   CASE WHEN i %% 10 = 0 THEN NULL ELSE now() AT TIME ZONE 'UTC' - interval '60 days' END,
                   CASE WHEN i %% 10 = 0 THEN NULL
                        WHEN i %% 10 = 1 THEN now() AT TIME ZONE 'UTC' - interval '40 days'
                        ELSE now() AT TIME ZONE 'UTC' - interval '5 days' END,
                   CASE WHEN i %% 10 = 0 THEN now() AT TIME ZONE 'UTC' - interval '2 days' END,
                   NULL, 1, now() AT TIME ZONE 'UTC', 1, now() AT TIME ZONE 'UTC'
              FROM generate_series(1, %(size)s) AS i
            """,
            {"base": base, "company": pool.company_id.id, "pool": pool.id, "users": user_ids,
             "nusers": len(user_ids), "size": size},
        )
        cr.execute("SELECT setval('res_partner_id_seq', (SELECT max(id) FROM res_partner))")
        # The stored recycle date as the addon keeps it: last follow-up or claim + 30 days.
        cr.execute(
            """UPDATE res_partner SET pool_recycle_date = greatest(pool_last_followup_date, pool_claim_date) + make_interval(days => %s)
                WHERE pool_state = 'private' AND id > %s""",
            [RULE_DAYS, base],
        )
        cr.commit()
        cr.execute("ANALYZE res_partner")
        cr.execute("SELECT count(*) FROM res_partner WHERE id > %s AND (id - %s) %% 10 = 1", [base, base])
        due = cr.fetchone()[0]
    registry.delete(dbname)
    return due


def run_cron(odoo, dbname):
    registry = odoo.modules.registry.Registry(dbname)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        pools = env["crm.public.pool"].search([])
        tracemalloc.start()
        started = time.perf_counter()
        pools._recycle_run(commit=True)
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        cr.execute("SELECT partner_id FROM crm_public_pool_log WHERE action = 'recycle'")
        moved = {row[0] for row in cr.fetchall()}
        cr.execute("SELECT count(*) FROM crm_public_pool_log WHERE action = 'recycle'")
        assert cr.fetchone()[0] == len(moved), "one log row per move"
    registry.delete(dbname)
    return seconds, peak, moved


def run_floor(odoo, dbname):
    db = odoo.sql_db.db_connect(dbname)
    with db.cursor() as cr:
        started = time.perf_counter()
        cr.execute("SET LOCAL jit = off")  # as the cron does: no compile time in either path
        cr.execute(
            """
            WITH due AS (
                SELECT p.id, p.user_id, p.pool_id FROM res_partner p
                 WHERE p.pool_state = 'private' AND p.pool_locked IS NOT TRUE
                   AND greatest(p.pool_last_followup_date, p.pool_claim_date)
                       <= now() AT TIME ZONE 'UTC' - make_interval(days => %s)
                   FOR UPDATE
            ), moved AS (
                UPDATE res_partner p
                   SET pool_state = 'pool', user_id = NULL, pool_previous_user_id = due.user_id,
                       pool_enter_date = now() AT TIME ZONE 'UTC', write_date = now() AT TIME ZONE 'UTC'
                  FROM due WHERE p.id = due.id
             RETURNING p.id, p.name, p.company_id, p.pool_id, due.user_id
            )
            INSERT INTO crm_public_pool_log (date, partner_id, partner_name, pool_id, action, user_id, from_user_id, company_id)
            SELECT now() AT TIME ZONE 'UTC', id, name, pool_id, 'recycle', 1, user_id, company_id FROM moved
            """,
            [RULE_DAYS],
        )
        cr.commit()
        seconds = time.perf_counter() - started
        cr.execute("SELECT partner_id FROM crm_public_pool_log WHERE action = 'recycle'")
        moved = {row[0] for row in cr.fetchall()}
    return seconds, moved


if __name__ == "__main__":
    main()
