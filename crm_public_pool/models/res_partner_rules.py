from collections import defaultdict

from odoo import api, fields, models

from .engine_token import as_engine, in_engine


class ResPartner(models.Model):
    _inherit = "res.partner"

    pool_unplaced_reason = fields.Char(
        string="Why Unplaced",
        readonly=True,
        copy=False,
        help="Why distribution, escalation or the rules by source left this customer in the pool. "
        "Empty once it has an owner.",
    )

    def write(self, vals):
        # Every move that gives customers an owner is the engine's: clear the reason in the same UPDATE.
        if in_engine(self.env) and vals.get("user_id") and "pool_unplaced_reason" not in vals:
            vals = dict(vals, pool_unplaced_reason=False)
        return super().write(vals)

    @api.model
    def _pool_record_unplaced(self, reasons):
        """Store ``{partner id: reason}`` on pooled customers: one write per distinct reason."""
        by_reason = defaultdict(list)
        for partner_id, reason in reasons.items():
            by_reason[reason].append(partner_id)
        for reason, partner_ids in by_reason.items():
            partners = self.sudo().browse(partner_ids).filtered(lambda p: p.pool_state == "pool")
            as_engine(partners.with_context(tracking_disable=True)).write({"pool_unplaced_reason": reason})

    def _pool_refresh_recycle_date(self):
        """Recompute now when the rules will recycle these customers (set-based, per pool)."""
        with_rules = self.env["crm.public.pool.rule"]._recycle_warn_days_by_pool()
        partners = self.filtered(lambda p: p.pool_id.id in with_rules)
        if partners:
            partners.pool_id._recycle_refresh_dates(partners.ids)
