"""Claims through JSON-RPC with 1, 8 and 32 clients, and the pool list opening, on a generated database.

    ./scripts/bench.sh bench_rpc.py --db bench_pool

Run ``generate.py`` first. This starts Odoo on the database (``--workers 5``, 2 x cores + 1 as Odoo advises; no cron) and:

- claim: every client is a different salesperson, logged in once, who calls
  ``res.partner.action_pool_claim`` on pooled customers of their own pool, one customer per call,
  through ``/web/dataset/call_kw`` (the web client's JSON-RPC; a new connection per call), for
  ``--seconds`` per concurrency level; no two clients claim the same customer, so this is the cost
  of a claim, not of a conflict;
- floor: the same clients, the same way, call ``res.partner.read`` of one field (``name``) of a
  customer they own: the round trip of the cheapest authenticated call, measured in the same run,
  in ``--turns`` turns alternating with the claims' so that both meet the same load;
- pool list: a salesperson opens *Pool Customers* as the web client does: ``web_search_read`` with
  the list view's fields, the action's domain and its default filter (*In Pool*), the first page
  of 80 and the count, ``--opens`` times; beside it, the same salesperson opens the plain contacts
  list (``base.view_partner_tree``, no domain: every partner they may see) the same way, the two
  lists in turns so that both meet the same load, and the
  same page and count in raw SQL as the superuser (no access rules, no masking);
- the morning rush (抢客户): ``--rush`` salespeople, all members of one pool and each logged in
  once, claim ``--rush-customers`` freshly pooled customers at the same moment (each customer is
  the target of the same number of them). Odoo's prefork server keeps only 8 pending connections
  per worker and resets the rest, so, as a reverse proxy would, the clients hold at most
  ``--in-flight`` connections at once and the others wait their turn; a call's time runs from the
  common start to its answer, the wait included. Every customer must end with one owner and
  every loser get a clean refusal ("no longer in the pool", or "being claimed by a colleague right
  now" when it meets the winner's row lock); anything else (a server error, a serialization
  failure, a reset connection) is an escaped error. Then one client is refused
  on the claimed customers for ``--seconds`` / 2: the refusal's own cost;
- queries: the server logs each request with its query count (werkzeug's log line): the median
  count of a claim, of a refusal and of the one-field read.

It prints p50/p95 latency and calls per second for each, and checks afterwards that every claim
moved its customer once (one claim row each) and that the invariants hold.
"""

import argparse
import http.client
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict

from generate import add_db_arguments, odoo_setup, pool_invariant_violations

# What a rush loser is told, in English or in Chinese: the customer was claimed before it got there,
# or a colleague is claiming it at this very moment (or did a moment ago).
REFUSALS = ("no longer in the pool", "已不在公海池中", "by a colleague", "同事")

POOL_LIST_DOMAIN = [
    ("pool_state", "!=", False),
    "|",
    ("is_company", "=", True),
    ("parent_id", "=", False),
    ("pool_state", "=", "pool"),  # the action's default filter "In Pool"
]


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


