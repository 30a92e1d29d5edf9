from odoo import api, fields, models

from .engine import as_engine


class MailMessage(models.Model):
    _inherit = "mail.message"

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
        messages = super().create(vals_list)
        messages._pool_track_followup()
        return messages

    def _pool_track_followup(self):
        """A note, e-mail, message or done activity on a customer or its leads is a follow-up."""
        partner_ids, lead_ids = set(), set()
        for message in self:
            is_followup = message.message_type in ("comment", "email", "email_outgoing") or (
                message.message_type == "notification" and message.mail_activity_type_id
            )
            if not is_followup or not message.res_id:
                continue
            if message.model == "res.partner":
                partner_ids.add(message.res_id)
            elif message.model == "crm.lead":
                lead_ids.add(message.res_id)
        if lead_ids:
            leads = self.env["crm.lead"].sudo().browse(lead_ids).exists()
            partner_ids.update(leads.partner_id.ids)
        if not partner_ids:
            return
        partners = self.env["res.partner"].sudo().browse(partner_ids).exists().commercial_partner_id
        managed = partners.filtered("pool_state")
        if managed:
            as_engine(managed.with_context(tracking_disable=True)).write(
                {"pool_last_followup_date": fields.Datetime.now()}
            )
