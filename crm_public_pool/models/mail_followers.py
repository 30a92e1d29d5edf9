from odoo import api, models
from odoo.osv import expression


class MailFollowers(models.Model):
    _inherit = "mail.followers"

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        # A follower shows its customer's name and e-mail in the chatter: the followers the caller
        # may see are those whose customer they may see whole (Odoo's own code reads them as
        # superuser, and still finds them all).
        if not self.env.su:
            domain = expression.AND([domain or [], self._pool_partner_visible_domain("partner_id")])
        return super()._search(domain, offset=offset, limit=limit, order=order)
