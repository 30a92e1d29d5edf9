from unittest.mock import patch

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from ..models import res_partner_moves
from ..models.engine_token import engine_statements
from .common import PoolCase
from .invariants import assert_pool_invariants, pool_invariant_violations


@tagged("post_install", "-at_install")
class TestTransitions(PoolCase):
    def test_claim_makes_the_member_owner_and_logs_once(self):
        customer = self.customers[0]
        customer.with_user(self.user_a).action_pool_claim()
        self.assertEqual(customer.user_id, self.user_a)
        self.assertEqual(customer.pool_state, "private")
        self.assertEqual(customer.pool_id, self.pool, "the home pool is kept")
        self.assertTrue(customer.pool_claim_date)
        log = self.logs(customer, "claim")
        self.assertEqual(len(log), 1)
        self.assertEqual((log.user_id, log.to_user_id, log.pool_id), (self.user_a, self.user_a, self.pool))
        self.assertIn("Claimed by Alice Pool", customer.message_ids[0].body)

    def test_claim_refused_for_non_members_and_owned_customers(self):
        # Carol may not read East customers: the refusal names neither the customer nor the pool.
        with self.assertRaisesRegex(
            UserError, f"Customer #{self.customers[0].id} is not in a pool you are a member of"
        ):
            self.customers[0].sudo()._check_claim_allowed(self.user_c)
        self.customers[1].with_user(self.user_a).action_pool_claim()
        with self.assertRaisesRegex(UserError, "East Customer 1 is no longer in the pool"):
            self.customers[1].with_user(self.admin).action_pool_claim()
        self.assertEqual(self.customers[1].user_id, self.user_a)
        self.assertEqual(len(self.logs(self.customers[1], "claim")), 1)

    def test_claim_of_a_batch_is_all_or_nothing(self):
        self.customers[2].with_user(self.user_b).action_pool_claim()
        batch = self.customers[:3]
        with self.assertRaises(UserError):
            batch.with_user(self.admin).action_pool_claim()
        self.assertEqual(self.customers[:2].mapped("pool_state"), ["pool", "pool"])
        self.assertFalse(self.logs(self.customers[:2]).filtered(lambda log: log.action != "create"))

    def test_release_needs_a_known_reason_and_returns_to_pool(self):
        customer = self.customers[0]
        customer.with_user(self.user_a).action_pool_claim()
        with self.assertRaisesRegex(UserError, "Unknown release reason 'nope'"):
            customer.with_user(self.user_a).pool_release("nope")
        with self.assertRaisesRegex(UserError, "needs a note"):
            customer.with_user(self.user_a).pool_release("other")
        self.assertEqual(customer.user_id, self.user_a, "a refused release changes nothing")
        customer.with_user(self.user_a).pool_release("no_need", note="Budget frozen")
        self.assertEqual(customer.pool_state, "pool")
        self.assertFalse(customer.user_id)
        self.assertEqual(customer.pool_previous_user_id, self.user_a)
        self.assertTrue(customer.pool_enter_date)
        log = self.logs(customer, "release")
        self.assertEqual(len(log), 1)
        self.assertEqual(log.reason_id.code, "no_need")
        self.assertEqual((log.from_user_id, log.to_user_id.id), (self.user_a, False))
        self.assertEqual(log.note, "Budget frozen")

    def test_only_owner_or_admin_releases(self):
        customer = self.customers[0]
        customer.with_user(self.user_a).action_pool_claim()
        with self.assertRaises(AccessError):
            customer.with_user(self.user_b).pool_release("no_need")
        self.assertEqual(customer.user_id, self.user_a)
        customer.with_user(self.admin).pool_release("wrong_data")
        self.assertEqual(customer.pool_state, "pool")

    def test_release_into_another_pool_of_mine(self):
        customer = self.customers[0]
        customer.with_user(self.user_a).action_pool_claim()
        with self.assertRaisesRegex(UserError, "may not release customers into pool South Pool"):
            customer.with_user(self.user_a).pool_release("no_need", pool_id=self.south_pool.id)
        self.default_pool.member_user_ids = [(4, self.user_a.id)]
        customer.with_user(self.user_a).pool_release("no_need", pool_id=self.default_pool.id)
        self.assertEqual((customer.pool_state, customer.pool_id), ("pool", self.default_pool))
        self.assertEqual(self.logs(customer, "release").from_pool_id, self.pool)

    def test_admin_assigns_pooled_customers(self):
        self.pool.with_user(self.admin).pool_assign(self.customers[:3].ids, self.user_b.id)
        self.assertEqual(set(self.customers[:3].mapped("user_id")), {self.user_b})
        self.assertEqual(len(self.logs(self.customers[:3], "assign")), 3)
        with self.assertRaisesRegex(UserError, "Only administrators of pool East Pool"):
            self.pool.with_user(self.user_a).pool_assign(self.customers[3:4].ids, self.user_a.id)
        with self.assertRaisesRegex(UserError, "Carol Outsider is not a member of pool East Pool"):
            self.pool.with_user(self.admin).pool_assign(self.customers[3:4].ids, self.user_c.id)
        self.assertEqual(self.customers[3].pool_state, "pool")

    def test_large_moves_are_written_in_steps(self):
        customers = self.customers[:5]
        for i, customer in enumerate(customers):
            self.env["res.partner"].create({"name": f"Contact {i}", "parent_id": customer.id})
        with patch.object(res_partner_moves, "APPLY_STEP", 2):
            self.pool.with_user(self.admin).pool_assign(customers.ids, self.user_b.id)
        self.assertEqual(set(customers.mapped("user_id")), {self.user_b})
        self.assertEqual(set(customers.child_ids.mapped("user_id")), {self.user_b})
        self.assertEqual(len(self.logs(customers, "assign")), 5)
        self.assertEqual(len(customers.message_ids.filtered(lambda m: "Assigned to Bob Pool" in (m.body or ""))), 5)
        assert_pool_invariants(self, self.env)

    def test_transfer_between_owners(self):
        customer = self.customers[0]
        customer.with_user(self.user_a).action_pool_claim()
        with self.assertRaisesRegex(UserError, "Only administrators"):
            customer.with_user(self.user_a).pool_transfer(self.user_b.id)
        customer.with_user(self.manager).pool_transfer(self.user_b.id)
        self.assertEqual(customer.user_id, self.user_b)
        self.assertEqual(customer.pool_previous_user_id, self.user_a)
        log = self.logs(customer, "transfer")
        self.assertEqual((log.from_user_id, log.to_user_id), (self.user_a, self.user_b))
        with self.assertRaisesRegex(UserError, "does not exist"):
            customer.with_user(self.manager).pool_transfer(999999)

    def test_lock_and_unlock(self):
        customer = self.customers[0]
        with self.assertRaisesRegex(UserError, "only owned customers can be locked"):
            customer.with_user(self.admin).action_pool_lock()
        customer.with_user(self.user_a).action_pool_claim()
        with self.assertRaises(AccessError, msg="a colleague cannot even see the customer"):
            customer.with_user(self.user_b).action_pool_lock()
        self.customers[1].with_user(self.user_b).action_pool_claim()
        self.customers[1].with_user(self.user_b).action_pool_lock()
        self.assertTrue(self.customers[1].pool_locked)
        customer.with_user(self.user_a).action_pool_lock()
        self.assertTrue(customer.pool_locked)
        customer.with_user(self.user_a).action_pool_unlock()
        self.assertFalse(customer.pool_locked)
        self.assertEqual(self.logs(customer).mapped("action")[:2], ["unlock", "lock"])

    def test_release_unlocks(self):
        customer = self.customers[0]
        customer.with_user(self.user_a).action_pool_claim()
        customer.with_user(self.user_a).action_pool_lock()
        customer.with_user(self.user_a).pool_release("no_need")
        self.assertFalse(customer.pool_locked)

    def test_create_as_salesperson_owns_and_without_owner_pools(self):
        Partner = self.env["res.partner"].with_context(pool_manage=True)
        mine = (
            Partner.with_user(self.user_a)
            .with_context(default_user_id=self.user_a.id)
            .create({"name": "Fresh Lead Co", "is_company": True})
        )
        self.assertEqual((mine.pool_state, mine.user_id, mine.pool_id), ("private", self.user_a, self.default_pool))
        pooled = Partner.create({"name": "Imported Co", "is_company": True})
        self.assertEqual((pooled.pool_state, pooled.user_id.id), ("pool", False))
        self.assertEqual(pooled.pool_id, self.default_pool)
        self.assertEqual(len(self.logs(mine | pooled, "create")), 2)
        chosen = self.env["res.partner"].create({"name": "Chosen Pool Co", "is_company": True, "pool_id": self.pool.id})
        self.assertEqual((chosen.pool_state, chosen.pool_id), ("pool", self.pool))
        with self.assertRaisesRegex(AccessError, "may create customers owned by someone else"):
            Partner.with_user(self.user_a).create({"name": "For Bob", "is_company": True, "user_id": self.user_b.id})

    def test_partners_odoo_creates_are_not_managed(self):
        plain = self.env["res.partner"].create({"name": "Vendor"})
        self.assertFalse(plain.pool_state)
        self.assertFalse(self.user_a.partner_id.pool_state)
        self.assertFalse(self.env.company.partner_id.pool_state)

    def test_contacts_follow_their_company(self):
        company = self.customers[0]
        contact = self.env["res.partner"].create({"name": "Zhang San", "parent_id": company.id})
        self.assertEqual((contact.pool_state, contact.pool_id), ("pool", self.pool))
        company.with_user(self.user_a).action_pool_claim()
        self.assertEqual(contact.user_id, self.user_a)
        self.assertEqual(contact.pool_state, "private")
        self.assertEqual(len(self.logs(contact)), 0, "contacts move with the company, logged once on it")
        company.with_user(self.user_a).pool_release("no_need")
        self.assertFalse(contact.user_id)
        self.assertEqual(contact.pool_state, "pool")

    def test_claiming_a_contact_claims_its_company(self):
        contact = self.env["res.partner"].create({"name": "Li Si", "parent_id": self.customers[0].id})
        contact.with_user(self.user_a).action_pool_claim()
        self.assertEqual(self.customers[0].user_id, self.user_a)

    def test_open_opportunities_follow_the_customer(self):
        customer = self.customers[0]
        customer.with_user(self.user_a).action_pool_claim()
        lead = self.env["crm.lead"].create(
            {"name": "Deal", "type": "opportunity", "partner_id": customer.id, "user_id": self.user_a.id}
        )
        customer.with_user(self.user_a).pool_release("no_need")
        self.assertFalse(lead.user_id)
        customer.with_user(self.user_b).action_pool_claim()
        self.assertEqual(lead.user_id, self.user_b, "the claimer inherits the origin opportunity")

    def test_departure_returns_customers_or_hands_them_over(self):
        self.customers[:2].with_user(self.user_a).action_pool_claim()
        self.customers[2:4].with_user(self.user_b).action_pool_claim()
        wizard = (
            self.env["crm.public.pool.departure.wizard"]
            .with_user(self.manager)
            .create({"user_id": self.user_a.id, "successor_id": self.user_b.id, "archive_user": False})
        )
        self.assertEqual(wizard.customer_count, 2)
        wizard.action_apply()
        self.assertEqual(set(self.customers[:4].mapped("user_id")), {self.user_b})
        self.assertEqual(len(self.logs(self.customers[:2], "departure")), 2)
        self.user_b.action_archive()
        self.assertEqual(set(self.customers[:4].mapped("pool_state")), {"pool"})
        self.assertEqual(len(self.logs(self.customers[:4], "departure")), 6)

    def test_pool_holding_customers_cannot_be_archived_or_deleted(self):
        with self.assertRaisesRegex(UserError, "East Pool still holds 10 customers"):
            self.pool.action_archive()
        with self.assertRaisesRegex(UserError, "still holds 10 customers"):
            self.pool.unlink()
        empty = self.env["crm.public.pool"].create({"name": "Empty"})
        empty.action_archive()
        self.assertFalse(empty.active)

    def test_one_default_pool_per_company(self):
        with self.assertRaisesRegex(Exception, "already has a default pool"):
            self.env["crm.public.pool"].create({"name": "Second default", "is_default": True})

    def test_followup_note_updates_last_followup(self):
        customer = self.customers[0]
        customer.with_user(self.user_a).action_pool_claim()
        self.assertFalse(customer.pool_last_followup_date)
        customer.with_user(self.user_a).message_post(
            body="Called, interested", message_type="comment", subtype_xmlid="mail.mt_note"
        )
        self.assertTrue(customer.pool_last_followup_date)

    def test_followup_on_opportunity_counts(self):
        customer = self.customers[0]
        customer.with_user(self.user_a).action_pool_claim()
        lead = self.env["crm.lead"].create({"name": "Deal", "partner_id": customer.id, "user_id": self.user_a.id})
        lead.with_user(self.user_a).message_post(body="Sent the quote", message_type="comment")
        self.assertTrue(customer.pool_last_followup_date)

    def test_done_activity_is_a_followup(self):
        customer = self.customers[0]
        customer.with_user(self.user_a).action_pool_claim()
        activity = customer.with_user(self.user_a).activity_schedule(
            "mail.mail_activity_data_call", user_id=self.user_a.id
        )
        self.assertFalse(customer.pool_last_followup_date, "planning is not following up")
        activity.with_user(self.user_a).action_feedback(feedback="Reached the buyer")
        self.assertTrue(customer.pool_last_followup_date)

    def test_pool_chatter_lines_are_not_followups(self):
        customer = self.customers[0]
        customer.with_user(self.user_a).action_pool_claim()
        customer.with_user(self.user_a).action_pool_lock()
        self.assertFalse(customer.pool_last_followup_date)

    def test_claim_request_when_approval_required(self):
        self.pool.claim_requires_approval = True
        customer = self.customers[0]
        customer.with_user(self.user_a).action_pool_claim()
        self.assertEqual(customer.pool_state, "pool", "a request does not move the customer")
        request = self.env["crm.public.pool.claim.request"].search([("partner_id", "=", customer.id)])
        self.assertEqual((request.state, request.user_id), ("pending", self.user_a))
        self.assertEqual(len(self.logs(customer, "request")), 1)
        with self.assertRaisesRegex(UserError, "already asked"):
            customer.with_user(self.user_a).action_pool_claim()
        with self.assertRaisesRegex(UserError, "Only administrators of pool East Pool"):
            request.with_user(self.user_a).action_approve()
        request.with_user(self.admin).action_approve()
        self.assertEqual(customer.user_id, self.user_a)
        self.assertEqual(request.state, "approved")
        self.assertEqual(len(self.logs(customer, "claim")), 1)

    def test_claim_request_rejected(self):
        self.pool.claim_requires_approval = True
        self.customers[0].with_user(self.user_a).action_pool_claim()
        request = self.env["crm.public.pool.claim.request"].search([("partner_id", "=", self.customers[0].id)])
        request.with_user(self.admin).action_reject("Reserved for the key-account team")
        self.assertEqual(request.state, "rejected")
        self.assertEqual(self.customers[0].pool_state, "pool")
        with self.assertRaisesRegex(UserError, "already Rejected"):
            request.with_user(self.admin).action_approve()

    def test_invariants_hold_after_a_day_of_moves(self):
        self.env["res.partner"].create({"name": "Contact of 0", "parent_id": self.customers[0].id})
        self.customers[:4].with_user(self.user_a).action_pool_claim()
        self.customers[:2].with_user(self.user_a).pool_release("no_need")
        self.customers[2].with_user(self.manager).pool_transfer(self.user_b.id)
        self.pool.with_user(self.admin).pool_assign(self.customers[4:6].ids, self.user_b.id)
        self.customers[0].with_user(self.user_b).action_pool_claim()
        assert_pool_invariants(self, self.env)

    def test_invariant_check_catches_a_bypass(self):
        with engine_statements(self.env.cr):
            self.env.cr.execute(
                "UPDATE res_partner SET user_id = %s WHERE id = %s", [self.user_a.id, self.customers[0].id]
            )
        self.env.invalidate_all()
        problems = pool_invariant_violations(self.env.cr)
        expected = f"customer {self.customers[0].id} (East Customer 0) is pool with owner {self.user_a.id}"
        self.assertTrue(any(p.startswith(expected) for p in problems), problems)
