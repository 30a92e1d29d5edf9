from odoo import fields, models


class CrmPublicPoolClaimRequestRejectWizard(models.TransientModel):
    """The reason a pool administrator gives for refusing claim requests."""

    _name = "crm.public.pool.claim.request.reject.wizard"
    _description = "Reject Claim Requests"
    _inherit = ["crm.public.pool.gate.mixin"]

    request_ids = fields.Many2many(
        "crm.public.pool.claim.request",
        "crm_public_pool_request_reject_rel",
        "wizard_id",
        "request_id",
        string="Claim Requests",
        required=True,
    )
    note = fields.Text(string="Reason", required=True)

    def action_reject(self):
        self.ensure_one()
        return self.request_ids.action_reject(self.note)
