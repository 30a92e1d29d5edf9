from odoo import api, fields, models


class MailMessage(models.Model):
    _inherit = "mail.message"

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
            managed.with_context(pool_transition=True, tracking_disable=True).write(
                {"pool_last_followup_date": fields.Datetime.now()}
            )
