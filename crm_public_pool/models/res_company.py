from odoo import api, fields, models

from .checks import check_integers


class ResCompany(models.Model):
    _inherit = "res.company"

    pool_max_customers = fields.Integer(
        string="Max Owned Customers",
        default=0,
        help="Default number of customers a salesperson may own (0 = unlimited).",
    )
    pool_max_locked = fields.Integer(
        string="Max Locked Customers",
        default=0,
        help="Default number of key customers a salesperson may lock (0 = unlimited).",
    )
    pool_count_won = fields.Boolean(
        string="Won Customers Count Against the Limit",
        default=True,
        help="When unchecked, customers with a won opportunity do not use up owned capacity.",
    )
    pool_register_require_vat = fields.Boolean(string="Registration Requires USCC/VAT")
    pool_register_require_phone = fields.Boolean(string="Registration Requires Phone")
    pool_register_require_email = fields.Boolean(string="Registration Requires E-mail")
    pool_register_require_contact = fields.Boolean(string="Registration Requires Contact")
    pool_name_similarity = fields.Float(
        string="Name Similarity Threshold",
        default=0.8,
        help="Registered names at least this similar (0-1) to a customer's are near duplicates.",
    )
    pool_protect_days_a = fields.Integer(string="Protection Days (A)", default=90)
    pool_protect_days_b = fields.Integer(string="Protection Days (B)", default=60)
    pool_protect_days_c = fields.Integer(string="Protection Days (C)", default=30)
    pool_protect_days_d = fields.Integer(string="Protection Days (D)", default=15)
    pool_max_registrations = fields.Integer(
        string="Max Active Registrations",
        help="Registrations a salesperson may hold under protection at once (0 = unlimited).",
    )
    pool_show_owner_to_registrant = fields.Boolean(
        string="Show Owner to Registrants",
        help="A registrant who collides with a colleague's customer learns the colleague's name.",
    )
    pool_public_mail_domains = fields.Char(
        string="Extra Public Mail Domains",
        help="Mail providers (besides qq.com, 163.com, gmail.com, ...) whose domain says nothing "
        "about the company, separated by spaces or commas.",
    )

    pool_followup_activity_type_ids = fields.Many2many(
        "mail.activity.type",
        "res_company_pool_followup_activity_type_rel",
        string="Follow-up Activity Types",
        help="Done activities of these types count as a follow-up. With no type and no subtype "
        "chosen, every done activity, note and e-mail counts.",
    )
    pool_followup_subtype_ids = fields.Many2many(
        "mail.message.subtype",
        "res_company_pool_followup_subtype_rel",
        string="Follow-up Message Subtypes",
        help="Messages of these subtypes (e.g. Note, Discussions) count as a follow-up. With no type "
        "and no subtype chosen, every done activity, note and e-mail counts.",
    )

    _sql_constraints = [
        (
            "pool_limits_positive",
            "CHECK(pool_max_customers >= 0 AND pool_max_locked >= 0)",
            "Pool limits cannot be negative.",
        ),
        (
            "pool_registration_limits",
            "CHECK(pool_name_similarity > 0 AND pool_name_similarity <= 1 AND pool_max_registrations >= 0"
            " AND pool_protect_days_a >= 0 AND pool_protect_days_b >= 0"
            " AND pool_protect_days_c >= 0 AND pool_protect_days_d >= 0)",
            "The name similarity threshold must lie in (0, 1]; registration limits and protection days "
            "cannot be negative.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        check_integers(self, vals_list)
        return super().create(vals_list)

    def write(self, vals):
        check_integers(self, [vals])
        res = super().write(vals)
        if "resource_calendar_id" in vals:
            # Rules counting working days follow the company's working hours.
            self.env.registry.clear_cache()
            self.env["crm.public.pool.workday"]._workday_calendars_changed(self.resource_calendar_id)
        return res
