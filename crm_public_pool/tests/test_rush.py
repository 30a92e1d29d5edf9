"""The morning rush: a claim that meets a colleague's claim of the same customer answers at once."""

import time

from odoo import api
from odoo.exceptions import UserError
from odoo.tests import tagged

from .races import CLAIMED, RaceCase

BEING_CLAIMED = "Being claimed by a colleague right now"
JUST_CLAIMED = "Claimed or changed by a colleague a moment ago"


@tagged("post_install", "-at_install")
class TestRush(RaceCase):
    RACERS = 3

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The refusal is checked in the salesperson's 简体中文 too. The racers' cursors see only what
        # is committed, so the language is activated in a committed transaction, and deactivated
        # again afterwards when this class activated it: the database keeps the languages it had.
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            cls.activated_chinese = not env["res.lang"]._get_code("zh_CN")
            env["res.lang"]._activate_lang("zh_CN")

    @classmethod
    def tearDownClass(cls):
        if cls.activated_chinese:
            with cls.registry.cursor() as cr:
                env = api.Environment(cr, api.SUPERUSER_ID, {})
                env["res.lang"].with_context(active_test=False).search([("code", "=", "zh_CN")]).active = False
        super().tearDownClass()

    def test_a_claim_meeting_a_claim_in_flight_is_refused_at_once(self):
        (customer,) = self.make_customers(1, label="Rush In Flight")
        winner, loser = self.user_ids[:2]
        with self.registry.cursor() as first:
            env = self.env_for(first, winner)
            env["res.partner"].browse(customer).action_pool_claim()  # row locked, not committed
            with self.registry.cursor() as second:
                env2 = self.env_for(second, loser)
                # Waiting for the lock would wait for this very thread: fail instead of hanging.
                second.execute("SET LOCAL lock_timeout = '3s'")
                started = time.perf_counter()
                with self.assertRaises(UserError) as refusal:
                    env2["res.partner"].browse(customer).action_pool_claim()
                waited = time.perf_counter() - started
                self.assertIn(BEING_CLAIMED, str(refusal.exception))
                self.assertIn("Rush In Flight 0", str(refusal.exception))
                # It did not queue behind the lock, and its transaction is still usable.
                self.assertLess(waited, 2.0)
                second.execute("SELECT 1")
                # In the salesperson's language.
                with self.assertRaisesRegex(UserError, "同事正在认领：Rush In Flight 0"):
                    env2["res.partner"].with_context(lang="zh_CN").browse(customer).action_pool_claim()
                second.rollback()
            first.commit()
        self.assertEqual(self.owners([customer]), {customer: (winner, "private")})
        self.assertEqual(self.log_counts([customer], "claim"), {customer: 1})
        self.assert_invariants()

    def test_a_claim_that_started_before_a_colleague_won_is_refused_without_a_retry(self):
        (customer,) = self.make_customers(1, label="Rush Just Won")
        winner, loser = self.user_ids[:2]
        with self.registry.cursor() as late:
            env_late = self.env_for(late, loser)
            # The loser's transaction takes its snapshot (as a request does with its session check).
            late.execute("SELECT 1 FROM res_partner WHERE id = %s", [customer])
            with self.registry.cursor() as first:
                self.env_for(first, winner)["res.partner"].browse(customer).action_pool_claim()
                first.commit()
            with self.assertRaises(UserError) as refusal:
                env_late["res.partner"].browse(customer).action_pool_claim()
            self.assertIn(JUST_CLAIMED, str(refusal.exception))
            late.rollback()
        self.assertEqual(self.owners([customer]), {customer: (winner, "private")})
        self.assertEqual(self.log_counts([customer], "claim"), {customer: 1})

    def test_rush_every_loser_is_refused_cleanly_and_once(self):
        """Three salespeople on one customer, many rounds, no retry by the caller: one owner each time."""
        for _round in range(6):
            (customer,) = self.make_customers(1, label="Rush Round")
            outcomes = self.race([(uid, [customer]) for uid in self.user_ids], self.claim_once)
            self.assertEqual(outcomes.count(CLAIMED), 1, outcomes)
            for outcome in outcomes:
                if outcome != CLAIMED:
                    self.assertTrue(
                        any(text in outcome for text in ("no longer in the pool", BEING_CLAIMED, JUST_CLAIMED)),
                        outcome,
                    )
            self.assertEqual(self.log_counts([customer], "claim"), {customer: 1})
        self.assert_invariants()

    def claim_once(self, env, partner_ids):
        """One try, as a request Odoo would not need to replay: a concurrency error is a failure here."""
        return self.with_retry(env, lambda: env["res.partner"].browse(partner_ids).action_pool_claim(), tries=1)
