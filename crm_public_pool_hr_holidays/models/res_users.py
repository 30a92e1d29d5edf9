from odoo import fields, models
from odoo.tools import LazyTranslate

from odoo.addons.crm_public_pool.models import pool_text

_lt = LazyTranslate(__name__)


class ResUsers(models.Model):
    _inherit = "res.users"

    def _pool_absences(self, day=None):
        """People on approved time off on ``day`` are away too."""
        day = day or fields.Date.context_today(self)
        absences = super()._pool_absences(day)
        present = self.filtered(lambda u: u.id not in absences)
        if not present:
            return absences
        leaves = (
            self.env["hr.leave"]
            .sudo()
            .search(
                [
                    ("user_id", "in", present.ids),
                    ("state", "=", "validate"),
                    ("request_date_from", "<=", day),
                    ("request_date_to", ">=", day),
                ],
                order="request_date_to desc",
            )
        )
        for leave in leaves:
            absences.setdefault(
                leave.user_id.id,
                _lt(
                    "%(user)s is on time off until %(until)s",
                    user=leave.user_id.name,
                    until=pool_text.Day(leave.request_date_to),
                ),
            )
        return absences
