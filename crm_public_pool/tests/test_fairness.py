from odoo.exceptions import AccessError
from odoo.tests import tagged

from .test_recycle import RecycleCase


@tagged("post_install", "-at_install")
class TestFairnessReport(RecycleCase):
    """The manager sees the gaming the audit log records: pass-backs, idle claims, clock notes, hoarding."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Report = cls.env["crm.public.pool.fairness.report"]
        cls.pool.reclaim_cooldown_days = 0
        cls.pool.entry_lock_hours = 0

    def rows(self, kind, **where):
        self.Report._fairness_refresh()
        domain = [("kind", "=", kind)] + [(field, "=", value.id) for field, value in where.items()]
        return self.Report.search(domain)

    def pass_back(self, partner, giver, taker):
        partner.with_user(giver).pool_release("no_need")
        partner.with_user(taker).action_pool_claim()

    def test_two_friends_passing_a_customer_back_and_forth(self):
        customer = self.customers[0]
        self.pass_back(customer, self.user_a, self.user_b)
        self.pass_back(customer, self.user_b, self.user_a)
        self.pass_back(customer, self.user_a, self.user_b)
        a_to_b = self.rows("passback", user_id=self.user_a, other_user_id=self.user_b)
        b_to_a = self.rows("passback", user_id=self.user_b, other_user_id=self.user_a)
        self.assertEqual((sum(a_to_b.mapped("count")), sum(b_to_a.mapped("count"))), (2, 1))
        self.assertEqual(a_to_b.partner_id, customer)
        self.assertEqual(a_to_b.team_id, self.team_east)
        self.assertEqual(a_to_b.pool_id, self.pool)

    def test_releasing_and_claiming_back_oneself_is_no_pass(self):
        customer = self.customers[0]
        self.pass_back(customer, self.user_a, self.user_a)
        self.assertFalse(self.rows("passback", partner_id=customer))

    def test_claims_never_followed_up(self):
        self.backdate(self.customers[:2], claim_days=10)
        self.backdate(self.customers[2:3], claim_days=10, followup_days=2)
        self.backdate(self.customers[3:4], claim_days=3)
        rows = self.rows("claim_no_followup", user_id=self.user_a)
        self.assertEqual(rows.partner_id, self.customers[:2])

    def test_a_short_note_right_after_the_warning(self):
        self.rule(days=30, warn_days=5)
        self.backdate(self.customers[:2], claim_days=27)
        self.run_cron()
        self.customers[0].with_user(self.user_a).message_post(body="ok", message_type="comment")
        self.customers[1].with_user(self.user_a).message_post(
            body="Called the buyer, they want a quote for 200 units by Friday; sent the price list.",
            message_type="comment",
        )
        rows = self.rows("clock_notes", user_id=self.user_a)
        self.assertEqual(rows.partner_id, self.customers[0])

    def test_stale_customers_held_at_the_limit(self):
        self.set_limit(self.user_a, owned=10)
        self.backdate(self.customers[:4], claim_days=40)
        rows = self.rows("held_at_limit", user_id=self.user_a)
        self.assertEqual(rows.partner_id, self.customers[:4])
        self.set_limit(self.user_a, owned=11)
        self.assertFalse(self.rows("held_at_limit", user_id=self.user_a), "below the limit: not hoarding")

    def test_where_recycled_customers_go(self):
        self.rule(days=30)
        self.backdate(self.customers[:1], claim_days=31)
        self.run_cron()
        self.customers[0].with_user(self.user_b).action_pool_claim()
        rows = self.rows("after_recycle", user_id=self.user_a)
        self.assertEqual((rows.other_user_id, rows.partner_id), (self.user_b, self.customers[0]))

    def test_admins_see_their_pools_salespeople_nothing(self):
        self.pass_back(self.customers[0], self.user_a, self.user_b)
        self.south_customer.with_user(self.user_c).action_pool_claim()
        self.backdate(self.south_customer, claim_days=10)
        self.Report._fairness_refresh()
        seen = self.Report.with_user(self.admin).search([])
        self.assertEqual(seen.pool_id, self.pool)
        self.assertTrue(self.Report.with_user(self.manager).search([("pool_id", "=", self.south_pool.id)]))
        with self.assertRaises(AccessError):
            self.Report.with_user(self.user_a).search([])

    def test_only_managers_recompute(self):
        with self.assertRaises(AccessError):
            self.Report.with_user(self.admin).action_fairness_refresh()
        self.assertEqual(
            self.Report.with_user(self.manager).action_fairness_refresh()["res_model"],
            "crm.public.pool.fairness.report",
        )

    def test_daily_digest_tells_managers_what_crossed_a_threshold(self):
        self.env["ir.config_parameter"].set_param("crm_public_pool.fairness_threshold_passback", "2")
        customer = self.customers[0]
        self.pass_back(customer, self.user_a, self.user_b)
        self.pass_back(customer, self.user_b, self.user_a)
        self.pass_back(customer, self.user_a, self.user_b)
        self.Report._cron_fairness_digest()
        message = self.env["mail.message"].search(
            [("partner_ids", "in", self.manager.partner_id.ids), ("subject", "ilike", "fairness")]
        )
        self.assertEqual(len(message), 1)
        self.assertIn("Alice Pool → Bob Pool", message.body)
        self.assertNotIn("Bob Pool → Alice Pool", message.body, "one pass back is under the threshold")
