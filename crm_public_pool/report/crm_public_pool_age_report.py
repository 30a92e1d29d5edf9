from odoo import fields, models, tools

# Keys that sort in age order: graphs and pivots order groups by the key.
AGE_BUCKETS = [("00_07", "0-7 days"), ("08_30", "8-30 days"), ("31_90", "31-90 days"), ("91_plus", "Over 90 days")]


class CrmPublicPoolAgeReport(models.Model):
    """Pooled customers by how long they have waited, for the pool dashboard."""

    _name = "crm.public.pool.age.report"
    _description = "Pool Ageing Analysis"
    _auto = False
    _order = "days desc"

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    pool_id = fields.Many2one("crm.public.pool", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    source_id = fields.Many2one("utm.source", readonly=True)
    pool_level = fields.Selection([("a", "A"), ("b", "B"), ("c", "C"), ("d", "D")], string="Level", readonly=True)
    previous_user_id = fields.Many2one("res.users", string="Previous Owner", readonly=True)
    days = fields.Integer(string="Days in Pool", readonly=True, aggregator="avg")
    age_bucket = fields.Selection(AGE_BUCKETS, string="Age", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            f"""
            CREATE OR REPLACE VIEW {self._table} AS (
                SELECT p.id, p.id AS partner_id, p.pool_id, p.company_id, p.source_id, p.pool_level,
                       p.pool_previous_user_id AS previous_user_id, age.days,
                       CASE WHEN age.days <= 7 THEN '00_07' WHEN age.days <= 30 THEN '08_30'
                            WHEN age.days <= 90 THEN '31_90' ELSE '91_plus' END AS age_bucket
                  FROM res_partner p,
                       LATERAL (SELECT (now() at time zone 'utc')::date
                                       - COALESCE(p.pool_enter_date, p.create_date)::date AS days) age
                 WHERE p.pool_state = 'pool' AND p.active AND (p.is_company OR p.parent_id IS NULL)
            )
            """  # noqa: S608 - the table name is the model's own
        )
