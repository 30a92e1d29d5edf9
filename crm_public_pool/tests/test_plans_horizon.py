"""Plans count only so far: a planned activity holds a customer up to the company's horizon, only
the owner's plans and open opportunities hold it, and a decline never imposes an embargo."""

from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .invariants import assert_pool_invariants
from .test_recycle import RecycleCase


@tagged("post_install", "-at_install")
class TestPlansHorizon(RecycleCase):
    def setUp(self):
        super().setUp()
        self.env.company.pool_followup_plan_days = 30
        self.rule(rule_type="no_followup", days=30, include_open_opportunities=False)
        self.customer = self.customers[0]

    def plan(self, days, user=None):
        return self.customer.activity_schedule(
            "mail.mail_activity_data_todo",
            date_deadline=fields.Date.today() + timedelta(days=days),
            user_id=(user or self.user_a).id,
        )

    def due(self):
        self.backdate(self.customer, 40)
        return self.customer.id in [line["partner_id"] for line in self.pool._recycle_preview()]

    def test_a_todo_next_year_does_not_hold_the_customer(self):
        self.plan(365)
        self.assertTrue(self.due())
        self.run_cron()
        self.assertRecycled(self.customer)
        assert_pool_invariants(self, self.env)

    def test_a_plan_within_the_horizon_holds(self):
        self.plan(10)
        self.assertFalse(self.due())
        self.run_cron()
        self.assertOwned(self.customer)

    def test_the_horizon_is_a_setting(self):
        self.plan(100)
        self.assertTrue(self.due())
        self.env.company.pool_followup_plan_days = 365
        self.assertFalse(self.due())
        self.env.company.pool_followup_plan_days = 0
        self.plan(1)
        self.assertTrue(self.due(), "0: plans never hold a customer")

    def test_only_the_owners_plans_and_opportunities_hold(self):
        self.plan(5, user=self.user_b)
        self.env["crm.lead"].create(
            {
                "name": "Colleague's deal",
                "partner_id": self.customer.id,
                "type": "opportunity",
                "user_id": self.user_b.id,
            }
        )
        self.assertTrue(self.due(), "a colleague's plan or open opportunity keeps nobody's customer")
        self.lead(self.customer)
        self.assertFalse(self.due(), "the owner's open opportunity holds it")


@tagged("post_install", "-at_install")
class TestDeclineWithoutEmbargo(RecycleCase):
    def test_a_decliner_cannot_lock_the_customer_away(self):
        self.pool.accept_hours = 24
        customer = self.env["res.partner"].create({"name": "Declined Co", "is_company": True, "pool_id": self.pool.id})
        self.pool.with_user(self.admin).pool_assign(customer.ids, self.user_b.id)
        customer.with_user(self.user_b).action_pool_decline("competitor")
        self.assertEqual(customer.pool_state, "pool")
        self.assertFalse(customer.pool_embargo_until)
        self.assertEqual(self.logs(customer, "decline").reason_id.code, "competitor", "the reason is still recorded")
        customer.with_user(self.user_a).action_pool_claim()
        self.assertEqual(customer.user_id, self.user_a)
        assert_pool_invariants(self, self.env)
