"""Limits come from the company of the pool and the customer, never from the user's own default
company (which every user may change for themselves); moves check the records against the
companies the request acts in, as Odoo's ``_check_company`` does."""

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import PoolCase
from .invariants import assert_pool_invariants


@tagged("post_install", "-at_install")
class TestCompanyLimits(PoolCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "Pool Company B"})
        cls.env.user.company_ids |= cls.company_b
        cls.company_b.write({"pool_max_customers": 1, "pool_max_locked": 1})
        cls.user_a.write(
            {
                "company_ids": [(4, cls.company_b.id)],
                "company_id": cls.company_a.id,
                "pool_max_customers": 0,
                "pool_max_locked": 0,
            }
        )
        cls.b_pool = cls.env["crm.public.pool"].create(
            {"name": "B Pool", "company_id": cls.company_b.id, "member_user_ids": [(6, 0, cls.user_a.ids)]}
        )
        cls.b_customers = cls.env["res.partner"].create(
            [
                {
                    "name": f"B Customer {i}",
                    "is_company": True,
                    "pool_id": cls.b_pool.id,
                    "company_id": cls.company_b.id,
                }
                for i in range(3)
            ]
        )
        cls.both = [cls.company_a.id, cls.company_b.id]

    def as_user_a(self, partners, companies=None):
        return partners.with_user(self.user_a).with_context(allowed_company_ids=companies or self.both)

    def test_the_customers_company_sets_the_limit(self):
        self.company_a.pool_max_customers = 0
        self.as_user_a(self.b_customers[0]).action_pool_claim()
        # The user's own default company (A, unlimited) does not lift company B's limit.
        with self.assertRaisesRegex(UserError, "limit reached, you own 1 of 1 allowed"):
            self.as_user_a(self.b_customers[1]).action_pool_claim()
        self.assertEqual(self.b_customers[1].pool_state, "pool")
        # Company A's customers count against company A's limit (none): still claimable.
        self.as_user_a(self.customers[:2]).action_pool_claim()
        self.assertEqual(self.customers[:2].user_id, self.user_a)
        assert_pool_invariants(self, self.env)

    def test_lock_limit_is_the_customers_company(self):
        self.company_b.pool_max_customers = 0
        self.as_user_a(self.b_customers[:2]).action_pool_claim()
        self.as_user_a(self.b_customers[0]).action_pool_lock()
        with self.assertRaisesRegex(UserError, "locked 1 of 1 allowed"):
            self.as_user_a(self.b_customers[1]).action_pool_lock()

    def test_acting_in_another_company_cannot_claim(self):
        with self.assertRaises(UserError):
            self.as_user_a(self.b_customers[2], [self.company_a.id]).action_pool_claim()
        self.assertEqual(self.b_customers[2].pool_state, "pool")
        self.as_user_a(self.b_customers[2], [self.company_b.id]).action_pool_claim()
        self.assertEqual(self.b_customers[2].user_id, self.user_a)
