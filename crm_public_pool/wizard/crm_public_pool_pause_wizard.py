from odoo import api, fields, models
from odoo.tools import format_date


class CrmPublicPoolPauseWizard(models.TransientModel):
    """Pause the intake of salespeople: no distribution, escalation or assignment reaches them."""

    _name = "crm.public.pool.pause.wizard"
    _description = "Pause Customer Intake"

    user_ids = fields.Many2many("res.users", string="Salespeople", required=True, domain=[("share", "=", False)])
    until = fields.Date(string="Paused Until", help="Last day of the pause; empty: until resumed.")
    pool_id = fields.Many2one("crm.public.pool", readonly=True, help="Pause members of this pool.")
    member_ids = fields.Many2many("res.users", compute="_compute_member_ids")
    is_admin = fields.Boolean(compute="_compute_is_admin")

    @api.model
    def default_get(self, fields_list):
        res = super().default_get(fields_list)
        # From a pool, its administrator chooses whom to pause; from the menu, one pauses oneself.
        if "user_ids" in fields_list and not {"default_user_ids", "default_pool_id"} & set(self.env.context):
            res["user_ids"] = [(6, 0, self.env.user.ids)]
        return res

    @api.depends("pool_id")
    def _compute_member_ids(self):
        for wizard in self:
            wizard.member_ids = wizard.pool_id.sudo().member_all_user_ids

    @api.depends_context("uid")
    @api.depends("pool_id")
    def _compute_is_admin(self):
        user = self.env.user
        for wizard in self:
            wizard.is_admin = (
                wizard.pool_id._is_admin(user) if wizard.pool_id else user.has_group("crm_public_pool.group_pool_admin")
            )

    def action_pause(self):
        self.ensure_one()
        self.user_ids.pool_pause(self.until)
        return self.env["res.partner"]._pool_notification(
            self.env._(
                "Intake paused for %(names)s until %(until)s.",
                names=", ".join(self.user_ids.mapped("name")),
                until=format_date(self.env, self.until) if self.until else self.env._("resumed"),
            )
        )

    def action_resume(self):
        self.ensure_one()
        self.user_ids.pool_resume()
        return self.env["res.partner"]._pool_notification(
            self.env._("Intake resumed for %s.", ", ".join(self.user_ids.mapped("name")))
        )
