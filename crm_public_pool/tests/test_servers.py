"""Two Odoo servers, each with its own cron threads, over the test database.

Salespeople claim through both servers' JSON-RPC (logged-in sessions, as the web client does),
an administrator assigns through both, and the daily recycle job is triggered on both at the same
moment. With ``crm_public_pool_queue`` installed the servers also run ``queue_job``'s runner (one
is elected) and the recycle runs as jobs. Nothing here may depend on which server did what.
"""

import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta

import requests

import odoo
from odoo import api, fields
from odoo.tests import tagged
from odoo.tools import config

from ..models.engine_token import engine_statements
from .races import RaceCase

SERVERS = 2
CLAIMABLE = 30
ASSIGNABLE = 20
DUE = 40
PASSWORD = "several-servers"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Session:
    """A logged-in web client session on one server."""

    def __init__(self, url, db, login):
        self.url = url
        self.http = requests.Session()
        self.call("/web/session/authenticate", {"db": db, "login": login, "password": PASSWORD})

    def call(self, path, params):
        response = self.http.post(
            self.url + path, json={"jsonrpc": "2.0", "method": "call", "params": params}, timeout=120
        )
        response.raise_for_status()
        body = response.json()
        if "error" in body:
            return None, body["error"]["data"]
        return body["result"], None

    def call_kw(self, model, method, args):
        return self.call(
            f"/web/dataset/call_kw/{model}/{method}", {"model": model, "method": method, "args": args, "kwargs": {}}
        )