class Client:
    """One salesperson, logged in once, calling models over JSON-RPC as the web client does.

    The session cookie authenticates every call: a password sent with each call (``/jsonrpc``
    ``execute_kw``) would be hashed again by every worker for every salesperson it has not
    seen yet, which measures the password hashing, not the pool.
    """

    def __init__(self, port, db, login, password):
        self.port = port
        result, headers = self.post("/web/session/authenticate", {"db": db, "login": login, "password": password})
        self.uid = result["uid"]
        self.cookie = headers["Set-Cookie"].split(";", 1)[0]

    def post(self, path, params, cookie=None):
        body, headers = self.post_raw(path, params, cookie)
        if body.get("error"):
            raise RuntimeError(f"{path}: {body['error']['data']['message']}")
        return body["result"], headers

    def post_raw(self, path, params, cookie=None):
        payload = json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1, "params": params})
        headers = {"Content-Type": "application/json"}
        if cookie:
            headers["Cookie"] = cookie
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
        try:
            connection.request("POST", path, payload, headers)
            response = connection.getresponse()
            body = json.loads(response.read())
        finally:
            connection.close()
        return body, response.headers

    def call(self, model, method, *args, **kwargs):
        params = {"model": model, "method": method, "args": list(args), "kwargs": kwargs}
        return self.post(f"/web/dataset/call_kw/{model}/{method}", params, self.cookie)[0]

    def attempt(self, model, method, *args, tag=None):
        """Call and return ``(result, None)`` or ``(None, error data)``; a transport error is an error too.

        ``tag`` ends the URL (the route ignores it): the server's request log then names the call.
        """
        params = {"model": model, "method": method, "args": list(args), "kwargs": {}}
        path = f"/web/dataset/call_kw/{model}/{method}" + (f"/{tag}" if tag else "")
        try:
            body, _headers = self.post_raw(path, params, self.cookie)
        except (OSError, http.client.HTTPException, ValueError) as error:
            return None, {"name": type(error).__name__, "message": str(error)}
        if body.get("error"):
            return None, body["error"].get("data") or {"name": "?", "message": body["error"].get("message")}
        return body["result"], None


