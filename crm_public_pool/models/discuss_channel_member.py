from odoo import api, models


class DiscussChannelMember(models.Model):
    _inherit = "discuss.channel.member"

    @api.model_create_multi
    def create(self, vals_list):
        # A new chat's members are created as superuser (mail's own bypass): a member shows its
        # e-mail to the whole channel, so the caller's right to link each one is checked first.
        self._pool_check_partner_links(vals_list)
        return super().create(vals_list)
