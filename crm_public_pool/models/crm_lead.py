from odoo import models


class CrmLead(models.Model):
    _inherit = "crm.lead"

    def _create_customer(self):
        # Customers created from a lead are pool customers, owned by the lead's salesperson.
        return super(CrmLead, self.with_context(pool_manage=True))._create_customer()
