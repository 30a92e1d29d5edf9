from odoo import api, fields, models


class CrmPublicPool(models.Model):
    _inherit = "crm.public.pool"

    department_ids = fields.Many2many(
        "hr.department",
        "crm_public_pool_department_rel",
        "pool_id",
        "department_id",
        string="Member Departments",
        help="Users of the employees of these departments and their sub-departments are members.",
    )

    @api.depends("department_ids", "department_ids.member_ids.user_id", "department_ids.child_ids")
    def _compute_member_all_user_ids(self):
        return super()._compute_member_all_user_ids()

    def _collect_member_users(self):
        users = super()._collect_member_users()
        if self.department_ids:
            employees = self.env["hr.employee"].sudo().search([("department_id", "child_of", self.department_ids.ids)])
            users |= employees.user_id
        return users

    @api.model
    def _recompute_department_members(self):
        """Employees move between departments often: refresh department pools' members."""
        pools = self.sudo().with_context(active_test=False).search([("department_ids", "!=", False)])
        pools._compute_member_all_user_ids()
