"""Run every benchmark at one size and write one report into the README.

    ./scripts/bench.sh report.py --customers 1000000

In order, each as its own process, printing as it goes:

1. ``generate.py``: a fresh database ``bench_pool`` of N customers (200 salespeople, 5 pools);
2. ``bench_rpc.py`` on it: claims over JSON-RPC with 1, 8 and 32 clients beside a one-field
   read, the morning rush of 200 salespeople on 50 customers (its losers beside a refusal
   alone), and the Pool Customers list opening beside the contacts list and raw SQL;
3. ``bench_replica.py`` on a copy of it: a primary and a streaming standby of their own, reads and
   claims at once with and without the replica, the share of the reads the replica served;
4. ``bench_recycle.py --customers M --jobs``: both paths of the daily recycle, the cron (no
   queue_job) and the jobs on two servers, beside the SQL floor, at ``--recycle-customers`` M
   (10,000,000 by default; ``--reuse`` starts from the data an earlier ``--keep`` run left);
5. ``bench_duplicates.py --size N``: the duplicate check beside an ILIKE scan.

``--pool-db NAME`` starts from a pool database ``generate.py`` made earlier instead of generating
one (step 1 then only describes it: ``generate.py --existing``; it must have the addon's current
schema); the claims
of step 2 change it, so give it a copy (``createdb -T NAME COPY``). ``--dup-db NAME`` likewise
reuses the duplicate check's database of an earlier run (``bench_duplicates.py`` only adds the
customers it lacks). Neither is dropped at the end. With ``--reuse`` for the recycle's data, a
whole report at 1,000,000 then takes about an hour instead of the generations' hours.

The machine (CPU, cores, memory, PostgreSQL, Odoo and Python versions) and each benchmark's
results are then written into README.md between the ``bench-report`` markers, replacing the
previous report. ``--keep`` keeps the generated databases.
"""

import argparse
import datetime
import os
import platform
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
README = os.path.join(os.path.dirname(HERE), "README.md")
START, END = "<!-- bench-report:start -->", "<!-- bench-report:end -->"
MARK = "-- results --"


def run(title, command):
    """Run a benchmark, echo its output, return what it printed after its results mark."""
    print(f"\n=== {title}\n$ {' '.join(command)}", flush=True)
    started = time.perf_counter()
    lines = []
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=HERE) as process:
        for line in process.stdout:
            sys.stdout.write(line)
            lines.append(line.rstrip("\n"))
    if process.returncode:
        sys.exit(f"{title} failed ({process.returncode})")
    minutes = (time.perf_counter() - started) / 60
    print(f"=== {title}: {minutes:.1f} minutes", flush=True)
    results = lines[lines.index(MARK) + 1 :] if MARK in lines else []
    return "\n".join(results).strip(), minutes


