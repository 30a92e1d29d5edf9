from odoo import api, models


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

    def _pool_customers(self):
        """Owned customers whose recycle date a planned activity holds (our own warnings do not)."""
        warning_type_id = self.env["crm.public.pool.rule"]._warning_activity_type_id()
        ids = {a.res_id for a in self if a.res_model == "res.partner" and a.activity_type_id.id != warning_type_id}
        Partner = self.env["res.partner"].sudo()
        if not ids:
            return Partner
        return Partner.browse(ids).exists().filtered(lambda p: p.pool_state == "private")
