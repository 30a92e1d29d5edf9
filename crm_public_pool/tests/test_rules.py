from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged, users, warmup
from odoo.tools import format_date

from .common import PoolCase
from .test_recycle import RecycleCase

AT_LIMIT = "every eligible member is at their customer limit"
AWAY = "every eligible member with room is paused, on leave or archived"


@tagged("post_install", "-at_install")
class TestFollowupsThatCount(RecycleCase):
    """Only real follow-ups reset the no-follow-up countdown, and the countdown moves at once."""

    def setUp(self):
        super().setUp()
        # Start from the default whatever the demo data chose: nothing configured, everything counts.
        self.env.company.write({"pool_followup_activity_type_ids": [(5,)], "pool_followup_subtype_ids": [(5,)]})
        self.rule(days=30)
        self.customer = self.customers[0]
        self.backdate(self.customer, 25)
        self.assertEqual(self.customer.pool_recycle_days, 5)

    def note(self):
        self.customer.with_user(self.user_a).message_post(
            body="Visited", message_type="comment", subtype_xmlid="mail.mt_note"
        )
        self.customer.invalidate_recordset()

    def log_call(self):
        activity = self.customer.with_user(self.user_a).activity_schedule(
            "mail.mail_activity_data_call", user_id=self.user_a.id
        )
        activity.action_feedback(feedback="Called, they want a quote")
        self.customer.invalidate_recordset()

    def test_note_refreshes_the_countdown_at_once(self):
        self.note()
        self.assertEqual(self.customer.pool_recycle_days, 30)
        self.assertFalse(self.pool._recycle_preview())

    def test_logged_call_counts(self):
        self.log_call()
        self.assertEqual(self.customer.pool_recycle_days, 30)

    def test_any_done_activity_counts_when_nothing_is_configured(self):
        todo = self.customer.activity_schedule("mail.mail_activity_data_todo", user_id=self.user_a.id)
        todo.action_feedback(feedback="Done")
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.pool_recycle_days, 30)

    def test_opening_or_editing_never_counts(self):
        before = self.customer.pool_last_followup_date
        customer = self.customer.with_user(self.user_a).with_context(tracking_disable=False)
        customer.read(["name", "phone", "pool_recycle_days"])
        customer.web_read({"display_name": {}, "phone": {}})
        customer.write({"phone": "+86 138 0000 1111", "function": "Buyer"})
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.pool_last_followup_date, before)
        self.assertEqual(self.customer.pool_recycle_days, 5)

    def test_configured_types_narrow_what_counts(self):
        self.env.company.write(
            {
                "pool_followup_activity_type_ids": [(6, 0, self.env.ref("mail.mail_activity_data_call").ids)],
                "pool_followup_subtype_ids": [(6, 0, self.env.ref("mail.mt_comment").ids)],
            }
        )
        self.note()
        self.assertEqual(self.customer.pool_recycle_days, 5, "an internal note no longer counts")
        meeting = self.customer.activity_schedule("mail.mail_activity_data_meeting", user_id=self.user_a.id)
        meeting.action_feedback(feedback="Met")
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.pool_recycle_days, 5, "a meeting is not a configured type")
        self.customer.with_user(self.user_a).message_post(
            body="Quote sent", message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.pool_recycle_days, 30, "an e-mail to the customer counts")
        self.backdate(self.customer, 25)
        self.log_call()
        self.assertEqual(self.customer.pool_recycle_days, 30, "a logged call counts")

    def test_settings_show_the_company_choice(self):
        settings = self.env["res.config.settings"].create({})
        settings.pool_followup_subtype_ids = self.env.ref("mail.mt_note")
        settings.execute()
        self.assertEqual(self.env.company.pool_followup_subtype_ids, self.env.ref("mail.mt_note"))


