import calendar

from odoo import fields, models
from odoo.exceptions import AccessError
from odoo.osv import expression
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL

from .test_recycle import RecycleCase


@tagged("post_install", "-at_install")
class TestFairnessReport(RecycleCase):
    """The manager sees the gaming the audit log records: pass-backs, idle claims, clock notes, hoarding."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Report = cls.env["crm.public.pool.fairness.report"]
        cls.pool.reclaim_cooldown_days = 0
        cls.pool.entry_lock_hours = 0

    def rows(self, kind, **where):
        self.Report._fairness_refresh()
        domain = [("kind", "=", kind)] + [(field, "=", value.id) for field, value in where.items()]
        return self.Report.search(domain)

    def pass_back(self, partner, giver, taker):
        partner.with_user(giver).pool_release("no_need")
        partner.with_user(taker).action_pool_claim()

    def test_two_friends_passing_a_customer_back_and_forth(self):
        customer = self.customers[0]
        self.pass_back(customer, self.user_a, self.user_b)
        self.pass_back(customer, self.user_b, self.user_a)
        self.pass_back(customer, self.user_a, self.user_b)
        a_to_b = self.rows("passback", user_id=self.user_a, other_user_id=self.user_b)
        b_to_a = self.rows("passback", user_id=self.user_b, other_user_id=self.user_a)
        self.assertEqual((sum(a_to_b.mapped("count")), sum(b_to_a.mapped("count"))), (2, 1))
        self.assertEqual(a_to_b.partner_id, customer)
        self.assertEqual(a_to_b.team_id, self.team_east)
        self.assertEqual(a_to_b.pool_id, self.pool)

    def test_releasing_and_claiming_back_oneself_is_no_pass(self):
        customer = self.customers[0]
        self.pass_back(customer, self.user_a, self.user_a)
        self.assertFalse(self.rows("passback", partner_id=customer))

    def test_claims_never_followed_up(self):
        self.backdate(self.customers[:2], claim_days=10)
        self.backdate(self.customers[2:3], claim_days=10, followup_days=2)
        self.backdate(self.customers[3:4], claim_days=3)
        rows = self.rows("claim_no_followup", user_id=self.user_a)
        self.assertEqual(rows.partner_id, self.customers[:2])

    def test_a_short_note_right_after_the_warning(self):
        self.rule(days=30, warn_days=5)
        self.backdate(self.customers[:2], claim_days=27)
        self.run_cron()
        self.customers[0].with_user(self.user_a).message_post(body="ok", message_type="comment")
        self.customers[1].with_user(self.user_a).message_post(
            body="Called the buyer, they want a quote for 200 units by Friday; sent the price list.",
            message_type="comment",
        )
        rows = self.rows("clock_notes", user_id=self.user_a)
        self.assertEqual(rows.partner_id, self.customers[0])

    def test_stale_customers_held_at_the_limit(self):
        self.set_limit(self.user_a, owned=10)
        self.backdate(self.customers[:4], claim_days=40)
        rows = self.rows("held_at_limit", user_id=self.user_a)
        self.assertEqual(rows.partner_id, self.customers[:4])
        self.set_limit(self.user_a, owned=11)
        self.assertFalse(self.rows("held_at_limit", user_id=self.user_a), "below the limit: not hoarding")

    def test_where_recycled_customers_go(self):
        self.rule(days=30)
        self.backdate(self.customers[:1], claim_days=31)
        self.run_cron()
        self.customers[0].with_user(self.user_b).action_pool_claim()
        rows = self.rows("after_recycle", user_id=self.user_a)
        self.assertEqual((rows.other_user_id, rows.partner_id), (self.user_b, self.customers[0]))

    def test_admins_see_their_pools_salespeople_nothing(self):
        self.pass_back(self.customers[0], self.user_a, self.user_b)
        self.south_customer.with_user(self.user_c).action_pool_claim()
        self.backdate(self.south_customer, claim_days=10)
        self.Report._fairness_refresh()
        seen = self.Report.with_user(self.admin).search([])
        self.assertEqual(seen.pool_id, self.pool)
        self.assertTrue(self.Report.with_user(self.manager).search([("pool_id", "=", self.south_pool.id)]))
        with self.assertRaises(AccessError):
            self.Report.with_user(self.user_a).search([])

    def test_only_managers_recompute(self):
        with self.assertRaises(AccessError):
            self.Report.with_user(self.admin).action_fairness_refresh()
        self.assertEqual(
            self.Report.with_user(self.manager).action_fairness_refresh()["res_model"],
            "crm.public.pool.fairness.report",
        )

    def test_daily_digest_tells_managers_what_crossed_a_threshold(self):
        self.env["ir.config_parameter"].set_param("crm_public_pool.fairness_threshold_passback", "2")
        customer = self.customers[0]
        self.pass_back(customer, self.user_a, self.user_b)
        self.pass_back(customer, self.user_b, self.user_a)
        self.pass_back(customer, self.user_a, self.user_b)
        self.Report._cron_fairness_digest()
        message = self.env["mail.message"].search(
            [("partner_ids", "in", self.manager.partner_id.ids), ("subject", "ilike", "fairness")]
        )
        self.assertEqual(len(message), 1)
        self.assertIn("Alice Pool → Bob Pool", message.body)
        self.assertNotIn("Bob Pool → Alice Pool", message.body, "one pass back is under the threshold")


@tagged("post_install", "-at_install")
class TestFairnessSummary(RecycleCase):
    """The pivot and the graph count from the monthly summary what the events count."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Report = cls.env["crm.public.pool.fairness.report"]
        cls.Summary = cls.env["crm.public.pool.fairness.summary"]
        cls.pool.reclaim_cooldown_days = 0
        cls.pool.entry_lock_hours = 0
        cls.company_2 = cls.env["res.company"].create({"name": "Other Company Ltd"})
        cls.manager_2 = new_test_user(
            cls.env,
            login="fair_manager_2",
            name="Mia Other Manager",
            groups="sales_team.group_sale_manager",
            company_id=cls.company_2.id,
            company_ids=[(6, 0, cls.company_2.ids)],
        )

    def setUp(self):
        super().setUp()
        # Idle claims of three months back (10, 45 and 80 days ago), pass-backs today, and an idle
        # claim in the South pool, which the East pool's admin may not see.
        self.backdate(self.customers[:2], claim_days=10)
        self.backdate(self.customers[2:5], claim_days=45)
        self.backdate(self.customers[5:6], claim_days=80)
        for giver, taker in ((self.user_a, self.user_b), (self.user_b, self.user_a), (self.user_a, self.user_b)):
            self.customers[9].with_user(giver).pool_release("no_need")
            self.customers[9].with_user(taker).action_pool_claim()
        self.south_customer.with_user(self.user_c).action_pool_claim()
        self.backdate(self.south_customer, claim_days=10)
        self.Report._fairness_refresh()

    def scoped(self, domain):
        """The question asked of this test's two pools only: a database with demo data has events
        of its own pools (the demo's pair of salespeople passes customers back and forth)."""
        return expression.AND([[("pool_id", "in", (self.pool | self.south_pool).ids)], domain])

    def month(self, day):
        last = calendar.monthrange(day.year, day.month)[1]
        return [("period", ">=", day.replace(day=1).isoformat()), ("period", "<=", day.replace(day=last).isoformat())]

    def event_counts(self, domain, groupby, user=None):
        """Counts of the event rows themselves, as Odoo groups any model (no summary)."""
        report = self.Report.with_user(user) if user else self.Report
        return self.plain(models.BaseModel._read_group(report, self.scoped(domain), groupby, ["__count"]))

    def pivot_counts(self, domain, groupby, user=None):
        """Counts as the pivot asks the report for them: (group values..., count), sorted."""
        report = self.Report.with_user(user) if user else self.Report
        rows = []
        for row in report.read_group(self.scoped(domain), ["count:sum"], groupby, lazy=False):
            key = []
            for spec in groupby:
                value = row[spec]
                if ":" in spec:
                    value = value and row["__range"][spec]["from"]
                elif isinstance(value, tuple):
                    value = value[0]
                key.append(value)
            rows.append((*key, row["__count"]))
        return sorted(rows, key=repr)

    def plain(self, rows):
        def plain_value(value):
            if isinstance(value, models.BaseModel):
                return value.id
            return value.isoformat() if hasattr(value, "isoformat") else value

        return sorted((tuple(plain_value(value) for value in row) for row in rows), key=repr)

    def test_summary_counts_what_the_events_count(self):
        today = fields.Date.today()
        questions = [
            ([], []),
            ([], ["team_id"]),
            ([], ["team_id", "user_id"]),
            ([], ["kind"]),
            ([], ["team_id", "kind"]),
            ([], ["team_id", "user_id", "kind"]),
            ([], ["period:month", "kind"]),
            ([], ["period:quarter", "pool_id"]),
            ([("kind", "=", "claim_no_followup")], ["user_id", "period:year"]),
            (self.month(today), ["team_id", "user_id", "kind"]),
            ([("team_id", "=", self.team_east.id)], ["period:month"]),
            (["|", [1, "=", 1], ("pool_id", "=", self.south_pool.id)], ["pool_id"]),
        ]
        self.assertLess(
            len(self.Summary.search(self.scoped([]))),
            len(self.Report.search(self.scoped([]))),
            "one row per month, not per event",
        )
        for domain, groupby in questions:
            with self.subTest(domain=domain, groupby=groupby):
                self.assertTrue(self.Report._fairness_summary_answers(self.scoped(domain), groupby, ["count:sum"]))
                summary = self.plain(self.Summary._read_group(self.scoped(domain), groupby, ["count:sum"]))
                events = self.event_counts(domain, groupby)
                self.assertEqual(summary, events)
                self.assertEqual(self.pivot_counts(domain, groupby), events)
        self.assertEqual(self.event_counts([], ["kind"]), [("claim_no_followup", 7), ("passback", 3)])

    def test_what_the_summary_cannot_tell_is_counted_from_the_events(self):
        today = fields.Date.today()
        for domain, groupby in (
            ([], ["period:day"]),
            ([], ["period:week", "kind"]),
            ([], ["other_user_id"]),
            ([("partner_id", "=", self.customers[0].id)], ["kind"]),
            ([("period", ">=", (today.replace(day=2)).isoformat())], ["kind"]),
        ):
            with self.subTest(domain=domain, groupby=groupby):
                self.assertFalse(self.Report._fairness_summary_answers(self.scoped(domain), groupby, ["count:sum"]))
                self.assertEqual(self.pivot_counts(domain, groupby), self.event_counts(domain, groupby))

    def test_a_pivot_cell_opens_its_events(self):
        groups = self.Report.read_group([], ["count:sum"], ["team_id", "user_id", "kind"], lazy=False)
        self.assertTrue(groups)
        for group in groups:
            events = self.Report.search(group["__domain"])
            self.assertEqual(len(events), group["__count"])
            self.assertEqual(set(events.mapped("kind")), {group["kind"]})

    def test_the_pivot_reads_the_summary_which_refreshes_with_the_events(self):
        before = self.pivot_counts([], ["kind"])
        self.customers[9].with_user(self.user_b).pool_release("no_need")
        self.customers[9].with_user(self.user_a).action_pool_claim()
        self.env.flush_all()
        # The events alone recomputed: the pivot still shows the summary's counts.
        self.env.cr.execute(SQL("REFRESH MATERIALIZED VIEW %s", SQL.identifier(self.Report._table)))
        self.env.invalidate_all()
        self.assertEqual(self.pivot_counts([], ["kind"]), before)
        self.assertEqual(self.event_counts([], ["kind"]), [("claim_no_followup", 7), ("passback", 4)])
        # The manager's Refresh recomputes both.
        self.Report.with_user(self.manager).action_fairness_refresh()
        self.assertEqual(self.pivot_counts([], ["kind"]), [("claim_no_followup", 7), ("passback", 4)])
        self.assertEqual(
            self.plain(self.Summary._read_group(self.scoped([]), ["kind"], ["count:sum"])),
            [("claim_no_followup", 7), ("passback", 4)],
        )

    def test_the_nightly_digest_refreshes_the_summary(self):
        self.customers[9].with_user(self.user_b).pool_release("no_need")
        self.customers[9].with_user(self.user_a).action_pool_claim()
        self.Report._cron_fairness_digest()
        self.assertEqual(self.pivot_counts([("kind", "=", "passback")], []), [(4,)])

    def test_summary_access_is_the_events_access(self):
        groupby = ["pool_id", "kind"]
        with self.assertRaises(AccessError):
            self.Summary.with_user(self.user_a).search([])
        with self.assertRaises(AccessError):
            self.Report.with_user(self.user_a).read_group([], ["count:sum"], groupby, lazy=False)
        # A manager of another company: neither the events nor their counts.
        self.assertFalse(self.Summary.with_user(self.manager_2).search([]))
        self.assertFalse(self.Report.with_user(self.manager_2).search([]))
        self.assertEqual(self.pivot_counts([], groupby, user=self.manager_2), [])
        # The East pool's admin: the East pool only, the same counts from either.
        self.assertEqual(self.Summary.with_user(self.admin).search([]).pool_id, self.pool)
        admin_counts = self.event_counts([], groupby, user=self.admin)
        self.assertEqual({row[0] for row in admin_counts}, {self.pool.id})
        self.assertEqual(self.pivot_counts([], groupby, user=self.admin), admin_counts)
        # The manager: both pools.
        manager_counts = self.pivot_counts([], groupby, user=self.manager)
        self.assertEqual({row[0] for row in manager_counts}, {self.pool.id, self.south_pool.id})
        self.assertEqual(manager_counts, self.event_counts([], groupby, user=self.manager))