def run_phase(clients, work, seconds, most=None, start=None):
    """Every client runs ``work(client, n)`` in a loop for ``seconds``, ``n`` from ``start[client]``
    up to ``most``; return the latencies (ms), the elapsed seconds and each client's count of calls."""
    latencies = [[] for _ in clients]
    barrier = threading.Barrier(len(clients) + 1)
    deadline = []

    def loop(index, client):
        barrier.wait()
        n = start[index] if start else 0
        while time.perf_counter() < deadline[0] and (most is None or n < most):
            began = time.perf_counter()
            work(client, n)
            latencies[index].append((time.perf_counter() - began) * 1000)
            n += 1

    threads = [threading.Thread(target=loop, args=(i, c)) for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    deadline.append(time.perf_counter() + seconds)
    started = time.perf_counter()
    barrier.wait()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    flat = [ms for per_client in latencies for ms in per_client]
    return flat, elapsed, [len(per_client) for per_client in latencies]


def list_specification(client, view_id):
    """The fields the Pool Customers list view shows, as the web client asks for them."""
    views = client.call("res.partner", "get_views", [[view_id, "list"]])
    arch = views["views"]["list"]["arch"]
    fields = views["models"]["res.partner"]["fields"]
    spec = {}
    for fname in dict.fromkeys(re.findall(r'<field name="([a-z_0-9]+)"', arch)):
        field = fields.get(fname, {})
        spec[fname] = {"fields": {"display_name": {}}} if field.get("type") == "many2one" else {}
    return spec


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_db_arguments(parser)
    parser.add_argument("--port", type=int, default=18169)
    parser.add_argument("--workers", type=int, default=5, help="Odoo workers (2 x cores + 1, as Odoo advises)")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--turns", type=int, default=4, help="turns of reads and of claims per level")
    parser.add_argument("--opens", type=int, default=60)
    parser.add_argument(
        "--slice",
        type=int,
        default=1500,
        help="pooled customers set aside per client and level: more than one claims in --seconds",
    )
    parser.add_argument("--rush", type=int, default=200, help="salespeople in the morning rush (0: no rush)")
    parser.add_argument("--rush-customers", type=int, default=50)
    parser.add_argument(
        "--in-flight",
        type=int,
        default=32,
        help="connections held at once in the rush, as a reverse proxy would (below 8 per worker)",
    )
    args = parser.parse_args()
    odoo, addons, db_args = odoo_setup(args)

    db = odoo.sql_db.db_connect(args.db)
    with db.cursor() as cr:
        cr.execute("SELECT count(*) FROM res_partner WHERE pool_state IS NOT NULL")
        customers = cr.fetchone()[0]
        cr.execute(
            """SELECT u.id, u.login, min(r.pool_id) FROM res_users u
                 JOIN crm_public_pool_member_user_rel r ON r.user_id = u.id
                WHERE u.login LIKE 'sales%%' GROUP BY u.id, u.login ORDER BY u.id"""
        )
        users = cr.fetchall()
    needed = max(*args.clients, args.rush)
    if len(users) < needed:
        sys.exit(f"{needed} salespeople needed, {len(users)} in {args.db}")
    rush = prepare_rush(args, odoo, db, users) if args.rush else None

    # Each request's query count is on werkzeug's log line.
    server_log = args.server_log = tempfile.NamedTemporaryFile(prefix="bench_rpc_", suffix=".log", delete=False).name
    args.segments = []
    server = subprocess.Popen(
        [
            sys.executable,
            os.path.join(os.path.dirname(os.path.abspath(__file__)), "serve.py"),
            f"{os.path.abspath(args.odoo)}/odoo-bin",
            "-d",
            args.db,
            *db_args,
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
        ],
    )
    try:
        for _attempt in range(120):
            try:
                connection = http.client.HTTPConnection("127.0.0.1", args.port, timeout=5)
                connection.request("GET", "/web/webclient/version_info")
                connection.close()
                break
            except OSError:
                time.sleep(1)
        results, claimed_ids = run(args, odoo, db, users, customers)
        if rush:
            results["rush"] = run_rush(args, db, users, rush)
            claimed_ids += rush["customers"]
    finally:
        server.terminate()
        server.wait(timeout=60)
    results["queries"] = query_counts(server_log, args.segments)
    print("\n-- results --")
    report(args, customers, results)
    check(odoo, db, claimed_ids)


def run(args, odoo, db, users, customers):
    results = {}
    claimed_ids = []
    taken = {}  # pooled customers handed out so far, per pool
    for count in args.clients:
        chosen = users[:count]
        clients = [Client(args.port, args.db, login, login) for _uid, login, _pool in chosen]
        owned, pooled = [], []
        with db.cursor() as cr:
            for uid, _login, pool_id in chosen:
                cr.execute("SELECT id FROM res_partner WHERE user_id = %s AND pool_state = 'private' LIMIT 1", [uid])
                owned.append(cr.fetchone()[0])
                # Disjoint slices of each pool per client and level, so no claim ever conflicts.
                cr.execute(
                    """SELECT id FROM res_partner WHERE pool_id = %s AND pool_state = 'pool' AND active
                        ORDER BY id OFFSET %s LIMIT %s""",
                    [pool_id, taken.get(pool_id, 0), args.slice],
                )
                pooled.append([row[0] for row in cr.fetchall()])
                taken[pool_id] = taken.get(pool_id, 0) + args.slice
                if len(pooled[-1]) < args.slice:
                    sys.exit(f"pool {pool_id} has too few pooled customers for {count} clients")
        for client in clients:  # warm the workers' caches (registry, access rules of this user)
            for _ in range(args.workers):
                client.call("res.partner", "read", [owned[clients.index(client)]], ["name"])

        def read(client, n, owned=owned, clients=clients):  # bound now: run_phase calls it in this iteration
            client.call("res.partner", "read", [owned[clients.index(client)]], ["name"])

        def claim(client, n, pooled=pooled, clients=clients):
            partner_id = pooled[clients.index(client)][n]
            client.call("res.partner", "action_pool_claim", [partner_id])

        # Reads and claims take turns (--turns of each, --seconds in all), so a burst of other
        # work on a shared machine falls on both rather than deciding their ratio.
        floor, latencies, claimed, floor_time, claim_time = [], [], [0] * count, 0.0, 0.0
        turn = args.seconds / (2 * args.turns)
        for _turn in range(args.turns):
            mark = os.path.getsize(args.server_log)
            done, elapsed, _ = run_phase(clients, read, turn)
            floor += done
            floor_time += elapsed
            args.segments.append(("read of one field", mark, os.path.getsize(args.server_log)))
            mark = os.path.getsize(args.server_log)
            done, elapsed, per_client = run_phase(clients, claim, turn, most=args.slice, start=claimed)
            latencies += done
            claim_time += elapsed
            args.segments.append(("claim", mark, os.path.getsize(args.server_log)))
            claimed = [already + more for already, more in zip(claimed, per_client, strict=True)]
        floor_rate, rate = len(floor) / floor_time, len(latencies) / claim_time
        for index, done in enumerate(claimed):
            claimed_ids.extend(pooled[index][:done])
        results[count] = (floor, floor_rate, latencies, rate)
        print(f"  {count} clients: {len(latencies)} claims, {len(floor)} reads", flush=True)

    client = Client(args.port, args.db, users[0][1], users[0][1])
    with db.cursor() as cr:
        cr.execute(
            "SELECT res_id FROM ir_model_data WHERE module = 'crm_public_pool' AND name = 'res_partner_view_list_pool'"
        )
        spec = list_specification(client, cr.fetchone()[0])
    context = {"lang": "zh_CN", "pool_manage": True, "bin_size": True}
    with db.cursor() as cr:
        cr.execute("SELECT res_id FROM ir_model_data WHERE module = 'base' AND name = 'view_partner_tree'")
        contacts_spec = list_specification(client, cr.fetchone()[0])

    def open_pool_list():
        return client.call(
            "res.partner",
            "web_search_read",
            POOL_LIST_DOMAIN,
            spec,
            offset=0,
            limit=80,
            order="",
            count_limit=10001,
            context=context,
        )

    def open_contacts():
        return client.call(
            "res.partner",
            "web_search_read",
            [],
            contacts_spec,
            offset=0,
            limit=80,
            order="",
            count_limit=10001,
            context={"lang": "zh_CN", "bin_size": True},
        )

    # The two lists are opened in turns (each first every other time), so that both meet the same
    # load on a shared machine: measured one after the other, a burst of other work during either
    # phase moved the ratio of their p95 from 0.4x to 1.9x between two runs.
    opens = []
    contacts = []
    for index in range(args.opens):
        for label in ("pool", "contacts") if index % 2 == 0 else ("contacts", "pool"):
            started = time.perf_counter()
            if label == "pool":
                page = open_pool_list()
                opens.append((time.perf_counter() - started) * 1000)
            else:
                contacts_page = open_contacts()
                contacts.append((time.perf_counter() - started) * 1000)
    assert len(page["records"]) == 80, page["length"]
    assert len(contacts_page["records"]) == 80, contacts_page["length"]
    sql_floor = []
    with db.cursor() as cr:
        cr.execute("SELECT pool_id FROM crm_public_pool_member_user_rel WHERE user_id = %s", [users[0][0]])
        pool_ids = tuple(row[0] for row in cr.fetchall())
        for _ in range(args.opens):
            started = time.perf_counter()
            cr.execute(
                """SELECT p.id, p.complete_name, p.phone, p.email, p.pool_id, p.pool_state, p.user_id, p.pool_level,
                          p.source_id, p.state_id, p.city, p.pool_enter_date, p.pool_last_followup_date,
                          p.pool_recycle_date, p.pool_locked
                     FROM res_partner p
                    WHERE p.pool_state = 'pool' AND p.pool_id IN %s AND p.active AND (p.is_company OR p.parent_id IS NULL)
                    ORDER BY p.complete_name, p.id DESC LIMIT 80""",
                [pool_ids],
            )
            cr.fetchall()
            cr.execute(
                """SELECT count(*) FROM (SELECT 1 FROM res_partner p WHERE p.pool_state = 'pool' AND p.pool_id IN %s
                      AND p.active AND (p.is_company OR p.parent_id IS NULL) LIMIT 10001) t""",
                [pool_ids],
            )
            cr.fetchone()
            sql_floor.append((time.perf_counter() - started) * 1000)
    results["list"] = (
        opens,
        sql_floor,
        page["length"],
        len(spec),
        contacts,
        contacts_page["length"],
        len(contacts_spec),
    )
    return results, claimed_ids


def prepare_rush(args, odoo, db, users):
    """A pool of all rush salespeople; pooled customers with no previous owner move into it now (audited)."""
    rushers = users[: args.rush]
    registry = odoo.modules.registry.Registry(args.db)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        Pool = env["crm.public.pool"]
        pool = Pool.search([("name", "=", "抢客户")], limit=1) or Pool.create(
            {"name": "抢客户", "pool_type": "company"}
        )
        pool.member_user_ids = [(6, 0, [uid for uid, _login, _pool in rushers])]
        cr.execute(
            """SELECT id FROM res_partner WHERE pool_id != %s AND pool_state = 'pool' AND active AND is_company
                 AND pool_previous_user_id IS NULL ORDER BY id DESC LIMIT %s""",
            [pool.id, args.rush_customers],
        )
        customers = env["res.partner"].browse([row[0] for row in cr.fetchall()])
        customers._pool_lock_rows()._pool_apply(
            "transfer", {"pool_id": pool.id, "pool_enter_date": odoo.fields.Datetime.now()}, note="morning rush"
        )
    return {"pool_id": pool.id, "users": rushers, "customers": customers.ids}


def run_rush(args, db, users, rush):
    """All rushers claim at once, ``--in-flight`` connections at most; then one client's refusals."""
    gate = threading.Semaphore(args.in_flight)
    clients = [None] * len(rush["users"])

    def login(index, login_name):
        with gate:
            clients[index] = Client(args.port, args.db, login_name, login_name)

    threads = [threading.Thread(target=login, args=(i, u[1])) for i, u in enumerate(rush["users"])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Warm every worker's caches for these users, as a morning of reads would.
    for client in clients:
        client.call("res.users", "read", [client.uid], ["name"])
    targets = [rush["customers"][i % len(rush["customers"])] for i in range(len(clients))]
    random.Random(20261130).shuffle(targets)
    outcomes = [None] * len(clients)
    barrier = threading.Barrier(len(clients) + 1)
    start = []

    def claim(index):
        barrier.wait()
        with gate:
            result, error = clients[index].attempt(
                "res.partner", "action_pool_claim", [targets[index]], tag=f"rush/{index}"
            )
        outcomes[index] = ((time.perf_counter() - start[0]) * 1000, error)

    rush_mark = os.path.getsize(args.server_log)

    threads = [threading.Thread(target=claim, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    start.append(time.perf_counter())
    barrier.wait()
    for thread in threads:
        thread.join()
    won = [ms for ms, error in outcomes if error is None]
    refused = [ms for ms, error in outcomes if error and is_refusal(error)]
    escaped = [error for _ms, error in outcomes if error and not is_refusal(error)]
    with db.cursor() as cr:
        cr.execute("SELECT id, user_id, pool_state FROM res_partner WHERE id IN %s", [tuple(rush["customers"])])
        owners = {pid: (uid, state) for pid, uid, state in cr.fetchall()}
    winners = {targets[i]: clients[i].uid for i, (_ms, error) in enumerate(outcomes) if error is None}
    one_owner = all(owners[pid] == (winners.get(pid), "private") for pid in rush["customers"])
    # One loser, refused again and again: the cost of a refusal alone.
    loser = clients[next(i for i, (_ms, error) in enumerate(outcomes) if error)]
    mark = os.path.getsize(args.server_log)
    alone, _rate, _ = run_phase(
        [loser],
        lambda client, n: client.attempt(
            "res.partner", "action_pool_claim", [rush["customers"][n % len(rush["customers"])]], tag="alone"
        ),
        args.seconds / 2,
    )
    args.segments.append(("refusal (already claimed)", mark, os.path.getsize(args.server_log)))
    time.sleep(1)  # the last request lines reach the log
    inside = server_times(args.server_log, rush_mark)
    print(f"  rush: {len(won)} claims, {len(refused)} refusals, {len(escaped)} escaped", flush=True)
    return {
        "won": won,
        "refused": refused,
        "escaped": escaped,
        "one_owner": one_owner,
        "alone": alone,
        "winners": len(winners),
        "inside": {
            "claim won": [inside[f"rush/{i}"] for i, (_ms, e) in enumerate(outcomes) if e is None],
            "refused (losers)": [inside[f"rush/{i}"] for i, (_ms, e) in enumerate(outcomes) if e and is_refusal(e)],
            "refusal, 1 client alone": inside.get("alone", []),
        },
    }


def server_times(server_log, start):
    """{tag: ms} of the tagged claims logged since ``start`` (a list for a tag logged many times): the
    time each spent in the server, from a worker taking it to the answer (werkzeug's line ends with
    the query count, the time in queries and the rest); lock waits and Odoo's retries are inside it,
    waiting for a worker is not."""
    pattern = re.compile(
        rb'"POST /web/dataset/call_kw/res\.partner/action_pool_claim/(rush/\d+|alone) HTTP/[0-9.]+" \d+ - \d+ '
        rb"([0-9.]+) ([0-9.]+)"
    )
    times = defaultdict(list)
    with open(server_log, "rb") as log:
        log.seek(start)
        for line in log.read().splitlines():
            match = pattern.search(line)
            if match:
                times[match.group(1).decode()].append((float(match.group(2)) + float(match.group(3))) * 1000)
    return {tag: values if tag == "alone" else values[0] for tag, values in times.items()}


def is_refusal(error):
    """A clean refusal of a claim someone else won or is winning; anything else escaped."""
    message = error.get("message", "")
    return error.get("name") == "odoo.exceptions.UserError" and any(text in message for text in REFUSALS)


def query_counts(server_log, segments):
    """{label: (median, min, max, calls)} of the queries per call in each measured phase, from werkzeug's
    log lines (path, status, query count, ...)."""
    pattern = re.compile(rb'"POST /web/dataset/call_kw/[^ ]+ HTTP/[0-9.]+" \d+ - (\d+) ')
    counts = defaultdict(list)
    with open(server_log, "rb") as log:
        for label, start, end in segments:
            log.seek(start)
            for line in log.read(end - start).splitlines():
                match = pattern.search(line)
                if match:
                    counts[label].append(int(match.group(1)))
    os.unlink(server_log)
    return {label: (statistics.median(v), min(v), max(v), len(v)) for label, v in counts.items() if v}


def report(args, customers, results):
    print(
        f"{customers:,} customers, Odoo with --workers {args.workers}, {args.seconds:.0f} s per level "
        f"(reads and claims in {args.turns} turns each), clients on the same machine\n"
    )
    print(
        "| clients | read of one field (floor): p50 / p95 | calls/s | claim: p50 / p95 | claims/s | claim p50 / floor p50 |"
    )
    print("|---|---|---|---|---|---|")
    for count in args.clients:
        floor, floor_rate, latencies, rate = results[count]
        print(
            f"| {count} | {statistics.median(floor):.1f} / {percentile(floor, 0.95):.1f} ms | {floor_rate:.1f} | "
            f"{statistics.median(latencies):.1f} / {percentile(latencies, 0.95):.1f} ms | {rate:.1f} | "
            f"{statistics.median(latencies) / statistics.median(floor):.1f}x |"
        )
    opens, sql_floor, length, nfields, contacts, contacts_length, contacts_fields = results["list"]
    print(
        f"\nPool Customers list, first page of 80 and the count ({length:,} pooled customers visible, "
        f"{nfields} fields), {len(opens)} openings, beside the plain contacts list as the same salesperson "
        f"({contacts_length:,} partners visible, {contacts_fields} fields)\n"
    )
    print("| path | p50 | p95 | p95 / contacts p95 |")
    print("|---|---|---|---|")
    print(
        f"| Pool Customers: `web_search_read` over JSON-RPC as a salesperson | {statistics.median(opens):.1f} ms | "
        f"{percentile(opens, 0.95):.1f} ms | {percentile(opens, 0.95) / percentile(contacts, 0.95):.2f}x |"
    )
    print(
        f"| Contacts list (`base.view_partner_tree`), same salesperson | {statistics.median(contacts):.1f} ms | "
        f"{percentile(contacts, 0.95):.1f} ms | 1x |"
    )
    print(
        f"| the Pool Customers page and count in raw SQL | {statistics.median(sql_floor):.1f} ms | "
        f"{percentile(sql_floor, 0.95):.1f} ms | |"
    )
    if "rush" in results:
        rush = results["rush"]
        print(
            f"\nMorning rush: {args.rush} salespeople (each logged in once) claim {args.rush_customers} freshly "
            f"pooled customers at the same moment, {args.in_flight} connections in flight at most (as a reverse "
            f"proxy would hold them), --workers {args.workers}; times from the common start, queueing included\n"
        )
        print("| outcome | calls | p50 | p95 |")
        print("|---|---:|---:|---:|")
        for label, values in (
            ("claim won", rush["won"]),
            ("refused (losers): claimed, or being claimed, by a colleague", rush["refused"]),
            ("refusal, 1 client alone", rush["alone"]),
        ):
            if values:
                print(
                    f"| {label} | {len(values)} | {statistics.median(values):.1f} ms | {percentile(values, 0.95):.1f} ms |"
                )
        print(
            "\nInside the server (from a worker taking the call to its answer: waits for row locks and "
            "Odoo's retries of serialization failures included, waiting for a worker not)\n"
        )
        print("| outcome | calls | p50 | p95 |")
        print("|---|---:|---:|---:|")
        for label, values in rush["inside"].items():
            if values:
                print(
                    f"| {label} | {len(values)} | {statistics.median(values):.1f} ms | {percentile(values, 0.95):.1f} ms |"
                )
        inside_losers, inside_alone = rush["inside"]["refused (losers)"], rush["inside"]["refusal, 1 client alone"]
        if inside_losers and inside_alone:
            print(
                f"\nlosers' p95 / a refusal alone's p95, inside the server: "
                f"{percentile(inside_losers, 0.95) / percentile(inside_alone, 0.95):.2f}x"
            )
        alone = rush["alone"]
        refused = rush["refused"]
        print(
            f"\nescaped errors: {len(rush['escaped'])} {[e.get('name') for e in rush['escaped'][:5]]}; "
            f"{rush['winners']} customers won, each with exactly one owner: {rush['one_owner']}; "
            f"refusal alone p95 / p50: {percentile(alone, 0.95) / statistics.median(alone):.2f}x"
            + (
                f"; losers' p95 / a refusal alone's p95: {percentile(refused, 0.95) / percentile(alone, 0.95):.2f}x"
                if refused
                else ""
            )
        )
    queries = results["queries"]
    print("\nQueries per call (median over the run, from the server's request log)\n")
    print("| call | queries: median (min-max) | calls |")
    print("|---|---:|---:|")
    for label, (median, low, high, calls) in queries.items():
        print(f"| {label} | {median:.0f} ({low}-{high}) | {calls} |")


def check(odoo, db, claimed_ids):
    with db.cursor() as cr:
        cr.execute(
            """SELECT count(*), count(DISTINCT partner_id) FROM crm_public_pool_log
                WHERE action = 'claim' AND partner_id = ANY(%s) AND date > now() AT TIME ZONE 'UTC' - interval '1 day'""",
            [claimed_ids],
        )
        rows, distinct = cr.fetchone()
        cr.execute("SELECT count(*) FROM res_partner WHERE id = ANY(%s) AND pool_state = 'private'", [claimed_ids])
        owned = cr.fetchone()[0]
        problems = pool_invariant_violations(cr)
    print(
        f"\n{len(claimed_ids):,} claims: {owned:,} customers owned, {rows:,} claim rows for {distinct:,} customers; "
        f"invariants: {'all hold' if not problems else problems[:5]}"
    )
    if problems or not rows == distinct == owned == len(claimed_ids):
        sys.exit(1)


if __name__ == "__main__":
    main()
