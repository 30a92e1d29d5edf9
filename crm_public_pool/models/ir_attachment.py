from odoo import api, models

from .masking_access import without_masked_documents


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        # Files attached to a customer masked to the caller are hidden with its fields.
        query = super()._search(domain, offset=offset, limit=limit, order=order)
        return without_masked_documents(self, query, order)

    def check(self, mode, values=None):
        result = super().check(mode, values=values)
        if self and not self.env.su:
            forbidden = without_masked_documents.forbidden(self)
            if forbidden:
                raise self.env["ir.rule"]._make_access_error("read", forbidden)
        return result
