from odoo import models


class MailComposeMessage(models.TransientModel):
    _inherit = "mail.compose.message"

    def _prepare_mail_values(self, res_ids):
        # A mass mail goes to each record's recipients (a customer mailed as itself), which the
        # composer computes: none the caller may not see whole, or its reply, sent to an address
        # the caller chose, would tell them what the pool hides.
        values = super()._prepare_mail_values(res_ids)
        if not self.env.su and self.composition_mode == "mass_mail":
            partner_ids = {
                command[1]
                for mail_values in values.values()
                for command in mail_values.get("recipient_ids") or ()
                if isinstance(command, (list, tuple)) and len(command) > 1 and command[0] == 4
            }
            if partner_ids:
                self.env["res.partner"]._pool_check_linkable(partner_ids, self.env._("the recipients"))
        return values
