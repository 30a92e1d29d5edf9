from odoo import api, models

# An employee's own contacts: hr shows their phone and e-mail to every user (hr.employee.public)
# and writes the employee's work phone and e-mail back into its work contact as superuser.
OWN_CONTACT_FIELDS = ("work_contact_id", "address_id")


class HrEmployee(models.Model):
    _inherit = "hr.employee"

    @api.model_create_multi
    def create(self, vals_list):
        self._pool_check_own_contacts(vals_list)
        employees = super().create(vals_list)
        employees._refresh_pool_members()
        return employees

    def write(self, vals):
        self._pool_check_own_contacts([vals])
        res = super().write(vals)
        if {"department_id", "user_id", "active"} & set(vals):
            self._refresh_pool_members()
        return res

    def _refresh_pool_members(self):
        # Department pools' members are stored (record rules read them): keep them current.
        self.env["crm.public.pool"]._recompute_department_members()

    @api.model
    def _pool_check_own_contacts(self, vals_list):
        ids = [vals[fname] for vals in vals_list for fname in OWN_CONTACT_FIELDS if vals.get(fname)]
        if ids:
            self.env["res.partner"]._pool_check_not_own_contact(ids, self.env._("an employee"))
