from odoo import models


class MailTemplate(models.Model):
    _inherit = "mail.template"

    def _generate_template(self, res_ids, render_fields, find_or_create_partners=False):
        # ``send_mail`` mails the recipients a template computes for a record (its customer), with
        # the reply address the caller may pass: none the caller may not see whole.
        result = super()._generate_template(res_ids, render_fields, find_or_create_partners=find_or_create_partners)
        if not self.env.su and "partner_to" in render_fields:
            partner_ids = {pid for values in result.values() for pid in values.get("partner_ids") or ()}
            if partner_ids:
                self.env["res.partner"]._pool_check_linkable(partner_ids, self.env._("the recipients"))
        return result
