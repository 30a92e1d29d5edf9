from odoo import models
from odoo.exceptions import UserError


class IrBinary(models.AbstractModel):
    _inherit = "ir.binary"

    def _record_to_stream(self, record, field_name):
        # /web/image and /web/content read fields without read(): a hidden image or file of a
        # customer masked to the caller is refused (an image request then shows the placeholder).
        if record._name == "res.partner" and not self.env.su:
            masked = record._pool_masked_pools()
            if masked and record.id in masked and record._pool_hidden_in(field_name, record._pool_masking()):
                if masked[record.id] not in dict(self.env["crm.public.pool"]._pool_masking()):
                    # Hidden only because the caller has not opened it today (daily view limit).
                    raise UserError(
                        self.env._(
                            "Open customer #%s first: its pool counts the customers you open each day.", record.id
                        )
                    )
                raise UserError(self.env._("This field of customer #%s is hidden until you own it.", record.id))
        return super()._record_to_stream(record, field_name)
