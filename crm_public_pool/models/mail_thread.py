from odoo import models

from .checks import check_ids


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    def message_subscribe(self, partner_ids=None, subtype_ids=None):
        # Followers show their name and e-mail on the record: only customers seen whole may follow.
        if not self.env.su and (partner_ids or subtype_ids):
            partner_ids = check_ids(self.env, partner_ids, self.env._("The followers")) if partner_ids else partner_ids
            subtype_ids = check_ids(self.env, subtype_ids, self.env._("The subtypes")) if subtype_ids else subtype_ids
            if partner_ids and set(partner_ids) != {self.env.user.partner_id.id}:
                self.env["res.partner"]._pool_check_linkable(set(partner_ids), self.env._("the followers"))
        return super().message_subscribe(partner_ids=partner_ids, subtype_ids=subtype_ids)

    def message_post(self, **kwargs):
        # Recipients are shown on the message with their e-mail, and receive the record's chatter.
        if kwargs.get("partner_ids") and not self.env.su:
            kwargs["partner_ids"] = check_ids(self.env, kwargs["partner_ids"], self.env._("The recipients"))
            self.env["res.partner"]._pool_check_linkable(set(kwargs["partner_ids"]), self.env._("the recipients"))
        return super().message_post(**kwargs)

    def _message_get_suggested_recipients(self):
        # The chatter suggests the record's customer with its e-mail: not one the caller may not see whole.
        result = super()._message_get_suggested_recipients()
        if self.env.su:
            return result
        ids = {item["partner_id"] for item in result if isinstance(item.get("partner_id"), int)}
        hidden = set(self.env["res.partner"].browse(ids)._pool_not_whole()._ids) if ids else set()
        if self._pool_copies_hidden(self._pool_partner_copies()):
            # The record's own copies (a lead's e-mail) are hidden from the caller: so is any address.
            return [item for item in result if item.get("partner_id") and item["partner_id"] not in hidden]
        return [item for item in result if item.get("partner_id") not in hidden]
