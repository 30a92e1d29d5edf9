from odoo.tests import HttpCase, tagged
from odoo.tests.common import new_test_user


@tagged("post_install", "-at_install")
class TestPoolTour(HttpCase):
    def test_claim_release_tour(self):
        seller = new_test_user(
            self.env,
            login="tour_seller",
            password="tour_seller",
            name="Tour Seller",
            groups="sales_team.group_sale_salesman",
        )
        seller.pool_max_customers = 5
        fields = self.env["ir.model.fields"]._get("res.partner", "phone") | self.env["ir.model.fields"]._get(
            "res.partner", "mobile"
        )
        pool = self.env["crm.public.pool"].create(
            {"name": "Tour Pool", "member_user_ids": [(6, 0, seller.ids)], "masked_field_ids": [(6, 0, fields.ids)]}
        )
        self.env["res.partner"].create(
            {"name": "Tour Customer", "is_company": True, "pool_id": pool.id, "phone": "+86 138 0013 8888"}
        )
        self.start_tour(
            "/odoo/action-crm_public_pool.action_pool_my_capacity", "crm_public_pool_claim_tour", login="tour_seller"
        )
