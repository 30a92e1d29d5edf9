"""The main flows, each as a tour in headless Chromium: release, register a near duplicate and
appeal, distribute with a preview, approve and reject claim requests, preview and run the recycle.
(The claim is test_ui.py's tour.)"""

from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged
from odoo.tests.common import new_test_user

from ..models.engine_token import engine_statements


@tagged("post_install", "-at_install")
class TestFlowTours(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        salesman = "sales_team.group_sale_salesman"
        cls.seller = new_test_user(cls.env, login="flow_seller", name="Tour Seller", groups=salesman)
        cls.colleague = new_test_user(cls.env, login="flow_colleague", name="Tour Colleague", groups=salesman)
        cls.full = new_test_user(cls.env, login="flow_full", name="Tour Full Seller", groups=salesman)
        cls.pool_admin = new_test_user(
            cls.env, login="flow_admin", name="Tour Pool Admin", groups=f"{salesman},crm_public_pool.group_pool_admin"
        )
        cls.pool = cls.env["crm.public.pool"].create(
            {
                "name": "Tour Flow Pool",
                "member_user_ids": [(6, 0, (cls.seller | cls.colleague | cls.full).ids)],
                "admin_user_ids": [(6, 0, cls.pool_admin.ids)],
            }
        )
        cls.Partner = cls.env["res.partner"].with_context(tracking_disable=True)

    def customer(self, name, owner=None, pool=None):
        vals = {"name": name, "is_company": True, "pool_id": (pool or self.pool).id}
        if owner:
            vals["user_id"] = owner.id
        return self.Partner.create(vals)

    def test_release(self):
        customer = self.customer("Tour Release Co", owner=self.seller)
        self.start_tour(
            "/odoo/action-crm_public_pool.action_pool_my_customers", "crm_public_pool_release_tour", login="flow_seller"
        )
        self.assertEqual((customer.pool_state, customer.pool_previous_user_id), ("pool", self.seller))
        self.assertEqual(
            customer.pool_log_ids.filtered(lambda log: log.action == "release").note, "Budget frozen until next year"
        )

    def test_register_near_duplicate_and_appeal(self):
        self.customer("厦门海港物流有限公司", owner=self.colleague)
        self.start_tour(
            "/odoo/action-crm_public_pool.action_pool_register_wizard",
            "crm_public_pool_register_appeal_tour",
            login="flow_seller",
        )
        registration = self.env["crm.public.pool.registration"].search([("user_id", "=", self.seller.id)])
        self.assertEqual(registration.state, "appealed")

    def test_assign_with_preview(self):
        self.full.pool_max_customers = 1
        self.customer("Tour Full Own Co", owner=self.full)
        pooled = self.customer("Tour Pooled A") | self.customer("Tour Pooled B")
        self.start_tour(
            f"/odoo/action-crm_public_pool.action_pool_pools/{self.pool.id}",
            "crm_public_pool_assign_preview_tour",
            login="flow_admin",
        )
        self.assertEqual(set(pooled.mapped("pool_state")), {"private"})
        self.assertFalse(pooled.user_id & self.full, "a member at their limit receives nothing")

    def test_approve_and_reject_requests(self):
        self.pool.claim_requires_approval = True
        one, two = self.customer("Tour Request One"), self.customer("Tour Request Two")
        (one | two).with_user(self.seller).action_pool_claim()
        self.start_tour(
            "/odoo/action-crm_public_pool.action_pool_claim_requests",
            "crm_public_pool_requests_tour",
            login="flow_admin",
        )
        self.assertEqual(one.user_id, self.seller)
        request = self.env["crm.public.pool.claim.request"].search([("partner_id", "=", two.id)])
        self.assertEqual((request.state, request.review_note), ("rejected", "Reserved for the key-account team"))
        self.assertEqual(two.pool_state, "pool")

    def test_preview_and_run_recycle(self):
        self.env["crm.public.pool.rule"].create(
            {"pool_id": self.pool.id, "name": "Silence", "rule_type": "no_followup", "days": 30, "warn_days": 0}
        )
        silent = self.customer("Tour Silent Co", owner=self.seller)
        self.env.flush_all()
        with engine_statements(self.env.cr):
            self.env.cr.execute(
                "UPDATE res_partner SET pool_claim_date = %s WHERE id = %s",
                [fields.Datetime.now() - timedelta(days=40), silent.id],
            )
        self.env.invalidate_all()
        self.pool._recycle_refresh_dates()
        self.start_tour(
            f"/odoo/action-crm_public_pool.action_pool_pools/{self.pool.id}",
            "crm_public_pool_recycle_tour",
            login="flow_admin",
        )
        self.assertEqual(silent.pool_state, "pool")
