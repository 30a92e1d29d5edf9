from odoo import api, fields, models

from ..models.res_partner import POOL_LEVELS


class CrmPublicPoolRegisterWizard(models.TransientModel):
    """Quick registration (报备): look the prospect up while typing, then register it."""

    _name = "crm.public.pool.register.wizard"
    _description = "Quick Customer Registration"
    _inherit = ["crm.public.pool.gate.mixin"]

    name = fields.Char(string="Company Name", required=True)
    vat = fields.Char(string="USCC / VAT")
    phone = fields.Char()
    email = fields.Char(string="E-mail")
    website = fields.Char()
    contact_name = fields.Char(string="Contact")
    level = fields.Selection(POOL_LEVELS, required=True, default="c")
    lookup_result = fields.Text(compute="_compute_lookup_result")

    @api.depends("name", "vat", "phone", "email")
    def _compute_lookup_result(self):
        Partner = self.env["res.partner"]
        states = dict(Partner._fields["pool_state"]._description_selection(self.env))
        for wizard in self:
            if not (wizard.name or wizard.vat or wizard.phone or wizard.email):
                wizard.lookup_result = False
                continue
            matches = Partner.pool_lookup(name=wizard.name, phone=wizard.phone, email=wizard.email, vat=wizard.vat)
            lines = [
                self.env._(
                    "%(match)s match: %(name)s (%(state)s%(owner)s)",
                    match=self.env._("Exact") if found["match"] == "exact" else self.env._("Near"),
                    name=found["display_name"],
                    state=states.get(found["pool_state"], ""),
                    owner=f", {found['owner']}" if found["owner"] else "",
                )
                for found in matches
            ]
            wizard.lookup_result = "\n".join(lines) or self.env._("No existing customer matches: free to register.")

    def action_register(self):
        """Create the registration and submit it; show it when it needs the registrant's attention."""
        self.ensure_one()
        registration = self.env["crm.public.pool.registration"].create(
            {
                "name": self.name,
                "vat": self.vat,
                "phone": self.phone,
                "email": self.email,
                "website": self.website,
                "contact_name": self.contact_name,
                "level": self.level,
            }
        )
        result = registration.action_submit()
        if registration.state == "registered":
            return result
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.public.pool.registration",
            "res_id": registration.id,
            "view_mode": "form",
            "target": "current",
            "name": self.env._("Registration"),
        }
