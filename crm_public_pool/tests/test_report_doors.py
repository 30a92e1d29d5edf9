"""Reports of every kind print a customer only for who may see it whole.

Before: the QWeb renderers were checked, but a PDF report with "Reload from Attachment" returned the
stored document of a colleague's customer as it was, without rendering, so without the check.
"""

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import PoolCase

STORED_PDF = b"%PDF-1.4\n% East Customer 0, +86 138 0013 8000, east0@acme0.cn\n%%EOF\n"


@tagged("post_install", "-at_install")
class TestReportDoors(PoolCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.customers[0]
        cls.customer.with_user(cls.user_a).action_pool_claim()
        cls.report = cls.env["ir.actions.report"].create(
            {
                "name": "Customer Card",
                "model": "res.partner",
                "report_type": "qweb-pdf",
                "report_name": "crm_public_pool.customer_card_stored",
                "attachment": "'customer_card.pdf'",
                "attachment_use": True,
            }
        )
        cls.env["ir.attachment"].create(
            {
                "name": "customer_card.pdf",
                "res_model": "res.partner",
                "res_id": cls.customer.id,
                "raw": STORED_PDF,
                "mimetype": "application/pdf",
            }
        )

    def reports(self, user):
        # Odoo's tests render PDFs as HTML unless asked otherwise: the stored PDF is what is printed here.
        return self.env["ir.actions.report"].with_user(user).with_context(force_report_rendering=True)

    def test_a_stored_pdf_of_a_customer_prints_only_for_who_sees_it_whole(self):
        content, kind = self.reports(self.user_a)._render_qweb_pdf(self.report.report_name, [self.customer.id])
        self.assertEqual((content, kind), (STORED_PDF, "pdf"))
        for call in (
            lambda R: R._render_qweb_pdf(self.report.report_name, [self.customer.id]),
            lambda R: R._render_qweb_pdf(self.report.id, self.customer.id),
            lambda R: R._render(self.report.report_name, [self.customer.id]),
            lambda R: R._render_qweb_pdf_prepare_streams(self.report.report_name, {}, res_ids=[self.customer.id]),
        ):
            with self.assertRaises(AccessError) as caught:
                call(self.reports(self.user_b))
            self.assertIn("a customer you may not see whole", str(caught.exception))
