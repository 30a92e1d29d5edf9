from odoo import api, fields, models

from .crm_public_pool_distribution import STRATEGIES
from .engine_token import engine_fact


class CrmPublicPoolLog(models.Model):
    """Distribution facts of an 'assign' row (or a redistributing 'transfer', or a 'decline' or 'timeout'
    passing the customer to the strategy's next candidate), for the published report."""

    _inherit = "crm.public.pool.log"

    distribution_strategy = fields.Selection(STRATEGIES, readonly=True)
    distribution_score = fields.Float(readonly=True, digits=(16, 4))
    distribution_id = fields.Many2one(
        "crm.public.pool.distribution", string="Distribution Rule", readonly=True, ondelete="set null"
    )

    @api.model
    def _log_moves(self, rows):
        # The distribution engine passes its facts inside the engine's token of the move it makes.
        info = engine_fact(self.env, "distribution")
        if info:
            rows = [
                dict(row, **info) if row.get("action") in ("assign", "transfer", "decline", "timeout") else row
                for row in rows
            ]
        return super()._log_moves(rows)
