"""Reads served by a PostgreSQL streaming replica under a mixed load of reads and claims.

    ./scripts/bench.sh bench_replica.py --db bench_pool

Run ``generate.py`` first. This builds, on this machine and in a temporary directory, a
PostgreSQL primary of its own (``initdb``, another port, owned by ``--os-user``, since PostgreSQL
refuses to run as root) holding a copy of ``--db`` (``pg_dump``/``pg_restore``), and a hot standby
streaming from it (``pg_basebackup -R``, a third port): nothing runs beyond PostgreSQL itself, and
both are stopped and removed at the end. ``pg_stat_statements`` counts the statements each of them
serves. Then, in ``--turns`` alternating runs, Odoo (``--workers 5``) serves the same load from the
primary alone and with ``--db_replica_host``/``--db_replica_port`` pointing at the standby:

- readers (``--readers`` salespeople and a pool administrator, each logged in once, through
  ``/web/dataset/call_kw`` as the web client calls it) open, in turn, Pool Customers (the list's
  first page and count), My Customers, the form of a pooled customer of a pool without a daily
  view limit, the duplicate lookup of a prospect and, for the administrator, the pool ageing
  dashboard (a ``web_read_group``);
- claimers (``--claimers`` other salespeople) claim pooled customers, no two the same one.

It prints the claim's p50/p95 and the reads' p50/p95 of each run, and, for the runs with the
replica, the share of the read requests' statements the standby served: the statements
``pg_stat_statements`` counted on the standby (those of the claims subtracted: every request,
a claim too, checks the registry's signaling on a read-only cursor before it starts, measured by
claims alone for a few seconds before the mixed load) over the statements the read requests
issued (from the server's request log, the query count of every call).
"""

import argparse
import os
import pwd
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict

import psycopg2
from bench_rpc import POOL_LIST_DOMAIN, Client, list_specification, percentile, run_phase
from generate import add_db_arguments, odoo_setup

READS = ("pool list", "my customers", "form", "lookup")
READ_METHODS = {"web_search_read", "web_read", "pool_lookup", "web_read_group"}


class Cluster:
    """A PostgreSQL server of our own in ``directory``, run as ``os_user`` on ``port``."""

    def __init__(self, bindir, directory, port, os_user):
        self.bindir, self.directory, self.port, self.os_user = bindir, directory, port, os_user

    def as_owner(self, *command):
        prefix = ["runuser", "-u", self.os_user, "--"] if os.geteuid() == 0 else []
        subprocess.run([*prefix, *command], check=True, stdout=subprocess.DEVNULL)

    def tool(self, name):
        return os.path.join(self.bindir, name)

    def configure(self, socket_dir, extra=""):
        with open(os.path.join(self.directory, "postgresql.auto.conf"), "a") as conf:
            conf.write(
                f"port = {self.port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{socket_dir}'\n"
                "shared_preload_libraries = 'pg_stat_statements'\npg_stat_statements.track_utility = off\n"
                "max_connections = 200\n" + extra
            )

    def start(self):
        self.as_owner(self.tool("pg_ctl"), "-D", self.directory, "-l", self.directory + ".log", "-w", "start")

    def stop(self):
        if os.path.exists(os.path.join(self.directory, "postmaster.pid")):
            self.as_owner(self.tool("pg_ctl"), "-D", self.directory, "-m", "fast", "-w", "stop")


