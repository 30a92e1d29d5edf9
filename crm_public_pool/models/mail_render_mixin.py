from odoo import api, models
from odoo.exceptions import AccessError


class MailRenderMixin(models.AbstractModel):
    _inherit = "mail.render.mixin"

    @api.model
    def _render_template(self, template_src, model, res_ids, engine="inline_template", add_context=None, options=None):
        # A template renders its records as the caller, their customer's fields read from the
        # cache (``{{ object.phone }}`` in a preview or a composer): as a report does, it renders
        # only customers the caller may see whole.
        if not self.env.su and model and model in self.env and isinstance(res_ids, (list, tuple)):
            hidden = self.env[model]._pool_customers_not_whole(res_ids)
            if hidden:
                raise AccessError(
                    self.env._(
                        "This message would show %(customer)s, a customer you may not see whole: "
                        "claim it, or ask its owner.",
                        customer=hidden[:1]._pool_name_for_me(),
                    )
                )
        return super()._render_template(
            template_src, model, res_ids, engine=engine, add_context=add_context, options=options
        )
