from odoo import api, fields, models


class CrmPublicPoolAppealApproveWizard(models.TransientModel):
    """Confirm an appeal that takes a customer from a colleague: who loses it, who gets it, and why."""

    _name = "crm.public.pool.appeal.approve.wizard"
    _description = "Confirm an Approved Appeal"

    registration_ids = fields.Many2many(
        "crm.public.pool.registration",
        "crm_public_pool_appeal_approve_rel",
        "wizard_id",
        "registration_id",
        required=True,
    )
    move_text = fields.Text(string="Moves", compute="_compute_move_text")
    note = fields.Text(required=True, help="Why the customer changes hands: its previous owner reads it.")

    @api.depends("registration_ids")
    def _compute_move_text(self):
        for wizard in self:
            wizard.move_text = "\n".join(
                self.env._(
                    "%(customer)s: taken from %(owner)s, given to %(registrant)s",
                    customer=registration.partner_id.name,
                    owner=registration.partner_id.user_id.name,
                    registrant=registration.user_id.name,
                )
                for registration in wizard.registration_ids.sudo()._appeal_transfers()
            )

    def action_confirm(self):
        self.ensure_one()
        return self.registration_ids.action_approve(note=self.note)
