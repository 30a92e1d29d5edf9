import json

from odoo import api, fields, models

from . import pool_text
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
    # The reason as its message and values (pool_text): the screens render it in the reader's language.
    pool_unplaced_message = fields.Json(readonly=True, copy=False)

    def write(self, vals):
        # Every move that gives customers an owner is the engine's: clear the reason in the same UPDATE.
        if in_engine(self.env) and vals.get("user_id") and "pool_unplaced_reason" not in vals:
            vals = dict(vals, pool_unplaced_reason=False, pool_unplaced_message=False)
        return super().write(vals)

    @api.model
    def _pool_record_unplaced(self, reasons):
        """Store ``{partner id: reason}`` on pooled customers: one write per distinct reason.

        A reason is a text of the pool (``_lt(...)``, ``pool_text``): stored as text in the
        writer's language, for searches and group-bys, and as its message and values, read in
        each reader's language. A plain text is stored as it is.
        """
        by_reason = {}
        for partner_id, reason in reasons.items():
            payload = pool_text.to_payload(reason) if pool_text.is_pool_text(reason) else None
            text = pool_text.render(payload, self.env.lang, self.env) if payload else reason
            key = json.dumps(payload, sort_keys=True) if payload else text
            by_reason.setdefault(key, (text, payload or False, []))[2].append(partner_id)
        for text, payload, partner_ids in by_reason.values():
            partners = self.sudo().browse(partner_ids).filtered(lambda p: p.pool_state == "pool")
            as_engine(partners.with_context(tracking_disable=True)).write(
                {"pool_unplaced_reason": text, "pool_unplaced_message": payload}
            )

    def _pool_refresh_recycle_date(self):
        """Recompute now when the rules will recycle these customers (set-based, per pool)."""
        with_rules = self.env["crm.public.pool.rule"]._recycle_warn_days_by_pool()
        partners = self.filtered(lambda p: p.pool_id.id in with_rules)
        if partners:
            partners.pool_id._recycle_refresh_dates(partners.ids)
