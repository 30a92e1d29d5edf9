from datetime import timedelta
from unittest.mock import patch

from odoo import SUPERUSER_ID, fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..models.engine_token import as_engine, engine_statements
from .common import PoolCase


class RecycleCase(PoolCase):
    """Owned customers with backdated claims, and helpers to build rules and run the daily job."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_a.write({"pool_max_customers": 0, "pool_max_locked": 0})
        cls.user_b.write({"pool_max_customers": 0, "pool_max_locked": 0})
        cls.customers.with_user(cls.user_a).action_pool_claim()
        cls.Rule = cls.env["crm.public.pool.rule"]
        cls.won_stage = cls.env["crm.stage"].search([("is_won", "=", True)], limit=1)
        cls.root = cls.env["res.users"].browse(SUPERUSER_ID)

    def rule(self, **vals):
        return self.Rule.create({"pool_id": self.pool.id, "name": "Rule", "days": 30, "warn_days": 0, **vals})

    def backdate(self, partners, claim_days, followup_days=None):
        now = fields.Datetime.now()
        self.env.flush_all()
        with engine_statements(self.env.cr):
            self.env.cr.execute(
                "UPDATE res_partner SET pool_claim_date = %s, pool_last_followup_date = %s WHERE id IN %s",
                [
                    now - timedelta(days=claim_days),
                    None if followup_days is None else now - timedelta(days=followup_days),
                    tuple(partners.ids),
                ],
            )
        self.env.invalidate_all()
        self.pool._recycle_refresh_dates()

    def backdate_lead(self, lead, created_days=None, closed_days=None):
        now = fields.Datetime.now()
        self.env.flush_all()
        if created_days is not None:
            self.env.cr.execute(
                "UPDATE crm_lead SET create_date = %s WHERE id = %s", [now - timedelta(days=created_days), lead.id]
            )
        if closed_days is not None:
            self.env.cr.execute(
                "UPDATE crm_lead SET date_closed = %s WHERE id = %s", [now - timedelta(days=closed_days), lead.id]
            )
        self.env.invalidate_all()

    def lead(self, partner, won=False, revenue=0.0, lead_type="opportunity"):
        vals = {
            "name": f"Deal {partner.name}",
            "partner_id": partner.id,
            "type": lead_type,
            "expected_revenue": revenue,
            "user_id": self.user_a.id,
        }
        if won:
            vals["stage_id"] = self.won_stage.id
        return self.env["crm.lead"].create(vals)

    def run_cron(self):
        # With crm_public_pool_queue installed the job is a graph of jobs: run them here, now.
        self.env["crm.public.pool"].with_context(queue_job__no_delay=True)._cron_recycle()
        self.env.invalidate_all()

    def assertOwned(self, partners):
        for partner in partners:
            self.assertEqual((partner.pool_state, partner.user_id), ("private", self.user_a), partner.name)

    def assertRecycled(self, partners, pool=None):
        for partner in partners:
            self.assertEqual((partner.pool_state, partner.user_id.id), ("pool", False), partner.name)
            self.assertEqual(partner.pool_id, pool or self.pool)
            self.assertEqual(partner.pool_previous_user_id, self.user_a)
            self.assertEqual(len(self.logs(partner, "recycle")), 1, partner.name)


@tagged("post_install", "-at_install")
class TestRecycle(RecycleCase):
    def test_no_followup_boundary(self):
        rule = self.rule(rule_type="no_followup", name="Silence")
        early, late, followed = self.customers[:3]
        self.backdate(early, 29)
        self.backdate(late, 31)
        self.backdate(followed, 40, followup_days=29)
        self.run_cron()
        self.assertOwned(early | followed)
        self.assertRecycled(late)
        log = self.logs(late, "recycle")
        self.assertEqual(
            (log.rule_id, log.from_user_id, log.user_id, log.to_user_id.id), (rule, self.user_a, self.root, False)
        )
        self.assertEqual(log.note, "Silence: no follow-up for 31 days, limit 30")
        self.assertFalse(self.logs(early | followed, "recycle"))

    def test_no_opportunity_boundary(self):
        self.rule(rule_type="no_opportunity", days=20)
        fresh, stale, recent_lead = self.customers[:3]
        self.backdate(fresh, 19)
        self.backdate(stale | recent_lead, 40)
        # A lead (not an open opportunity) so that only the rule itself decides.
        self.backdate_lead(self.lead(recent_lead, lead_type="lead"), created_days=19)
        self.backdate_lead(self.lead(stale, lead_type="lead"), created_days=21)
        self.run_cron()
        self.assertOwned(fresh | recent_lead)
        self.assertRecycled(stale)
        self.assertIn("no new opportunity for 21 days, limit 20", self.logs(stale, "recycle").note)

    def test_not_won_and_include_won(self):
        rule = self.rule(rule_type="not_won", days=30)
        never_won, won_since_claim, won_before_claim, young = self.customers[:4]
        self.backdate(never_won | won_since_claim | won_before_claim, 31)
        self.backdate(young, 29)
        self.backdate_lead(self.lead(won_since_claim, won=True), closed_days=10)
        self.backdate_lead(self.lead(won_before_claim, won=True), closed_days=100)
        self.run_cron()
        self.assertRecycled(never_won)
        self.assertOwned(won_since_claim | won_before_claim | young)
        rule.include_won = True
        self.run_cron()
        self.assertRecycled(won_before_claim)
        self.assertOwned(won_since_claim | young)

    def test_low_revenue(self):
        self.rule(rule_type="low_revenue", days=30, amount=1000)
        small, big, old_big, young = self.customers[:4]
        self.backdate(small | big | old_big, 31)
        self.backdate(young, 29)
        self.backdate_lead(self.lead(small, won=True, revenue=500), closed_days=10)
        self.backdate_lead(self.lead(big, won=True, revenue=2000), closed_days=10)
        self.backdate_lead(self.lead(old_big, won=True, revenue=2000), closed_days=40)
        self.run_cron()
        self.assertRecycled(small | old_big)
        self.assertOwned(big | young)
        self.assertIn("won revenue 500", self.logs(small, "recycle").note)

    def test_domain_rule_and_validation(self):
        self.rule(rule_type="domain", domain="[('city', '=', 'Nowhere')]")
        target = self.customers[0]
        target.city = "Nowhere"
        self.run_cron()
        self.assertRecycled(target)
        self.assertOwned(self.customers[1:])
        with self.assertRaisesRegex(ValidationError, "no_such_field"), mute_logger("odoo.sql_db"):
            self.rule(rule_type="domain", name="Broken", domain="[('no_such_field', '=', 1)]")
        with self.assertRaisesRegex(ValidationError, "cannot be read"):
            self.rule(rule_type="domain", name="Garbled", domain="[('city', '='")
        with self.assertRaisesRegex(ValidationError, "must be a list"):
            self.rule(rule_type="domain", name="Not a list", domain="42")

    def test_days_per_level(self):
        self.rule(days=30, days_a=60)
        level_a_young, level_b, level_a_old = self.customers[:3]
        (level_a_young | level_a_old).pool_level = "a"
        level_b.pool_level = "b"
        self.backdate(level_a_young | level_b, 31)
        self.backdate(level_a_old, 61)
        self.run_cron()
        self.assertOwned(level_a_young)
        self.assertRecycled(level_b | level_a_old)
        self.assertIn("limit 60", self.logs(level_a_old, "recycle").note)

    def test_locked_and_open_opportunity_exempt(self):
        rule = self.rule()
        locked, opportunity, planned, plain = self.customers[:4]
        locked.with_user(self.user_a).action_pool_lock()
        open_lead = self.lead(opportunity)
        planned.activity_schedule(
            "mail.mail_activity_data_todo",
            date_deadline=fields.Date.today() + timedelta(days=5),
            user_id=self.user_a.id,
        )
        self.backdate(locked | opportunity | planned | plain, 40)
        self.run_cron()
        self.assertOwned(locked | opportunity | planned)
        self.assertRecycled(plain)
        rule.include_open_opportunities = True
        self.run_cron()
        self.assertRecycled(opportunity | planned)
        self.assertOwned(locked)
        self.assertFalse(open_lead.user_id, "an open opportunity is released with its customer")

    def test_contacts_follow(self):
        self.rule()
        company = self.customers[0]
        contact = self.env["res.partner"].create({"name": "Li Lei", "parent_id": company.id})
        self.assertEqual(contact.user_id, self.user_a)
        self.backdate(company, 31)
        self.run_cron()
        self.assertRecycled(company)
        self.assertEqual((contact.user_id.id, contact.pool_state), (False, "pool"))

    def test_recycle_date_and_reason(self):
        self.rule(name="Silence")
        partner = self.customers[0]
        self.backdate(partner, 10)
        self.assertEqual(partner.pool_recycle_date.date(), (partner.pool_claim_date + timedelta(days=30)).date())
        self.assertEqual(partner.pool_recycle_days, 20)
        self.assertEqual(partner.pool_recycle_reason, "Silence: no follow-up for 10 days, limit 30")
        partner.message_post(body="Called the buyer", message_type="comment")
        self.env.invalidate_all()
        self.assertEqual(partner.pool_recycle_days, 30, "a follow-up moves the date")
        partner.with_user(self.user_a).pool_release("no_need")
        self.assertFalse(partner.pool_recycle_date)
        partner.with_user(self.user_b).action_pool_claim()
        self.assertEqual(partner.pool_recycle_days, 30, "a claim sets the date at once")
        created = self.env["res.partner"].create(
            {"name": "New Customer", "is_company": True, "pool_id": self.pool.id, "user_id": self.user_a.id}
        )
        self.assertEqual(created.pool_recycle_days, 30, "a new owned customer gets its date at once")

    def test_warnings_sent_once(self):
        self.rule(warn_days=3)
        soon, later = self.customers[:2]
        self.backdate(soon, 28)
        self.backdate(later, 20)
        self.assertTrue(soon.pool_recycle_warning)
        self.assertFalse(later.pool_recycle_warning)
        Partner = self.env["res.partner"].with_user(self.user_a)
        self.assertEqual(Partner.search([("id", "in", (soon | later).ids), ("pool_recycle_warning", "=", True)]), soon)
        self.assertEqual(
            Partner.search([("id", "in", (soon | later).ids), ("pool_recycle_warning", "!=", True)]), later
        )
        warn_type = self.env.ref("crm_public_pool.mail_activity_type_pool_recycle")
        Mail = self.env["mail.mail"]
        digests = Mail.search([("subject", "=", "Customers returning to the pool soon")])
        for _run in range(2):
            self.run_cron()
            activities = self.env["mail.activity"].search(
                [
                    ("res_model", "=", "res.partner"),
                    ("res_id", "in", (soon | later).ids),
                    ("activity_type_id", "=", warn_type.id),
                ]
            )
            self.assertEqual((activities.res_id, activities.user_id), (soon.id, self.user_a))
            self.assertEqual(len(self.logs(soon, "warn")), 1)
            self.assertFalse(self.logs(later, "warn"))
            new_digests = Mail.search([("subject", "=", "Customers returning to the pool soon")]) - digests
            self.assertEqual(len(new_digests), 1, "one digest per owner and day")
            self.assertEqual(new_digests.recipient_ids, self.user_a.partner_id)
            self.assertIn(soon.name, new_digests.body_html)
        self.assertOwned(soon)
        soon.message_post(body="Visited", message_type="comment")
        self.assertFalse(soon.pool_warned_date)
        self.run_cron()
        self.assertFalse(
            self.env["mail.activity"].search([("res_id", "=", soon.id), ("activity_type_id", "=", warn_type.id)])
        )

    def test_idempotent(self):
        self.rule()
        self.backdate(self.customers[:4], 31)
        self.run_cron()
        self.run_cron()
        self.assertRecycled(self.customers[:4])
        self.assertOwned(self.customers[4:])

    def test_crash_half_way_converges(self):
        self.rule()
        due = self.customers[:7]
        self.backdate(due, 31)
        # Odoo's assertRaises rolls back to a savepoint: a crash keeps what the first batch did.
        crashed = False
        with patch.object(type(self.env["ir.cron"]), "_notify_progress", side_effect=RuntimeError("killed")):
            try:
                self.pool._recycle_run(batch_size=3)
            except RuntimeError:
                crashed = True
        self.assertTrue(crashed)
        self.env.invalidate_all()
        self.assertEqual(len(self.logs(due, "recycle")), 3, "the first batch went through")
        self.assertEqual(due.mapped("pool_state").count("pool"), 3)
        self.pool._recycle_run(batch_size=3)
        self.env.invalidate_all()
        self.assertRecycled(due)
        self.assertOwned(self.customers[7:])

    def test_target_pool(self):
        self.rule(target_pool_id=self.south_pool.id)
        partner = self.customers[0]
        self.backdate(partner, 31)
        self.run_cron()
        self.assertRecycled(partner, pool=self.south_pool)
        log = self.logs(partner, "recycle")
        self.assertEqual((log.pool_id, log.from_pool_id), (self.south_pool, self.pool))

    def test_preview_equals_run(self):
        self.rule(name="Silence", sequence=1)
        self.rule(name="Nowhere", rule_type="domain", domain="[('city', '=', 'Nowhere')]", sequence=2)
        self.customers[1].pool_level = "c"
        self.customers[1:3].city = "Nowhere"
        self.backdate(self.customers[:2], 31)
        self.backdate(self.customers[2:], 5)
        action = self.pool.action_recycle_preview()
        previews = self.env[action["res_model"]].search(action["domain"])
        expected = {(p.partner_id.id, p.rule_id.id, p.note) for p in previews}
        self.assertEqual({p[0] for p in expected}, set(self.customers[:3].ids))
        self.assertOwned(self.customers)
        self.run_cron()
        done = {(log.partner_id.id, log.rule_id.id, log.note) for log in self.logs(self.customers, "recycle")}
        self.assertEqual(done, expected)

    def test_query_count_flat(self):
        self.rule()
        Partner = self.env["res.partner"]
        for count, pool_name in ((5, "Five"), (50, "Fifty")):
            pool = self.env["crm.public.pool"].create({"name": pool_name, "member_user_ids": [(6, 0, self.user_a.ids)]})
            self.Rule.create({"pool_id": pool.id, "name": "Silence", "days": 30, "warn_days": 0})
            partners = Partner.create(
                [
                    {"name": f"{pool_name} {i}", "is_company": True, "pool_id": pool.id, "user_id": self.user_a.id}
                    for i in range(count)
                ]
            )
            self.backdate(partners, 31)
            self.env.invalidate_all()
            # The recycle statement and the recycle dates' update each run as the engine's (issue 19),
            # the engine's setting sent in the same round trip as each.
            with self.assertQueryCount(8):
                pool._recycle_run()
            self.env.invalidate_all()
            self.assertEqual(set(partners.mapped("pool_state")), {"pool"})

    def test_rule_changes_reach_the_next_claim(self):
        """The rules' values are kept by the registry between requests (a claim reads no rule):
        changing, archiving or deleting a rule reaches the very next claim's recycle date."""
        rule = self.rule(days=30)
        customers = self.customers[:4]
        customers.with_user(self.user_a).pool_release("no_need")

        def claim(partner):
            self.env.invalidate_all()
            partner.with_user(self.user_b).action_pool_claim()
            self.env.invalidate_all()
            return partner.pool_recycle_date and (partner.pool_recycle_date - partner.pool_claim_date).days

        self.assertEqual(claim(customers[0]), 30)
        rule.days = 10
        self.assertEqual(claim(customers[1]), 10)
        rule.active = False
        self.assertFalse(claim(customers[2]))
        rule.active = True
        rule.unlink()
        self.assertFalse(claim(customers[3]))

    def test_translated_rule_name_reaches_the_cached_rules(self):
        """The rules kept by the registry carry their name in every language: a translation made
        in the translation dialog is read at once, in the reader's language."""
        self.env["res.lang"]._activate_lang("zh_CN")
        rule = self.rule(name="Silence")
        self.assertEqual(self.pool.with_context(lang="zh_CN")._recycle_rules().name, "Silence")
        rule.update_field_translations("name", {"zh_CN": "沉默客户"})
        self.env.invalidate_all()
        self.assertEqual(self.pool.with_context(lang="zh_CN")._recycle_rules().name, "沉默客户")
        self.assertEqual(self.pool.with_context(lang="en_US")._recycle_rules().name, "Silence")
        self.assertEqual(self.pool._recycle_rules(), rule)

    def due_pool(self, name, count, warn_days=0, claim_days=31):
        """A pool of its own with one rule and ``count`` customers of user_a claimed ``claim_days`` ago."""
        pool = self.env["crm.public.pool"].create({"name": name, "member_user_ids": [(6, 0, self.user_a.ids)]})
        self.Rule.create({"pool_id": pool.id, "name": "Silence", "days": 30, "warn_days": warn_days})
        partners = self.env["res.partner"].create(
            [
                {"name": f"{name} {i}", "is_company": True, "pool_id": pool.id, "user_id": self.user_a.id}
                for i in range(count)
            ]
        )
        self.backdate(partners, claim_days)
        self.env.invalidate_all()
        return pool, partners

    def test_query_count_per_batch_flat(self):
        """A batch costs the same queries whatever its size: 4 customers in batches of 2 and 8 in
        batches of 4 are three batches each (the open-ended last one is asked once more when it
        came back full), and 6 in batches of 2 are four, one batch's queries more."""
        runs = {}
        for count, batch_size in ((4, 2), (8, 4), (6, 2)):
            pool, partners = self.due_pool(f"Batches {count}/{batch_size}", count)
            queries_before = self.cr.sql_log_count
            pool._recycle_run(batch_size=batch_size)
            self.env.flush_all()  # as assertQueryCount does at its end
            runs[count, batch_size] = self.cr.sql_log_count - queries_before
            self.env.invalidate_all()
            self.assertEqual(set(partners.mapped("pool_state")), {"pool"})
            self.assertEqual(len(self.logs(partners, "recycle")), count)
        self.assertEqual(runs[4, 2], runs[8, 4], "batches twice as large, same queries")
        per_batch = runs[6, 2] - runs[4, 2]
        # The batch's statement (moves, contacts, leads, warnings and audit rows) with the engine's
        # setting in its round trip, and the setting cleared.
        self.assertEqual(per_batch, 2, "queries per batch")
        _pool, partners = self.due_pool("Batches 10/2", 10)
        with self.assertQueryCount(runs[4, 2] + 3 * per_batch):
            _pool._recycle_run(batch_size=2)
        self.env.invalidate_all()
        self.assertEqual(set(partners.mapped("pool_state")), {"pool"})

    def test_query_count_warnings_flat(self):
        """Warning 5 or 50 customers of one owner costs the same queries: one statement marks and
        logs them, one creates their To-Dos, one digest. Each To-Do's note names the rule: it was
        read once per customer (``exists()``), 50 queries for 50."""
        counts = {}
        for count in (2, 5, 50):  # the first run warms the caches the others find filled
            pool, partners = self.due_pool(f"Warned {count}", count, warn_days=3, claim_days=28)
            self.user_a.pool_digest_date = False  # one digest per owner and day: each run sends one
            self.env.flush_all()
            queries_before = self.cr.sql_log_count
            pool._recycle_run()
            self.env.flush_all()  # as assertQueryCount does at its end
            counts[count] = self.cr.sql_log_count - queries_before
            self.env.invalidate_all()
            self.assertEqual(set(partners.mapped("pool_state")), {"private"})
            self.assertEqual(len(self.logs(partners, "warn")), count)
            digest = self.env["mail.mail"].search([("subject", "=", "Customers returning to the pool soon")], limit=1)
            self.assertIn(partners[-1].name, digest.body_html)
        self.assertEqual(counts[5], counts[50], "warning 50 customers costs what warning 5 does")
        pool, partners = self.due_pool("Warned 20", 20, warn_days=3, claim_days=28)
        self.user_a.pool_digest_date = False
        self.env.flush_all()
        with self.assertQueryCount(counts[5]):
            pool._recycle_run()
        # The note names the rule through the cache now: once the rule is gone, its stored name.
        activity = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", partners[0].id)], limit=1
        )
        self.assertIn("Silence", activity.read(["note"])[0]["note"])
        gone = self.Rule.create({"pool_id": pool.id, "name": "Gone rule", "days": 30, "warn_days": 0})
        gone_id = gone.id
        gone.unlink()
        as_engine(activity.sudo()).pool_note = {
            "record": ["crm.public.pool.rule", gone_id, "name"],
            "name": "Gone rule",
        }
        self.assertIn("Gone rule", activity.read(["note"])[0]["note"])

    def test_deleting_a_pool_forgets_its_rules(self):
        """The rules go with their pool in the database: the cached rule ids and warning windows
        forget them at once."""
        empty = self.env["crm.public.pool"].create({"name": "Empty Pool", "pool_type": "department"})
        self.Rule.create({"pool_id": empty.id, "name": "Rule", "days": 30, "warn_days": 5})
        self.assertIn(empty.id, self.Rule._recycle_rule_ids_by_pool())
        self.assertIn(empty.id, self.Rule._recycle_warn_days_by_pool())
        empty_id = empty.id
        empty.unlink()
        self.assertNotIn(empty_id, self.Rule._recycle_rule_ids_by_pool())
        self.assertNotIn(empty_id, self.Rule._recycle_warn_days_by_pool())


