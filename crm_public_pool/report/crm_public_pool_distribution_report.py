from odoo import fields, models, tools

from ..models.crm_public_pool_distribution import STRATEGIES


class CrmPublicPoolDistributionReport(models.Model):
    """Published distribution (公示): who received which customers, by which rule and score."""

    _name = "crm.public.pool.distribution.report"
    _description = "Published Customer Distribution"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "partner_name"

    date = fields.Datetime(readonly=True)
    pool_id = fields.Many2one("crm.public.pool", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    partner_name = fields.Char(string="Customer Name", readonly=True)
    source_id = fields.Many2one("utm.source", readonly=True)
    user_id = fields.Many2one("res.users", string="Received By", readonly=True)
    assigned_by_id = fields.Many2one("res.users", string="Distributed By", readonly=True)
    strategy = fields.Selection(STRATEGIES + [("manual", "Manual")], readonly=True)
    distribution_id = fields.Many2one("crm.public.pool.distribution", string="Rule", readonly=True)
    score = fields.Float(readonly=True, digits=(16, 4), aggregator="avg")
    company_id = fields.Many2one("res.company", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            f"""
            CREATE OR REPLACE VIEW {self._table} AS (
                SELECT l.id,
                       l.date,
                       l.pool_id,
                       l.partner_id,
                       l.partner_name,
                       p.source_id,
                       l.to_user_id AS user_id,
                       l.user_id AS assigned_by_id,
                       COALESCE(l.distribution_strategy, 'manual') AS strategy,
                       l.distribution_id,
                       l.distribution_score AS score,
                       l.company_id
                  FROM crm_public_pool_log l
                  LEFT JOIN res_partner p ON p.id = l.partner_id
                 WHERE l.action = 'assign' OR l.distribution_strategy IS NOT NULL
            )
            """  # noqa: S608 - the table name is the model's own
        )
