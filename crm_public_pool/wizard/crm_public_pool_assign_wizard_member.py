from odoo import fields, models


class CrmPublicPoolAssignWizardMember(models.TransientModel):
    """One member in a distribution preview: what they own, their limit, what they receive and why."""

    _name = "crm.public.pool.assign.wizard.member"
    _description = "Distribution Preview Member"
    _order = "received desc, id"

    wizard_id = fields.Many2one("crm.public.pool.assign.wizard", required=True, ondelete="cascade")
    user_id = fields.Many2one("res.users", string="Member", required=True)
    owned = fields.Integer(string="Owns")
    limit = fields.Integer(help="0: no limit.")
    received = fields.Integer(string="Receives")
    note = fields.Char(string="Why")