def machine(args):
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    memory = next((int(line.split()[1]) for line in open("/proc/meminfo") if line.startswith("MemTotal")), 0)
    pg = ["psql", "-tAc", "SHOW server_version", "postgres"]
    pg[1:1] = ["-h", args.db_host] * bool(args.db_host) + ["-U", args.db_user] * bool(args.db_user)
    postgres = subprocess.run(pg, capture_output=True, text=True, check=False).stdout.strip() or "?"
    odoo_release = {}
    with open(os.path.join(os.path.abspath(args.odoo), "odoo", "release.py")) as release:
        exec(release.read(), odoo_release)  # noqa: S102 - Odoo's own release file: version constants only
    return (
        f"{cpu}, {os.cpu_count()} cores, {memory / 2**20:.0f} GiB; PostgreSQL {postgres} (default settings); "
        f"Odoo {odoo_release.get('version', '?')} community; Python {platform.python_version()}; "
        f"the machine is shared, so compare the ratios within a run, not seconds across runs"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--odoo", default=".", help="Odoo 18 source tree (where odoo-bin is)")
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--db_host", default=os.environ.get("PGHOST", ""))
    parser.add_argument("--db_user", default=os.environ.get("PGUSER", ""))
    parser.add_argument("--recycle-customers", type=int, default=10_000_000)
    parser.add_argument("--reuse", action="store_true", help="bench_recycle.py --reuse")
    parser.add_argument("--keep", action="store_true", help="keep the generated databases")
    parser.add_argument(
        "--pool-db",
        default="",
        help="a pool database generate.py made earlier (a copy: the claims change it): no generation",
    )
    parser.add_argument("--dup-db", default="", help="the duplicate check's database of an earlier run, reused")
    parser.add_argument(
        "--db-prefix",
        default="",
        help="put before every database name (on a shared server: bench_pool becomes PREFIXbench_pool)",
    )
    args = parser.parse_args()
    odoo = os.path.abspath(args.odoo)
    common = (
        ["--odoo", odoo]
        + ["--db_host", args.db_host] * bool(args.db_host)
        + ["--db_user", args.db_user] * bool(args.db_user)
    )
    pg = ["-h", args.db_host] * bool(args.db_host) + ["-U", args.db_user] * bool(args.db_user)
    py = sys.executable
    size = args.customers
    pool_db = args.pool_db or f"{args.db_prefix}bench_pool"
    dup_db = args.dup_db or f"{args.db_prefix}bench_dup_report"
    # Only the databases this run generates are dropped, before and (without --keep) after it.
    fresh = [name for name, given in ((pool_db, args.pool_db), (dup_db, args.dup_db)) if not given]
    for name in fresh:
        subprocess.run(["dropdb", "--if-exists", *pg, name], check=True)
    sections = []
    if args.pool_db:
        generated, minutes = run("data", [py, "generate.py", *common, "--db", pool_db, "--existing"])
    else:
        generated, minutes = run("data", [py, "generate.py", *common, "--db", pool_db, "--customers", str(size)])
    sections.append(("Generated data (`generate.py`)", generated, minutes))
    sections.append(
        (
            "Claims over JSON-RPC and the pool list (`bench_rpc.py`)",
            *run(
                "rpc",
                [py, "bench_rpc.py", *common, "--db", pool_db, "--slice", str(max(20, min(1500, size // 400)))],
            ),
        )
    )
    sections.append(
        (
            "Reads from a replica (`bench_replica.py`)",
            *run("replica", [py, "bench_replica.py", *common, "--db", pool_db]),
        )
    )
    recycle = [py, "bench_recycle.py", *common, "--customers", str(args.recycle_customers), "--jobs"]
    recycle += (
        ["--reuse"] * args.reuse + ["--keep"] * args.keep + ["--db-prefix", args.db_prefix] * bool(args.db_prefix)
    )
    sections.append(("Recycling (`bench_recycle.py`)", *run("recycle", recycle)))
    sections.append(
        (
            "Duplicate check of a registration (`bench_duplicates.py`)",
            *run("duplicates", [py, "bench_duplicates.py", *common, "--db", dup_db, "--size", str(size)]),
        )
    )
    if not args.keep:
        for name in fresh:
            subprocess.run(["dropdb", "--if-exists", *pg, name], check=True)

    lines = [
        START,
        f"Written by `bench/report.py --customers {size} --recycle-customers {args.recycle_customers}` on "
        f"{datetime.date.today().isoformat()}"
        + "".join(
            f"; {what} of an earlier run"
            for what, reused in (
                ("the pool database", args.pool_db),
                ("the duplicate check's database", args.dup_db),
                ("the recycle's data", args.reuse),
            )
            if reused
        )
        + f". Machine: {machine(args)}.",
        "",
    ]
    for title, text, minutes in sections:
        lines += [f"#### {title}", "", text, "", f"<sub>{minutes:.1f} minutes to run.</sub>", ""]
    lines.append(END)
    with open(README) as readme:
        content = readme.read()
    if START in content and END in content:
        before, rest = content.split(START, 1)
        after = rest.split(END, 1)[1]
        content = before + "\n".join(lines) + after
    else:
        content = content.rstrip("\n") + "\n\n" + "\n".join(lines) + "\n"
    with open(README, "w") as readme:
        readme.write(content)
    print(f"\nreport written to {README}")


if __name__ == "__main__":
    main()
