from odoo import api, models


class HrEmployee(models.Model):
    _inherit = "hr.employee"

    @api.model_create_multi
    def create(self, vals_list):
        employees = super().create(vals_list)
        employees._refresh_pool_members()
        return employees

    def write(self, vals):
        res = super().write(vals)
        if {"department_id", "user_id", "active"} & set(vals):
            self._refresh_pool_members()
        return res

    def _refresh_pool_members(self):
        # Department pools' members are stored (record rules read them): keep them current.
        self.env["crm.public.pool"]._recompute_department_members()