@tagged("post_install", "-at_install")
class TestUnclaimedEscalation(RecycleCase):
    def backdate_entry(self, partners, days):
        self.env.flush_all()
        with engine_statements(self.env.cr):
            self.env.cr.execute(
                "UPDATE res_partner SET pool_enter_date = %s WHERE id IN %s",
                [fields.Datetime.now() - timedelta(days=days), tuple(partners.ids)],
            )
        self.env.invalidate_all()

    def test_move_to_other_pool(self):
        old, fresh = self.customers[:2]
        (old | fresh).with_user(self.user_a).pool_release("no_need")
        self.backdate_entry(old, 8)
        self.pool.write({"unclaimed_days": 7, "unclaimed_action": "move", "unclaimed_pool_id": self.south_pool.id})
        self.run_cron()
        self.assertEqual(old.pool_id, self.south_pool)
        self.assertEqual(old.pool_state, "pool")
        self.assertEqual(fresh.pool_id, self.pool)
        log = self.logs(old, "transfer")
        self.assertEqual((log.pool_id, log.from_pool_id), (self.south_pool, self.pool))
        self.assertIn("7 days", log.note)

    def test_assign_round_robin_within_caps(self):
        stale = self.customers[:4]
        stale.with_user(self.user_a).pool_release("no_need")
        self.backdate_entry(stale, 8)
        owned_by_a = len(self.customers) - 4
        self.user_a.pool_max_customers = owned_by_a + 3
        self.user_b.pool_max_customers = 1
        self.pool.unclaimed_days = 7
        self.run_cron()
        self.assertEqual(set(stale.mapped("pool_state")), {"private"})
        self.assertEqual(len(stale.filtered(lambda p: p.user_id == self.user_b)), 1)
        self.assertEqual(len(stale.filtered(lambda p: p.user_id == self.user_a)), 3)
        self.assertEqual(len(self.logs(stale, "assign")), 4)

    def test_move_needs_target(self):
        with self.assertRaisesRegex(ValidationError, "another pool"):
            self.pool.write({"unclaimed_days": 7, "unclaimed_action": "move"})


@tagged("post_install", "-at_install")
class TestPoolCleanup(RecycleCase):
    def test_cleanup_archives_invalid(self):
        invalid, valid, owned_invalid = self.customers[:3]
        (invalid | valid).with_user(self.user_a).pool_release("wrong_data")
        (invalid | owned_invalid).pool_invalid = True
        with self.assertRaisesRegex(UserError, "Only administrators of pool East Pool"):
            self.pool.with_user(self.user_b).action_pool_cleanup()
        self.pool.with_user(self.admin).action_pool_cleanup()
        self.assertFalse(invalid.active)
        self.assertTrue(valid.active and owned_invalid.active, "valid and owned customers stay")
        self.assertEqual(self.logs(invalid, "cleanup").user_id, self.admin)
        self.assertFalse(self.logs(valid | owned_invalid, "cleanup"))
