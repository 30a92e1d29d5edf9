from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import format_date

from odoo.addons.crm_public_pool.tests import test_i18n
from odoo.addons.crm_public_pool.tests.common import PoolCase


@tagged("post_install", "-at_install")
class TestTimeOff(PoolCase):
    """People on approved time off today receive no customers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.leave_type = cls.env["hr.leave.type"].create(
            {"name": "Annual leave", "requires_allocation": "no", "leave_validation_type": "hr", "time_type": "leave"}
        )
        cls.bob_employee = cls.env["hr.employee"].create({"name": "Bob Pool", "user_id": cls.user_b.id})

    def leave(self, first_day, last_day, approve=True):
        leave = self.env["hr.leave"].create(
            {
                "holiday_status_id": self.leave_type.id,
                "employee_id": self.bob_employee.id,
                "request_date_from": first_day,
                "request_date_to": last_day,
            }
        )
        if approve:
            leave.action_validate()
        return leave

    def distribute(self, partners):
        return (
            self.env["crm.public.pool.assign.wizard"]
            .with_user(self.admin)
            .create({"pool_id": self.pool.id, "partner_ids": [(6, 0, partners.ids)], "strategy": "round_robin"})
            .action_apply()
        )

    def test_approved_leave_today_skips_and_refuses(self):
        today = fields.Date.today()
        # Approved but not today, and requested but not approved: Bob is there.
        self.leave(today + timedelta(days=10), today + timedelta(days=12))
        requested = self.leave(today, today + timedelta(days=1), approve=False)
        self.assertFalse(self.user_b._pool_absences())
        requested.action_refuse()
        self.leave(today - timedelta(days=1), today + timedelta(days=2))
        self.distribute(self.customers[:2])
        self.assertEqual(self.customers[:2].user_id, self.user_a)
        self.assertEqual(self.pool.rr_owed_user_ids, self.user_b)
        # The last day as the reader writes dates, as a pause's is written.
        last_day = format_date(self.env, today + timedelta(days=2))
        with self.assertRaisesRegex(UserError, f"Bob Pool is on time off until {last_day}"):
            self.pool.with_user(self.admin).pool_assign(self.customers[2:3].ids, self.user_b.id)
        self.assertFalse(self.user_b._pool_absences(today + timedelta(days=3)))


@tagged("post_install", "-at_install")
class TestTimeOffTranslations(test_i18n.TestTranslations):
    allow_inherited_tests_method = True
    MODULE = "crm_public_pool_hr_holidays"
