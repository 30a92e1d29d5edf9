from odoo import api, fields, models
from odoo.tools import format_date


class ResUsers(models.Model):
    """The receiver pickers say who is paused: distributing to them would place nothing."""

    _inherit = "res.users"  # pylint: disable=consider-merging-classes-inherited

    pool_limit_label = fields.Char(
        string="Customer Limit",
        compute="_compute_pool_limit_label",
        help="The most customers this person may own, or No limit.",
    )

    @api.depends("pool_effective_max_customers")
    @api.depends_context("lang")
    def _compute_pool_limit_label(self):
        for user in self:
            limit = user.pool_effective_max_customers
            user.pool_limit_label = str(limit) if limit else self.env._("No limit")

    @api.depends_context("pool_show_load", "lang")
    def _compute_display_name(self):
        super()._compute_display_name()
        if not self.env.context.get("pool_show_load"):
            return
        today = fields.Date.context_today(self)
        for user in self.filtered("id"):
            facts = user.sudo()
            if not facts.pool_paused or (facts.pool_paused_until and facts.pool_paused_until < today):
                continue
            user.display_name = (
                self.env._(
                    "%(name)s, paused until %(until)s",
                    name=user.display_name,
                    until=format_date(self.env, facts.pool_paused_until),
                )
                if facts.pool_paused_until
                else self.env._("%(name)s, paused", name=user.display_name)
            )