@tagged("post_install", "-at_install")
class TestSeveralServers(RaceCase):
    """Claims, assignments and the daily job on two servers at once keep every invariant."""

    RACERS = 6

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.log_dir = tempfile.mkdtemp(prefix="pool_servers_")
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            users = env["res.users"].browse([*cls.user_ids, cls.admin_id])
            users.write({"password": PASSWORD, "pool_max_customers": 1000})
            env["crm.public.pool.rule"].create(
                {
                    "pool_id": cls.pool_id,
                    "name": "Servers: no follow-up",
                    "rule_type": "no_followup",
                    "days": 30,
                    "warn_days": 0,
                }
            )
            cls.with_queue = bool(
                env["ir.module.module"].search_count(
                    [("name", "=", "crm_public_pool_queue"), ("state", "=", "installed")]
                )
            )
            cls.cron_id = env.ref("crm_public_pool.ir_cron_pool_recycle").id
            # Only this test's pool may move: park the other pools' rules and escalations.
            cr.execute(
                "UPDATE crm_public_pool_rule SET active = false WHERE pool_id != %s AND active RETURNING id",
                [cls.pool_id],
            )
            cls.parked_rules = [row[0] for row in cr.fetchall()]
            cr.execute(
                "UPDATE crm_public_pool SET unclaimed_days = 0 WHERE id != %s AND unclaimed_days > 0 RETURNING id, unclaimed_days",
                [cls.pool_id],
            )
            cls.parked_escalations = cr.fetchall()
            cr.execute("SELECT nextcall FROM ir_cron WHERE id = %s", [cls.cron_id])
            cls.cron_nextcall = cr.fetchone()[0]
        cls.release_idle_connections()
        cls.servers = [cls.start_server(index) for index in range(SERVERS)]

    @classmethod
    def tearDownClass(cls):
        for process, _url, _log in cls.servers:
            process.terminate()
        for process, _url, _log in cls.servers:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        with cls.registry.cursor() as cr:
            cr.execute("UPDATE crm_public_pool_rule SET active = true WHERE id = ANY(%s)", [cls.parked_rules])
            for pool_id, days in cls.parked_escalations:
                cr.execute("UPDATE crm_public_pool SET unclaimed_days = %s WHERE id = %s", [days, pool_id])
            cr.execute("UPDATE ir_cron SET nextcall = %s WHERE id = %s", [cls.cron_nextcall, cls.cron_id])
            if cls.with_queue:
                cr.execute("DELETE FROM queue_job WHERE channel = 'root.crm_public_pool'")
        cls.registry.clear_cache()
        shutil.rmtree(cls.log_dir, ignore_errors=True)
        super().tearDownClass()

    @classmethod
    def start_server(cls, index):
        port = free_port()
        log = os.path.join(cls.log_dir, f"server{index}.log")
        options = [
            "-d",
            cls.registry.db_name,
            "--db-filter",
            f"^{cls.registry.db_name}$",
            "--addons-path",
            config["addons_path"],
            "--http-interface",
            "127.0.0.1",
            "--http-port",
            str(port),
            "--gevent-port",
            str(free_port()),
            "--workers",
            "0",
            "--max-cron-threads",
            "2",
            "--load",
            "base,web,queue_job" if cls.with_queue else "base,web",
            "--log-level",
            "info",
            "--logfile",
            log,
        ]
        for key in ("db_host", "db_port", "db_user", "db_password"):
            if config[key]:
                options += [f"--{key}", str(config[key])]
        environ = dict(
            os.environ,
            TZ="UTC",
            PYTHONPATH=os.path.dirname(os.path.dirname(odoo.__file__)),
            ODOO_QUEUE_JOB_CHANNELS="root:2,root.crm_public_pool:2",
        )
        process = subprocess.Popen(
            [sys.executable, "-m", "odoo", "server", *options],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=environ,
        )
        return process, f"http://127.0.0.1:{port}", log

    def wait_until_serving(self):
        deadline = time.monotonic() + 300
        for process, url, log in self.servers:
            while True:
                self.assertIsNone(process.poll(), f"server {url} exited; see {log}")
                try:
                    answered = requests.post(url + "/web/webclient/version_info", json={}, timeout=30).ok
                except (requests.ConnectionError, requests.Timeout):
                    answered = False  # still starting (a loaded machine takes its time)
                if answered:
                    break
                self.assertLess(time.monotonic(), deadline, f"server {url} never answered; see {log}")
                time.sleep(0.5)

    def session(self, index, uid):
        login = self.fetch("SELECT login FROM res_users WHERE id = %s", [uid])[0][0]
        return Session(self.servers[index % SERVERS][1], self.registry.db_name, login)

    def make_due(self, count):
        ids = self.make_customers(count, label="Servers Due")
        with self.registry.cursor() as cr:
            env = self.env_for(cr)
            owner = env["res.users"].browse(self.admin_id)
            env["res.partner"].browse(ids)._pool_lock_rows()._pool_move_to_owner(owner, "assign")
            env.flush_all()
            long_ago = fields.Datetime.now() - timedelta(days=60)
            with engine_statements(cr):
                cr.execute(
                    "UPDATE res_partner SET pool_claim_date = %s, pool_last_followup_date = %s WHERE id IN %s",
                    [long_ago, long_ago, tuple(ids)],
                )
        return ids

    def trigger_daily_job(self):
        """Make the daily job due now and wake every server's cron threads at the same moment."""
        with self.registry.cursor() as cr:
            cr.execute(
                "UPDATE ir_cron SET nextcall = now() at time zone 'UTC' - interval '1 second' WHERE id = %s",
                [self.cron_id],
            )
        with odoo.sql_db.db_connect("postgres").cursor() as cr:
            cr.execute("SELECT pg_notify('cron_trigger', %s)", [self.registry.db_name])

    def test_claims_assignments_and_the_daily_job_on_two_servers(self):
        claimable = self.make_customers(CLAIMABLE, label="Servers Claimable")
        assignable = self.make_customers(ASSIGNABLE, label="Servers Assignable")
        due = self.make_due(DUE)
        self.wait_until_serving()
        started = fields.Datetime.now()
        barrier = threading.Barrier(2 * len(self.user_ids) + 2 + 1)
        outcomes = {"claims": [], "assignments": []}
        lock = threading.Lock()

        def claimer(index, uid):
            session = self.session(index, uid)
            order = list(claimable)
            random.Random(index).shuffle(order)
            barrier.wait(timeout=120)
            for partner_id in order:
                result, error = session.call_kw("res.partner", "action_pool_claim", [[partner_id]])
                with lock:
                    outcomes["claims"].append((uid, partner_id, error))

        def assigner(index, batch, receiver):
            session = self.session(index, self.admin_id)
            barrier.wait(timeout=120)
            _result, error = session.call_kw("crm.public.pool", "pool_assign", [[self.pool_id], batch, receiver])
            with lock:
                outcomes["assignments"].append((batch, receiver, error))

        threads = [
            threading.Thread(target=claimer, args=(index, uid))
            for index, uid in enumerate(self.user_ids + self.user_ids)
        ]
        threads += [
            threading.Thread(target=assigner, args=(0, assignable[:12], self.user_ids[0])),
            threading.Thread(target=assigner, args=(1, assignable[8:], self.user_ids[1])),
        ]
        for thread in threads:
            thread.start()
        barrier.wait(timeout=120)
        self.trigger_daily_job()
        for thread in threads:
            thread.join(timeout=300)
        self.assertFalse([t for t in threads if t.is_alive()], "a client is stuck")
        self.wait_for_daily_job(due, started)

        # Claims: one owner and one claim row per customer; every other call a clear refusal.
        claimed = [(uid, pid) for uid, pid, error in outcomes["claims"] if error is None]
        refusals = [error for _uid, _pid, error in outcomes["claims"] if error is not None]
        self.assertEqual(sorted(pid for _uid, pid in claimed), sorted(claimable), "each customer claimed exactly once")
        clean = re.compile("no longer in the pool|Being claimed by a colleague|Claimed or changed by a colleague")
        self.assertTrue(
            all(e["name"] == "odoo.exceptions.UserError" and clean.search(e["message"]) for e in refusals),
            {e["name"]: e["message"] for e in refusals if not clean.search(e.get("message", ""))},
        )
        self.assertEqual(self.owners(claimable), {pid: (uid, "private") for uid, pid in claimed})
        self.assertEqual(self.log_counts(claimable, "claim"), dict.fromkeys(claimable, 1))

        # Overlapping assignments through two servers: one wins whole, the other is refused whole.
        won = [(batch, receiver) for batch, receiver, error in outcomes["assignments"] if error is None]
        lost = [error for _batch, _receiver, error in outcomes["assignments"] if error is not None]
        self.assertEqual(len(won), 1, outcomes["assignments"])
        self.assertEqual(lost[0]["name"], "odoo.exceptions.UserError", lost)
        batch, receiver = won[0]
        owners = self.owners(assignable)
        self.assertEqual({owners[pid] for pid in batch}, {(receiver, "private")})
        self.assertEqual({owners[pid] for pid in assignable if pid not in batch}, {(None, "pool")})
        self.assertEqual(self.log_counts(assignable, "assign"), dict.fromkeys(batch, 1))

        # The daily job: every due customer recycled once, the job run once for both servers.
        self.assertEqual(set(self.owners(due).values()), {(None, "pool")})
        self.assertEqual(self.log_counts(due, "recycle"), dict.fromkeys(due, 1))
        runs = self.fetch(
            "SELECT count(*) FROM ir_cron_progress WHERE cron_id = %s AND create_date >= %s", [self.cron_id, started]
        )
        self.assertEqual(runs[0][0], 1, "the daily job ran once, whatever the number of servers")
        nextcall = self.fetch("SELECT nextcall FROM ir_cron WHERE id = %s", [self.cron_id])[0][0]
        self.assertGreater(nextcall, fields.Datetime.now() + timedelta(hours=12), "and is next due tomorrow")
        if self.with_queue:
            jobs = self.fetch(
                "SELECT identity_key, state FROM queue_job WHERE channel = 'root.crm_public_pool' AND date_created >= %s",
                [started],
            )
            self.assertTrue(jobs)
            self.assertEqual(len({key for key, _state in jobs}), len(jobs), "each job enqueued once")
            self.assertEqual({state for _key, state in jobs}, {"done"})
        self.assert_invariants()

    def wait_for_daily_job(self, due, started):
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            pending = self.fetch(
                "SELECT count(*) FROM queue_job WHERE channel = 'root.crm_public_pool' AND state != 'done'"
                if self.with_queue
                else "SELECT 0"
            )[0][0]
            ran = self.fetch("SELECT lastcall >= %s FROM ir_cron WHERE id = %s", [started, self.cron_id])[0][0]
            if ran and not pending and all(state == "pool" for _owner, state in self.owners(due).values()):
                return
            time.sleep(1)
        logs = "\n".join(open(log, encoding="utf-8").read()[-3000:] for _p, _u, log in self.servers)
        self.fail(f"the daily job did not finish on the servers:\n{logs}")
