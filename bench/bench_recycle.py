"""Daily recycle of N customers (10% due) through the addon's cron path, beside the SQL floor.

    ./scripts/bench.sh bench_recycle.py --customers 100000 300000
    # 10,000,000 customers: generate once (hours: one transaction, audit rows and the guard's
    # check included), then measure on that data as often as needed, alternating the order
    ./scripts/bench.sh bench_recycle.py --customers 10000000 --jobs --keep --generate-only
    ./scripts/bench.sh bench_recycle.py --customers 10000000 --jobs --keep --reuse
    ./scripts/bench.sh bench_recycle.py --customers 10000000 --jobs --keep --reuse --order floor jobs cron

Creates the template database ``bench_recycle_tpl`` with crm_public_pool when it does not exist
(50 salespeople, one pool with a "no follow-up for 30 days" rule, ``warn_days`` 0 so that both
paths do the same work). For every size it bulk-inserts the customers with raw SQL
(``generate_series``: 90% owned, 10% pooled, 10% of all due; Chinese names and phones so the
trigram indexes are maintained as in production), then copies that database for
each path just before it runs (``createdb -T``) so all paths start from identical data:

- cron: ``crm.public.pool._recycle_run(commit=True)``, the method the daily ``ir.cron`` runs
  (batches of 5,000, one commit per batch; contacts, open leads, warnings and recycle dates
  included);
- floor: one SQL statement that selects the due rows ``FOR UPDATE``, updates them and inserts
  the log rows (a CTE), then commits;
- jobs (``--jobs``, on a third copy; the template then has ``crm_public_pool_queue``): two Odoo
  servers load ``queue_job`` (``--load=base,web,queue_job``, channel ``root.crm_public_pool`` of
  capacity ``--capacity``) behind a round-robin proxy (``proxy.py``) that the elected job runner
  sends its jobs to, as a load balancer would; the daily job (``_cron_recycle``) enqueues the
  jobs and the time runs until the last one is done. Each server's share comes from the jobs'
  ``worker_pid`` and ``exec_time``; memory is each server's peak RSS growth during the run.

``--order floor cron jobs`` runs the paths in another order (alternate it between runs: the load of
a shared machine drifts). It prints the time of each, their ratio and the cron's peak Python memory (``tracemalloc``),
checks that every path moved the same customers with one log row each, and drops the copies
(``--keep`` keeps the generated database, ``--keep-copies`` the copies too).
"""

import argparse
import os
import resource
import socket
import subprocess
import sys
import sysconfig
import time
import tracemalloc
from collections import defaultdict

from proxy import start_proxy

TEMPLATE = "bench_recycle_tpl"
SALESPEOPLE = 50
GENERATE_CHUNK = 1_000_000
RULE_DAYS = 30


