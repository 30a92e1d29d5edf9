"""Every opportunity follows its customer when the customer changes hands.

Open ones (whoever they were assigned to) go with the customer: to the new owner, or unassigned
into the pool. Won and lost ones stay credited to whoever won or lost them, and are detached from
the customer: they no longer take the customer's phone and e-mail (crm copies them onto the lead),
so the previous owner does not read what the new owner writes. Only what the owner (or a pool
administrator) does counts as the customer's follow-up. The owner releases, and a colleague
claims, customers with open, won and lost opportunities, in masked and unmasked pools.
"""

from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from ..models.engine_token import engine_statements
from .common import PoolCase
from .invariants import assert_pool_invariants
from .test_hostile import execute_kw


@tagged("post_install", "-at_install")
class TestLeadsFollowTheCustomer(PoolCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.masked_fields = cls.env["ir.model.fields"]._get("res.partner", "phone") | cls.env["ir.model.fields"]._get(
            "res.partner", "email"
        )
        cls.masked_pool = cls.env["crm.public.pool"].create(
            {
                "name": "Masked East Pool",
                "member_team_ids": [(6, 0, cls.team_east.ids)],
                "admin_user_ids": [(6, 0, cls.admin.ids)],
                "masked_field_ids": [(6, 0, cls.masked_fields.ids)],
            }
        )

    def customer(self, pool, name):
        return self.env["res.partner"].create(
            {"name": name, "is_company": True, "pool_id": pool.id, "phone": "+86 138 0013 9000", "email": "a@b.cn"}
        )

    def lead(self, customer, user, kind):
        lead = (
            self.env["crm.lead"]
            .with_user(user)
            .create({"name": f"{kind} deal", "partner_id": customer.id, "type": "opportunity", "user_id": user.id})
        )
        if kind == "won":
            lead.action_set_won()
        elif kind == "lost":
            lead.action_set_lost()
        return lead.sudo().with_context(active_test=False)

    def test_owner_releases_and_colleague_claims_with_every_kind_of_opportunity(self):
        for pool in (self.pool, self.masked_pool):
            for kind in ("open", "won", "lost"):
                with self.subTest(pool=pool.name, kind=kind):
                    customer = self.customer(pool, f"{pool.name} {kind} Co")
                    customer.with_user(self.user_a).action_pool_claim()
                    lead = self.lead(customer, self.user_a, kind)
                    customer.with_user(self.user_a).pool_release("no_need")
                    self.assertEqual(customer.pool_state, "pool")
                    assert_pool_invariants(self, self.env)
                    customer.with_user(self.user_b).action_pool_claim()
                    self.assertEqual(customer.user_id, self.user_b)
                    assert_pool_invariants(self, self.env)
                    if kind == "open":
                        self.assertEqual(lead.user_id, self.user_b, "an open opportunity goes with its customer")
                        self.assertFalse(lead.pool_detached)
                    else:
                        self.assertEqual(lead.user_id, self.user_a, "the credit stays with who won or lost it")
                        self.assertTrue(lead.pool_detached)

    def test_release_of_an_owned_opportunity_in_a_masked_pool(self):
        customer = self.customer(self.masked_pool, "Masked Everyday Co")
        customer.with_user(self.user_a).action_pool_claim()
        lead = self.lead(customer, self.user_a, "open")
        customer.with_user(self.user_a).pool_release("no_need")
        self.assertEqual((customer.pool_state, lead.user_id.id), ("pool", False))
        assert_pool_invariants(self, self.env)

    def test_a_colleagues_open_opportunity_follows_the_claim(self):
        customer = self.customer(self.pool, "Shared Co")
        customer.with_user(self.user_a).action_pool_claim()
        colleague_lead = self.env["crm.lead"].create(
            {"name": "B's deal", "partner_id": customer.id, "type": "opportunity", "user_id": self.user_b.id}
        )
        customer.with_user(self.user_a).pool_release("no_need")
        self.assertFalse(colleague_lead.user_id, "unassigned in the pool with its customer")
        customer.with_user(self.admin).action_pool_claim()
        self.assertEqual(colleague_lead.user_id, self.admin)

    def test_the_previous_owner_no_longer_reads_the_new_owners_data(self):
        customer = self.customer(self.pool, "Private Data Co")
        customer.with_user(self.user_a).action_pool_claim()
        won = self.lead(customer, self.user_a, "won")
        customer.with_user(self.user_a).pool_release("no_need")
        customer.with_user(self.user_b).action_pool_claim()
        customer.with_user(self.user_b).write({"phone": "+86 139 2222 3333", "email": "new.contact@private-data.cn"})
        self.env.flush_all()
        seen = won.with_user(self.user_a).read(["phone", "email_from", "user_id"])[0]
        self.assertNotIn("2222", seen["phone"] or "")
        self.assertNotEqual(seen["email_from"], "new.contact@private-data.cn")
        self.assertEqual(seen["user_id"][0], self.user_a.id)

    def test_only_the_owner_restarts_the_clock(self):
        customer = self.customer(self.pool, "Clock Co")
        customer.with_user(self.user_a).action_pool_claim()
        won = self.lead(customer, self.user_a, "won")
        customer.with_user(self.user_a).pool_release("no_need")
        customer.with_user(self.user_b).action_pool_claim()
        self.env.flush_all()
        past = fields.Datetime.now() - timedelta(days=20)
        with engine_statements(self.env.cr):
            self.env.cr.execute(
                "UPDATE res_partner SET pool_last_followup_date = %s WHERE id = %s", [past, customer.id]
            )
        self.env.invalidate_all()
        won.with_user(self.user_a).message_post(
            body="Still my customer", message_type="comment", subtype_xmlid="mail.mt_note"
        )
        customer.invalidate_recordset()
        self.assertEqual(customer.pool_last_followup_date, past, "an old owner's note is no follow-up")
        customer.with_user(self.user_b).message_post(
            body="Called", message_type="comment", subtype_xmlid="mail.mt_note"
        )
        customer.invalidate_recordset()
        self.assertGreater(customer.pool_last_followup_date, past)

    def test_transfer_and_departure_take_the_open_opportunities(self):
        customer = self.customer(self.pool, "Handover Co")
        customer.with_user(self.user_a).action_pool_claim()
        lead = self.lead(customer, self.user_a, "open")
        won = self.lead(customer, self.user_a, "won")
        customer.with_user(self.admin).pool_transfer(self.user_b.id)
        self.assertEqual((lead.user_id, won.user_id), (self.user_b, self.user_a))
        self.assertTrue(won.pool_detached)
        self.env["res.partner"].browse(customer.ids).sudo()._pool_departure(successor=self.user_a)
        self.assertEqual((lead.user_id, won.user_id), (self.user_a, self.user_a))
        self.assertFalse(won.pool_detached, "back with who won it, it follows the customer again")
        assert_pool_invariants(self, self.env)

    def test_release_with_tracking_through_the_wizard_in_a_masked_pool(self):
        env = self.env(context=dict(self.env.context, tracking_disable=False))
        customer = self.customer(self.masked_pool, "Tracked Release Co").with_env(env)
        customer.with_user(self.user_a).action_pool_claim()
        lead = (
            env["crm.lead"]
            .with_user(self.user_a)
            .create(
                {"name": "Tracked deal", "partner_id": customer.id, "type": "opportunity", "user_id": self.user_a.id}
            )
        )
        lead.activity_schedule("mail.mail_activity_data_todo", user_id=self.user_a.id)
        lead.message_post(body="Quote sent", message_type="comment", subtype_xmlid="mail.mt_note")
        wizard = (
            env["crm.public.pool.release.wizard"]
            .with_user(self.user_a)
            .create(
                {"partner_ids": [(6, 0, customer.ids)], "reason_id": self.env.ref("crm_public_pool.reason_no_need").id}
            )
        )
        wizard.action_release()
        self.assertEqual((customer.pool_state, lead.sudo().user_id.id), ("pool", False))
        assert_pool_invariants(self, self.env)


@tagged("post_install", "-at_install")
class TestEverydayFlowOverRpc(PoolCase, HttpCase):
    """The same everyday flow as the web client runs it, with tracking on: claim, open an
    opportunity, win or lose it, release, a colleague claims, the old owner reloads the form."""

    def rpc(self, user, model, method, *args, **kwargs):
        result, error = execute_kw(self, user, user.login.ljust(8, "x"), model, method, list(args), kwargs)
        self.assertFalse(error, f"{model}.{method} as {user.login}: {error and error['data']['message']}")
        return result

    def test_release_and_claim_with_opportunities_in_masked_and_unmasked_pools(self):
        fields_masked = self.env["ir.model.fields"]._get("res.partner", "phone") | self.env["ir.model.fields"]._get(
            "res.partner", "email"
        )
        masked = self.env["crm.public.pool"].create(
            {
                "name": "Masked RPC Pool",
                "member_team_ids": [(6, 0, self.team_east.ids)],
                "masked_field_ids": [(6, 0, fields_masked.ids)],
            }
        )
        for pool in (self.pool, masked):
            for kind in ("open", "won", "lost"):
                with self.subTest(pool=pool.name, kind=kind):
                    customer = self.env["res.partner"].create(
                        {
                            "name": f"RPC {pool.name} {kind}",
                            "is_company": True,
                            "pool_id": pool.id,
                            "phone": "+86 138 0013 9100",
                        }
                    )
                    self.env.flush_all()
                    self.rpc(self.user_a, "res.partner", "action_pool_claim", [customer.id])
                    lead_id = self.rpc(
                        self.user_a,
                        "crm.lead",
                        "create",
                        {
                            "name": "RPC deal",
                            "partner_id": customer.id,
                            "type": "opportunity",
                            "user_id": self.user_a.id,
                        },
                    )
                    if kind != "open":
                        self.rpc(self.user_a, "crm.lead", f"action_set_{kind}", [lead_id])
                    self.rpc(self.user_a, "res.partner", "pool_release", [customer.id], "no_need")
                    self.rpc(
                        self.user_a, "res.partner", "web_read", [customer.id], {"display_name": {}, "pool_state": {}}
                    )
                    self.rpc(self.user_b, "res.partner", "action_pool_claim", [customer.id])
                    self.env.invalidate_all()
                    self.assertEqual(customer.user_id, self.user_b)
                    assert_pool_invariants(self, self.env)
