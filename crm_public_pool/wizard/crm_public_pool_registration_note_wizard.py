from odoo import fields, models


class CrmPublicPoolRegistrationNoteWizard(models.TransientModel):
    """The reason of an appeal, or the note of a rejected one."""

    _name = "crm.public.pool.registration.note.wizard"
    _description = "Registration Appeal or Rejection"
    _inherit = ["crm.public.pool.gate.mixin"]

    registration_id = fields.Many2one("crm.public.pool.registration", required=True, ondelete="cascade")
    mode = fields.Selection([("appeal", "Appeal"), ("reject", "Reject")], required=True, default="appeal")
    note = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        if self.mode == "appeal":
            return self.registration_id.action_appeal(self.note)
        return self.registration_id.action_reject(self.note)
