from datetime import date

from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged

from ..logic.workdays import day_index
from .test_recycle import RecycleCase


def utc(text):
    return fields.Datetime.to_datetime(text)


@tagged("post_install", "-at_install")
class TestWorkingDayClocks(RecycleCase):
    """Rules counting working days of the company's calendar: China's holidays skipped, 调休 Saturdays worked.

    The shipped calendar (data/resource_calendar_cn_data.xml) works Monday to Friday in
    Asia/Shanghai, has the Spring Festival of 2026 off from Sunday 15 to Monday 23 February and
    National Day from 1 to 7 October, and works Saturday 14 and 28 February, Sunday 20 September
    and Saturday 10 October instead.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calendar = cls.env.ref("crm_public_pool.resource_calendar_cn")
        cls.pool.company_id.resource_calendar_id = cls.calendar
        cls.customer = cls.customers[0]
        cls.other = cls.customers[1]

    def claimed_at(self, partners, when):
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE res_partner SET pool_claim_date = %s, pool_last_followup_date = NULL WHERE id IN %s",
            [utc(when), tuple(partners.ids)],
        )
        self.env.invalidate_all()
        self.pool._recycle_refresh_dates()

    def test_day_index_counts_working_days_up_to_each_day(self):
        rows = day_index(date(2026, 2, 13), {date(2026, 2, 13), date(2026, 2, 16)}, 4)
        self.assertEqual(
            rows,
            [
                (date(2026, 2, 13), 1, True),
                (date(2026, 2, 14), 1, False),
                (date(2026, 2, 15), 1, False),
                (date(2026, 2, 16), 2, True),
            ],
        )

    def test_shipped_calendar_has_the_holidays_and_moved_working_days(self):
        leaves = self.calendar.global_leave_ids.filtered(lambda leave: leave.name == "春节 2026")
        self.assertEqual(len(leaves), 1)
        self.assertEqual((leaves.date_from, leaves.date_to), (utc("2026-02-14 16:00:00"), utc("2026-02-23 15:59:59")))
        moved = self.calendar.attendance_ids.filtered("date_from").mapped("date_from")
        self.assertIn(date(2026, 2, 14), moved)
        self.assertIn(date(2026, 10, 10), moved)
        self.assertTrue(self.calendar.global_leave_ids.filtered(lambda leave: leave.name == "国庆节 2027"))

    @freeze_time("2026-02-12 03:00:00")
    def test_spring_festival_does_not_count(self):
        # Claimed Thursday 12 February at 10:00 in Shanghai; 5 working days: Friday 13, the 调休
        # Saturday 14, then (the Spring Festival off) Tuesday 24, Wednesday 25, Thursday 26.
        self.rule(days=5, day_basis="working")
        calendar_rule_customer = self.other
        self.claimed_at(self.customer | calendar_rule_customer, "2026-02-12 02:00:00")
        self.assertEqual(self.customer.pool_recycle_date, utc("2026-02-26 02:00:00"))
        self.assertEqual(self.customer.pool_recycle_days, 5)
        self.assertEqual(self.customer.pool_recycle_day_unit, "working")
        self.assertFalse(self.customer.pool_recycle_warning)

    @freeze_time("2026-02-12 03:00:00")
    def test_calendar_days_rule_is_unchanged(self):
        self.rule(days=5)
        self.claimed_at(self.customer, "2026-02-12 02:00:00")
        self.assertEqual(self.customer.pool_recycle_date, utc("2026-02-17 02:00:00"))
        self.assertEqual((self.customer.pool_recycle_days, self.customer.pool_recycle_day_unit), (5, "calendar"))

    def test_recycle_waits_for_the_working_days(self):
        self.rule(days=5, day_basis="working")
        with freeze_time("2026-02-12 03:00:00"):
            self.claimed_at(self.customer, "2026-02-12 02:00:00")
        with freeze_time("2026-02-25 12:00:00"):
            # 13 calendar days later, 4 working days: a 5-day calendar rule would have recycled it.
            self.run_cron()
            self.assertOwned(self.customer)
        with freeze_time("2026-02-26 02:30:00"):
            self.run_cron()
            self.assertEqual(self.customer.pool_state, "pool")
            log = self.logs(self.customer, "recycle")
            self.assertIn("no follow-up for 5 working days, limit 5", log.note)

    def test_national_day_and_a_moved_saturday(self):
        # Claimed Wednesday 30 September 10:00; National Day 1-7 October off; Thursday 8 and Friday 9
        # are working days, and so is Saturday 10 October (调休): 3 working days end there.
        self.rule(days=3, day_basis="working")
        with freeze_time("2026-09-30 03:00:00"):
            self.claimed_at(self.customer, "2026-09-30 02:00:00")
            self.assertEqual(self.customer.pool_recycle_date, utc("2026-10-10 02:00:00"))
        with freeze_time("2026-10-09 03:00:00"):
            self.env.invalidate_all()
            self.assertEqual(self.customer.pool_recycle_days, 1)
            self.assertFalse(self.customer.pool_recycle_warning)

    def test_moved_working_day_removed_moves_the_date(self):
        self.rule(days=3, day_basis="working")
        with freeze_time("2026-09-30 03:00:00"):
            self.claimed_at(self.customer, "2026-09-30 02:00:00")
            # Without the 调休 Saturday, the third working day is Monday 12 October.
            self.env.ref("crm_public_pool.resource_calendar_cn_workday_20261010_morning").unlink()
            self.env.ref("crm_public_pool.resource_calendar_cn_workday_20261010_afternoon").unlink()
            self.env.invalidate_all()
            self.assertEqual(self.customer.pool_recycle_date, utc("2026-10-12 02:00:00"))

    def test_a_new_public_holiday_moves_the_date(self):
        self.rule(days=5, day_basis="working")
        with freeze_time("2026-02-12 03:00:00"):
            self.claimed_at(self.customer, "2026-02-12 02:00:00")
            # Written after the create: with hr_holidays, a create shifts the times by the user's zone.
            leave = self.env["resource.calendar.leaves"].create(
                {
                    "name": "Company day off",
                    "date_from": utc("2026-03-10 00:00:00"),
                    "date_to": utc("2026-03-10 01:00:00"),
                }
            )
            leave.write(
                {
                    "calendar_id": self.calendar.id,
                    "date_from": utc("2026-02-24 16:00:00"),
                    "date_to": utc("2026-02-25 15:59:59"),
                }
            )
            self.env.invalidate_all()
            self.assertEqual(self.customer.pool_recycle_date, utc("2026-02-27 02:00:00"))

    def test_warning_window_counts_working_days(self):
        # Deadline Thursday 26 February; a window of 2 working days opens on Tuesday 24 (the 调休
        # Saturday and the holiday do not widen it).
        self.rule(days=5, day_basis="working", warn_days=2)
        with freeze_time("2026-02-12 03:00:00"):
            self.claimed_at(self.customer, "2026-02-12 02:00:00")
        Partner = self.env["res.partner"]
        with freeze_time("2026-02-23 03:00:00"):
            self.run_cron()
            self.assertFalse(self.logs(self.customer, "warn"))
            self.assertFalse(self.customer.pool_recycle_warning)
            self.assertNotIn(self.customer, Partner.search([("pool_recycle_warning", "=", True)]))
        with freeze_time("2026-02-24 03:00:00"):
            self.env.invalidate_all()
            self.run_cron()
            self.assertTrue(self.logs(self.customer, "warn"))
            self.assertEqual(self.customer.pool_recycle_days, 2)
            self.assertTrue(self.customer.pool_recycle_warning)
            self.assertIn(self.customer, Partner.search([("pool_recycle_warning", "=", True)]))

    def test_company_calendar_counts_its_own_working_days(self):
        # A calendar of Monday to Friday without holidays: 5 working days from Thursday 12
        # February are Thursday 19.
        self.rule(days=5, day_basis="working")
        self.pool.company_id.resource_calendar_id = self.env["resource.calendar"].create(
            {
                "name": "Monday to Friday",
                "tz": "Asia/Shanghai",
                # Explicit: a new calendar copies the company calendar's hours, moved days included.
                "attendance_ids": [
                    (5, 0, 0),
                    *[
                        (0, 0, {"name": str(day), "dayofweek": str(day), "hour_from": 9, "hour_to": 17})
                        for day in range(5)
                    ],
                ],
            }
        )
        with freeze_time("2026-02-12 03:00:00"):
            self.claimed_at(self.customer, "2026-02-12 02:00:00")
            self.assertEqual(self.customer.pool_recycle_date, utc("2026-02-19 02:00:00"))

    def test_a_claim_in_a_working_day_pool_costs_one_more_query(self):
        # The claim refreshes the customer's recycle date; counting working days reads the
        # calendar's table once, and nothing per customer.
        self.pool.write({"reclaim_cooldown_days": 0, "entry_lock_hours": 0})
        rule = self.rule(days=5)
        pooled = self.customers[:4]
        pooled.with_user(self.user_a).pool_release("no_need")

        def claim_queries(partner):
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            partner.with_user(self.user_b).action_pool_claim()
            return self.env.cr.sql_log_count - before

        claim_queries(pooled[0])
        calendar_days = claim_queries(pooled[1])
        rule.day_basis = "working"
        claim_queries(pooled[2])
        working_days = claim_queries(pooled[3])
        self.assertEqual(pooled.user_id, self.user_b)
        self.assertLessEqual(working_days, calendar_days + 1)
