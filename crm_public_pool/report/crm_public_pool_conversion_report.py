from odoo import fields, models, tools


class CrmPublicPoolConversionReport(models.Model):
    """Customers taken from a pool (claimed or assigned) and whether they were then won."""

    _name = "crm.public.pool.conversion.report"
    _description = "Pool Conversion Analysis"
    _auto = False
    _order = "date desc"

    date = fields.Datetime(string="Taken On", readonly=True)
    action = fields.Selection([("claim", "Claimed"), ("assign", "Assigned")], readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    pool_id = fields.Many2one("crm.public.pool", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    taken_count = fields.Integer(string="Taken", readonly=True, aggregator="sum")
    won_count = fields.Integer(string="Won Afterwards", readonly=True, aggregator="sum")
    won_revenue = fields.Float(readonly=True, aggregator="sum")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            f"""
            CREATE OR REPLACE VIEW {self._table} AS (
                SELECT l.id, l.date, l.action, l.partner_id, l.pool_id, l.company_id, l.to_user_id AS user_id,
                       1 AS taken_count,
                       CASE WHEN won.revenue IS NULL THEN 0 ELSE 1 END AS won_count,
                       COALESCE(won.revenue, 0) AS won_revenue
                  FROM crm_public_pool_log l
                  LEFT JOIN LATERAL (
                        SELECT sum(ld.expected_revenue) AS revenue
                          FROM crm_lead ld JOIN crm_stage s ON s.id = ld.stage_id
                         WHERE ld.partner_id = l.partner_id AND s.is_won AND ld.active
                           AND COALESCE(ld.date_closed, ld.write_date) >= l.date
                        HAVING count(*) > 0) won ON TRUE
                 WHERE l.action IN ('claim', 'assign')
            )
            """  # noqa: S608 - the table name is the model's own
        )
