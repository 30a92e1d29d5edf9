from odoo import fields, models
from odoo.tools import SQL
from odoo.tools.sql import table_kind

from .crm_public_pool_fairness_report import FAIRNESS_KINDS


class CrmPublicPoolFairnessSummary(models.Model):
    """The fairness events counted per month, kind, salesperson, team, pool and company.

    A materialized view over the events' own (``crm.public.pool.fairness.report``), refreshed with
    it. The events' pivot and graph read it when their grouping and filters cut at month
    boundaries (see ``crm.public.pool.fairness.report._read_group``): at 1,000,000 customers the
    events are some 60,000 rows, their monthly counts a few thousand. Its access rules are the
    events' own.
    """

    _name = "crm.public.pool.fairness.summary"
    _description = "Pool Fairness per Month"
    _auto = False
    _order = "period desc, id"

    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    pool_id = fields.Many2one("crm.public.pool", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    period = fields.Date(readonly=True, help="First day of the month of the events.")
    kind = fields.Selection(FAIRNESS_KINDS, readonly=True)
    count = fields.Integer(readonly=True, help="Events of this kind in the month.")

    def _fairness_summary_fields(self):
        """The events' fields it keeps, under the same names."""
        return ("period", "kind", "user_id", "team_id", "pool_id", "company_id")

    def _fairness_summary_query(self):
        return SQL(
            """SELECT row_number() OVER (ORDER BY s.period, s.kind, s.team_id, s.user_id, s.pool_id,
                                                  s.company_id) AS id, s.*
                 FROM (SELECT date_trunc('month', e.period)::date AS period, e.kind, e.team_id, e.user_id,
                              e.pool_id, e.company_id, sum(e.count)::integer AS count
                         FROM %s e
                        GROUP BY 1, 2, 3, 4, 5, 6) s""",
            SQL.identifier(self.env["crm.public.pool.fairness.report"]._table),
        )

    def _fairness_summary_create(self):
        """(Re)create the view; the events' view must exist (its ``init`` calls this after its own)."""
        self.env.cr.execute(SQL("DROP MATERIALIZED VIEW IF EXISTS %s", SQL.identifier(self._table)))
        self.env.cr.execute(
            SQL("CREATE MATERIALIZED VIEW %s AS %s", SQL.identifier(self._table), self._fairness_summary_query())
        )
        self.env.cr.execute(SQL("CREATE UNIQUE INDEX ON %s (id)", SQL.identifier(self._table)))

    def init(self):
        # The events' init drops this view with its own (CASCADE) and recreates it after its own;
        # before the events' view exists there is nothing to count.
        if table_kind(self.env.cr, self.env["crm.public.pool.fairness.report"]._table):
            self._fairness_summary_create()
