"""Real parallel transactions for the concurrency and fault tests.

Each worker is a thread with its own database cursor that commits like an RPC request and
retries serialization failures, lock timeouts and deadlocks like Odoo's RPC layer
(``odoo.service.model.retrying``), with shorter waits.
"""

import random
import threading
import time
import uuid

from psycopg2 import OperationalError

from odoo import api, sql_db
from odoo.api import Transaction
from odoo.exceptions import UserError
from odoo.modules.registry import Registry
from odoo.service.model import MAX_TRIES_ON_CONCURRENCY_FAILURE, PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tests.common import BaseCase, get_db_name
from odoo.tools import mute_logger

from .invariants import pool_invariant_violations

CLAIMED = "claimed"
GAVE_UP = "gave up"


class Refused(Exception):
    """A worker's action ended in a business refusal that is not a UserError."""


class RaceCase(BaseCase):
    """A pool of ``RACERS`` salespeople on committed data, and helpers to race them."""

    RACERS = 4

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {"tracking_disable": True})
            group = env.ref("sales_team.group_sale_salesman")
            # The users are committed and only archived afterwards (their audit rows name them): a
            # run of its own per login, so that the file can run again on the same database.
            prefix = f"{cls.__name__.lower()}_{uuid.uuid4().hex[:8]}"
            users = env["res.users"].create(
                [
                    {
                        "name": f"{cls.__name__} Racer {i}",
                        "login": f"{prefix}_racer_{i}",
                        "groups_id": [(6, 0, group.ids)],
                    }
                    for i in range(cls.RACERS)
                ]
            )
            admin = env["res.users"].create(
                {
                    "name": f"{cls.__name__} Admin",
                    "login": f"{prefix}_admin",
                    "groups_id": [(6, 0, (group | env.ref("crm_public_pool.group_pool_admin")).ids)],
                }
            )
            pool = env["crm.public.pool"].create(
                {
                    "name": f"{cls.__name__} Pool",
                    "member_user_ids": [(6, 0, (users | admin).ids)],
                    "admin_user_ids": [(6, 0, admin.ids)],
                }
            )
            cls.user_ids = users.ids
            cls.admin_id = admin.id
            cls.pool_id = pool.id

    @classmethod
    def tearDownClass(cls):
        with cls.registry.cursor() as cr:
            cls.purge_audit_rows(cr, "pool_id = %s OR from_pool_id = %s", [cls.pool_id] * 2)
            cr.execute("DELETE FROM crm_public_pool_claim_request WHERE pool_id = %s", [cls.pool_id])
            cr.execute("DELETE FROM res_partner WHERE pool_id = %s", [cls.pool_id])
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            env["crm.public.pool"].browse(cls.pool_id).unlink()
            env["res.users"].browse([*cls.user_ids, cls.admin_id]).action_archive()
        cls.release_idle_connections()
        super().tearDownClass()

    @staticmethod
    def purge_audit_rows(cr, where, params):
        """Delete the audit rows of committed test data matching ``where``.

        The audit log refuses every deletion (crm_public_pool_log_immutable); the table's owner
        lifts that guard for this cleanup alone, inside the cleanup's own transaction.
        """
        cr.execute("ALTER TABLE crm_public_pool_log DISABLE TRIGGER crm_public_pool_log_immutable")
        cr.execute(f"DELETE FROM crm_public_pool_log WHERE {where}", params)  # noqa: S608 - the tests' own condition
        cr.execute("ALTER TABLE crm_public_pool_log ENABLE TRIGGER crm_public_pool_log_immutable")

    @classmethod
    def purge_customers(cls, cr, where, params):
        """Delete committed test customers matching ``where``, their contacts and audit rows."""
        customers = f"SELECT id FROM res_partner WHERE {where}"  # noqa: S608 - the tests' own condition
        cls.purge_audit_rows(cr, f"partner_id IN ({customers})", params)
        cr.execute(f"DELETE FROM res_partner WHERE commercial_partner_id IN ({customers})", params)  # noqa: S608

    @staticmethod
    def release_idle_connections():
        """Close the racers' connections now: Odoo's pool keeps them open for 10 idle minutes, and
        test runs side by side on one PostgreSQL would exhaust its connections."""
        pool = sql_db._Pool  # noqa: SLF001 - no public way to close only the idle ones
        for cnx, used, _last_used in list(pool._connections if pool else ()):  # noqa: SLF001
            if not used:
                cnx.close()

    def env_for(self, cr, uid=api.SUPERUSER_ID):
        # The test runner holds the registry lock: give a worker's cursor its transaction
        # directly instead of letting Environment look the registry up.
        cr.transaction = Transaction(self.registry)
        return api.Environment(cr, uid, {})

    def make_customers(self, count, label="Race Customer"):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {"tracking_disable": True})
            return (
                env["res.partner"]
                .create([{"name": f"{label} {i}", "is_company": True, "pool_id": self.pool_id} for i in range(count)])
                .ids
            )

    def race(self, jobs, work):
        """Start ``work(env, args)`` for every ``(uid, args)`` of ``jobs`` at the same moment.

        Returns each worker's result, or the exception it raised.
        """
        barrier = threading.Barrier(len(jobs))
        outcomes = [None] * len(jobs)

        def run(index, uid, args):
            try:
                with self.registry.cursor() as cr:
                    env = self.env_for(cr, uid)
                    barrier.wait(timeout=60)
                    outcomes[index] = work(env, args)
            except Exception as error:  # noqa: BLE001 - reported to the test, which fails on it
                outcomes[index] = error

        threads = [threading.Thread(target=run, args=(i, uid, args)) for i, (uid, args) in enumerate(jobs)]
        # Serialization failures are expected here; Odoo logs each as a bad query.
        with mute_logger("odoo.sql_db"):
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=300)
        self.assertFalse([t for t in threads if t.is_alive()], "a worker is stuck")
        crashes = [o for o in outcomes if isinstance(o, Exception)]
        self.assertFalse(crashes, f"workers crashed: {crashes!r}")
        return outcomes

    @staticmethod
    def with_retry(env, action, tries=MAX_TRIES_ON_CONCURRENCY_FAILURE):
        """Run ``action()`` and commit; return ``CLAIMED``, the refusal's message, or ``GAVE_UP``."""
        for attempt in range(tries):
            try:
                action()
                env.cr.commit()
                return CLAIMED
            except (UserError, Refused) as error:
                env.cr.rollback()
                return str(error)
            except OperationalError as error:
                if not isinstance(error, PG_CONCURRENCY_EXCEPTIONS_TO_RETRY):
                    raise
                env.cr.rollback()
                env.invalidate_all()
                time.sleep(random.uniform(0, 0.05 * 2 ** min(attempt, 4)))
        return GAVE_UP

    def claim(self, env, partner_ids, tries=MAX_TRIES_ON_CONCURRENCY_FAILURE):
        return self.with_retry(env, lambda: env["res.partner"].browse(partner_ids).action_pool_claim(), tries)

    def assert_invariants(self):
        with self.registry.cursor() as cr:
            problems = pool_invariant_violations(cr)
        self.assertFalse(problems, "pool invariants violated:\n" + "\n".join(problems))

    def fetch(self, query, params=()):
        with self.registry.cursor() as cr:
            cr.execute(query, params)
            return cr.fetchall()

    def owners(self, partner_ids):
        """{customer id: (owner id, pool_state)} as committed."""
        rows = self.fetch("SELECT id, user_id, pool_state FROM res_partner WHERE id IN %s", [tuple(partner_ids)])
        return {pid: (owner, state) for pid, owner, state in rows}

    def log_counts(self, partner_ids, action):
        rows = self.fetch(
            "SELECT partner_id, count(*) FROM crm_public_pool_log WHERE partner_id IN %s AND action = %s GROUP BY partner_id",
            [tuple(partner_ids), action],
        )
        return dict(rows)
