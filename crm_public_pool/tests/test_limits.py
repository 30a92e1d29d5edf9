from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from ..models.engine_token import engine_statements
from .common import PoolCase


@tagged("post_install", "-at_install")
class TestLimits(PoolCase):
    def test_owned_cap_refuses_claim_with_the_numbers(self):
        self.set_limit(self.user_a, owned=2)
        self.customers[:2].with_user(self.user_a).action_pool_claim()
        with self.assertRaisesRegex(
            UserError, r"You cannot take 1 more customer: limit reached, you own 2 of 2 allowed"
        ):
            self.customers[2].with_user(self.user_a).action_pool_claim()
        self.assertEqual(self.customers[2].pool_state, "pool")
        self.assertFalse(self.logs(self.customers[2], "claim"))
        self.assertEqual(self.user_a.pool_customer_count, 2)
        self.assertEqual(self.user_a.pool_capacity_used, 100.0)

    def test_batch_claim_over_the_cap_moves_nothing(self):
        self.set_limit(self.user_a, owned=3)
        with self.assertRaisesRegex(
            UserError, "You cannot take 5 more customers: limit reached, you own 0 of 3 allowed"
        ):
            self.customers[:5].with_user(self.user_a).action_pool_claim()
        self.assertEqual(set(self.customers[:5].mapped("pool_state")), {"pool"})

    def test_company_default_applies_when_user_limit_is_zero(self):
        self.env.company.pool_max_customers = 1
        self.customers[0].with_user(self.user_a).action_pool_claim()
        with self.assertRaisesRegex(UserError, "you own 1 of 1 allowed"):
            self.customers[1].with_user(self.user_a).action_pool_claim()
        self.set_limit(self.user_a, owned=5)
        self.customers[1].with_user(self.user_a).action_pool_claim()
        self.assertEqual(self.customers[1].user_id, self.user_a)

    def test_cap_applies_to_create_assign_and_transfer(self):
        self.set_limit(self.user_b, owned=1)
        self.pool.with_user(self.admin).pool_assign(self.customers[:1].ids, self.user_b.id)
        with self.assertRaisesRegex(
            UserError, "Bob Pool cannot take 1 more customer: limit reached, they own 1 of 1 allowed"
        ):
            self.pool.with_user(self.admin).pool_assign(self.customers[1:2].ids, self.user_b.id)
        self.customers[2].with_user(self.user_a).action_pool_claim()
        with self.assertRaisesRegex(UserError, "they own 1 of 1 allowed"):
            self.customers[2].with_user(self.manager).pool_transfer(self.user_b.id)
        self.assertEqual(self.customers[2].user_id, self.user_a)
        with self.assertRaisesRegex(UserError, "you own 1 of 1 allowed"):
            self.env["res.partner"].with_user(self.user_b).with_context(pool_manage=True).create(
                {"name": "Over Cap Co", "is_company": True, "user_id": self.user_b.id}
            )
        self.assertFalse(self.env["res.partner"].search([("name", "=", "Over Cap Co")]))

    def test_won_customers_may_not_count(self):
        self.set_limit(self.user_a, owned=1)
        self.customers[0].with_user(self.user_a).action_pool_claim()
        won_stage = self.env["crm.stage"].search([("is_won", "=", True)], limit=1)
        self.env["crm.lead"].create(
            {
                "name": "Won deal",
                "type": "opportunity",
                "partner_id": self.customers[0].id,
                "user_id": self.user_a.id,
                "stage_id": won_stage.id,
            }
        )
        with self.assertRaisesRegex(UserError, "you own 1 of 1 allowed"):
            self.customers[1].with_user(self.user_a).action_pool_claim()
        self.env.company.pool_count_won = False
        self.customers[1].with_user(self.user_a).action_pool_claim()
        self.assertEqual(self.customers[1].user_id, self.user_a)

    def test_locked_cap(self):
        self.set_limit(self.user_a, locked=1)
        self.customers[:2].with_user(self.user_a).action_pool_claim()
        self.customers[0].with_user(self.user_a).action_pool_lock()
        with self.assertRaisesRegex(
            UserError, "You cannot lock more customers: you have locked 1 of 1 allowed, 1 more asked"
        ):
            self.customers[1].with_user(self.user_a).action_pool_lock()
        self.assertFalse(self.customers[1].pool_locked)

    def test_daily_claim_limit(self):
        self.pool.daily_claim_limit = 2
        self.customers[:2].with_user(self.user_a).action_pool_claim()
        with self.assertRaisesRegex(
            UserError, "Daily claim limit of pool East Pool reached: 2 of 2 claimed today, 1 more asked"
        ):
            self.customers[2].with_user(self.user_a).action_pool_claim()
        self.customers[2].with_user(self.user_b).action_pool_claim()
        with freeze_time(fields.Datetime.now() + timedelta(days=1)):
            self.customers[3].with_user(self.user_a).action_pool_claim()
        self.assertEqual(self.customers[3].user_id, self.user_a)

    def test_previous_owner_cooldown(self):
        self.pool.reclaim_cooldown_days = 7
        customer = self.customers[0]
        customer.with_user(self.user_a).action_pool_claim()
        customer.with_user(self.user_a).pool_release("no_need")
        with self.assertRaisesRegex(UserError, r"you released it; you may claim it again from .* \(cool-down 7 days\)"):
            customer.with_user(self.user_a).action_pool_claim()
        with freeze_time(fields.Datetime.now() + timedelta(days=7, minutes=1)):
            customer.with_user(self.user_a).action_pool_claim()
        self.assertEqual(customer.user_id, self.user_a)

    def test_cooldown_does_not_block_colleagues(self):
        self.pool.reclaim_cooldown_days = 7
        customer = self.customers[0]
        customer.with_user(self.user_a).action_pool_claim()
        customer.with_user(self.user_a).pool_release("no_need")
        customer.with_user(self.user_b).action_pool_claim()
        self.assertEqual(customer.user_id, self.user_b)

    def test_entry_lock_hours_and_admin_exemption(self):
        self.pool.entry_lock_hours = 4
        fresh = self.env["res.partner"].create({"name": "Fresh Pool Co", "is_company": True, "pool_id": self.pool.id})
        with self.assertRaisesRegex(
            UserError, r"entered the pool recently; it can be claimed from .* \(entry lock 4 hours\)"
        ):
            fresh.with_user(self.user_a).action_pool_claim()
        with freeze_time(fields.Datetime.now() + timedelta(hours=4, minutes=1)):
            fresh.with_user(self.user_a).action_pool_claim()
        self.assertEqual(fresh.user_id, self.user_a)
        other = self.env["res.partner"].create({"name": "Admin Pick Co", "is_company": True, "pool_id": self.pool.id})
        other.with_user(self.admin).action_pool_claim()
        self.assertEqual(other.user_id, self.admin)

    def test_claimable_now_filter_follows_entry_lock_and_cooldown(self):
        released, fresh, old = self.customers[:3]
        released.with_user(self.user_a).action_pool_claim()
        released.with_user(self.user_a).pool_release("no_need")
        self.pool.write({"entry_lock_hours": 4, "reclaim_cooldown_days": 7})
        self.env.flush_all()  # the release's own dates first, or they would overwrite these after
        with engine_statements(self.env.cr):
            self.env.cr.execute(
                "UPDATE res_partner SET pool_enter_date = %s WHERE id = %s",
                [fields.Datetime.now() - timedelta(days=1), old.id],
            )
        with engine_statements(self.env.cr):
            self.env.cr.execute(  # past the entry lock, not the cool-down
                "UPDATE res_partner SET pool_enter_date = %s WHERE id = %s",
                [fields.Datetime.now() - timedelta(hours=5), released.id],
            )
        released.invalidate_recordset(["pool_enter_date"])
        self.env.invalidate_all()
        scope = [("id", "in", (released | fresh | old | self.south_customer).ids)]

        def claimable(user):
            Partner = self.env["res.partner"].with_user(user)
            found = Partner.search(scope + [("pool_claimable", "=", True)])
            self.assertEqual(found, Partner.search(scope).filtered("pool_claimable"), "search agrees with the field")
            self.assertEqual(Partner.search(scope + [("pool_claimable", "=", False)]), Partner.search(scope) - found)
            return found

        self.assertEqual(claimable(self.user_a), old, "A: fresh is entry-locked, released is in A's cool-down")
        self.assertEqual(claimable(self.user_b), old | released, "B: no cool-down on what A released")
        self.assertEqual(claimable(self.admin), old | released | fresh, "pool admins skip the entry lock")
        self.assertEqual(claimable(self.user_c), self.south_customer, "only pools one is a member of")
        with self.assertRaises(UserError):
            fresh.with_user(self.user_a).action_pool_claim()
        old.with_user(self.user_a).action_pool_claim()
        self.assertEqual(old.user_id, self.user_a, "what the filter offers can be claimed")

    def test_claimable_now_and_the_claim_agree_customer_by_customer(self):
        """The filter and the claim's check are the same rules: whatever one says, the other says."""
        reason = self.env.ref("crm_public_pool.reason_no_budget")
        released, embargoed, fresh = self.customers[:3]
        released.with_user(self.user_a).action_pool_claim()
        released.with_user(self.user_a).pool_release("no_need")
        embargoed.with_user(self.user_b).action_pool_claim()
        embargoed.with_user(self.user_b).pool_release(reason.code)
        archived = self.customers[3]
        archived._pool_transition("archive")
        self.pool.write({"entry_lock_hours": 4, "reclaim_cooldown_days": 7, "daily_claim_limit": 5})
        self.env.flush_all()
        with engine_statements(self.env.cr):
            self.env.cr.execute(
                "UPDATE res_partner SET pool_enter_date = %s WHERE id IN %s",
                [fields.Datetime.now() - timedelta(days=1), tuple((self.customers[4:] | self.south_customer).ids)],
            )
        self.env.invalidate_all()
        scope = (self.customers | self.south_customer).with_context(active_test=False)
        for user in (self.user_a, self.user_b, self.user_c, self.admin):
            claimable = (
                self.env["res.partner"]
                .with_user(user)
                .with_context(active_test=False)
                .search([("id", "in", scope.ids), ("pool_claimable", "=", True)])
            )
            for customer in scope:
                with self.subTest(user=user.login, customer=customer.name):
                    try:
                        with self.env.cr.savepoint():
                            customer.sudo()._check_claim_allowed(user)
                        allowed = True
                    except UserError:
                        allowed = False
                    self.assertEqual(customer in claimable, allowed)
        self.assertNotIn(embargoed, claimable, "an embargo keeps it out for everyone, admins too")
        with self.assertRaisesRegex(
            UserError, r"may not be claimed before .*: it was released as \"No budget this year\""
        ):
            embargoed.with_user(self.user_a).action_pool_claim()
        self.pool.with_user(self.admin).pool_assign(embargoed.ids, self.user_a.id)
        self.assertEqual(embargoed.user_id, self.user_a, "pool administrators may still assign it")
        self.assertFalse(embargoed.pool_embargo_until, "an owner lifts the embargo")

    def test_pool_user_facts_agree_with_membership_and_admin_rights(self):
        """The claim's one-statement facts say what _is_member and _is_admin say, for every user and pool.

        Including the cases that are easy to get wrong in SQL: an administrator named on a pool
        without the administrator group, an archived member, a manager, a user whose company
        does not own the pool, and a membership that comes from a sales team changed just now.
        """
        Pool = self.env["crm.public.pool"]
        other_company = self.env["res.company"].create({"name": "Other Co"})
        outsider_pool = Pool.create(
            {"name": "Other Pool", "company_id": other_company.id, "member_user_ids": [(6, 0, self.user_a.ids)]}
        )
        no_group_admin = self.user_b
        self.south_pool.write({"admin_user_ids": [(6, 0, (self.admin | no_group_admin).ids)], "daily_claim_limit": 3})
        archived = self.user_c.copy({"login": "pool_c_archived"})
        self.team_south.member_ids = [(4, archived.id)]
        archived.active = False
        self.team_east.member_ids = [(4, self.manager.id)]
        users = self.user_a | self.user_b | self.user_c | self.admin | self.manager | archived
        pools = Pool.search([]) | outsider_pool
        for user in users:
            facts = Pool._pool_user_facts(user)
            for pool in pools:
                with self.subTest(user=user.login, pool=pool.name):
                    in_scope = pool.active and pool.company_id in user.company_ids
                    self.assertEqual(pool.id in facts["pools"], in_scope)
                    if in_scope:
                        self.assertEqual(facts["pools"][pool.id]["member"], pool._is_member(user))
                        self.assertEqual(facts["pools"][pool.id]["admin"], pool._is_admin(user))
                        self.assertEqual(facts["pools"][pool.id]["daily_claim_limit"], pool.daily_claim_limit)
            self.assertEqual((facts["active"], facts["share"]), (user.active, user.share))
        self.assertTrue(Pool._pool_user_facts(self.admin)["pools"][self.south_pool.id]["admin"])
        self.assertFalse(
            Pool._pool_user_facts(no_group_admin)["pools"][self.south_pool.id]["admin"],
            "named administrator without the group is no administrator",
        )
        self.assertFalse(Pool._pool_user_facts(archived)["pools"][self.south_pool.id]["member"])
        self.assertNotIn(outsider_pool.id, Pool._pool_user_facts(self.user_a)["pools"], "another company's pool")

    def test_negative_limits_are_refused(self):
        with self.assertRaisesRegex(ValidationError, "cannot be negative|must lie between 0 and 1000000"):
            self.user_a.pool_max_customers = -1
        with self.assertRaisesRegex(ValidationError, "Daily Claim Limit must lie between 0 and 1000000, not -3"):
            self.pool.daily_claim_limit = -3
            self.pool.flush_recordset()
