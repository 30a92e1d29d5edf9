from odoo import api, fields, models


class CrmPublicPoolAssignWizardMember(models.TransientModel):
    """One member in a distribution preview: what they own, their limit, what they receive and why."""

    _name = "crm.public.pool.assign.wizard.member"
    _description = "Distribution Preview Member"
    _order = "received desc, id"

    wizard_id = fields.Many2one("crm.public.pool.assign.wizard", required=True, ondelete="cascade")
    user_id = fields.Many2one("res.users", string="Member", required=True)
    owned = fields.Integer(string="Owns")
    limit = fields.Integer(help="0: no limit.")
    limit_label = fields.Char(string="Customer Limit", compute="_compute_limit_label")
    received = fields.Integer(string="Receives")
    note = fields.Char(string="Why")

    @api.depends("limit")
    def _compute_limit_label(self):
        for member in self:
            member.limit_label = str(member.limit) if member.limit else self.env._("No limit")