@tagged("post_install", "-at_install")
class TestReceiversWhoAreThere(PoolCase):
    """Paused, archived and absent people receive nothing, and keep their round-robin turn."""

    def distribute(self, partners, strategy="round_robin", **vals):
        wizard = (
            self.env["crm.public.pool.assign.wizard"]
            .with_user(self.admin)
            .create({"pool_id": self.pool.id, "partner_ids": [(6, 0, partners.ids)], "strategy": strategy, **vals})
        )
        return wizard.action_apply()

    def test_round_robin_skips_a_paused_member_and_owes_the_turn(self):
        self.user_b.with_user(self.user_b).pool_pause()
        self.distribute(self.customers[:3])
        self.assertEqual(self.customers[:3].user_id, self.user_a)
        self.assertEqual(self.pool.rr_owed_user_ids, self.user_b)
        self.user_b.with_user(self.user_b).pool_resume()
        self.distribute(self.customers[3:5])
        self.assertEqual(
            [p.user_id for p in self.customers[3:5]],
            [self.user_b, self.user_b],
            "the missed turn first, then Bob's own turn after Alice",
        )
        self.assertFalse(self.pool.rr_owed_user_ids)

    def test_everyone_away_leaves_customers_with_the_reason(self):
        (self.user_a | self.user_b).with_user(self.admin).pool_pause(fields.Date.today() + timedelta(days=2))
        for strategy in ("round_robin", "least_loaded", "performance"):
            if strategy == "performance":
                self.pool.performance_weight_won = 1.0
            result = self.distribute(self.customers[:2], strategy)
            self.assertEqual(result["params"]["type"], "warning")
            self.assertEqual(set(self.customers[:2].mapped("pool_unplaced_reason")), {AWAY})
        self.assertEqual(set(self.customers[:2].mapped("pool_state")), {"pool"})

    def test_one_click_assignment_refuses_someone_who_is_away(self):
        until = fields.Date.today() + timedelta(days=3)
        self.user_b.with_user(self.admin).pool_pause(until)
        with self.assertRaisesRegex(
            UserError, f"not there: Bob Pool has paused their intake until {format_date(self.env, until)}"
        ):
            self.pool.with_user(self.admin).pool_assign(self.customers[:1].ids, self.user_b.id)
        with self.assertRaisesRegex(
            UserError, f"Bob Pool has paused their intake until {format_date(self.env, until)}"
        ):
            self.distribute(self.customers[:1], "user", user_id=self.user_b.id)
        self.assertEqual(self.customers[0].pool_state, "pool")
        # The day after its last day the pause no longer counts, and the daily job lifts it.
        self.assertFalse(self.user_b._pool_absences(until + timedelta(days=1)))
        self.user_b.sudo().pool_paused_until = fields.Date.today() - timedelta(days=1)
        self.env["res.users"]._cron_pool_lift_pauses()
        self.assertFalse(self.user_b.pool_paused)
        self.pool.with_user(self.admin).pool_assign(self.customers[:1].ids, self.user_b.id)
        self.assertEqual(self.customers[0].user_id, self.user_b)

    def test_archived_member_receives_nothing(self):
        self.user_b.action_archive()
        self.distribute(self.customers[:2])
        self.assertEqual(self.customers[:2].user_id, self.user_a)
        with self.assertRaisesRegex(UserError, "Bob Pool is archived"):
            self.pool.with_user(self.admin).pool_assign(self.customers[2:3].ids, self.user_b.id)

    def test_who_may_pause_whom(self):
        self.user_a.with_user(self.user_a).write({"pool_paused": True})
        self.assertTrue(self.user_a.pool_paused)
        with self.assertRaisesRegex(
            AccessError, r"Only an administrator of their pool may pause or resume someone else's intake \(Bob Pool\)"
        ):
            self.user_b.with_user(self.user_a).pool_pause()
        wizard = (
            self.env["crm.public.pool.pause.wizard"]
            .with_user(self.user_a)
            .create({"user_ids": [(6, 0, self.user_b.ids)]})
        )
        with self.assertRaisesRegex(AccessError, "Bob Pool"):
            wizard.action_pause()
        with self.assertRaises(AccessError):
            self.user_b.with_user(self.user_a).write({"pool_paused": True})
        self.assertFalse(self.user_b.pool_paused)
        yesterday = fields.Date.today() - timedelta(days=1)
        with self.assertRaisesRegex(ValidationError, f"not on {format_date(self.env, yesterday)}"):
            self.user_b.with_user(self.admin).pool_pause(yesterday)
        self.user_b.with_user(self.admin).pool_pause()
        self.assertTrue(self.user_b.pool_paused)
        self.user_a.with_user(self.user_a).pool_resume()
        self.assertFalse(self.user_a.pool_paused)

    def test_escalation_skips_absent_members_and_explains(self):
        self.pool.unclaimed_days = 1
        (self.user_a | self.user_b).with_user(self.admin).pool_pause()
        self.pool._escalate_assign(self.customers[:3], "unclaimed for more than 1 days")
        self.assertEqual(set(self.customers[:3].mapped("pool_unplaced_reason")), {AWAY})
        self.user_b.with_user(self.admin).pool_resume()
        self.pool._escalate_assign(self.customers[:3], "unclaimed for more than 1 days")
        self.assertEqual(self.customers[:3].user_id, self.user_b)
        self.assertFalse(any(self.customers[:3].mapped("pool_unplaced_reason")))
        self.assertIn("unclaimed for more than 1 days", self.logs(self.customers[0], "assign").note)


