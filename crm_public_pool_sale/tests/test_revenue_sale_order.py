from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from odoo.addons.crm_public_pool.tests import test_i18n
from odoo.addons.crm_public_pool.tests.test_recycle import RecycleCase


@tagged("post_install", "-at_install")
class TestRevenueFromSaleOrders(RecycleCase):
    """A low-revenue rule counting confirmed sales orders, untaxed, in the company currency."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product = cls.env["product.product"].create(
            {"name": "Pump", "type": "consu", "list_price": 1.0, "taxes_id": [(5,)]}
        )

    def order(self, partner, amount, confirm=True, days_ago=0, currency=None):
        vals = {
            "partner_id": partner.id,
            "order_line": [
                (0, 0, {"product_id": self.product.id, "product_uom_qty": 1, "price_unit": amount, "tax_id": [(5,)]})
            ],
        }
        if currency:
            pricelist = self.env["product.pricelist"].create({"name": currency.name, "currency_id": currency.id})
            vals["pricelist_id"] = pricelist.id
        order = self.env["sale.order"].create(vals)
        if confirm:
            order.action_confirm()
        if days_ago:
            order.date_order = fields.Datetime.now() - timedelta(days=days_ago)
        return order

    def due(self):
        return {line["partner_id"] for line in self.pool._recycle_preview()}

    def test_confirmed_orders_in_the_period_count(self):
        self.rule(rule_type="low_revenue", amount=1000, revenue_source="sale_order")
        enough, short, draft, old = self.customers[:4]
        self.backdate(self.customers[:4], 31)
        self.order(enough, 1200)
        self.order(short, 600)
        self.order(draft, 5000, confirm=False)
        self.order(old, 5000, days_ago=40)
        self.assertEqual(self.due() & set(self.customers[:4].ids), {short.id, draft.id, old.id})
        self.assertIn("confirmed sales of 600", self.pool._recycle_preview()[0]["note"])
        self.run_cron()
        self.assertOwned(enough)
        self.assertRecycled(short | draft | old)

    def test_orders_are_converted_to_the_company_currency(self):
        self.rule(rule_type="low_revenue", amount=1000, revenue_source="sale_order")
        other = (
            self.env["res.currency"]
            .with_context(active_test=False)
            .search([("id", "!=", self.env.company.currency_id.id)], limit=1)
        )
        other.active = True
        self.env["res.currency.rate"].create(
            {
                "currency_id": other.id,
                "rate": 4.0,
                "name": fields.Date.today() - timedelta(days=60),
                "company_id": self.env.company.id,
            }
        )
        customer = self.customers[0]
        self.backdate(customer, 31)
        self.order(customer, 2000, currency=other)  # 2000 at 4 per unit of company currency = 500
        self.assertIn(customer.id, self.due())

    def test_opportunity_source_ignores_orders(self):
        self.rule(rule_type="low_revenue", amount=1000)
        customer = self.customers[0]
        self.backdate(customer, 31)
        self.order(customer, 5000)
        self.assertIn(customer.id, self.due())


@tagged("post_install", "-at_install")
class TestSaleTranslations(test_i18n.TestTranslations):
    allow_inherited_tests_method = True
    MODULE = "crm_public_pool_sale"
