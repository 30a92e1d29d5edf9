from odoo import api, models

from .checks import check_values


class CrmPublicPoolGateMixin(models.AbstractModel):
    """The gate every value a client writes on a record of the addon passes first (see checks.py):
    integers the database can store, text without NUL or other control characters. A value that
    fails is refused with a message naming the field, before the database sees it."""

    _name = "crm.public.pool.gate.mixin"
    _description = "Customer Pool Value Gate"

    @api.model_create_multi
    def create(self, vals_list):
        check_values(self, vals_list)
        return super().create(vals_list)

    def write(self, vals):
        check_values(self, [vals])
        return super().write(vals)
