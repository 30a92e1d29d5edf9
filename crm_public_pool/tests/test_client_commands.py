"""The token covers only what the engine computed: a client's nested commands stay the client's.

``res.partner.create`` decides a new customer's pool, owner and dates and writes them as the
engine; the one2many and many2many commands the client sent with it are applied afterwards as
the client's own, with the client's rights and without the token (as OCA queue_job's
``job.py`` writes only the values it built under its sentinel). Over JSON-RPC, as a hostile
salesperson would send them.
"""

from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .invariants import assert_pool_invariants
from .test_access import AccessCase
from .test_hostile import USER_ERRORS, execute_kw


@tagged("post_install", "-at_install")
class TestClientCommands(AccessCase, HttpCase):
    def create_as(self, user, vals):
        return execute_kw(self, user, user.login.ljust(8, "x"), "res.partner", "create", [vals], {})

    def customer_state(self, partner):
        self.env.flush_all()
        self.env.cr.execute(
            """SELECT user_id, pool_state, pool_id, pool_locked, parent_id, pool_claim_date, pool_enter_date,
                      pool_recycle_date, pool_last_followup_date, pool_embargo_until
                 FROM res_partner WHERE id = %s""",
            [partner.id],
        )
        return self.env.cr.fetchone(), self.logs(partner).ids

    @mute_logger("odoo.http", "odoo.models", "odoo.addons.base.models.ir_rule")
    def test_nested_commands_of_a_create_are_the_clients(self):
        # Alice owns "mine": as herself she may edit it, never its pool fields.
        attacks = {
            "(1, own customer, pool dates)": {
                "child_ids": [
                    (
                        1,
                        self.mine.id,
                        {"pool_recycle_date": "2099-01-01 00:00:00", "pool_last_followup_date": "2099-01-01 00:00:00"},
                    )
                ]
            },
            "(1, own customer, out of its pool)": {"child_ids": [(1, self.mine.id, {"pool_state": False})]},
            "(1, own customer, another pool)": {"child_ids": [(1, self.mine.id, {"pool_id": self.south_pool.id})]},
            "(1, a colleague's customer, owner)": {"child_ids": [(1, self.bobs.id, {"user_id": self.user_a.id})]},
            "(4, own customer) under a new company": {"child_ids": [(4, self.mine.id)]},
            "(4, a pooled customer) under a new company": {"child_ids": [(4, self.pooled[0].id)]},
            "(6, 0, customers) under a new company": {"child_ids": [(6, 0, (self.mine | self.pooled[1]).ids)]},
            "(0, 0, a contact with pool fields)": {
                "child_ids": [(0, 0, {"name": "Forged", "pool_state": "private", "pool_claim_date": "2099-01-01"})]
            },
            "(0, 0, an audit row)": {
                "pool_log_ids": [(0, 0, {"action": "claim", "to_user_id": self.user_a.id, "note": "forged"})]
            },
            "(1, an audit row, changed)": {
                "pool_log_ids": [(1, self.logs(self.mine)[:1].id, {"note": "forged"})],
            },
        }
        watched = self.mine | self.bobs | self.pooled[:2]
        for label, commands in attacks.items():
            for vals in (
                {"name": f"Shell {label}", **commands},
                {"name": f"Shell customer {label}", "is_company": True, "pool_id": self.pool.id, **commands},
            ):
                with self.subTest(attack=label, managed="pool_id" in vals):
                    before = {partner.id: self.customer_state(partner) for partner in watched}
                    log_count = self.Log.search_count([])
                    result, error = self.create_as(self.user_a, vals)
                    self.env.invalidate_all()
                    self.assertTrue(error, f"refused, not created as #{result}")
                    self.assertIn(error["data"]["name"], USER_ERRORS, error["data"]["message"][:300])
                    for partner in watched:
                        self.assertEqual(self.customer_state(partner), before[partner.id], partner.name)
                    self.assertEqual(self.Log.search_count([]), log_count, "no audit row added or changed")
        assert_pool_invariants(self, self.env)

    def test_a_clients_own_commands_still_work(self):
        """Tags and contacts given with a new customer of one's own are created as before."""
        tag = self.env["res.partner.category"].create({"name": "Trade fair"})
        result, error = self.create_as(
            self.user_a,
            {
                "name": "Fresh Customer Co",
                "is_company": True,
                "pool_id": self.pool.id,
                "user_id": self.user_a.id,
                "category_id": [(6, 0, tag.ids)],
                "child_ids": [(0, 0, {"name": "Fresh Buyer", "email": "buyer@fresh.example"})],
            },
        )
        self.assertFalse(error, error and error["data"]["message"])
        customer = self.env["res.partner"].browse(result)
        self.assertEqual(customer.user_id, self.user_a)
        self.assertEqual(customer.pool_state, "private")
        self.assertEqual(customer.category_id, tag)
        self.assertEqual(customer.child_ids.name, "Fresh Buyer")
        self.assertEqual(customer.child_ids.user_id, self.user_a, "the contact follows its company's owner")
        self.assertEqual(customer.child_ids.pool_id, self.pool)
        self.assertEqual(len(self.logs(customer, "create")), 1)
        assert_pool_invariants(self, self.env)

    def test_a_nested_lock_of_ones_own_customer_is_a_lock(self):
        """A command that locks one's own customer is the same move as writing the lock directly:
        checked against the lock limit and audited (before, it was written as the engine's, unaudited)."""
        result, error = self.create_as(
            self.user_a, {"name": "Shell", "child_ids": [(1, self.mine.id, {"pool_locked": True})]}
        )
        self.assertFalse(error, error and error["data"]["message"])
        self.env.invalidate_all()
        self.assertTrue(self.mine.pool_locked)
        self.assertEqual(len(self.logs(self.mine, "lock")), 1)
        self.assertFalse(self.mine.parent_id, "a write command updates, it does not link")
        assert_pool_invariants(self, self.env)
