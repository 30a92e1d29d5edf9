from odoo import api, models

from .masking_access import without_masked_documents


class MailActivity(models.Model):
    _inherit = "mail.activity"

    @api.model_create_multi
    def create(self, vals_list):
        activities = super().create(vals_list)
        activities._pool_customers()._pool_refresh_recycle_date()
        return activities

    def unlink(self):
        # Marking an activity done posts the follow-up, then deletes the activity: only now is the
        # customer free of planned activities, so its countdown is computed again here.
        customers = self._pool_customers()
        res = super().unlink()
        customers._pool_refresh_recycle_date()
        return res

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        # Activities of a customer masked to the caller are hidden with its fields.
        query = super()._search(domain, offset=offset, limit=limit, order=order)
        return without_masked_documents(self, query, order)

    def _check_access(self, operation):
        return without_masked_documents.check(self, super()._check_access(operation), operation)

    def _pool_customers(self):
        """Owned customers whose recycle date a planned activity holds (our own warnings do not)."""
        warning_type_id = self.env["crm.public.pool.rule"]._warning_activity_type_id()
        ids = {a.res_id for a in self if a.res_model == "res.partner" and a.activity_type_id.id != warning_type_id}
        Partner = self.env["res.partner"].sudo()
        if not ids:
            return Partner
        return Partner.browse(ids).exists().filtered(lambda p: p.pool_state == "private")
