from odoo import api, fields, models
from odoo.exceptions import UserError


class CrmPublicPoolViewDay(models.Model):
    """How many customers of a pool one member opened on one day: what managers review.

    Written only by the counting engine (``crm.public.pool.view._pool_open``), in the same
    statement as the views themselves.
    """

    _name = "crm.public.pool.view.day"
    _description = "Customers Opened per Day"
    _order = "day desc, opened_count desc, id desc"
    _log_access = False

    user_id = fields.Many2one("res.users", string="Member", required=True, readonly=True, ondelete="cascade")
    pool_id = fields.Many2one("crm.public.pool", required=True, readonly=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", readonly=True, ondelete="cascade")
    day = fields.Date(required=True, readonly=True)
    opened_count = fields.Integer(string="Customers Opened", readonly=True, aggregator="sum")
    view_limit = fields.Integer(string="Daily Limit", readonly=True, aggregator="max")
    limit_reached = fields.Boolean(
        readonly=True,
        help="The member opened as many customers of the pool that day as its daily view limit allows: "
        "every further customer was refused.",
    )

    _sql_constraints = [
        ("user_pool_day_uniq", "UNIQUE (user_id, pool_id, day)", "One tally per member, pool and day."),
    ]

    @api.model_create_multi
    def create(self, vals_list):  # pylint: disable=method-required-super
        # Only the counting statement inserts rows (in SQL): through the ORM, nobody may.
        raise UserError(self.env._("Views of customers are recorded by the pool itself, never entered by hand."))

    def write(self, vals):  # pylint: disable=method-required-super
        raise UserError(self.env._("Views of customers are recorded by the pool itself, never entered by hand."))
