from odoo import models
from odoo.exceptions import AccessError


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _render_qweb_html(self, report_ref, docids, data=None):
        self._pool_check_report_customers(report_ref, docids)
        return super()._render_qweb_html(report_ref, docids, data=data)

    def _render_qweb_text(self, report_ref, docids, data=None):
        self._pool_check_report_customers(report_ref, docids)
        return super()._render_qweb_text(report_ref, docids, data=data)

    def _render_qweb_pdf_prepare_streams(self, report_ref, data, res_ids=None):
        # A PDF stored by a report with "Reload from Attachment" is returned as it is, without
        # rendering: checked here, before the stored document is read.
        self._pool_check_report_customers(report_ref, res_ids)
        return super()._render_qweb_pdf_prepare_streams(report_ref, data, res_ids=res_ids)

    def _pre_render_qweb_pdf(self, report_ref, res_ids=None, data=None):
        # The entry of every PDF (printing, sending an invoice), whatever a module returns below it.
        self._pool_check_report_customers(report_ref, res_ids)
        return super()._pre_render_qweb_pdf(report_ref, res_ids=res_ids, data=data)

    def _render(self, report_ref, res_ids, data=None):
        # Every report type a module may add (``_render_<type>``) passes here.
        self._pool_check_report_customers(report_ref, res_ids)
        return super()._render(report_ref, res_ids, data=data)

    def _pool_check_report_customers(self, report_ref, docids):
        """A report prints its records' customers whole (addresses, phones): only for who may see them so.

        Reports render as the caller but read related records from the cache, outside the
        masking of the customer's own read paths: a report of a record whose customer the
        caller may not see whole (a customer itself, or a lead, order, invoice... of one) is
        refused.
        """
        if self.env.su or not docids:
            return
        if isinstance(docids, int):
            docids = [docids]
        report = self._get_report(report_ref)
        if not report.model or report.model not in self.env:
            return
        hidden = self.env[report.model]._pool_customers_not_whole(docids)
        if hidden:
            raise AccessError(
                self.env._(
                    "This report would print %(customer)s, a customer you may not see whole: "
                    "claim it, or ask its owner.",
                    customer=hidden[:1]._pool_name_for_me(),
                )
            )
