from odoo import models

from ..logic.masking import mask_value

# Lead fields that copy a masked contact field of the customer.
LEAD_MASKED_FIELDS = {
    "phone": "phone",
    "mobile": "mobile",
    "email_from": "email",
    "email_normalized": "email",
    "phone_sanitized": "phone",
}


class CrmLead(models.Model):
    _inherit = "crm.lead"

    def _create_customer(self):
        # Customers created from a lead are pool customers, owned by the lead's salesperson.
        return super(CrmLead, self.with_context(pool_manage=True))._create_customer()

    def _read_format(self, fnames, load="_classic_read"):
        # A lead of a pooled customer must not show what the pool masks on the customer.
        result = super()._read_format(fnames, load=load)
        masking = self.env["crm.public.pool"]._masking_pools_by_field()
        relevant = {
            fname: set(masking[source])
            for fname, source in LEAD_MASKED_FIELDS.items()
            if fname in fnames and source in masking
        }
        if not relevant:
            return result
        customers = {lead.id: lead.partner_id.commercial_partner_id for lead in self.sudo()}
        for vals in result:
            customer = customers.get(vals["id"])
            if not customer or customer.pool_state != "pool":
                continue
            for fname, pool_ids in relevant.items():
                if customer.pool_id.id in pool_ids and fname in vals:
                    vals[fname] = mask_value(vals[fname])
        return result
