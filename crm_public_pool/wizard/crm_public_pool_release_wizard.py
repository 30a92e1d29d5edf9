from odoo import api, fields, models


class CrmPublicPoolReleaseWizard(models.TransientModel):
    _name = "crm.public.pool.release.wizard"
    _description = "Release Customers to the Pool"
    _inherit = ["crm.public.pool.gate.mixin"]

    partner_ids = fields.Many2many("res.partner", string="Customers", required=True)
    reason_id = fields.Many2one("crm.public.pool.reason", required=True)
    note = fields.Text()
    note_required = fields.Boolean(related="reason_id.note_required")
    pool_id = fields.Many2one(
        "crm.public.pool",
        string="Release Into",
        domain="[('id', 'in', allowed_pool_ids)]",
        help="Empty = each customer's own pool.",
    )
    allowed_pool_ids = fields.Many2many("crm.public.pool", compute="_compute_allowed_pool_ids")

    @api.depends_context("uid")
    def _compute_allowed_pool_ids(self):
        user = self.env.user
        pools = self.env["crm.public.pool"].search([("company_id", "in", self.env.companies.ids)])
        allowed = pools.filtered(lambda p: p._is_member(user))
        for wizard in self:
            wizard.allowed_pool_ids = allowed

    def action_release(self):
        self.ensure_one()
        self.partner_ids._pool_chosen().pool_release(self.reason_id.code, note=self.note, pool_id=self.pool_id.id)
        return self.env["res.partner"]._pool_notification(
            self.env._("1 customer released: %(reason)s.", reason=self.reason_id.name)
            if len(self.partner_ids) == 1
            else self.env._(
                "%(count)s customers released: %(reason)s.", count=len(self.partner_ids), reason=self.reason_id.name
            )
        )
