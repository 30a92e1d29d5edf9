import re
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import format_date

from .common import PoolCase


@tagged("post_install", "-at_install")
class TestPauseMembers(PoolCase):
    """A pool administrator pauses and resumes a member of their pool from the member's card."""

    def test_admin_pauses_a_member_until_a_day_and_resumes(self):
        until = fields.Date.today() + timedelta(days=5)
        action = self.user_a.with_user(self.admin).action_pool_pause(until=fields.Date.to_string(until))
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual((self.user_a.pool_paused, self.user_a.pool_paused_until), (True, until))
        self.assertIn(self.user_a.id, self.user_a._pool_absences())
        self.user_a.with_user(self.admin).action_pool_resume()
        self.assertEqual((self.user_a.pool_paused, self.user_a.pool_paused_until), (False, False))

    def test_a_salesperson_pauses_themselves_without_end(self):
        self.user_b.with_user(self.user_b).action_pool_pause()
        self.assertEqual((self.user_b.pool_paused, self.user_b.pool_paused_until), (True, False))

    def test_a_last_day_that_is_no_date_is_refused_with_a_message(self):
        """Over RPC ``pool_pause`` took any value: '2099-13-45', a number or a list was a server error."""
        me = self.user_b.with_user(self.user_b)
        for until in ("2099-13-45", "abc", -1, 1.5, [1, 2], {"a": 1}, "x\x00y"):
            for call in (me.pool_pause, me.action_pool_pause):
                with self.assertRaisesRegex(UserError, "must be a date"):
                    call(until)
        self.assertFalse(self.user_b.pool_paused, "bad input changes nothing")

    def test_admin_of_another_pool_is_refused(self):
        # Ada administers the East pool; Carol is a member of the South pool only.
        with self.assertRaisesRegex(AccessError, "Carol Outsider"):
            self.user_c.with_user(self.admin).action_pool_pause()
        with self.assertRaisesRegex(AccessError, "Carol Outsider"):
            self.user_c.with_user(self.admin).action_pool_pause_wizard()
        self.assertFalse(self.user_c.pool_paused)

    def test_a_colleague_is_refused(self):
        with self.assertRaisesRegex(AccessError, "Alice Pool"):
            self.user_a.with_user(self.user_b).action_pool_pause()
        self.user_a.with_user(self.user_a).action_pool_pause()
        with self.assertRaisesRegex(AccessError, "Alice Pool"):
            self.user_a.with_user(self.user_b).action_pool_resume()
        self.assertTrue(self.user_a.pool_paused)

    def test_bad_end_dates_are_refused(self):
        with self.assertRaisesRegex(UserError, "must be a date.*'next week'"):
            self.user_a.with_user(self.admin).action_pool_pause(until="next week")
        yesterday = fields.Date.today() - timedelta(days=1)
        with self.assertRaisesRegex(ValidationError, re.escape(format_date(self.env, yesterday))):
            self.user_a.with_user(self.admin).action_pool_pause(until=yesterday)
        self.assertFalse(self.user_a.pool_paused)

    def test_member_card_opens_the_pause_form_for_that_member(self):
        action = self.user_a.with_user(self.admin).action_pool_pause_wizard()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.admin)
            .with_context(**action["context"])
            .create({"until": fields.Date.today() + timedelta(days=2)})
        )
        self.assertEqual(wizard.user_ids, self.user_a)
        wizard.action_pause()
        self.assertTrue(self.user_a.pool_paused)
