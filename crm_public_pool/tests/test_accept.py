from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tests.common import new_test_user

from ..models.engine_token import engine_statements
from .common import PoolCase
from .invariants import assert_pool_invariants
from .test_offered import _migration

# Issue 19: each engine block sets and clears its transaction-local setting (res_partner_guard.py).
ACCEPT_QUERIES = 13
TIMEOUT_QUERIES = 22


@tagged("post_install", "-at_install")
class TestAcceptOrReturn(PoolCase):
    """A pool asking for acceptance: accept, decline to the next candidate, time out back to the pool."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pool.accept_hours = 24
        cls.accept_type = cls.env.ref("crm_public_pool.mail_activity_type_pool_accept")

    def distribute(self, partners, strategy="round_robin", **vals):
        wizard = (
            self.env["crm.public.pool.assign.wizard"]
            .with_user(self.admin)
            .create({"pool_id": self.pool.id, "partner_ids": [(6, 0, partners.ids)], "strategy": strategy, **vals})
        )
        return wizard.action_apply()

    def todos(self, partners):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "in", partners.ids),
                ("activity_type_id", "=", self.accept_type.id),
            ]
        )

    def expire(self, partners):
        self.env.flush_all()
        with engine_statements(self.env.cr):
            self.env.cr.execute(
                "UPDATE res_partner SET pool_accept_deadline = %s WHERE id IN %s",
                [fields.Datetime.now() - timedelta(minutes=1), tuple(partners.ids)],
            )
        partners.invalidate_recordset()

    def test_assigned_customer_is_owned_at_once_and_waits(self):
        before = fields.Datetime.now()
        self.pool.with_user(self.admin).pool_assign(self.customers[:2].ids, self.user_a.id)
        customer = self.customers[0]
        self.assertEqual(customer.user_id, self.user_a)
        self.assertEqual(customer.pool_state, "private")
        self.assertGreaterEqual(customer.pool_accept_deadline, before + timedelta(hours=24))
        todo = self.todos(customer)
        self.assertEqual(todo.user_id, self.user_a)
        # It reads as its type, in each reader's language, not as a sentence stored in one.
        self.assertFalse(todo.summary)
        self.assertEqual(todo.activity_type_id, self.env.ref("crm_public_pool.mail_activity_type_pool_accept"))
        # The To-Do is the pool's own: it does not hold the recycle countdown as a planned follow-up would.
        self.assertNotIn(customer, todo._pool_customers())

        self.customers[:2].with_user(self.user_a).action_pool_accept()
        self.assertFalse(customer.pool_accept_deadline)
        self.assertFalse(self.todos(self.customers[:2]))
        self.assertEqual(len(self.logs(self.customers[:2], "accept")), 2)
        self.assertEqual(customer.user_id, self.user_a)
        assert_pool_invariants(self, self.env)

    def test_marking_the_todo_done_accepts(self):
        self.pool.with_user(self.admin).pool_assign(self.customers[:1].ids, self.user_a.id)
        self.todos(self.customers[0]).with_user(self.user_a).action_feedback(feedback="ok")
        self.assertFalse(self.customers[0].pool_accept_deadline)
        self.assertEqual(len(self.logs(self.customers[0], "accept")), 1)

    def test_only_the_new_owner_accepts_or_returns(self):
        self.pool.with_user(self.admin).pool_assign(self.customers[:1].ids, self.user_a.id)
        customer = self.customers[0]
        with self.assertRaisesRegex(
            UserError, "East Customer 0 is not assigned to you: only its new owner may accept or return it"
        ):
            customer.with_user(self.admin).action_pool_accept()
        with self.assertRaisesRegex(UserError, "is not assigned to you"):
            customer.with_user(self.admin).action_pool_decline("other", note="not mine")
        # Colleagues do not see a customer owned by someone else at all.
        for user in (self.user_b, self.user_c):
            with self.assertRaises(AccessError):
                customer.with_user(user).action_pool_accept()
            with self.assertRaises(AccessError):
                customer.with_user(user).action_pool_decline("other", note="not mine")
        # A customer claimed by its owner has nothing to accept.
        self.customers[1].with_user(self.user_b).action_pool_claim()
        self.assertFalse(self.customers[1].pool_accept_deadline)
        with self.assertRaisesRegex(UserError, "is not waiting for acceptance: it is already yours"):
            self.customers[1].with_user(self.user_b).action_pool_accept()
        self.assertEqual(customer.user_id, self.user_a)
        self.assertTrue(customer.pool_accept_deadline)

    def test_too_late_to_accept(self):
        self.pool.with_user(self.admin).pool_assign(self.customers[:1].ids, self.user_a.id)
        self.expire(self.customers[0])
        with self.assertRaisesRegex(UserError, "The time to accept East Customer 0 ended at"):
            self.customers[0].with_user(self.user_a).action_pool_accept()

    def test_decline_goes_to_the_next_candidate_of_the_strategy(self):
        self.distribute(self.customers[:1])
        customer = self.customers[0]
        first = customer.user_id
        second = (self.user_a | self.user_b) - first
        customer.with_user(first).action_pool_decline("other", note="Outside my region")
        self.assertEqual(customer.user_id, second)
        self.assertTrue(customer.pool_accept_deadline, "the next candidate has to accept it too")
        self.assertEqual(self.todos(customer).user_id, second)
        log = self.logs(customer, "decline")
        self.assertEqual((log.from_user_id, log.to_user_id), (first, second))
        self.assertEqual(log.distribution_strategy, "round_robin")
        self.assertEqual(log.reason_id.code, "other")
        self.assertEqual(log.note, "Outside my region")
        assert_pool_invariants(self, self.env)

        # The second one declines too: everyone who could take it was offered it, so the pool has it.
        customer.with_user(second).action_pool_decline("other", note="Too far")
        self.assertEqual(customer.pool_state, "pool")
        self.assertFalse(customer.user_id)
        self.assertFalse(customer.pool_accept_deadline)
        self.assertFalse(self.todos(customer))
        self.assertEqual(customer.pool_unplaced_reason, "everyone it could go to has declined it or let the time pass")
        self.assertEqual(len(self.logs(customer, "decline")), 2)
        assert_pool_invariants(self, self.env)

    def test_the_next_candidates_todos_name_their_own_customers(self):
        """Bob's activities named two customers a decline had just made his "Customer #id": the To-Dos'
        names were stored as Alice, who declined them and may no longer read them."""
        self.distribute(self.customers[:4])
        declined = self.customers[:4].filtered(lambda customer: customer.user_id == self.user_a)
        self.assertEqual(len(declined), 2)
        declined.with_user(self.user_a).action_pool_decline("other", note="Outside my region")
        self.assertEqual(self.customers[:4].user_id, self.user_b)
        todos = self.todos(self.customers[:4])
        self.assertEqual(todos.user_id, self.user_b)
        self.env.flush_all()
        expected = sorted((customer.id, customer.name) for customer in self.customers[:4])
        Activity = self.env["mail.activity"].with_user(self.user_b)
        rows = Activity.search_read([("id", "in", todos.ids)], ["res_id", "res_name"])
        self.assertEqual(sorted((row["res_id"], row["res_name"]) for row in rows), expected)
        store = Activity.browse(todos.ids).activity_format()["mail.activity"]
        self.assertEqual(sorted((vals["res_id"], vals["res_name"]) for vals in store), expected)
        # The stored name (an export, the assignment e-mail) is the assignee's too.
        self.assertEqual(sorted((todo.res_id, todo.res_name) for todo in todos), expected)
        # One assigned a To-Do on a customer they may not read still reads no name.
        customer = self.customers[0]
        todo = customer.with_user(self.manager).activity_schedule(
            "mail.mail_activity_data_todo", user_id=self.user_c.id
        )
        self.env.flush_all()
        rows = self.env["mail.activity"].with_user(self.user_c).search_read([("id", "=", todo.id)], ["res_name"])
        self.assertEqual(rows[0]["res_name"], f"Customer #{customer.id}")
        self.assertEqual(todo.res_name, f"Customer #{customer.id}")

    def test_activity_names_stored_by_earlier_versions_renamed_by_the_upgrade(self):
        """Before 18.0.1.5.0 a To-Do handed on by a decline was stored as "Customer #id" for its new
        owner: the upgrade names it as its assignee knows it."""
        self.distribute(self.customers[:4])
        declined = self.customers[:4].filtered(lambda customer: customer.user_id == self.user_a)
        declined.with_user(self.user_a).action_pool_decline("other", note="Outside my region")
        todos = self.todos(declined)
        upgrade = _migration("18.0.1.5.0", "post-activity-names")
        upgrade.rename(self.env)  # the activities of the demo data, if any, as the upgrade leaves them
        # As the earlier versions stored them.
        self.env.cr.execute(
            "UPDATE mail_activity SET res_name = 'Customer #' || res_id WHERE id IN %s", [tuple(todos.ids)]
        )
        todos.invalidate_recordset(["res_name"])
        self.assertEqual(upgrade.rename(self.env), 2)
        self.assertEqual(
            sorted((todo.res_id, todo.res_name) for todo in todos), sorted(declined.mapped(lambda c: (c.id, c.name)))
        )
        self.assertEqual(upgrade.rename(self.env), 0, "a second run changes nothing")

    def test_chosen_person_declines_back_to_the_pool(self):
        self.pool.with_user(self.admin).pool_assign(self.customers[:1].ids, self.user_a.id)
        customer = self.customers[0]
        customer.with_user(self.user_a).action_pool_decline("no_budget")
        self.assertEqual(customer.pool_state, "pool")
        self.assertEqual(customer.pool_previous_user_id, self.user_a)
        self.assertFalse(customer.pool_embargo_until, "a decline never imposes the reason's embargo")
        self.assertEqual(customer.pool_unplaced_reason, "it was offered to one person only, who did not accept it")

    def test_decline_refuses_bad_reasons_and_changes_nothing(self):
        self.pool.with_user(self.admin).pool_assign(self.customers[:1].ids, self.user_a.id)
        customer = self.customers[0].with_user(self.user_a)
        with self.assertRaisesRegex(UserError, "Unknown release reason 'nope'; use one of"):
            customer.action_pool_decline("nope")
        with self.assertRaisesRegex(UserError, "needs a note that says why"):
            customer.action_pool_decline("other", note="  ...  ")
        self.assertEqual(customer.user_id, self.user_a)
        self.assertFalse(self.logs(customer, "decline"))

    def test_timeout_passes_it_on_and_then_returns_it(self):
        self.distribute(self.customers[:2])
        first_owners = {p: p.user_id for p in self.customers[:2]}
        self.expire(self.customers[:2])
        done = self.env["res.partner"]._cron_pool_accept_timeout()
        self.assertEqual(done, 2)
        for customer, first in first_owners.items():
            self.assertNotEqual(customer.user_id, first)
            self.assertTrue(customer.pool_accept_deadline)
            self.assertEqual(self.logs(customer, "timeout").from_user_id, first)
        assert_pool_invariants(self, self.env)
        self.expire(self.customers[:2])
        self.env["res.partner"]._cron_pool_accept_timeout()
        self.assertEqual(set(self.customers[:2].mapped("pool_state")), {"pool"})
        self.assertEqual(len(self.logs(self.customers[:2], "timeout")), 4)
        self.assertFalse(self.todos(self.customers[:2]))
        assert_pool_invariants(self, self.env)
        # Nothing is due any more.
        self.assertEqual(self.env["res.partner"]._cron_pool_accept_timeout(), 0)

    def test_not_yet_due_stays(self):
        self.pool.with_user(self.admin).pool_assign(self.customers[:1].ids, self.user_a.id)
        self.assertEqual(self.env["res.partner"]._cron_pool_accept_timeout(), 0)
        self.assertEqual(self.customers[0].user_id, self.user_a)

    def test_a_next_candidate_at_their_limit_is_skipped(self):
        self.set_limit(self.user_b, owned=1)
        self.customers[5].with_user(self.user_b).action_pool_claim()
        self.pool.rr_last_user_id = self.user_b
        self.distribute(self.customers[:1])
        self.assertEqual(self.customers[0].user_id, self.user_a)
        self.customers[0].with_user(self.user_a).action_pool_decline("other", note="no")
        self.assertEqual(self.customers[0].pool_state, "pool")
        self.assertEqual(self.customers[0].pool_unplaced_reason, "every eligible member is at their customer limit")

    def test_a_refusal_at_the_move_is_read_in_each_readers_language(self):
        """The next candidate planned is refused when the customer moves (no salesperson rights): the
        reason the customer stays in the pool is stored as its message, not in the decliner's words."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.set_limit(self.user_b, owned=1)
        self.customers[5].with_user(self.user_b).action_pool_claim()
        self.pool.rr_last_user_id = self.user_b
        self.distribute(self.customers[:1])
        customer = self.customers[0]
        self.assertEqual(customer.user_id, self.user_a)
        dan = new_test_user(self.env, login="pool_dan", name="Dan Nosales", groups="base.group_user")
        self.pool.member_user_ids = [(4, dan.id)]
        self.env.flush_all()
        customer.with_user(self.user_a).with_context(lang="zh_CN").action_pool_decline("other", note="不合适")
        self.assertEqual(customer.pool_state, "pool")

        def reason(lang):
            return customer.with_context(lang=lang)._read_format(["pool_unplaced_reason"])[0]["pool_unplaced_reason"]

        english = "Customers of pool East Pool cannot go to this user: Dan Nosales has no salesperson rights."
        self.assertEqual(reason("en_US"), english)
        zh = self.env(context={"lang": "zh_CN"})
        chinese = zh._(
            "Customers of pool %(pool)s cannot go to this user: %(problem)s.",
            pool="East Pool",
            problem=zh._("%s has no salesperson rights", "Dan Nosales"),
        )
        self.assertNotEqual(chinese, english, "the Chinese translation exists")
        self.assertEqual(reason("zh_CN"), chinese)

    def test_no_acceptance_when_off_or_self_assigned_or_claimed(self):
        self.pool.with_user(self.admin).pool_assign(self.customers[:1].ids, self.admin.id)
        self.assertFalse(self.customers[0].pool_accept_deadline, "assigning to oneself needs no acceptance")
        self.customers[1].with_user(self.user_b).action_pool_claim()
        self.assertFalse(self.customers[1].pool_accept_deadline)
        self.pool.accept_hours = 0
        self.pool.with_user(self.admin).pool_assign(self.customers[2:3].ids, self.user_b.id)
        self.assertFalse(self.customers[2].pool_accept_deadline)
        self.assertFalse(self.todos(self.customers[:3]))

    def test_release_or_transfer_ends_the_wait(self):
        self.pool.with_user(self.admin).pool_assign(self.customers[:2].ids, self.user_a.id)
        self.customers[0].with_user(self.user_a).pool_release("other", note="back")
        self.customers[1].with_user(self.admin).pool_transfer(self.user_b.id)
        self.assertFalse(any(self.customers[:2].mapped("pool_accept_deadline")))
        self.assertFalse(self.todos(self.customers[:2]))

    def test_clients_cannot_write_the_deadline(self):
        self.pool.with_user(self.admin).pool_assign(self.customers[:1].ids, self.user_a.id)
        customer = self.customers[0]
        deadline = customer.pool_accept_deadline
        for user in (self.user_a, self.admin):
            with self.assertRaisesRegex(AccessError, "are set by the pool actions, not directly"):
                customer.with_user(user).write({"pool_accept_deadline": False})
        self.assertEqual(customer.pool_accept_deadline, deadline)
        created = (
            self.env["res.partner"]
            .with_user(self.user_a)
            .with_context(default_pool_accept_deadline=fields.Datetime.now())
            .create({"name": "Fresh Prospect Ltd", "is_company": True, "pool_id": self.pool.id})
        )
        self.assertFalse(created.pool_accept_deadline)

    def test_decline_wizard(self):
        self.pool.with_user(self.admin).pool_assign(self.customers[:1].ids, self.user_a.id)
        customer = self.customers[0].with_user(self.user_a)
        action = customer.action_pool_decline_wizard()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.user_a)
            .with_context(**action["context"])
            .create({"reason_id": self.env.ref("crm_public_pool.reason_other").id, "note": "Not my trade"})
        )
        result = wizard.action_decline()
        self.assertEqual(result["params"]["type"], "success")
        self.assertEqual(customer.pool_state, "pool")

    def test_decline_wizard_on_someone_elses_customer(self):
        self.pool.with_user(self.admin).pool_assign(self.customers[:1].ids, self.user_a.id)
        wizard = (
            self.env["crm.public.pool.decline.wizard"]
            .with_user(self.user_b)
            .create(
                {
                    "partner_ids": [(6, 0, self.customers[:1].ids)],
                    "reason_id": self.env.ref("crm_public_pool.reason_other").id,
                    "note": "Not mine",
                }
            )
        )
        # Read back as the web client would on its next request: the colleague's customer is filtered out.
        wizard.invalidate_recordset()
        with self.assertRaisesRegex(UserError, "None of the chosen customers is one you may open"):
            wizard.action_decline()
        self.assertEqual(self.customers[0].user_id, self.user_a)

    def test_portal_user_gets_nothing(self):
        portal = new_test_user(self.env, login="pool_portal_acc", groups="base.group_portal")
        self.pool.with_user(self.admin).pool_assign(self.customers[:1].ids, self.user_a.id)
        with self.assertRaises(AccessError):
            self.customers[0].with_user(portal).action_pool_accept()
        with self.assertRaises(AccessError):
            self.customers[0].with_user(portal).action_pool_decline("other", note="x")
        self.assertEqual(self.customers[0].user_id, self.user_a)

    def test_accepting_costs_the_same_for_one_or_many(self):
        self.pool.with_user(self.admin).pool_assign(self.customers.ids, self.user_a.id)
        self.customers[:1].with_user(self.user_a).action_pool_accept()
        for batch in (self.customers[1:2], self.customers[2:]):
            self.env.flush_all()
            self.env.invalidate_all()
            with self.assertQueryCount(ACCEPT_QUERIES):
                batch.with_user(self.user_a).action_pool_accept()
                self.env.flush_all()

    def test_demo_shows_customers_to_accept(self):
        pool = self.env.ref("crm_public_pool.demo_pool_east", raise_if_not_found=False)
        if not pool:
            self.skipTest("database without demo data")
        self.assertEqual(pool.accept_hours, 48)
        waiting = self.env["res.partner"].search([("pool_id", "=", pool.id), ("pool_accept_deadline", "!=", False)])
        self.assertEqual(set(waiting.user_id.mapped("login")), {"liwei", "demo"})
        self.assertTrue(self.todos(waiting))

    def test_timeout_batch_costs_the_same_for_few_or_many(self):
        Partner = self.env["res.partner"]
        # The first batch warms the caches; the next two cost the same.
        for index, batch in enumerate((self.customers[:1], self.customers[1:3], self.customers[3:9])):
            self.pool.with_user(self.admin).pool_assign(batch.ids, self.user_a.id)
            self.expire(batch)
            self.env.invalidate_all()
            with self.assertQueryCount(TIMEOUT_QUERIES if index else 100):
                self.assertEqual(Partner._cron_pool_accept_timeout(), len(batch))
                self.env.flush_all()
            self.assertEqual(set(batch.mapped("pool_state")), {"pool"})
