from odoo import models

from . import pool_text
from .checks import check_ids
from .engine_token import as_engine


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

    def _pool_post_text(self, text, lang=None, **kwargs):
        """Post the pool's ``text`` (a lazy text) on this record: written in ``lang`` (the person
        it is for), read by everyone in their own language (see pool_text)."""
        self.ensure_one()
        payload = pool_text.to_payload(text)
        body = pool_text.render_body(payload, lang or self.env.lang, self.env)
        return as_engine(self.sudo(), pool_messages={(self._name, self.id): payload}).message_post(body=body, **kwargs)

    def _pool_notify_text(self, users, subject, text):
        """Notify ``users`` of the pool's ``text`` (lazy texts) about this record, each in their
        language, read by anyone else in theirs."""
        self.ensure_one()
        payload = pool_text.to_payload(text)
        payload["subject"] = pool_text.to_payload(subject)
        for user in users:
            lang = user.lang or self.env.lang
            as_engine(self.sudo(), pool_messages={(self._name, self.id): payload}).message_notify(
                partner_ids=user.partner_id.ids,
                subject=pool_text.render(payload["subject"], lang, self.env),
                body=pool_text.render_body(payload, lang, self.env),
            )

    def _pool_schedule_todo(self, users, note):
        """A To-Do on this record for each of ``users``: no summary (it reads as its type, "To-Do"),
        and ``note`` (a pool text, or texts joined) rendered in each reader's language."""
        self.ensure_one()
        joined = note if isinstance(note, pool_text.Joined) else pool_text.Joined([note])
        payload = pool_text.to_payload(joined)
        Activity = self.env["mail.activity"]
        for user in users:
            html = Activity._pool_note_html(payload, lang=user.lang or self.env.lang)
            as_engine(self.sudo()).activity_schedule(
                "mail.mail_activity_data_todo", user_id=user.id, note=html, pool_note=payload
            )

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