def build_clusters(args, workdir, pg_main):
    """A primary holding a copy of ``args.db`` and a standby streaming from it; return both."""
    owner = pwd.getpwnam(args.os_user)
    os.chown(workdir, owner.pw_uid, owner.pw_gid)
    primary = Cluster(args.pg_bin, os.path.join(workdir, "primary"), args.primary_port, args.os_user)
    standby = Cluster(args.pg_bin, os.path.join(workdir, "standby"), args.primary_port + 1, args.os_user)
    started = time.perf_counter()
    primary.as_owner(
        primary.tool("initdb"),
        "-D",
        primary.directory,
        "-U",
        args.os_user,
        "--auth=trust",
        "--encoding=UTF8",
        "--lc-collate=C",
        "--lc-ctype=C.UTF-8",  # pg_trgm needs a UTF-8 aware LC_CTYPE for Chinese (FACTS)
    )
    primary.configure(workdir)
    primary.start()
    local = ["-h", "127.0.0.1", "-p", str(primary.port)]
    subprocess.run(
        [
            "psql",
            *local,
            "-U",
            args.os_user,
            "-qc",
            f'CREATE ROLE "{args.db_user or "root"}" SUPERUSER LOGIN',
            "postgres",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    as_user = [*local, "-U", args.db_user or "root"]
    dump = os.path.join(workdir, "dump")
    subprocess.run(["pg_dump", *pg_main, "-Fd", "-j", "2", "-f", dump, args.db], check=True)
    subprocess.run(["createdb", *as_user, "-T", "template0", args.db], check=True)
    # Everything but the materialized views' data: restoring it recomputes each view from the
    # copied tables (the fairness report reads the whole audit log), which at 1,000,000 customers
    # kept the first full report.py run at this step for over 15 minutes. The benchmark reads
    # none of them; they stay unpopulated on this copy.
    listing = subprocess.run(["pg_restore", "-l", dump], check=True, capture_output=True, text=True).stdout
    toc = os.path.join(workdir, "toc")
    with open(toc, "w") as kept:
        kept.writelines(line + "\n" for line in listing.splitlines() if " MATERIALIZED VIEW DATA " not in line)
    subprocess.run(["pg_restore", *as_user, "-j", "2", "--no-owner", "-L", toc, "-d", args.db, dump], check=True)
    shutil.rmtree(dump)
    subprocess.run(["vacuumdb", *as_user, "-z", "-j", "2", args.db], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["psql", *as_user, "-qc", "CREATE EXTENSION IF NOT EXISTS pg_stat_statements", args.db], check=True)
    print(f"primary on port {primary.port} with {args.db}: {time.perf_counter() - started:.0f} s", flush=True)
    primary.as_owner(
        primary.tool("pg_basebackup"),
        *local,
        "-U",
        args.os_user,
        "-D",
        standby.directory,
        "-R",
        "-X",
        "stream",
        "-c",
        "fast",
    )
    standby.configure(workdir)
    standby.start()
    print(f"standby on port {standby.port}, streaming: {time.perf_counter() - started:.0f} s", flush=True)
    return primary, standby


def connect(args, port):
    connection = psycopg2.connect(host="127.0.0.1", port=port, user=args.db_user or "root", dbname=args.db)
    connection.autocommit = True
    return connection


def statements(args, port):
    """Statements served so far by the server on ``port`` for the database (this count's own excluded)."""
    with connect(args, port) as connection, connection.cursor() as cr:
        cr.execute(
            """SELECT coalesce(sum(calls), 0) FROM pg_stat_statements
                WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
                  AND query NOT LIKE '%pg_stat_statements%'"""
        )
        count = int(cr.fetchone()[0])
    connection.close()
    return count


def request_queries(server_log, start, end):
    """{(model, method): [query count of each call]} from werkzeug's lines between two offsets."""
    pattern = re.compile(rb'"POST /web/dataset/call_kw/([^/ ]+)/([^ ]+) HTTP/[0-9.]+" \d+ - (\d+) ')
    counts = defaultdict(list)
    with open(server_log, "rb") as log:
        log.seek(start)
        for line in log.read(end - start).splitlines():
            match = pattern.search(line)
            if match:
                counts[(match.group(1).decode(), match.group(2).decode())].append(int(match.group(3)))
    return counts


def serve(args, addons, db_args, replica_port, server_log):
    command = [
        sys.executable,
        os.path.join(os.path.dirname(os.path.abspath(__file__)), "serve.py"),
        f"{os.path.abspath(args.odoo)}/odoo-bin",
        "-d",
        args.db,
        *db_args,
        f"--db_port={args.primary_port}",
        f"--addons-path={addons}",
        "--http-interface=127.0.0.1",
        f"--http-port={args.port}",
        f"--gevent-port={args.port + 1}",
        f"--workers={args.workers}",
        "--max-cron-threads=0",
        "--db-filter",
        f"^{args.db}$",
        "--log-level=warn",
        "--log-handler=werkzeug:INFO",
        f"--logfile={server_log}",
        "--limit-time-real=600",
        "--limit-time-cpu=600",
    ]
    if replica_port:
        command += ["--db_replica_host=127.0.0.1", f"--db_replica_port={replica_port}"]
    server = subprocess.Popen(command)
    import http.client  # noqa: PLC0415 - only the waiting loop needs it

    for _attempt in range(120):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", args.port, timeout=5)
            connection.request("GET", "/web/webclient/version_info")
            connection.getresponse().read()
            connection.close()
            break
        except OSError:
            time.sleep(1)
    return server


def prepare(args, odoo):
    """Who reads, who claims, and on what: read from the primary."""
    with connect(args, args.primary_port) as connection, connection.cursor() as cr:
        cr.execute("SELECT id FROM crm_public_pool WHERE coalesce(daily_view_limit, 0) = 0 ORDER BY id")
        unlimited = [row[0] for row in cr.fetchall()]
        cr.execute(
            """SELECT u.id, u.login, min(r.pool_id) FROM res_users u
                 JOIN crm_public_pool_member_user_rel r ON r.user_id = u.id
                WHERE u.login LIKE 'sales%%' AND r.pool_id = ANY(%s) GROUP BY u.id, u.login ORDER BY u.id""",
            [unlimited],
        )
        users = cr.fetchall()
        readers, claimers = users[: args.readers], users[args.readers : args.readers + args.claimers]
        forms = []
        for _uid, _login, pool_id in readers:
            cr.execute(
                "SELECT id, name FROM res_partner WHERE pool_id = %s AND pool_state = 'pool' AND active ORDER BY id LIMIT 1",
                [pool_id],
            )
            forms.append(cr.fetchone())
        slices = []
        taken = defaultdict(int)
        for _uid, _login, pool_id in claimers:
            cr.execute(
                """SELECT id FROM res_partner WHERE pool_id = %s AND pool_state = 'pool' AND active
                    ORDER BY id DESC OFFSET %s LIMIT %s""",
                [pool_id, taken[pool_id], args.slice],
            )
            slices.append([row[0] for row in cr.fetchall()])
            taken[pool_id] += args.slice
    connection.close()
    return readers, claimers, forms, slices


def run_load(args, odoo, mode, replica_port, plan, server_log):
    """One run: calibrate the claims' statements on the standby, then the mixed load."""
    readers, claimers, forms, slices = plan
    clients = [Client(args.port, args.db, login, login) for _uid, login, _pool in readers]
    admin = Client(args.port, args.db, args.admin_login, args.admin_password)
    claiming = [Client(args.port, args.db, login, login) for _uid, login, _pool in claimers]
    spec_ids = {}
    with connect(args, args.primary_port) as connection, connection.cursor() as cr:
        for xmlid in ("res_partner_view_list_pool", "res_partner_view_form_pool"):
            cr.execute("SELECT res_id FROM ir_model_data WHERE module = 'crm_public_pool' AND name = %s", [xmlid])
            row = cr.fetchone()
            spec_ids[xmlid] = row[0] if row else None
    connection.close()
    list_spec = list_specification(clients[0], spec_ids["res_partner_view_list_pool"])
    form_spec = {"display_name": {}, "name": {}, "phone": {}, "email": {}, "pool_id": {"fields": {"display_name": {}}}}
    context = {"lang": "zh_CN", "pool_manage": True, "bin_size": True}

    def read(client, n):
        if client is admin:
            admin.call(
                "crm.public.pool.age.report",
                "web_read_group",
                [],
                ["days:avg"],
                ["pool_id", "age_bucket"],
                lazy=False,
                context=context,
            )
            return
        index = clients.index(client)
        kind = READS[(n + index) % len(READS)]
        if kind == "pool list":
            domain = POOL_LIST_DOMAIN
        elif kind == "my customers":
            domain = [("pool_state", "=", "private"), ("user_id", "=", client.uid)]
            domain += ["|", ("is_company", "=", True), ("parent_id", "=", False)]
        elif kind == "form":
            client.call("res.partner", "web_read", [forms[index][0]], form_spec, context=context)
            return
        else:
            client.call("res.partner", "pool_lookup", name=forms[index][1][:6], context=context)
            return
        client.call(
            "res.partner",
            "web_search_read",
            domain,
            list_spec,
            offset=0,
            limit=80,
            order="",
            count_limit=10001,
            context=context,
        )

    progress = [0] * len(claiming)

    def claim(client, n):
        index = claiming.index(client)
        client.call("res.partner", "action_pool_claim", [slices[index][progress[index]]])
        progress[index] += 1

    # Warm the workers (registry, access rules, these users).
    for client in [*clients, *claiming]:
        for _ in range(args.workers):
            client.call("res.users", "read", [client.uid], ["name"])
    calibration = None
    if replica_port:
        before = statements(args, replica_port)
        mark = os.path.getsize(server_log)
        run_phase(claiming, claim, 3)
        claim_calls = sum(len(v) for v in request_queries(server_log, mark, os.path.getsize(server_log)).values())
        calibration = (statements(args, replica_port) - before) / max(claim_calls, 1)
    counts_before = {port: statements(args, port) for port in filter(None, (args.primary_port, replica_port))}
    mark = os.path.getsize(server_log)
    results = {}

    def load(group, work, label):
        latencies, elapsed, _ = run_phase(group, work, args.seconds)
        results[label] = (latencies, elapsed)

    threads = [
        threading.Thread(target=load, args=([*clients, admin], read, "reads")),
        threading.Thread(target=load, args=(claiming, claim, "claims")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    time.sleep(1)  # the last request lines reach the log
    counts_after = {port: statements(args, port) for port in counts_before}
    calls = request_queries(server_log, mark, os.path.getsize(server_log))
    read_queries = sum(sum(v) for (_model, method), v in calls.items() if method in READ_METHODS)
    claim_calls = sum(len(v) for (_model, method), v in calls.items() if method == "action_pool_claim")
    row = {
        "mode": mode,
        "reads": results["reads"][0],
        "claims": results["claims"][0],
        "claim_rate": len(results["claims"][0]) / results["claims"][1],
        "read_queries": read_queries,
        "primary": counts_after[args.primary_port] - counts_before[args.primary_port],
    }
    if replica_port:
        served = counts_after[replica_port] - counts_before[replica_port]
        row["replica"] = served
        row["replica_reads"] = served - calibration * claim_calls
        row["calibration"] = calibration
    print(
        f"  {mode}: {len(row['reads'])} reads, {len(row['claims'])} claims"
        + (f", replica served {row['replica']:,} statements" if replica_port else ""),
        flush=True,
    )
    return row, max(progress)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_db_arguments(parser)
    parser.add_argument("--port", type=int, default=18269, help="Odoo's HTTP port (and + 1)")
    parser.add_argument("--primary-port", type=int, default=55432, help="the primary's port; the standby's is + 1")
    parser.add_argument("--pg-bin", default=None, help="PostgreSQL's programs (default: pg_config --bindir)")
    parser.add_argument("--os-user", default="postgres", help="owner of the temporary clusters")
    parser.add_argument("--workers", type=int, default=5)
    parser.add_argument("--readers", type=int, default=8)
    parser.add_argument("--claimers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--turns", type=int, default=2, help="runs of each mode, alternating")
    parser.add_argument("--slice", type=int, default=2000, help="pooled customers per claimer")
    parser.add_argument("--admin-login", default="admin")
    parser.add_argument("--admin-password", default="admin")
    parser.add_argument("--keep", action="store_true", help="leave the clusters' directory in place")
    args = parser.parse_args()
    args.pg_bin = args.pg_bin or subprocess.check_output(["pg_config", "--bindir"], text=True).strip()
    odoo, addons, db_args = odoo_setup(args)
    pg_main = ["-h", args.db_host] * bool(args.db_host) + ["-U", args.db_user] * bool(args.db_user)
    workdir = tempfile.mkdtemp(prefix="bench_replica_")
    primary = standby = None
    rows = []
    server_log = os.path.join(workdir, "odoo.log")
    try:
        primary, standby = build_clusters(args, workdir, pg_main)
        plan = prepare(args, odoo)
        used = 0
        for turn in range(args.turns):
            for mode, replica_port in (("primary alone", None), ("with the replica", standby.port)):
                # Each run claims customers of its own: the slices move on.
                plan_now = (plan[0], plan[1], plan[2], [ids[used:] for ids in plan[3]])
                server = serve(args, addons, db_args, replica_port, server_log)
                try:
                    row, claimed = run_load(args, odoo, f"{mode} (run {turn + 1})", replica_port, plan_now, server_log)
                finally:
                    server.terminate()
                    server.wait(timeout=60)
                rows.append(row)
                used += claimed
    finally:
        for cluster in (standby, primary):
            if cluster:
                cluster.stop()
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    report(args, rows)


def report(args, rows):
    print("\n-- results --")
    print(
        f"{args.readers} salespeople and a pool administrator reading (Pool Customers, My Customers, a form of a pool "
        f"without a view limit, the duplicate lookup, the ageing dashboard) while {args.claimers} salespeople claim, "
        f"{args.seconds:.0f} s per run, Odoo --workers {args.workers}; primary and standby: PostgreSQL on this machine "
        f"(default settings), the standby streaming from the primary\n"
    )
    print(
        "| run | reads: p50 / p95 | claims: p50 / p95 | claims/s | read requests' statements | served by the replica |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for row in rows:
        share = (
            f"{row['replica_reads']:,.0f} ({row['replica_reads'] / max(row['read_queries'], 1):.0%})"
            if "replica" in row
            else "-"
        )
        print(
            f"| {row['mode']} | {statistics.median(row['reads']):.1f} / {percentile(row['reads'], 0.95):.1f} ms | "
            f"{statistics.median(row['claims']):.1f} / {percentile(row['claims'], 0.95):.1f} ms | "
            f"{row['claim_rate']:.1f} | {row['read_queries']:,} | {share} |"
        )
    alone = [row for row in rows if "replica" not in row]
    replica = [row for row in rows if "replica" in row]
    for index, (without, with_replica) in enumerate(zip(alone, replica, strict=False)):
        print(
            f"\nrun {index + 1}: claim p50 with the replica / without: "
            f"{statistics.median(with_replica['claims']) / statistics.median(without['claims']):.2f}x, p95 "
            f"{percentile(with_replica['claims'], 0.95) / percentile(without['claims'], 0.95):.2f}x; the standby also "
            f"served {with_replica['calibration']:.1f} statements per claim (the registry check before a request starts)"
        )


if __name__ == "__main__":
    main()
