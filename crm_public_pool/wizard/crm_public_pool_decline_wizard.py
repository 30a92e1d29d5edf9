from odoo import fields, models


class CrmPublicPoolDeclineWizard(models.TransientModel):
    _name = "crm.public.pool.decline.wizard"
    _description = "Return Assigned Customers"
    _inherit = ["crm.public.pool.gate.mixin"]

    partner_ids = fields.Many2many("res.partner", string="Customers", required=True)
    reason_id = fields.Many2one("crm.public.pool.reason", required=True)
    note = fields.Text()
    note_required = fields.Boolean(related="reason_id.note_required")

    def action_decline(self):
        self.ensure_one()
        return self.partner_ids._pool_chosen().action_pool_decline(self.reason_id.code, note=self.note)
