from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CrmPublicPoolRegion(models.Model):
    """One row of a pool's region map: customers of a country, state or city go to a user or team."""

    _name = "crm.public.pool.region"
    _description = "Customer Pool Region Map"
    _inherit = ["crm.public.pool.gate.mixin"]
    _order = "pool_id, country_id, state_id, city, id"

    pool_id = fields.Many2one("crm.public.pool", required=True, index=True, ondelete="cascade")
    country_id = fields.Many2one("res.country", required=True)
    state_id = fields.Many2one("res.country.state", domain="[('country_id', '=', country_id)]")
    city = fields.Char(help="Optional: only customers of this city (case and spaces do not matter).")
    user_id = fields.Many2one("res.users", string="Salesperson", domain=[("share", "=", False)])
    team_id = fields.Many2one("crm.team", string="Sales Team", help="The team's leader and members share the region.")

    @api.constrains("user_id", "team_id", "state_id", "country_id")
    def _check_target(self):
        for region in self:
            if not region.user_id and not region.team_id:
                raise ValidationError(
                    self.env._("Region %s of the map needs a salesperson or a sales team.", region._region_label())
                )
            if region.state_id and region.state_id.country_id != region.country_id:
                raise ValidationError(
                    self.env._(
                        "State %(state)s is not in %(country)s.",
                        state=region.state_id.name,
                        country=region.country_id.name,
                    )
                )

    def _region_label(self):
        self.ensure_one()
        return " / ".join(filter(None, [self.country_id.name, self.state_id.name, self.city]))

    def _user_ids(self):
        """Users this row routes customers to."""
        teams = self.team_id
        return (self.user_id | teams.user_id | teams.crm_team_member_ids.user_id).ids
