from odoo.tests import tagged
from odoo.tests.common import TransactionCase, new_test_user


@tagged("post_install", "-at_install")
class TestDepartmentPool(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sales = cls.env["hr.department"].create({"name": "Sales"})
        cls.east = cls.env["hr.department"].create({"name": "East Sales", "parent_id": cls.sales.id})
        cls.other = cls.env["hr.department"].create({"name": "Finance"})
        cls.alice = new_test_user(cls.env, login="hr_alice", groups="sales_team.group_sale_salesman")
        cls.bob = new_test_user(cls.env, login="hr_bob", groups="sales_team.group_sale_salesman")
        cls.env["hr.employee"].create({"name": "Alice", "user_id": cls.alice.id, "department_id": cls.east.id})
        cls.bob_employee = cls.env["hr.employee"].create(
            {"name": "Bob", "user_id": cls.bob.id, "department_id": cls.other.id}
        )
        cls.pool = cls.env["crm.public.pool"].create(
            {"name": "Sales Department Pool", "pool_type": "department", "department_ids": [(6, 0, cls.sales.ids)]}
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Department Customer", "is_company": True, "pool_id": cls.pool.id}
        )

    def test_sub_department_employee_is_member_and_claims(self):
        self.assertIn(self.alice, self.pool.member_all_user_ids)
        self.customer.with_user(self.alice).action_pool_claim()
        self.assertEqual(self.customer.user_id, self.alice)

    def test_other_department_cannot_see_the_pool(self):
        self.assertNotIn(self.bob, self.pool.member_all_user_ids)
        visible = self.env["res.partner"].with_user(self.bob).search([("id", "=", self.customer.id)])
        self.assertFalse(visible)

    def test_moving_an_employee_changes_membership(self):
        self.bob_employee.department_id = self.east
        self.assertIn(self.bob, self.pool.member_all_user_ids)
        visible = self.env["res.partner"].with_user(self.bob).search([("id", "=", self.customer.id)])
        self.assertEqual(visible, self.customer)
