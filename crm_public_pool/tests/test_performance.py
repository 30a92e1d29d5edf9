from odoo.tests import tagged, users, warmup

from .common import PoolCase

# Issue 12: a claim costs at most 20 queries, the web layer's included.
CLAIM_QUERIES = 11


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
        with self.assertQueryCount(pool_a=24):
            self._claim_release(self.batch[:1])

    @users("pool_a")
    @warmup
    def test_claim_release_ten(self):
        self.env.invalidate_all()
        with self.assertQueryCount(pool_a=24):
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
        with self.assertQueryCount(pool_a=24):
            self._claim_release(self.batch)
