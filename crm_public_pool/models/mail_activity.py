from odoo import api, models

from .masking_access import without_masked_documents


class MailActivity(models.Model):
    _inherit = "mail.activity"

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        # Activities of a customer masked to the caller are hidden with its fields.
        query = super()._search(domain, offset=offset, limit=limit, order=order)
        return without_masked_documents(self, query, order)

    def _check_access(self, operation):
        return without_masked_documents.check(self, super()._check_access(operation), operation)
