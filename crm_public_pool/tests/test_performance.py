from datetime import timedelta

from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged, users, warmup
from odoo.tools import SQL

from .common import PoolCase

# Issue 22: a claim costs at most 10 queries, the two the web layer adds to every call included,
# in a pool with recycle rules as in one without: the rules' values are kept by the registry
# (crm.public.pool.rule._recycle_rule_rows), the statement storing the new recycle date rides in
# the round trip of the contacts and leads lookup, and the user's pool facts in the row lock's.
# Issue 19 added two to each move: setting and clearing the engine's transaction-local setting
# around its statements (res_partner_guard.py); a claim sends the setting in the round trip of
# its capacity lock and the owner's count.
CLAIM_QUERIES = 7
# A claim and a release. Without a limit the claim reads the owner's count for its message
# (pool_customer_count): one more.
CLAIM_RELEASE_QUERIES = 24
CLAIM_RELEASE_WITHIN_A_LIMIT_QUERIES = 23
# A claim of a customer a colleague claimed a moment ago (a rush's loser that finds the winner
# done): the row lock with the facts, then the record rules checked on the name the refusal
# shows (Odoo reads what they test: five reads on a fresh request); no claim rules.
CLAIM_REFUSED_QUERIES = 6


@tagged("post_install", "-at_install", "crm_public_pool_perf")
class TestPerformance(PoolCase):
    """A batch move costs the same number of queries for 1 customer or 10."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.batch = cls.env["res.partner"].create(
            [{"name": f"Batch {i}", "is_company": True, "pool_id": cls.pool.id} for i in range(10)]
        )

    def _claim_release(self, partners):
        partners = partners.with_env(self.env)
        partners.action_pool_claim()
        partners.pool_release("no_need")

    @users("pool_a")
    @warmup
    def test_claim_release_one(self):
        self.env.invalidate_all()
        with self.assertQueryCount(pool_a=CLAIM_RELEASE_QUERIES):
            self._claim_release(self.batch[:1])

    @users("pool_a")
    @warmup
    def test_claim_release_ten(self):
        self.env.invalidate_all()
        with self.assertQueryCount(pool_a=CLAIM_RELEASE_QUERIES):
            self._claim_release(self.batch)

    @users("pool_a")
    @warmup
    def test_claim_alone_one_and_ten(self):
        """A claim is one locked read, one read of the user's pool facts, the capacity lock and count,
        the move, and the audit and chatter rows: the same for 1 customer or 10."""
        self.user_a.sudo().pool_max_customers = 50
        for partners in (self.batch[:1], self.batch[1:]):
            self.env.invalidate_all()
            with self.assertQueryCount(pool_a=CLAIM_QUERIES):
                partners.with_env(self.env).action_pool_claim()
            partners.with_env(self.env).pool_release("no_need")

    @users("pool_a")
    @warmup
    def test_claim_release_within_a_limit(self):
        """With a limit, the claim counts the owner's customers once, for the check and the message."""
        self.user_a.sudo().pool_max_customers = 50
        self.env.invalidate_all()
        with self.assertQueryCount(pool_a=CLAIM_RELEASE_WITHIN_A_LIMIT_QUERIES):
            self._claim_release(self.batch)

    @users("pool_a")
    @warmup
    def test_refusal_of_a_claimed_customer(self):
        taken = self.batch[0]
        taken.with_user(self.user_b).action_pool_claim()
        self.env.invalidate_all()
        with (
            self.assertQueryCount(pool_a=CLAIM_REFUSED_QUERIES),
            self.assertRaisesRegex(UserError, rf"^Customer #{self.batch[0].id} is no longer in the pool\.$"),
        ):
            taken.with_env(self.env).action_pool_claim()

    def test_lock_fills_only_what_the_orm_would_read(self):
        """The row lock puts empty users and contacts in the cache for customers that have none,
        and leaves the others to the ORM: after it, both read as a fresh read does."""
        bare, with_contact, with_archived_contact, with_user, with_archived_user = self.batch[:5]
        self.env["res.partner"].create({"name": "Contact", "parent_id": with_contact.id})
        self.env["res.partner"].create({"name": "Gone", "parent_id": with_archived_contact.id, "active": False})
        # A customer can no longer become a user's own partner, but users made of customers before
        # 18.0.1.4.0 stay: they are linked here as an earlier version left them.
        portal = "base.group_portal"
        user_c = new_test_user(self.env, login="pool_portal_c", groups=portal)
        user_d = new_test_user(self.env, login="pool_portal_d", groups=portal)
        user_d.active = False
        self.env.flush_all()
        for user, partner in ((user_c, with_user), (user_d, with_archived_user)):
            self.env.cr.execute(SQL("UPDATE res_users SET partner_id = %s WHERE id = %s", partner.id, user.id))
        partners = bare | with_contact | with_archived_contact | with_user | with_archived_user
        self.env.flush_all()
        self.env.invalidate_all()
        expected = {p.id: (p.child_ids.ids, p.with_context(active_test=False).user_ids.ids) for p in partners}
        self.env.invalidate_all()
        partners._pool_lock_rows()
        cache = self.env.cache
        self.assertEqual(
            [p for p in partners if cache.contains(p, partners._fields["child_ids"])],
            [bare, with_archived_contact, with_user, with_archived_user],
            "only customers with no active contact get an empty child_ids from the lock",
        )
        self.assertEqual(
            [p for p in partners if cache.contains(p, partners._fields["user_ids"])],
            [bare, with_contact, with_archived_contact],
            "only customers with no user at all (an archived one counts) get an empty user_ids",
        )
        got = {p.id: (p.child_ids.ids, p.with_context(active_test=False).user_ids.ids) for p in partners}
        self.assertEqual(got, expected)
        self.assertTrue(expected[with_contact.id][0] and expected[with_archived_user.id][1])


@tagged("post_install", "-at_install", "crm_public_pool_perf")
class TestPerformanceWithRule(PoolCase):
    """In a pool with a recycle rule, a claim also plans the customer's recycle date: no query more."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rule = cls.env["crm.public.pool.rule"].create(
            {"pool_id": cls.pool.id, "name": "Silence", "days": 30, "warn_days": 3}
        )
        cls.batch = cls.env["res.partner"].create(
            [{"name": f"Batch {i}", "is_company": True, "pool_id": cls.pool.id} for i in range(10)]
        )
        cls.user_a.pool_max_customers = 50

    @users("pool_a")
    @warmup
    def test_claim_alone_one_and_ten(self):
        for partners in (self.batch[:1], self.batch[1:]):
            self.env.invalidate_all()
            with self.assertQueryCount(pool_a=CLAIM_QUERIES):
                partners.with_env(self.env).action_pool_claim()
            self.env.invalidate_all()
            for partner in partners.sudo():
                self.assertEqual(partner.pool_recycle_date, partner.pool_claim_date + timedelta(days=30))
            partners.with_env(self.env).pool_release("no_need")
