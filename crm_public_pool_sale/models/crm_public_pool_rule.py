from odoo import fields, models
from odoo.tools import SQL


class CrmPublicPoolRule(models.Model):
    _inherit = "crm.public.pool.rule"

    revenue_source = fields.Selection(
        selection_add=[("sale_order", "Confirmed Sales Orders")], ondelete={"sale_order": "set default"}
    )

    def _revenue_sql(self, since):
        if self.revenue_source != "sale_order":
            return super()._revenue_sql(since)
        self.env["sale.order"].flush_model(
            ["partner_id", "state", "company_id", "date_order", "amount_untaxed", "currency_rate"]
        )
        # Untaxed, in the company currency: an order's currency_rate converts from it.
        return (
            SQL(
                """coalesce((SELECT sum(so.amount_untaxed / coalesce(nullif(so.currency_rate, 0), 1))
                               FROM sale_order so JOIN res_partner sp ON sp.id = so.partner_id
                              WHERE sp.commercial_partner_id = p.id AND so.state = 'sale'
                                AND so.company_id = %s AND so.date_order >= %s), 0)""",
                self.company_id.id,
                since,
            ),
            self.env._("confirmed sales of %(revenue)s in the last %(days)s days, below %(limit)s"),
        )
