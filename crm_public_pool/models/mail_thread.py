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

    def message_notify(self, **kwargs):
        # A notification mails its recipients from the record (and their replies come back to it).
        if kwargs.get("partner_ids") and not self.env.su:
            partner_ids = kwargs["partner_ids"]
            partner_ids = list(partner_ids) if isinstance(partner_ids, (set, frozenset)) else partner_ids
            kwargs["partner_ids"] = check_ids(self.env, partner_ids, self.env._("The recipients"))
            self.env["res.partner"]._pool_check_linkable(set(kwargs["partner_ids"]), self.env._("the recipients"))
        return super().message_notify(**kwargs)

    def _message_add_suggested_recipient(self, result, partner=None, email=None, lang=None, reason=""):
        # Every model suggests its recipients here (the customer of a lead, an order, the partner
        # profile itself), with their e-mail: none the caller may not see whole, and no address
        # copied from a customer hidden on this record.
        count = len(result)
        result = super()._message_add_suggested_recipient(
            result, partner=partner, email=email, lang=lang, reason=reason
        )
        if self.env.su or len(result) == count:
            return result
        added = result[count:]
        ids = {item["partner_id"] for item in added if isinstance(item.get("partner_id"), int)}
        hidden = set(self.env["res.partner"].browse(ids)._pool_not_whole()._ids) if ids else set()
        if any(not item.get("partner_id") for item in added) and self._pool_copies_hidden(self._pool_partner_copies()):
            hidden.add(False)
        if hidden:
            result[count:] = [item for item in added if (item.get("partner_id") or False) not in hidden]
        return result
