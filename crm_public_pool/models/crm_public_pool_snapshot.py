from odoo import api, fields, models


class CrmPublicPoolSnapshot(models.Model):
    """Daily size of each pool, so the dashboard can show the pool over time."""

    _name = "crm.public.pool.snapshot"
    _description = "Daily Pool Size"
    _order = "date desc, pool_id"

    date = fields.Date(required=True, readonly=True, index=True)
    pool_id = fields.Many2one("crm.public.pool", required=True, readonly=True, ondelete="cascade")
    company_id = fields.Many2one(related="pool_id.company_id", store=True)
    pooled_count = fields.Integer(string="In Pool", readonly=True, aggregator="sum")
    owned_count = fields.Integer(string="Owned", readonly=True, aggregator="sum")

    _sql_constraints = [
        ("date_pool_unique", "UNIQUE(date, pool_id)", "One snapshot per pool and day."),
    ]

    @api.model
    def _cron_snapshot(self):
        """Record today's size of every pool in one statement (re-running the same day updates it)."""
        self.env["res.partner"].flush_model(["pool_id", "pool_state", "active", "is_company", "parent_id"])
        self.env.cr.execute(
            """
            INSERT INTO crm_public_pool_snapshot (date, pool_id, company_id, pooled_count, owned_count,
                                                  create_uid, create_date, write_uid, write_date)
            SELECT CURRENT_DATE, pool.id, pool.company_id,
                   count(p.id) FILTER (WHERE p.pool_state = 'pool'),
                   count(p.id) FILTER (WHERE p.pool_state = 'private'),
                   %(uid)s, now() at time zone 'utc', %(uid)s, now() at time zone 'utc'
              FROM crm_public_pool pool
              LEFT JOIN res_partner p ON p.pool_id = pool.id AND p.active
                                     AND (p.is_company OR p.parent_id IS NULL)
             WHERE pool.active
             GROUP BY pool.id, pool.company_id
            ON CONFLICT (date, pool_id) DO UPDATE
               SET pooled_count = EXCLUDED.pooled_count, owned_count = EXCLUDED.owned_count,
                   write_date = EXCLUDED.write_date
            """,
            {"uid": self.env.uid},
        )
        self.invalidate_model()