@tagged("post_install", "-at_install")
class TestExplainedNonAssignment(PoolCase):
    """What distribution leaves in the pool says why, can be listed, and can be retried."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.queue = cls.env["res.partner"].create(
            [{"name": f"Waiting {i}", "is_company": True, "pool_id": cls.pool.id} for i in range(25)]
        )

    def wizard(self, partners, strategy="user", **vals):
        return (
            self.env["crm.public.pool.assign.wizard"]
            .with_user(self.admin)
            .create({"pool_id": self.pool.id, "partner_ids": [(6, 0, partners.ids)], "strategy": strategy, **vals})
        )

    def test_place_what_fits_and_explain_the_rest(self):
        self.set_limit(self.user_a, owned=1)
        eight = self.customers[:8]
        wizard = self.wizard(eight, user_id=self.user_a.id)
        wizard.action_preview()
        lines = wizard.line_ids.sorted("sequence")
        self.assertEqual([bool(line.user_id) for line in lines], [False] * 7 + [True], "what stays comes first")
        self.assertEqual(set(lines[:7].mapped("reason")), {AT_LIMIT})
        result = wizard.action_apply()
        self.assertIn(
            "Customers placed: 1; members receiving them: 1. Still in the pool: 7", result["params"]["message"]
        )
        placed = eight.filtered("user_id")
        self.assertEqual((len(placed), placed.user_id), (1, self.user_a))
        self.assertFalse(placed.pool_unplaced_reason)
        left = eight - placed
        self.assertEqual(set(left.mapped("pool_unplaced_reason")), {AT_LIMIT})
        Partner = self.env["res.partner"].with_user(self.admin)
        self.assertEqual(Partner.search([("pool_unplaced_reason", "!=", False), ("id", "in", eight.ids)]), left)
        self.assertEqual(self.pool.unplaced_count, 7)
        # Any owner clears the reason: a claim here.
        left[0].with_user(self.user_b).action_pool_claim()
        self.assertFalse(left[0].pool_unplaced_reason)

    def test_retry_places_them_once_there_is_room(self):
        self.set_limit(self.user_a, owned=1)
        self.set_limit(self.user_b, owned=1)
        self.wizard(self.customers[:5], "round_robin").action_apply()
        left = self.customers[:5].filtered(lambda p: p.pool_state == "pool")
        self.assertEqual(len(left), 3)
        self.set_limit(self.user_b, owned=3)
        result = self.pool.with_user(self.admin).action_pool_retry_unplaced()
        self.assertIn("Unplaced customers distributed: 2; still in the pool: 1.", result["params"]["message"])
        self.assertEqual(len(left.filtered("user_id")), 2)
        self.assertEqual(left.filtered(lambda p: not p.user_id).pool_unplaced_reason, AT_LIMIT)
        with self.assertRaisesRegex(
            UserError, "Only administrators of pool East Pool may do this, and Alice Pool is not one"
        ):
            self.pool.with_user(self.user_a).action_pool_retry_unplaced()

    def test_rules_by_source_explain_too(self):
        trade_show = self.env.ref("crm_public_pool.utm_source_trade_show")
        self.pool.distribution_ids = [(0, 0, {"source_id": trade_show.id, "strategy": "round_robin"})]
        (self.user_a | self.user_b).with_user(self.admin).pool_pause()
        card = self.env["res.partner"].create(
            {"name": "Card from the fair", "is_company": True, "pool_id": self.pool.id, "source_id": trade_show.id}
        )
        self.assertEqual((card.pool_state, card.pool_unplaced_reason), ("pool", AWAY))
        (self.user_a | self.user_b).with_user(self.admin).pool_resume()
        self.pool.with_user(self.admin).action_pool_retry_unplaced()
        self.assertEqual((card.pool_state, card.pool_unplaced_reason), ("private", False))

    def test_clients_cannot_write_the_reason(self):
        with self.assertRaisesRegex(AccessError, "pool_unplaced_reason"):
            self.customers[0].with_user(self.admin).write({"pool_unplaced_reason": "made up"})
        with self.assertRaisesRegex(AccessError, "pool_unplaced_reason"):
            self.env["res.partner"].with_user(self.admin).create(
                {"name": "Forged", "is_company": True, "pool_id": self.pool.id, "pool_unplaced_reason": "made up"}
            )

    # Recording the reasons costs the same number of queries for 5 customers left or 20.

    def _prepare(self, count):
        self.set_limit(self.user_a, owned=1)
        wizard = self.wizard(self.queue[:count], user_id=self.user_a.id)
        self.env.invalidate_all()
        return wizard

    @users("pool_admin")
    @warmup
    def test_unplaced_five(self):
        wizard = self._prepare(5)
        with self.assertQueryCount(pool_admin=30):
            wizard.action_apply()

    @users("pool_admin")
    @warmup
    def test_unplaced_twenty(self):
        wizard = self._prepare(20)
        with self.assertQueryCount(pool_admin=30):
            wizard.action_apply()

    def _prepare_retry(self, count):
        self.env["res.partner"]._pool_record_unplaced({partner.id: AT_LIMIT for partner in self.queue[:count]})
        self.env.invalidate_all()

    @users("pool_admin")
    @warmup
    def test_retry_five(self):
        self._prepare_retry(5)
        with self.assertQueryCount(pool_admin=33):
            self.pool.with_env(self.env).action_pool_retry_unplaced()

    @users("pool_admin")
    @warmup
    def test_retry_twenty(self):
        self._prepare_retry(20)
        with self.assertQueryCount(pool_admin=33):
            self.pool.with_env(self.env).action_pool_retry_unplaced()


@tagged("post_install", "-at_install")
class TestWarnTheManager(RecycleCase):
    """The leader of the owner's team gets the warning in their own daily digest, in their language."""

    def setUp(self):
        super().setUp()
        self.team_east.user_id = self.manager
        self.Mail = self.env["mail.mail"]
        self.before = self.Mail.search([])

    def digests(self, partner):
        return (self.Mail.search([]) - self.before).filtered(lambda m: partner in m.recipient_ids)

    def test_leader_gets_the_owner_warnings(self):
        self.rule(warn_days=3, warn_manager=True)
        soon = self.customers[0]
        self.backdate(soon, 28)
        self.run_cron()
        self.run_cron()
        mine, leaders = self.digests(self.user_a.partner_id), self.digests(self.manager.partner_id)
        self.assertEqual((len(mine), len(leaders)), (1, 1), "one digest per recipient and day")
        self.assertIn(soon.name, leaders.body_html)
        self.assertIn("Alice Pool", leaders.body_html)

    def test_only_when_the_rule_says_so(self):
        self.rule(warn_days=3)
        self.backdate(self.customers[0], 28)
        self.run_cron()
        self.assertEqual(len(self.digests(self.user_a.partner_id)), 1)
        self.assertFalse(self.digests(self.manager.partner_id))

    def test_in_the_recipient_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["crm_public_pool"], ["zh_CN"], overwrite=True)
        self.manager.lang = "zh_CN"
        self.rule(warn_days=3, warn_manager=True)
        self.backdate(self.customers[0], 28)
        self.run_cron()
        self.assertEqual(self.digests(self.manager.partner_id).subject, "即将退回公海的客户")
        self.assertEqual(self.digests(self.user_a.partner_id).subject, "Customers returning to the pool soon")


