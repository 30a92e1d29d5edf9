from markupsafe import Markup

from odoo import api, fields, models


class CrmPublicPool(models.Model):
    """What the pool screens show each user: whether they administer it, how much they may still open."""

    _inherit = "crm.public.pool"  # pylint: disable=consider-merging-classes-inherited

    is_admin = fields.Boolean(
        string="I Administer It",
        compute="_compute_is_admin",
        help="You administer this pool: its retry, recycle, pause and clean-up are yours to run.",
    )
    my_opened_today = fields.Integer(
        string="Opened by Me Today",
        compute="_compute_my_opened_today",
        help="Distinct customers of this pool you opened today, against its daily view limit.",
    )
    my_view_limit_text = fields.Char(
        string="My Views Today",
        compute="_compute_my_opened_today",
        help="How many of the pool's daily views you used today, before the limit refuses one.",
    )

    masked_field_names = fields.Char(
        string="Masked Contact Fields",
        compute="_compute_masked_field_names",
        compute_sudo=True,
        help="Contact fields shown masked to members until they own the customer.",
    )

    @api.depends("masked_field_ids")
    @api.depends_context("lang")
    def _compute_masked_field_names(self):
        # Field definitions are readable by settings administrators only: pool administrators read
        # the names here.
        for pool in self:
            pool.masked_field_names = ", ".join(pool.masked_field_ids.mapped("field_description"))

    @api.depends_context("uid")
    def _compute_is_admin(self):
        user = self.env.user
        for pool in self:
            pool.is_admin = bool(pool.id) and pool._is_admin(user)

    @api.depends_context("uid", "lang")
    @api.depends("daily_view_limit")
    def _compute_my_opened_today(self):
        today = fields.Date.context_today(self)
        counts = dict(
            self.env["crm.public.pool.view.day"]
            .sudo()
            ._read_group(
                [("user_id", "=", self.env.uid), ("day", "=", today), ("pool_id", "in", self.ids)],
                ["pool_id"],
                ["opened_count:sum"],
            )
        )
        for pool in self:
            opened = counts.get(pool._origin, 0)
            pool.my_opened_today = opened
            pool.my_view_limit_text = (
                self.env._(
                    "You opened %(opened)s of %(limit)s customers today", opened=opened, limit=pool.daily_view_limit
                )
                if pool.daily_view_limit
                else False
            )

    def action_recycle_preview(self):
        action = super().action_recycle_preview()
        action["help"] = Markup("<p class='o_view_nocontent_smiling_face'>%s</p><p>%s</p>") % (
            self.env._("Nothing to recycle today"),
            self.env._(
                "No customer of %s is due to return to the pool by its rules now.", ", ".join(self.mapped("name"))
            ),
        )
        return action
