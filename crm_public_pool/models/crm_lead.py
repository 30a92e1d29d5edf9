from odoo import api, models
from odoo.exceptions import AccessError

from .checks import check_id


class CrmLead(models.Model):
    _inherit = "crm.lead"

    def _create_customer(self):
        # Customers created from a lead are pool customers, owned by the lead's salesperson.
        return super(CrmLead, self.with_context(pool_manage=True))._create_customer()

    @api.model_create_multi
    def create(self, vals_list):
        self._pool_check_customer(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._pool_check_customer([vals])
        return super().write(vals)

    @api.model
    def _pool_check_customer(self, vals_list):
        """A lead copies its customer's contact data: only a customer the caller may see whole may be set.

        Leads of a customer masked to the caller are hidden from them (see the record rule
        "Leads: not of customers hidden from me"); attaching one to a lead of their own would
        copy the hidden phone and e-mail into a record they can read.
        """
        if self.env.su:
            return
        for vals in vals_list:
            if not vals.get("partner_id"):
                continue
            partner = self.env["res.partner"].browse(check_id(self.env, vals["partner_id"], self.env._("The customer")))
            if not partner._filtered_access("read") or partner._pool_masked_pools():
                raise AccessError(
                    self.env._("Customer #%s is not yours: claim it before opening an opportunity for it.", partner.id)
                )
