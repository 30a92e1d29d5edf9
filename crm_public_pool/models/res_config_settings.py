from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    pool_max_customers = fields.Integer(related="company_id.pool_max_customers", readonly=False)
    pool_max_locked = fields.Integer(related="company_id.pool_max_locked", readonly=False)
    pool_count_won = fields.Boolean(related="company_id.pool_count_won", readonly=False)
    pool_register_require_vat = fields.Boolean(related="company_id.pool_register_require_vat", readonly=False)
    pool_register_require_phone = fields.Boolean(related="company_id.pool_register_require_phone", readonly=False)
    pool_register_require_email = fields.Boolean(related="company_id.pool_register_require_email", readonly=False)
    pool_register_require_contact = fields.Boolean(related="company_id.pool_register_require_contact", readonly=False)
    pool_name_similarity = fields.Float(related="company_id.pool_name_similarity", readonly=False)
    pool_protect_days_a = fields.Integer(related="company_id.pool_protect_days_a", readonly=False)
    pool_protect_days_b = fields.Integer(related="company_id.pool_protect_days_b", readonly=False)
    pool_protect_days_c = fields.Integer(related="company_id.pool_protect_days_c", readonly=False)
    pool_protect_days_d = fields.Integer(related="company_id.pool_protect_days_d", readonly=False)
    pool_max_registrations = fields.Integer(related="company_id.pool_max_registrations", readonly=False)
    pool_show_owner_to_registrant = fields.Boolean(related="company_id.pool_show_owner_to_registrant", readonly=False)
    pool_public_mail_domains = fields.Char(related="company_id.pool_public_mail_domains", readonly=False)
    pool_followup_activity_type_ids = fields.Many2many(
        related="company_id.pool_followup_activity_type_ids", readonly=False
    )
    pool_followup_subtype_ids = fields.Many2many(related="company_id.pool_followup_subtype_ids", readonly=False)
    pool_followup_plan_days = fields.Integer(related="company_id.pool_followup_plan_days", readonly=False)