def run(cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--odoo", default=".", help="Odoo 18 source tree (where odoo-bin is)")
    parser.add_argument("--customers", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--db_host", default=os.environ.get("PGHOST", ""))
    parser.add_argument("--db_user", default=os.environ.get("PGUSER", ""))
    parser.add_argument("--keep", action="store_true", help="keep the generated database of each size")
    parser.add_argument(
        "--keep-copies",
        action="store_true",
        help="also keep each path's copy (the disk then holds four databases of the size)",
    )
    parser.add_argument(
        "--generate-only",
        action="store_true",
        help="generate (or bring to this code, with --reuse) the database of each size, keep it and stop",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="start from the generated database of a size left by an earlier --keep run, when it exists",
    )
    parser.add_argument("--jobs", action="store_true", help="also run the recycle as queue_job jobs on two servers")
    parser.add_argument("--capacity", type=int, default=2, help="jobs of the channel running at once")
    parser.add_argument(
        "--order",
        nargs="+",
        choices=("cron", "floor", "jobs"),
        default=["cron", "floor", "jobs"],
        help="the order the paths run in (alternate it between runs: the machine's load drifts)",
    )
    parser.add_argument("--db-prefix", default="", help="put before every database name (on a shared server)")
    args = parser.parse_args()
    if not {"cron", "floor"} <= set(args.order):
        parser.error("--order names the cron and the floor (and the jobs for --jobs)")
    if args.jobs and "jobs" not in args.order:
        args.order.append("jobs")
    template = args.db_prefix + (TEMPLATE + "_queue" if args.jobs else TEMPLATE)

    project = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    odoo_root = os.path.abspath(args.odoo)
    db_args = [f"--db_host={args.db_host}"] * bool(args.db_host) + [f"--db_user={args.db_user}"] * bool(args.db_user)
    pg_args = ["-h", args.db_host] * bool(args.db_host) + ["-U", args.db_user] * bool(args.db_user)
    addons = f"{odoo_root}/addons,{project}"
    oca = os.path.join(sysconfig.get_paths()["purelib"], "odoo", "addons")
    if os.path.isdir(oca):
        addons += f",{oca}"
    sys.path.insert(0, odoo_root)
    import odoo  # noqa: PLC0415 - the Odoo tree is given on the command line

    odoo.tools.config.parse_config([f"--addons-path={addons}", "--log-level=warn", *db_args])
    if template not in odoo.service.db.list_dbs(force=True):
        modules = "crm_public_pool,crm_public_pool_queue" if args.jobs else "crm_public_pool"
        print(f"creating database {template} with {modules} ...", flush=True)
        run(
            [
                sys.executable,
                f"{odoo_root}/odoo-bin",
                "-d",
                template,
                *db_args,
                f"--addons-path={addons}",
                "-i",
                modules,
                "--without-demo=all",
                "--stop-after-init",
                "--log-level=warn",
            ]
        )
    prepare_template(odoo, template)
    odoo.sql_db.close_db(template)

    rows = []
    shares = {}
    cron_steps = {}
    for size in args.customers:
        generated = f"{args.db_prefix}bench_recycle_{size}"
        copies = {path: f"{generated}_{path}" for path in ("cron", "floor", "jobs")[: 3 if args.jobs else 2]}
        due = prepare_data(odoo, args, size, template, generated, copies, pg_args, odoo_root, addons, db_args)
        odoo.sql_db.close_db(generated)
        if args.generate_only:
            continue

        # Each path's copy is made just before it runs and dropped after it (unless --keep-copies), so
        # the disk holds two databases of the size at once, not four.
        steps = {}
        results = {}
        for path in dict.fromkeys(path for path in args.order if path in copies):
            results[path] = run_path(
                odoo, path, copy_db(pg_args, generated, copies[path]), steps, args, odoo_root, addons, db_args
            )
            drop_copy(odoo, pg_args, copies[path], args.keep_copies)
        cron_seconds, peak, cron_moved = results["cron"]
        cron_steps[size] = (cron_seconds, steps)
        floor_seconds, floor_moved = results["floor"]
        jobs_seconds = None
        if args.jobs:
            jobs_seconds, jobs_moved, shares[size] = results["jobs"]
            if jobs_moved != floor_moved:
                sys.exit(f"paths disagree: jobs moved {len(jobs_moved)}, floor {len(floor_moved)}")
        if cron_moved != floor_moved or len(cron_moved) != due:
            sys.exit(f"paths disagree: cron moved {len(cron_moved)}, floor {len(floor_moved)}, expected {due}")
        rows.append((size, due, cron_seconds, floor_seconds, peak, jobs_seconds))
        print(
            f"  cron {cron_seconds:.1f} s, floor {floor_seconds:.1f} s"
            + (f", jobs {jobs_seconds:.1f} s" if jobs_seconds else ""),
            flush=True,
        )
        if not args.keep:
            run(["dropdb", *pg_args, generated])
    if args.generate_only:
        return

    print_results(args, rows, cron_steps, shares)


def print_results(args, rows, cron_steps, shares):
    print("\n-- results --")
    jobs_columns = " jobs on 2 servers | jobs / floor |" if args.jobs else ""
    print(
        f"| customers | due | cron (`_recycle_run`) | SQL floor | cron / floor | cron peak Python memory |{jobs_columns}"
    )
    print("|---:|---:|---:|---:|---:|---:|" + ("---:|---:|" if args.jobs else ""))
    for size, due, cron_seconds, floor_seconds, peak, jobs_seconds in rows:
        jobs_cells = f" {jobs_seconds:.1f} s | {jobs_seconds / floor_seconds:.2f}x |" if jobs_seconds else ""
        print(
            f"| {size:,} | {due:,} | {cron_seconds:.1f} s | {floor_seconds:.1f} s | "
            f"{cron_seconds / floor_seconds:.1f}x | {peak / 2**20:.1f} MiB |{jobs_cells}"
        )
    ran = [path for path in args.order if args.jobs or path != "jobs"]
    print(f"\nthe paths ran in this order, each on its own copy: {', '.join(ran)}")
    for size, (total, steps) in cron_steps.items():
        print(f"\nWhere the cron's {total:.1f} s went at {size:,} customers:\n")
        print("| step | calls | time |")
        print("|---|---:|---:|")
        for name, (seconds, calls) in sorted(steps.items(), key=lambda item: -item[1][0]):
            print(f"| `{name}` | {calls} | {seconds:.1f} s |")
    for size, servers in shares.items():
        print(f"\nJobs at {size:,} customers (channel capacity {args.capacity}), per server:\n")
        print("| server | jobs | customers recycled | time in jobs | peak RSS growth |")
        print("|---|---:|---:|---:|---:|")
        for label, (jobs, moved, seconds, growth) in servers.items():
            print(f"| {label} | {jobs} | {moved:,} | {seconds:.1f} s | {growth:.0f} MiB |")
    print(f"\nprocess max RSS over the whole run: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


def prepare_data(odoo, args, size, template, generated, copies, pg_args, odoo_root, addons, db_args):
    """Generate the customers of ``size`` into ``generated`` (or reuse them, --reuse); return how many are due."""
    reuse = args.reuse and generated in odoo.service.db.list_dbs(force=True)
    for name in (*([] if reuse else [generated]), *copies.values()):
        run(["dropdb", "--if-exists", *pg_args, name])
    if reuse:
        # Data of an earlier run, brought to this code (and given the jobs' addon for --jobs).
        modules = ["-u", "crm_public_pool"] + ["-i", "crm_public_pool_queue"] * args.jobs
        run(
            [
                sys.executable,
                f"{odoo_root}/odoo-bin",
                "-d",
                generated,
                *db_args,
                f"--addons-path={addons}",
                *modules,
                "--stop-after-init",
                "--log-level=warn",
            ]
        )
        due = count_due(odoo, generated)
        print(f"{size:,} customers of {generated} reused ({due:,} due)", flush=True)
    else:
        run(["createdb", *pg_args, "-T", template, generated])
        started = time.perf_counter()
        due = generate(odoo, generated, size)
        print(f"{size:,} customers generated in {time.perf_counter() - started:.0f} s ({due:,} due)", flush=True)
    return due


def run_path(odoo, path, dbname, steps, args, odoo_root, addons, db_args):
    if path == "cron":
        return run_cron(odoo, dbname, steps)
    if path == "floor":
        return run_floor(odoo, dbname)
    return run_jobs(odoo, dbname, odoo_root, addons, db_args, args.capacity)


def copy_db(pg_args, source, name):
    # A file copy: the default strategy (WAL_LOG) writes the whole database through the WAL, minutes
    # at 10,000,000 customers.
    run(["createdb", *pg_args, "--strategy=file_copy", "-T", source, name])
    return name


def drop_copy(odoo, pg_args, name, keep):
    odoo.sql_db.close_db(name)
    if not keep:
        run(["dropdb", *pg_args, name])


def prepare_template(odoo, template):
    """50 salespeople and one pool with one rule: the fixed part of every size (once)."""
    registry = odoo.modules.registry.Registry(template)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True, "no_reset_password": True})
        if env["res.users"].search_count([("login", "=", "sales00")]):
            registry.delete(template)
            return
        users = env["res.users"].create(
            [
                {
                    "name": f"销售 {i:02d}",
                    "login": f"sales{i:02d}",
                    "groups_id": [(6, 0, env.ref("sales_team.group_sale_salesman").ids)],
                }
                for i in range(SALESPEOPLE)
            ]
        )
        pool = env["crm.public.pool"]._get_default_pool()
        pool.member_user_ids = users
        env["crm.public.pool.rule"].create(
            {
                "pool_id": pool.id,
                "name": "No follow-up",
                "rule_type": "no_followup",
                "days": RULE_DAYS,
                "warn_days": 0,
                "include_open_opportunities": False,
            }
        )
    registry.delete(template)


def generate(odoo, dbname, size):
    """Bulk-insert ``size`` company customers; return how many are due."""
    from odoo.addons.crm_public_pool.models.engine_token import engine_statements  # noqa: PLC0415

    registry = odoo.modules.registry.Registry(dbname)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        pool = env["crm.public.pool"]._get_default_pool()
        user_ids = env["res.users"].search([("login", "=like", "sales%")], order="id").ids
        cr.execute("SELECT coalesce(max(id), 0) FROM res_partner")
        base = cr.fetchone()[0]
        # Loaded as the engine's statements, each customer with its audit row in the same
        # transaction: PostgreSQL refuses customers without them (res_partner_guard.py).
        # A transaction per GENERATE_CHUNK customers: PostgreSQL queues the check of every
        # foreign key of every inserted row until the end of its statement (and the guard's
        # until the commit); 10,000,000 customers in one statement were still being checked
        # after 48 minutes, their audit rows and the commit still ahead.
        for low in range(0, size, GENERATE_CHUNK):
            high = min(low + GENERATE_CHUNK, size)
            with engine_statements(cr):
                insert_customers(cr, base, low, high, pool, user_ids)
            cr.commit()
            if size > GENERATE_CHUNK:
                print(f"    {high:,} / {size:,}", flush=True)
        cr.execute("SELECT setval('res_partner_id_seq', (SELECT max(id) FROM res_partner))")
        cr.commit()
        cr.execute("ANALYZE res_partner")
        cr.execute("SELECT count(*) FROM res_partner WHERE id > %s AND (id - %s) %% 10 = 1", [base, base])
        due = cr.fetchone()[0]
    registry.delete(dbname)
    return due


def insert_customers(cr, base, low, high, pool, user_ids):
    """Customers ``base + low + 1`` to ``base + high``, each with its ``create`` audit row."""
    # Every 10th customer is pooled; every 9th of the others is due (no follow-up for 40 days).
    # The stored recycle date is written as the addon keeps it (last follow-up or claim + 30
    # days) in the same statement: a second pass would rewrite 90% of the rows.
    cr.execute(
        """
        INSERT INTO res_partner (id, name, complete_name, active, is_company, type, company_id,
                                 commercial_partner_id, phone, pool_id, pool_state, user_id,
                                 pool_claim_date, pool_last_followup_date, pool_enter_date, pool_recycle_date,
                                 create_uid, create_date, write_uid, write_date)
        SELECT %(base)s + i, '客户' || i || '有限公司', '客户' || i || '有限公司', TRUE, TRUE, 'contact', %(company)s,
               %(base)s + i, '+86 138 ' || lpad(i::text, 8, '0'), %(pool)s,
               CASE WHEN pooled THEN 'pool' ELSE 'private' END,
               CASE WHEN pooled THEN NULL ELSE (%(users)s::int[])[1 + i %% %(nusers)s] END,
               claimed, followed, CASE WHEN pooled THEN now() AT TIME ZONE 'UTC' - interval '2 days' END,
               greatest(followed, claimed) + make_interval(days => %(days)s),
               1, now() AT TIME ZONE 'UTC', 1, now() AT TIME ZONE 'UTC'
          FROM (SELECT i, i %% 10 = 0 AS pooled,
                       CASE WHEN i %% 10 != 0 THEN now() AT TIME ZONE 'UTC' - interval '60 days' END AS claimed,
                       CASE WHEN i %% 10 = 0 THEN NULL
                            WHEN i %% 10 = 1 THEN now() AT TIME ZONE 'UTC' - interval '40 days'
                            ELSE now() AT TIME ZONE 'UTC' - interval '5 days' END AS followed
                  FROM generate_series(%(low)s + 1, %(high)s) AS i) AS series
        """,
        {
            "base": base,
            "company": pool.company_id.id,
            "pool": pool.id,
            "users": user_ids,
            "nusers": len(user_ids),
            "low": low,
            "high": high,
            "days": RULE_DAYS,
        },
    )
    cr.execute(
        """INSERT INTO crm_public_pool_log (date, partner_id, partner_name, pool_id, action, user_id, to_user_id,
                                            company_id)
           SELECT now() AT TIME ZONE 'UTC', id, name, pool_id, 'create', 1, user_id, company_id
             FROM res_partner WHERE id > %s AND id <= %s""",
        [base + low, base + high],
    )


def count_due(odoo, dbname):
    """The due customers of a database ``generate`` wrote: every tenth one, starting at the first."""
    with odoo.sql_db.db_connect(dbname).cursor() as cr:
        cr.execute("SELECT min(id) - 1 FROM res_partner WHERE name LIKE '客户%%有限公司'")
        base = cr.fetchone()[0]
        cr.execute("SELECT count(*) FROM res_partner WHERE id > %s AND (id - %s) %% 10 = 1", [base, base])
        return cr.fetchone()[0]


# The steps of the cron path whose time is printed (--steps): where it goes beyond the floor.
CRON_STEPS = {
    "crm.public.pool.rule": ("_recycle_ranges", "_recycle_batch", "_recycle_warn"),
    "crm.public.pool": ("_recycle_refresh_dates", "_recycle_drop_stale_warnings", "_escalate_unclaimed"),
}


def timed_steps(registry):
    """Wrap the cron's steps on the registry's classes; return {step: [seconds, calls]}."""
    spent = defaultdict(lambda: [0.0, 0])

    def wrap(cls, name):
        original = getattr(cls, name)

        def step(self, *args, **kwargs):
            started = time.perf_counter()
            try:
                return original(self, *args, **kwargs)
            finally:
                spent[name][0] += time.perf_counter() - started
                spent[name][1] += 1

        setattr(cls, name, step)

    for model, names in CRON_STEPS.items():
        for name in names:
            wrap(registry[model], name)
    return spent


def run_cron(odoo, dbname, steps=None):
    registry = odoo.modules.registry.Registry(dbname)
    spent = timed_steps(registry) if steps is not None else {}
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        pools = env["crm.public.pool"].search([])
        tracemalloc.start()
        started = time.perf_counter()
        pools._recycle_run(commit=True)
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        if steps is not None:
            steps.update({name: tuple(values) for name, values in spent.items()})
        cr.execute("SELECT partner_id FROM crm_public_pool_log WHERE action = 'recycle'")
        moved = {row[0] for row in cr.fetchall()}
        cr.execute("SELECT count(*) FROM crm_public_pool_log WHERE action = 'recycle'")
        assert cr.fetchone()[0] == len(moved), "one log row per move"
    registry.delete(dbname)
    return seconds, peak, moved


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def memory_mib(pid, field):
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def run_jobs(odoo, dbname, odoo_root, addons, db_args, capacity):
    """The daily job through queue_job on two servers behind a proxy; return (seconds, moved ids, shares)."""
    ports = [free_port(), free_port()]
    proxy_port = free_port()
    start_proxy(proxy_port, ports)
    environ = dict(
        os.environ,
        ODOO_QUEUE_JOB_CHANNELS=f"root:{capacity},root.crm_public_pool:{capacity}",
        ODOO_QUEUE_JOB_HOST="127.0.0.1",
        ODOO_QUEUE_JOB_PORT=str(proxy_port),
    )
    servers = [
        subprocess.Popen(
            [
                sys.executable,
                f"{odoo_root}/odoo-bin",
                "-d",
                dbname,
                *db_args,
                f"--addons-path={addons}",
                "--db-filter",
                f"^{dbname}$",
                "--http-interface=127.0.0.1",
                f"--http-port={port}",
                f"--gevent-port={free_port()}",
                "--workers=0",
                "--max-cron-threads=0",
                "--load=base,web,queue_job",
                "--log-level=warn",
                "--limit-time-real=0",
            ],
            env=environ,
        )
        for port in ports
    ]
    try:
        for port in ports:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=2):
                        break
                except OSError:
                    time.sleep(0.5)
        time.sleep(8)  # the job runner waits 5 s after the server starts, then one server wins the election
        baseline = {server.pid: memory_mib(server.pid, "VmRSS") for server in servers}
        registry = odoo.modules.registry.Registry(dbname)
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            started = time.perf_counter()
            env["crm.public.pool"]._cron_recycle()
            cr.commit()
            while True:
                cr.execute(
                    "SELECT count(*) FILTER (WHERE state != 'done'), count(*) FILTER (WHERE state = 'failed') "
                    "FROM queue_job WHERE channel = 'root.crm_public_pool'"
                )
                waiting, failed = cr.fetchone()
                cr.commit()
                if failed:
                    sys.exit(f"{failed} jobs failed in {dbname}")
                if not waiting:
                    break
                time.sleep(0.2)
            seconds = time.perf_counter() - started
            cr.execute(
                """SELECT worker_pid, count(*), sum(exec_time),
                          sum(coalesce(substring(result from '^([0-9]+) ')::int, 0))
                     FROM queue_job WHERE channel = 'root.crm_public_pool' GROUP BY worker_pid"""
            )
            by_pid = {pid: (jobs, moved, exec_time) for pid, jobs, exec_time, moved in cr.fetchall()}
            cr.execute("SELECT partner_id FROM crm_public_pool_log WHERE action = 'recycle'")
            moved = {row[0] for row in cr.fetchall()}
            cr.execute("SELECT count(*) FROM crm_public_pool_log WHERE action = 'recycle'")
            assert cr.fetchone()[0] == len(moved), "one log row per move"
        registry.delete(dbname)
        shares = defaultdict(tuple)
        for index, server in enumerate(servers):
            jobs, recycled, exec_time = by_pid.get(server.pid, (0, 0, 0.0))
            growth = memory_mib(server.pid, "VmHWM") - baseline[server.pid]
            shares[f"server {'AB'[index]}"] = (jobs, recycled, exec_time or 0.0, growth)
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=60)
    return seconds, moved, dict(shares)


def run_floor(odoo, dbname):
    from odoo.addons.crm_public_pool.models.engine_token import engine_statements  # noqa: PLC0415

    db = odoo.sql_db.db_connect(dbname)
    with db.cursor() as cr:
        started = time.perf_counter()
        cr.execute("SET LOCAL jit = off")  # as the cron does: no compile time in either path
        # PostgreSQL's guard (res_partner_guard.py) lets only the engine's statements move a
        # customer: the floor marks itself as the engine does (engine_token.engine_statements).
        cr.execute("SELECT set_config('crm_public_pool.engine', txid_current()::text, true)")
        # The set-based statement runs as the engine's, as the addon runs it (engine_fetchall).
        with engine_statements(cr):
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
