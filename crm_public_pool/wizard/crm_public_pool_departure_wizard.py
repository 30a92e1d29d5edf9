from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.engine_token import as_engine
from ..models.res_partner import COMMERCIAL_DOMAIN


class CrmPublicPoolDepartureWizard(models.TransientModel):
    _name = "crm.public.pool.departure.wizard"
    _description = "Salesperson Departure"

    user_id = fields.Many2one("res.users", string="Departing Salesperson", required=True)
    successor_id = fields.Many2one(
        "res.users",
        domain=[("share", "=", False)],
        help="Empty = the customers return to their pools.",
    )
    archive_user = fields.Boolean(default=True, help="Archive the departing user afterwards.")
    customer_count = fields.Integer(compute="_compute_customer_count")

    @api.depends("user_id")
    def _compute_customer_count(self):
        for wizard in self:
            wizard.customer_count = len(wizard._customers())

    def _customers(self):
        return (
            self.env["res.partner"]
            .sudo()
            .search([("user_id", "=", self.user_id.id), ("pool_state", "=", "private"), *COMMERCIAL_DOMAIN])
        )

    def action_apply(self):
        self.ensure_one()
        if self.successor_id == self.user_id:
            raise UserError(self.env._("The successor of %s cannot be themselves.", self.user_id.name))
        customers = self._customers()
        customers.with_env(self.env)._pool_departure(self.successor_id)
        if self.archive_user:
            as_engine(self.user_id, departure_done=True).action_archive()
        if self.successor_id and len(customers) == 1:
            message = self.env._(
                "1 customer of %(user)s went to %(successor)s.",
                user=self.user_id.name,
                successor=self.successor_id.name,
            )
        elif self.successor_id:
            message = self.env._(
                "%(count)s customers of %(user)s went to %(successor)s.",
                count=len(customers),
                user=self.user_id.name,
                successor=self.successor_id.name,
            )
        elif len(customers) == 1:
            message = self.env._("1 customer of %(user)s returned to its pool.", user=self.user_id.name)
        else:
            message = self.env._(
                "%(count)s customers of %(user)s returned to their pools.", count=len(customers), user=self.user_id.name
            )
        return self.env["res.partner"]._pool_notification(message)
