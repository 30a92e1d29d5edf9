import random
import threading
import time
from functools import partial

from psycopg2 import OperationalError

from odoo import api
from odoo.api import Transaction
from odoo.exceptions import UserError
from odoo.modules.registry import Registry
from odoo.service.model import MAX_TRIES_ON_CONCURRENCY_FAILURE, PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tests import tagged
from odoo.tests.common import BaseCase, get_db_name
from odoo.tools import mute_logger

from .invariants import pool_invariant_violations

ROUNDS = 5


class RegistrationRefused(Exception):
    """A registration ended in another state than registered."""


@tagged("post_install", "-at_install")
class TestConcurrency(BaseCase):
    """Real parallel transactions, each on its own cursor, committed like RPC requests."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {"tracking_disable": True})
            group = env.ref("sales_team.group_sale_salesman")
            users = env["res.users"].create(
                [{"name": f"Racer {i}", "login": f"pool_racer_{i}", "groups_id": [(6, 0, group.ids)]} for i in range(4)]
            )
            pool = env["crm.public.pool"].create({"name": "Race Pool", "member_user_ids": [(6, 0, users.ids)]})
            cls.user_ids = users.ids
            cls.pool_id = pool.id

    @classmethod
    def tearDownClass(cls):
        with cls.registry.cursor() as cr:
            cr.execute("DELETE FROM crm_public_pool_log WHERE pool_id = %s", [cls.pool_id])
            cr.execute("DELETE FROM res_partner WHERE pool_id = %s", [cls.pool_id])
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            env["crm.public.pool"].browse(cls.pool_id).unlink()
            env["res.users"].browse(cls.user_ids).action_archive()
        super().tearDownClass()

    def _make_customers(self, count):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {"tracking_disable": True})
            return env["res.partner"].create(
                [{"name": f"Race Customer {i}", "is_company": True, "pool_id": self.pool_id} for i in range(count)]
            ).ids

    def _race(self, jobs, work=None):
        """Run (uid, partner_ids) claims (or ``work(env, args)``) at the same moment; return each outcome."""
        barrier = threading.Barrier(len(jobs))
        outcomes = [None] * len(jobs)

        def claim(index, uid, partner_ids):
            with self.registry.cursor() as cr:
                # The test runner holds the registry lock: give the cursor its transaction
                # directly instead of letting Environment look the registry up.
                cr.transaction = Transaction(self.registry)
                env = api.Environment(cr, uid, {})
                barrier.wait(timeout=30)
                if work:
                    outcomes[index] = self._with_retry(env, partial(work, env, partner_ids))
                else:
                    outcomes[index] = self._claim_with_retry(env, partner_ids)

        threads = [threading.Thread(target=claim, args=(i, uid, ids)) for i, (uid, ids) in enumerate(jobs)]
        # Serialization failures are expected here; Odoo logs each as a bad query.
        with mute_logger("odoo.sql_db"):
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=120)
        return outcomes

    @staticmethod
    def _claim_with_retry(env, partner_ids):
        return TestConcurrency._with_retry(env, lambda: env["res.partner"].browse(partner_ids).action_pool_claim())

    @staticmethod
    def _with_retry(env, action):
        """Retry on serialization failures like Odoo's RPC layer does (service.model.retrying)."""
        for attempt in range(MAX_TRIES_ON_CONCURRENCY_FAILURE):
            try:
                action()
                env.cr.commit()
                return "claimed"
            except (UserError, RegistrationRefused) as error:
                env.cr.rollback()
                return str(error)
            except OperationalError as error:
                if not isinstance(error, PG_CONCURRENCY_EXCEPTIONS_TO_RETRY):
                    raise
                env.cr.rollback()
                time.sleep(random.uniform(0, 0.1 * 2**attempt))
        return "gave up"

    def _assert_invariants(self):
        with self.registry.cursor() as cr:
            problems = pool_invariant_violations(cr)
        self.assertFalse(problems, "\n".join(problems))

    def _state(self, partner_ids):
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT id, user_id, pool_state FROM res_partner WHERE id IN %s ORDER BY id", [tuple(partner_ids)]
            )
            rows = cr.fetchall()
            cr.execute(
                "SELECT partner_id, count(*) FROM crm_public_pool_log WHERE partner_id IN %s AND action = 'claim' "
                "GROUP BY partner_id",
                [tuple(partner_ids)],
            )
            return rows, dict(cr.fetchall())

    def test_two_users_claim_one_customer_exactly_one_wins(self):
        for _round in range(ROUNDS):
            (customer,) = self._make_customers(1)
            outcomes = self._race([(self.user_ids[0], [customer]), (self.user_ids[1], [customer])])
            self.assertEqual(outcomes.count("claimed"), 1, outcomes)
            loser = next(o for o in outcomes if o != "claimed")
            self.assertIn("no longer in the pool", loser)
            rows, claims = self._state([customer])
            (_id, owner, state), = rows
            self.assertEqual(state, "private")
            self.assertIn(owner, self.user_ids[:2])
            self.assertEqual(claims, {customer: 1}, "exactly one claim row")
            self._assert_invariants()

    def test_parallel_claims_never_exceed_the_owner_cap(self):
        uid = self.user_ids[2]
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            env["res.users"].browse(uid).pool_max_customers = 2
        for _round in range(ROUNDS):
            customers = self._make_customers(4)
            outcomes = self._race([(uid, [customer]) for customer in customers])
            rows, claims = self._state(customers)
            owned = [row for row in rows if row[1] == uid]
            with self.registry.cursor() as cr:
                cr.execute("SELECT count(*) FROM res_partner WHERE user_id = %s AND pool_state = 'private'", [uid])
                total_owned = cr.fetchone()[0]
            self.assertEqual(total_owned, 2, outcomes)
            self.assertEqual(sum(claims.values()), len(owned))
            refused = [o for o in outcomes if o != "claimed"]
            self.assertTrue(all("they own 2 of 2 allowed" in o for o in refused), refused)
            self._assert_invariants()
            with self.registry.cursor() as cr:
                env = api.Environment(cr, uid, {})
                env["res.partner"].browse([row[0] for row in owned]).pool_release("no_need")

    def test_two_registrations_of_one_new_company_collide(self):
        def register(env, args):
            name, phone = args
            registration = env["crm.public.pool.registration"].create({"name": name, "phone": phone})
            registration.action_submit()
            if registration.state != "registered":
                raise RegistrationRefused(f"{registration.state}: {registration.result_message}")

        for round_ in range(ROUNDS):
            name = ["Qingdao Brewery", "Anhui Conch Cement", "Gree Electric", "Harbin Pharma", "Longsheng Dyes"][round_]
            phone = f"+86 21 5555 01{round_:02d}"
            outcomes = self._race([(uid, (name, phone)) for uid in self.user_ids[:2]], work=register)
            self.assertEqual(outcomes.count("claimed"), 1, outcomes)
            with self.registry.cursor() as cr:
                cr.execute(
                    "SELECT count(*) FROM res_partner WHERE name = %s AND pool_state IS NOT NULL", [name]
                )
                self.assertEqual(cr.fetchone()[0], 1, "one customer, not two")
                cr.execute("DELETE FROM crm_public_pool_registration WHERE name = %s", [name])
                cr.execute("UPDATE res_partner SET pool_id = %s WHERE name = %s", [self.pool_id, name])
