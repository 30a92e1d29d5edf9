from odoo.tests import tagged

from odoo.addons.crm_public_pool.tests import test_i18n
from odoo.addons.crm_public_pool.tests.test_recycle import RecycleCase


@tagged("post_install", "-at_install")
class TestRevenueFromInvoices(RecycleCase):
    """A low-revenue rule counting posted customer invoices, net of credit notes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not cls.env.company.chart_template:
            cls.env["account.chart.template"].try_loading("generic_coa", company=cls.env.company, install_demo=False)

    def move(self, partner, amount, move_type="out_invoice", post=True):
        move = self.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": partner.id,
                "invoice_line_ids": [(0, 0, {"name": "Pump", "quantity": 1, "price_unit": amount, "tax_ids": [(5,)]})],
            }
        )
        if post:
            move.action_post()
        return move

    def due(self):
        return {line["partner_id"] for line in self.pool._recycle_preview()}

    def test_posted_invoices_net_of_credit_notes(self):
        self.rule(rule_type="low_revenue", amount=1000, revenue_source="invoice")
        paid, refunded, draft = self.customers[:3]
        self.backdate(self.customers[:3], 31)
        self.move(paid, 1500)
        self.move(refunded, 1500)
        self.move(refunded, 800, "out_refund")
        self.move(draft, 5000, post=False)
        self.assertEqual(self.due() & set(self.customers[:3].ids), {refunded.id, draft.id})
        notes = {line["partner_id"]: line["note"] for line in self.pool._recycle_preview()}
        self.assertIn("invoiced 700", notes[refunded.id])
        self.run_cron()
        self.assertOwned(paid)
        self.assertRecycled(refunded | draft)


@tagged("post_install", "-at_install")
class TestAccountTranslations(test_i18n.TestTranslations):
    allow_inherited_tests_method = True
    MODULE = "crm_public_pool_account"
