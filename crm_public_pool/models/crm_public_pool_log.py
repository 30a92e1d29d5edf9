from odoo import api, fields, models
from odoo.exceptions import UserError

from . import pool_text
from .engine_token import as_engine, in_engine

LOG_ACTIONS = [
    ("create", "Created"),
    ("register", "Registered"),
    ("claim", "Claimed"),
    ("request", "Claim Requested"),
    ("release", "Released"),
    ("assign", "Assigned"),
    ("transfer", "Transferred"),
    ("recycle", "Recycled"),
    ("lock", "Locked"),
    ("unlock", "Unlocked"),
    ("appeal", "Appeal"),
    ("cleanup", "Cleaned Up"),
    ("departure", "Departure"),
    ("warn", "Warned"),
    ("restore", "Restored"),
    ("accept", "Accepted"),
    ("decline", "Declined"),
    ("timeout", "Not Accepted in Time"),
]


class CrmPublicPoolLog(models.Model):
    """Immutable audit trail: one row per move of a customer."""

    _name = "crm.public.pool.log"
    _description = "Customer Pool Audit Log"
    _order = "date desc, id desc"
    _rec_name = "action"

    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now, index=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True, index=True, ondelete="set null")
    partner_name = fields.Char(string="Customer Name", readonly=True)
    pool_id = fields.Many2one("crm.public.pool", readonly=True, index=True, ondelete="set null")
    from_pool_id = fields.Many2one("crm.public.pool", readonly=True, ondelete="set null")
    action = fields.Selection(LOG_ACTIONS, required=True, readonly=True, index=True)
    user_id = fields.Many2one("res.users", string="Done By", readonly=True, index=True, ondelete="set null")
    from_user_id = fields.Many2one("res.users", string="From", readonly=True, index=True, ondelete="set null")
    to_user_id = fields.Many2one("res.users", string="To", readonly=True, index=True, ondelete="set null")
    rule_id = fields.Many2one("crm.public.pool.rule", readonly=True, ondelete="set null")
    reason_id = fields.Many2one("crm.public.pool.reason", readonly=True, ondelete="set null")
    note = fields.Text(readonly=True)
    note_message = fields.Json(
        readonly=True, help="A note the pool wrote, as its message and values: rendered for each reader."
    )
    company_id = fields.Many2one("res.company", readonly=True, index=True)

    @api.model_create_multi
    def create(self, vals_list):
        if not in_engine(self.env):
            raise UserError(self.env._("The pool audit log is written by the pool actions only."))
        return super().create(vals_list)

    def write(self, vals):  # pylint: disable=method-required-super
        # Immutable by design: no code path may change an audit row.
        raise UserError(self.env._("The pool audit log cannot be changed (%s rows).", len(self)))

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._("The pool audit log cannot be deleted (%s rows).", len(self)))

    def _read_format(self, fnames, load="_classic_read"):
        result = super()._read_format(fnames, load=load)
        if "note" not in fnames:
            return result
        logs = self.sudo().browse([vals["id"] for vals in result])
        for vals, log in zip(result, logs, strict=True):
            payload = log.note_message
            if payload:
                text = pool_text.render(payload, self.env.lang)
                # A recycle rule's note starts with the rule's name, in the reader's language too.
                if payload.get("rule") and log.rule_id:
                    text = f"{log.rule_id.with_context(lang=self.env.lang).name}: {text}"
                vals["note"] = text
        return result

    @api.model
    def _log_moves(self, rows):
        """Write audit rows in one batch; ``rows`` are value dicts."""
        if not rows:
            return self
        return as_engine(self.sudo()).create(rows)
