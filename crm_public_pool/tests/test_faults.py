import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from unittest.mock import patch

from psycopg2 import errors

import odoo
from odoo import api, fields
from odoo.tests import tagged
from odoo.tools import config, mute_logger

from odoo.addons.base.models.ir_cron import ir_cron

from ..models.engine_token import engine_statements
from ..models.res_partner_moves import ResPartner
from .races import CLAIMED, GAVE_UP, RaceCase

WORKER = os.path.join(os.path.dirname(__file__), "fault_worker.py")


class Interrupted(Exception):
    """Stands for a crash in the middle of a job."""


@tagged("post_install", "-at_install")
class TestFaults(RaceCase):
    """Jobs that die half-way, in this process or killed with SIGKILL: reruns converge, nothing is half-moved."""

    RACERS = 2

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            cls.rule_id = (
                env["crm.public.pool.rule"]
                .create(
                    {"pool_id": cls.pool_id, "name": "Faults: no follow-up", "rule_type": "no_followup", "days": 30}
                )
                .id
            )

    def setUp(self):
        super().setUp()
        # Customers of an earlier test must not be due for this one.
        with self.registry.cursor() as cr:
            cr.execute("UPDATE res_partner SET active = false WHERE pool_id = %s", [self.pool_id])

    def make_due(self, count):
        """``count`` customers of the first racer, not followed up for 60 days."""
        ids = self.make_customers(count, label="Due")
        with self.registry.cursor() as cr:
            env = self.env_for(cr)
            owner = env["res.users"].browse(self.user_ids[0])
            env["res.partner"].browse(ids)._pool_lock_rows()._pool_move_to_owner(owner, "assign")
            env.flush_all()
            long_ago = fields.Datetime.now() - timedelta(days=60)
            with engine_statements(cr):
                cr.execute(
                    "UPDATE res_partner SET pool_claim_date = %s, pool_last_followup_date = %s WHERE id IN %s",
                    [long_ago, long_ago, tuple(ids)],
                )
        return ids

    def recycle(self):
        with self.registry.cursor() as cr:
            return self.env_for(cr)["crm.public.pool"].browse(self.pool_id)._recycle_run(batch_size=2, commit=True)

    def assert_recycled_once(self, ids):
        self.assertEqual(set(self.owners(ids).values()), {(None, "pool")})
        self.assertEqual(self.log_counts(ids, "recycle"), dict.fromkeys(ids, 1))
        self.assert_invariants()

    def start_worker(self, *args):
        options = ["-d", self.registry.db_name, "--log-level=warn", "--addons-path", config["addons_path"]]
        for key in ("db_host", "db_port", "db_user", "db_password"):
            if config[key]:
                options += [f"--{key}", str(config[key])]
        environ = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(odoo.__file__)))
        return subprocess.Popen(
            [sys.executable, WORKER, *map(str, args), "--", *options],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=environ,
        )

    def wait_for(self, process, line):
        deadline = time.monotonic() + 120
        seen = []
        while time.monotonic() < deadline:
            out = process.stdout.readline()
            if not out:
                break
            seen.append(out.strip())
            if out.startswith(line):
                return out.strip()
        process.kill()
        self.fail(f"the worker never printed {line!r}: {seen}")

    def kill(self, process):
        # PostgreSQL sees the connection drop and rolls the worker's transaction back; a later
        # move of the same rows waits for that.
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        process.stdout.close()
        self.assertEqual(process.returncode, -signal.SIGKILL)

    def test_recycle_raising_after_a_batch_converges_on_rerun(self):
        due = self.make_due(7)
        calls = []

        def crash_after_first_batch(cron, *, done, remaining, deactivate=False):
            calls.append(done)
            raise Interrupted(f"crashed after {done} customers")

        with patch.object(ir_cron, "_notify_progress", crash_after_first_batch), self.assertRaises(Interrupted):
            self.recycle()
        self.assertEqual(calls, [2])
        owners = self.owners(due)
        moved = [pid for pid, (_owner, state) in owners.items() if state == "pool"]
        self.assertEqual(len(moved), 2, "the first batch was committed, nothing after it")
        self.assertEqual(self.log_counts(due, "recycle"), dict.fromkeys(moved, 1))
        self.assert_invariants()
        self.assertEqual(self.recycle(), 5, "the rerun moves only what is left")
        self.assert_recycled_once(due)

    def test_recycle_process_killed_between_batches_converges_on_rerun(self):
        due = self.make_due(9)
        worker = self.start_worker("recycle", self.pool_id)
        self.wait_for(worker, "committed 4")
        self.kill(worker)
        owners = self.owners(due)
        moved = [pid for pid, (_owner, state) in owners.items() if state == "pool"]
        # Killed after the second commit, maybe during the third batch: that one is rolled back.
        self.assertIn(len(moved), (4, 6), owners)
        self.assertEqual(self.log_counts(due, "recycle"), dict.fromkeys(moved, 1))
        self.assert_invariants()
        self.assertEqual(self.recycle(), 9 - len(moved))
        self.assert_recycled_once(due)

    def assert_nothing_moved_then_rerun(self, customers, receiver):
        self.assertEqual(set(self.owners(customers).values()), {(None, "pool")})
        self.assertFalse(self.log_counts(customers, "assign"))
        self.assert_invariants()
        with self.registry.cursor() as cr:
            self.env_for(cr, self.admin_id)["crm.public.pool"].browse(self.pool_id).pool_assign(customers, receiver)
        self.assertEqual(set(self.owners(customers).values()), {(receiver, "private")})
        self.assertEqual(self.log_counts(customers, "assign"), dict.fromkeys(customers, 1))
        self.assert_invariants()

    def test_assignment_raising_half_way_moves_nothing(self):
        customers = self.make_customers(30, label="Assign")
        receiver = self.user_ids[1]

        def crash_after_writing(partners, logs, message=None, user=None):
            raise Interrupted("crashed after the customer rows were written")

        with self.registry.cursor() as cr:
            env = self.env_for(cr, self.admin_id)
            pool = env["crm.public.pool"].browse(self.pool_id)
            with patch.object(ResPartner, "_pool_log", crash_after_writing), self.assertRaises(Interrupted):
                pool.pool_assign(customers, receiver)
            cr.rollback()
        self.assert_nothing_moved_then_rerun(customers, receiver)

    def test_assignment_process_killed_half_way_moves_nothing(self):
        customers = self.make_customers(200, label="Large Assign")
        receiver = self.user_ids[1]
        worker = self.start_worker("assign", self.pool_id, receiver, *customers)
        self.wait_for(worker, "written")
        self.kill(worker)
        self.assert_nothing_moved_then_rerun(customers, receiver)

    def hold_lock(self, partner_id, seconds, held):
        """Keep ``partner_id``'s row locked for ``seconds`` in another transaction."""
        with self.registry.cursor() as cr:
            cr.execute("SELECT id FROM res_partner WHERE id = %s FOR UPDATE", [partner_id])
            held.set()
            time.sleep(seconds)
            cr.rollback()

    # A claim never waits for a lock (test_rush.py): an assignment does, and shows the timeouts.

    def assign(self, env, customer):
        env["crm.public.pool"].browse(self.pool_id).pool_assign([customer], self.user_ids[1])

    def test_lock_timeout_is_retried(self):
        (customer,) = self.make_customers(1, label="Locked a while")
        held = threading.Event()
        holder = threading.Thread(target=self.hold_lock, args=(customer, 0.5, held))
        holder.start()
        held.wait(10)
        attempts = []

        def assign():
            attempts.append(1)
            env.cr.execute("SET LOCAL lock_timeout = '200ms'")
            self.assign(env, customer)

        with self.registry.cursor() as cr, mute_logger("odoo.sql_db"):
            env = self.env_for(cr, self.admin_id)
            outcome = self.with_retry(env, assign)
        holder.join()
        self.assertEqual(outcome, CLAIMED)
        self.assertGreater(len(attempts), 1, "the first attempt timed out on the lock and was retried")
        self.assertEqual(self.owners([customer])[customer], (self.user_ids[1], "private"))
        self.assertEqual(self.log_counts([customer], "assign"), {customer: 1})
        self.assert_invariants()

    def test_lock_held_too_long_is_reported_and_changes_nothing(self):
        (customer,) = self.make_customers(1, label="Locked long")
        held = threading.Event()
        holder = threading.Thread(target=self.hold_lock, args=(customer, 2, held))
        holder.start()
        held.wait(10)
        with self.registry.cursor() as cr:
            env = self.env_for(cr, self.admin_id)
            cr.execute("SET LOCAL lock_timeout = '200ms'")
            with mute_logger("odoo.sql_db"), self.assertRaises(errors.LockNotAvailable) as caught:
                self.assign(env, customer)
            cr.rollback()
        holder.join()
        self.assertIn("lock timeout", str(caught.exception))
        self.assertEqual(self.owners([customer])[customer], (None, "pool"))
        self.assertFalse(self.log_counts([customer], "assign"))
        self.assert_invariants()

    def test_serialization_failure_is_retried_without_half_moves(self):
        """Two admins assign overlapping batches: one wins whole, the other is refused whole."""
        customers = self.make_customers(10, label="Overlap")
        pool_jobs = [
            (self.admin_id, (customers[:6], self.user_ids[0])),
            (self.admin_id, (customers[4:], self.user_ids[1])),
        ]

        def assign(env, args):
            ids, uid = args
            return self.with_retry(
                env, lambda: env["crm.public.pool"].browse(self.pool_id).pool_assign(ids, uid), tries=20
            )

        outcomes = self.race(pool_jobs, assign)
        self.assertNotIn(GAVE_UP, outcomes)
        self.assertEqual(outcomes.count(CLAIMED), 1, outcomes)
        winner = outcomes.index(CLAIMED)
        ids, uid = pool_jobs[winner][1]
        owners = self.owners(customers)
        self.assertEqual({owners[pid] for pid in ids}, {(uid, "private")})
        self.assertEqual({owners[pid] for pid in customers if pid not in ids}, {(None, "pool")})
        self.assertEqual(self.log_counts(customers, "assign"), dict.fromkeys(ids, 1))
        self.assert_invariants()
