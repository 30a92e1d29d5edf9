from odoo import fields, models

RULE_TYPES = [
    ("no_followup", "No Follow-up"),
    ("no_opportunity", "No New Opportunity"),
    ("not_won", "Not Won"),
    ("low_revenue", "Low Revenue"),
    ("domain", "Custom Filter"),
]


class CrmPublicPoolRule(models.Model):
    """A recycle rule: customers matching any active rule of their pool return to it."""

    _name = "crm.public.pool.rule"
    _description = "Customer Pool Recycle Rule"
    _order = "sequence, id"

    pool_id = fields.Many2one("crm.public.pool", required=True, ondelete="cascade", index=True)
    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(related="pool_id.company_id", store=True)
    rule_type = fields.Selection(RULE_TYPES, required=True, default="no_followup")
    days = fields.Integer(default=30, help="Days without the event before the customer is recycled.")
    days_a = fields.Integer(string="Days (level A)", help="0 = use Days.")
    days_b = fields.Integer(string="Days (level B)", help="0 = use Days.")
    days_c = fields.Integer(string="Days (level C)", help="0 = use Days.")
    days_d = fields.Integer(string="Days (level D)", help="0 = use Days.")
    amount = fields.Monetary(currency_field="currency_id", help="Low revenue: won revenue below this amount.")
    currency_id = fields.Many2one(related="company_id.currency_id")
    domain = fields.Char(default="[]", help="Custom filter: customers matching it are recycled.")
    include_won = fields.Boolean(
        string="Recycle Won Customers Too",
        help="Not won: when unchecked, customers with a won opportunity are exempt.",
    )
    include_open_opportunities = fields.Boolean(
        string="Recycle With Open Opportunities",
        help="When unchecked, a customer with an open opportunity or a planned activity is never recycled.",
    )
    warn_days = fields.Integer(default=3, help="Days before recycling when the owner is warned.")
    target_pool_id = fields.Many2one(
        "crm.public.pool", string="Recycle Into", help="Empty = the customer's own pool."
    )

    _sql_constraints = [
        (
            "days_positive",
            "CHECK(days >= 0 AND days_a >= 0 AND days_b >= 0 AND days_c >= 0 AND days_d >= 0 AND warn_days >= 0)",
            "Recycle days cannot be negative.",
        ),
    ]
