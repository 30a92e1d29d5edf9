from collections import defaultdict

from odoo import models


class MailTrackingValue(models.Model):
    _inherit = "mail.tracking.value"

    def _filter_has_field_access(self, env):
        # A tracked copy of a customer (a lead's phone, its e-mail) shows its old and new values
        # in the chatter: hidden from a reader the copy itself is hidden from.
        allowed = super()._filter_has_field_access(env)
        user_env = env(su=False)
        if not allowed or user_env.user._is_superuser():
            return allowed
        copies = defaultdict(lambda: defaultdict(set))
        for tracking in allowed.sudo():
            model = tracking.field_id.model
            if model in user_env and tracking.field_id.name in user_env[model]._pool_partner_copies():
                copies[model][tracking.mail_message_id.res_id].add(tracking.id)
        hidden = set()
        for model, by_record in copies.items():
            records = user_env[model].browse(list(by_record)).sudo().exists().with_env(user_env)
            fnames = {tracking.field_id.name for tracking in self.browse(set().union(*by_record.values())).sudo()}
            for fname, ids in records._pool_copies_hidden(fnames).items():
                hidden.update(
                    tracking.id
                    for rid in ids
                    for tracking in self.browse(list(by_record[rid])).sudo()
                    if tracking.field_id.name == fname
                )
        return allowed.filtered(lambda tracking: tracking.id not in hidden) if hidden else allowed