@tagged("post_install", "-at_install")
class TestRulesDemo(PoolCase):
    """The demo shows each rule to a newcomer."""

    def test_demo_seeds(self):
        dealer_pool = self.env.ref("crm_public_pool.demo_pool_dealer", raise_if_not_found=False)
        if not dealer_pool:
            self.skipTest("database without demo data")
        chenjing = self.env.ref("crm_public_pool.demo_user_chenjing")
        self.assertIn(chenjing.id, chenjing._pool_absences())
        waiting = self.env["res.partner"].search(
            [("pool_id", "=", dealer_pool.id), ("pool_unplaced_reason", "!=", False)]
        )
        self.assertEqual(set(waiting.mapped("pool_unplaced_reason")), {AWAY})
        self.assertEqual(dealer_pool.unplaced_count, len(waiting))
        self.assertTrue(self.env.ref("crm_public_pool.demo_rule_east_low_revenue").warn_manager)
        self.assertTrue(self.env.ref("base.main_company").pool_followup_activity_type_ids)
        lost = self.env["res.partner"].search(
            [("pool_state", "=", "pool"), ("pool_embargo_until", ">", fields.Datetime.now())]
        )
        self.assertEqual(lost.pool_previous_user_id, self.env.ref("base.user_demo"))
        self.assertIn(
            "Customer Pool: pass on assigned customers not accepted in time",
            self.env.ref("crm_public_pool.ir_cron_pool_accept_timeout").name,
        )

    def test_demo_reader_language_is_the_databases(self):
        """The demo activates no language (Odoo's own tests count the active ones): Chen Jing reads
        简体中文 when the database has it, English otherwise."""
        Lang = self.env["res.lang"].with_context(active_test=False)
        Pool = self.env["crm.public.pool"]
        # A database made with --load-language=zh_CN has it (and users reading it): only the second half.
        if not Lang.search([("code", "=", "zh_CN")]).active:
            self.assertEqual(Pool._demo_chinese_reader(self.user_a), "en_US")
            self.assertEqual((self.user_a.lang, self.user_a.tz), ("en_US", "Asia/Shanghai"))
            self.assertFalse(Lang.search([("code", "=", "zh_CN")]).active)
        Lang._activate_lang("zh_CN")
        self.assertEqual(Pool._demo_chinese_reader(self.user_a), "zh_CN")
        self.assertEqual(self.user_a.lang, "zh_CN")
