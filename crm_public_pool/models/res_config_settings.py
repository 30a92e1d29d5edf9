from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    pool_max_customers = fields.Integer(
        related="company_id.pool_max_customers", readonly=False
    )
    pool_max_locked = fields.Integer(related="company_id.pool_max_locked", readonly=False)
    pool_count_won = fields.Boolean(related="company_id.pool_count_won", readonly=False)
