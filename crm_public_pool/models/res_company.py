from odoo import fields, models


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

    _sql_constraints = [
        (
            "pool_limits_positive",
            "CHECK(pool_max_customers >= 0 AND pool_max_locked >= 0)",
            "Pool limits cannot be negative.",
        ),
    ]
