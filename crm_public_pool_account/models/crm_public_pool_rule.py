from odoo import fields, models
from odoo.tools import SQL


class CrmPublicPoolRule(models.Model):
    _inherit = "crm.public.pool.rule"

    revenue_source = fields.Selection(
        selection_add=[("invoice", "Posted Invoices")], ondelete={"invoice": "set default"}
    )

    def _revenue_sql(self, since):
        if self.revenue_source != "invoice":
            return super()._revenue_sql(since)
        self.env["account.move"].flush_model(
            ["partner_id", "state", "move_type", "company_id", "invoice_date", "amount_untaxed_signed"]
        )
        # amount_untaxed_signed is in the company currency and negative on credit notes. Joined
        # through the partner: account_move.partner_id is indexed, commercial_partner_id is not.
        return (
            SQL(
                """coalesce((SELECT sum(m.amount_untaxed_signed)
                               FROM account_move m JOIN res_partner mp ON mp.id = m.partner_id
                              WHERE mp.commercial_partner_id = p.id AND m.state = 'posted'
                                AND m.move_type IN ('out_invoice', 'out_refund')
                                AND m.company_id = %s AND m.invoice_date >= (%s)::date), 0)""",
                self.company_id.id,
                since,
            ),
            self.env._("invoiced %(revenue)s net of credit notes in the last %(days)s days, below %(limit)s"),
        )
