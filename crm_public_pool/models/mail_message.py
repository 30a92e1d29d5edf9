from odoo import api, fields, models

from ..logic.followup import WRITTEN_TYPES, is_followup
from . import pool_text
from .engine_token import as_engine, engine_fact, in_engine


class MailMessage(models.Model):
    _inherit = "mail.message"

    pool_message = fields.Json(
        readonly=True,
        copy=False,
        help="What the pool logged, as its message and values: the body is rendered from it for each reader.",
    )

    @api.model
    def _find_allowed_model_wise(self, doc_model, doc_dict):
        # The chatter of a customer masked to the caller (notes, e-mails, tracked values of its
        # hidden fields) is hidden with the fields: a member sees it once they own the customer.
        allowed = super()._find_allowed_model_wise(doc_model, doc_dict)
        if doc_model != "res.partner" or not allowed:
            return allowed
        masked = self.env["res.partner"].browse(list(doc_dict))._pool_masked_pools()
        hidden = {message_id for partner_id in masked for message_id in doc_dict.get(partner_id, ())}
        return allowed - hidden

    @api.model_create_multi
    def create(self, vals_list):
        # Only the pool writes what it logged (a client's value would pass for the pool's words).
        payloads = engine_fact(self.env, "pool_messages") or {}
        for vals in vals_list:
            vals.pop("pool_message", None)
            # Keyed by customer id (the moves' lines), or by (model, id) for the pool's other records.
            payload = payloads.get((vals.get("model"), vals.get("res_id")))
            if payload is None and vals.get("model") == "res.partner":
                payload = payloads.get(vals.get("res_id"))
            if payload is not None:
                vals["pool_message"] = payload
        messages = super().create(vals_list)
        messages._pool_track_followup()
        return messages

    def write(self, vals):
        if "pool_message" in vals and not in_engine(self.env):
            vals = {key: value for key, value in vals.items() if key != "pool_message"}
        return super().write(vals)

    def _read_format(self, fnames, load="_classic_read"):
        # The pool's own lines, read in the reader's language (see pool_text).
        result = super()._read_format(fnames, load=load)
        if "body" not in fnames and "subject" not in fnames:
            return result
        payloads = {message.id: message.pool_message for message in self.sudo().browse([vals["id"] for vals in result])}
        lang = self.env.lang
        for vals in result:
            payload = payloads.get(vals["id"])
            if payload and vals.get("body"):
                vals["body"] = pool_text.render_body(payload, lang, self.env)
            if payload and payload.get("subject") and vals.get("subject"):
                vals["subject"] = pool_text.render(payload["subject"], lang, self.env)
        return result

    def _author_to_store(self, store):
        # The author's "Name <e-mail>" is a copy of a customer's e-mail (see logic/partner_copies);
        # mail calls this as superuser: what is hidden is what the real user may not see.
        result = super()._author_to_store(store)
        hidden = self.with_env(self.env(su=False))._pool_copies_hidden(["email_from"]).get("email_from")
        for message in self.browse(sorted(hidden or ())):
            store.add(message, {"email_from": False})
        return result

    def _pool_track_followup(self):
        """A message counting as a follow-up (see ``logic.followup``) on a customer or its leads.

        What counts is configured per company (the customer's, else the current one). The
        recycle date is refreshed in the same transaction, so the countdown moves at once.
        """
        # The message type first: it is in cache, and rules out the pool's own audit lines cheaply.
        candidates = self.filtered(
            lambda m: (
                m.message_type in WRITTEN_TYPES or (m.message_type == "notification" and m.mail_activity_type_id)
            )
            and m.model in ("res.partner", "crm.lead")
            and m.res_id
        )
        if not candidates:
            return
        partner_ids = {m.res_id for m in candidates if m.model == "res.partner"}
        lead_ids = {m.res_id for m in candidates if m.model == "crm.lead"}
        leads = self.env["crm.lead"].sudo().browse(lead_ids).exists()
        partner_by_lead = {lead.id: lead.partner_id.commercial_partner_id for lead in leads}
        Partner = self.env["res.partner"].sudo()
        existing = set(Partner.browse(partner_ids).exists().ids)
        by_message = {}
        for message in candidates:
            if message.model == "res.partner":
                partner = Partner.browse(message.res_id if message.res_id in existing else []).commercial_partner_id
            else:
                partner = partner_by_lead.get(message.res_id, Partner)
            if partner.pool_state:
                by_message[message] = partner
        counted = Partner
        for message, partner in by_message.items():
            if not message._pool_by_owner_or_admin(partner):
                continue
            company = partner.company_id or self.env.company
            if is_followup(
                message.message_type,
                message.mail_activity_type_id.id,
                message.subtype_id.id,
                company.sudo().pool_followup_activity_type_ids.ids,
                company.sudo().pool_followup_subtype_ids.ids,
            ):
                counted |= partner
        if counted:
            as_engine(counted.with_context(tracking_disable=True)).write(
                {"pool_last_followup_date": fields.Datetime.now()}
            )

    def _pool_by_owner_or_admin(self, partner):
        """Whether this message is the owner's (or a pool administrator's) follow-up of ``partner``.

        A previous owner's note on the opportunity they won, or a colleague's, does not restart the
        owner's recycle clock. Who acts is the current user; for messages the server posts itself
        (the mail gateway, a scheduled job) it is the author's user, and a message from outside
        (the customer's own e-mail) is the customer's correspondence with the owner.
        """
        actors = self.env.user
        if actors._is_superuser():
            actors = self.sudo().author_id.user_ids
            if not actors:
                return True
        owner = partner.user_id
        return any(actor == owner or (partner.pool_id and partner.pool_id._is_admin(actor)) for actor in actors)
