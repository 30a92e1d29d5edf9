from odoo import fields, models


class CrmPublicPoolAssignWizardLine(models.TransientModel):
    _name = "crm.public.pool.assign.wizard.line"
    _description = "Distribution Preview Line"
    _order = "sequence, id"

    wizard_id = fields.Many2one("crm.public.pool.assign.wizard", required=True, ondelete="cascade")
    sequence = fields.Integer()
    partner_id = fields.Many2one("res.partner", string="Customer", required=True)
    user_id = fields.Many2one("res.users", string="Goes To", help="Empty: the customer stays in the pool.")
    score = fields.Float(digits=(16, 4))
    reason = fields.Char()
