from odoo import api, fields, models

from ..logic.bounds import SETTING_BOUNDS
from .checks import check_bounds


class CrmPublicPoolReason(models.Model):
    _name = "crm.public.pool.reason"
    _description = "Customer Release Reason"
    _inherit = ["crm.public.pool.gate.mixin"]
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, help="Stable identifier used by integrations.")
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    note_required = fields.Boolean(help="A note is required when this reason is chosen.")
    embargo_days = fields.Integer(
        string="Embargo (days)",
        help="Customers released for this reason cannot be claimed by anyone for this many days "
        "(0 = none); pool administrators may still assign them.",
    )

    _sql_constraints = [
        ("code_unique", "UNIQUE(code)", "The code of a release reason must be unique."),
        (
            "embargo_days_range",
            "CHECK(embargo_days >= 0 AND embargo_days <= 3650)",
            "The embargo of a release reason is between 0 and 3650 days.",
        ),
    ]

    @api.constrains(*SETTING_BOUNDS["crm.public.pool.reason"])
    def _check_setting_bounds(self):
        check_bounds(self)
