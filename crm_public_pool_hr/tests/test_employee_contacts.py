from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tests.common import TransactionCase, new_test_user


@tagged("post_install", "-at_install")
class TestEmployeeContacts(TransactionCase):
    """An employee's work contact and work address are shown to every user (hr.employee.public) and
    written back by hr as superuser: an HR officer who could not read a pool's customer linked it as
    an employee's work contact, read its e-mail there and rewrote it through the employee."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.hr_officer = new_test_user(
            cls.env, login="hr_officer", groups="hr.group_hr_user,sales_team.group_sale_salesman"
        )
        cls.pool = cls.env["crm.public.pool"].create({"name": "HR Test Pool"})
        cls.customer = cls.env["res.partner"].create(
            {"name": "Pool Customer", "is_company": True, "pool_id": cls.pool.id, "email": "buyer@customer.example"}
        )
        cls.Employee = cls.env["hr.employee"].with_user(cls.hr_officer)

    def test_a_customer_is_never_an_employees_own_contact(self):
        for fname in ("work_contact_id", "address_id"):
            with self.assertRaisesRegex(UserError, "customers of a pool"):
                self.Employee.create({"name": "Fake Employee", fname: self.customer.id})
            employee = self.Employee.create({"name": "Real Employee"})
            with self.assertRaisesRegex(UserError, "customers of a pool"):
                employee.write({fname: self.customer.id})
            with self.assertRaisesRegex(UserError, "customers of a pool"):
                employee.sudo().write({fname: self.customer.id})
        self.assertEqual(self.customer.email, "buyer@customer.example")
        self.assertFalse(self.env["hr.employee.public"].search([("work_email", "=", "buyer@customer.example")]))

    def test_employees_keep_their_own_contacts(self):
        employee = self.Employee.create({"name": "Real Employee", "work_email": "real@company.example"})
        self.assertEqual(employee.work_contact_id.email, "real@company.example")
        employee.write({"address_id": self.env.company.partner_id.id})
        self.assertEqual(employee.address_id, self.env.company.partner_id)
