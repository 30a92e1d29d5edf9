"""The chatter and Discuss, attacked from outside (issue 20): what they send of a customer.

Found over JSON-RPC against a demo database: mail builds its answers as superuser (channel
members, authors, suggested recipients, tracked values), past the masking of ``res.partner``.
"""

import json

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .test_access import MASKED_FIELDS, AccessCase


@tagged("post_install", "-at_install")
class TestAttacksMail(AccessCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        masked = env["ir.model.fields"].browse([env.ref(f"base.field_res_partner__{f}").id for f in MASKED_FIELDS])
        cls.pool.write({"masked_field_ids": [(6, 0, masked.ids)]})
        cls.target = cls.pooled[0]
        cls.target.email = "hidden.target@victim.example"
        # Alice won a deal with the customer before it went back to the pool: the lost lead stays hers.
        cls.kept = env["crm.lead"].create(
            {"name": "Old deal", "type": "opportunity", "partner_id": cls.target.id, "user_id": cls.user_a.id}
        )
        cls.kept.message_post(
            body="Call me back",
            author_id=cls.target.id,
            email_from=cls.target.email_formatted,
            reply_to=cls.target.email_formatted,
            message_type="email",
        )
        cls.kept._message_log(
            body="",
            tracking_value_ids=[
                Command.create(
                    {
                        "field_id": env["ir.model.fields"]._get("crm.lead", "phone").id,
                        "old_value_char": cls.target.phone,
                        "new_value_char": "+86 10 0000 0000",
                    }
                )
            ],
        )
        env.flush_all()

    def rpc(self, user, route, params):
        self.authenticate(user.login, user.login.ljust(8, "x"))
        return str(self.make_jsonrpc_request(route, params))

    def test_suggested_recipients_leave_out_a_customer_not_seen_whole(self):
        """The chatter of a masked customer suggested it as recipient with its e-mail."""
        data = self.rpc(
            self.user_a,
            "/mail/thread/data",
            {"thread_model": "res.partner", "thread_id": self.target.id, "request_list": ["suggestedRecipients"]},
        )
        self.assertNotIn(self.target.email, data)
        data = self.rpc(
            self.user_a,
            "/mail/thread/data",
            {"thread_model": "crm.lead", "thread_id": self.kept.id, "request_list": ["suggestedRecipients"]},
        )
        self.assertNotIn(self.target.email, data)
        # The owner is still offered their customer, with its e-mail.
        data = self.rpc(
            self.user_a,
            "/mail/thread/data",
            {"thread_model": "res.partner", "thread_id": self.mine.id, "request_list": ["suggestedRecipients"]},
        )
        self.assertIn(self.mine.email, data)

    def test_partner_from_email_of_a_hidden_customer_reveals_and_bypasses_nothing(self):
        """/mail/partner/from_email (the composer's "add a recipient") finds by e-mail only the partners
        the caller may search on it, and creates the others: for a hidden customer's address it answers
        what it answers for an unknown one, a new contact no pool manages made of the caller's own input;
        and a customer created through it (``additional_values``) meets the duplicate gate."""
        Partner = self.env["res.partner"]
        self.authenticate(self.user_a.login, self.user_a.login.ljust(8, "x"))
        answers = {}
        for email in (self.target.email, "nobody.yet@unknown.example", self.bobs.email):
            (answers[email],) = self.make_jsonrpc_request("/mail/partner/from_email", {"emails": [email]})
        for email, answer in answers.items():
            with self.subTest(email=email):
                self.assertEqual(set(answer), {"id", "name", "email"})
                self.assertEqual((answer["name"], answer["email"]), (email, email), "only the caller's own input")
                self.assertNotIn(answer["id"], (self.target | self.bobs).ids)
                self.assertFalse(Partner.browse(answer["id"]).pool_state, "a contact no pool manages")
        # The owner's own customer is found, as standard Odoo finds it.
        (own,) = self.make_jsonrpc_request("/mail/partner/from_email", {"emails": [self.mine.email]})
        self.assertEqual(own["id"], self.mine.id)
        # A customer made through it meets the gate: the pool refuses the hidden customer's duplicate.
        self.pool.duplicate_policy = "block"
        self.env.flush_all()
        email = self.pooled[1].email.upper()  # a pooled customer masked to the caller, not asked for above
        before = Partner.search_count([("pool_state", "!=", False)])
        params = {
            "emails": [email],
            "additional_values": {
                email.lower(): {"is_company": True, "pool_id": self.pool.id, "user_id": self.user_a.id}
            },
        }
        with mute_logger("odoo.http"):  # the refusal is logged as a warning, as every UserError over RPC
            answer = self.url_open(
                "/mail/partner/from_email",
                json.dumps({"jsonrpc": "2.0", "method": "call", "id": 0, "params": params}),
                headers={"Content-Type": "application/json"},
            ).json()
        self.assertNotIn("result", answer)
        self.assertEqual(answer["error"]["data"]["name"], "odoo.exceptions.UserError")
        self.assertIn("refuses duplicates", answer["error"]["data"]["message"])
        self.assertEqual(Partner.search_count([("pool_state", "!=", False)]), before)

    def test_chat_with_a_customer_not_seen_whole_is_refused(self):
        Channel = self.env["discuss.channel"].with_user(self.user_a)
        for call in (
            lambda: Channel.channel_get([self.target.id]),
            lambda: Channel.create_group([self.target.id]),
            lambda: Channel.create({"name": "Deals", "channel_type": "channel"}).add_members(
                partner_ids=[self.target.id]
            ),
        ):
            with self.assertRaisesRegex(AccessError, "customers you may not see whole"), self.env.cr.savepoint():
                call()
        # Colleagues and one's own customer may be chatted with.
        self.assertTrue(Channel.channel_get([self.user_b.partner_id.id]))
        self.assertTrue(Channel.create_group([self.mine.id]))

    def test_channel_members_do_not_show_a_customer_not_seen_whole(self):
        """A channel someone else filled: its members are read as superuser, their e-mails sent to all."""
        channel = self.env["discuss.channel"].create({"name": "Trade fair", "channel_type": "channel"})
        channel.add_members(partner_ids=(self.target | self.mine | self.user_a.partner_id).ids)
        data = self.rpc(self.user_a, "/discuss/channel/members", {"channel_id": channel.id, "known_member_ids": []})
        self.assertNotIn(self.target.email, data)
        self.assertIn(self.target.name, data, "its name is on the masking allow-list")
        self.assertIn(self.mine.email, data, "one's own customer shows whole")

    def test_messages_and_tracked_copies_on_a_kept_lead(self):
        """The customer's own mail and the lead's tracked phone showed on the previous owner's lead."""
        data = self.rpc(self.user_a, "/mail/thread/messages", {"thread_model": "crm.lead", "thread_id": self.kept.id})
        self.assertIn("Call me back", data, "the lead's chatter itself is still read")
        self.assertNotIn(self.target.email, data)
        self.assertNotIn(self.target.phone, data)
        rows = (
            self.env["mail.message"]
            .with_user(self.user_a)
            .search_read([("model", "=", "crm.lead"), ("res_id", "=", self.kept.id)], ["email_from", "reply_to"])
        )
        self.assertNotIn(self.target.email, str(rows))
        hits = self.env["mail.message"].with_user(self.user_a).search([("email_from", "ilike", "hidden.target@")])
        self.assertFalse(hits, "no search answers about the hidden address")
        # Once the customer is Alice's again, everything shows.
        self.target.with_user(self.user_a).action_pool_claim()
        self.env.invalidate_all()
        data = self.rpc(self.user_a, "/mail/thread/messages", {"thread_model": "crm.lead", "thread_id": self.kept.id})
        self.assertIn(self.target.email, data)
        self.assertIn(self.target.phone, data)

    def test_a_meeting_does_not_name_a_colleagues_customer(self):
        """Bob's public meeting with his customer: Alice reads the meeting, not whom Bob meets."""
        event = (
            self.env["calendar.event"]
            .with_user(self.user_b)
            .create(
                {
                    "name": "Visit",
                    "privacy": "public",
                    "partner_ids": [Command.set((self.bobs | self.user_a.partner_id).ids)],
                }
            )
        )
        event.message_post(body="Agenda", partner_ids=self.bobs.ids, message_type="comment")
        self.env.flush_all()
        label = f"Customer #{self.bobs.id}"
        rows = (
            self.env["calendar.attendee"]
            .with_user(self.user_a)
            .search_read([("event_id", "=", event.id)], ["common_name", "display_name", "partner_id"])
        )
        theirs = [row for row in rows if row["partner_id"][0] == self.bobs.id]
        self.assertEqual(
            [(row["common_name"], row["display_name"], row["partner_id"][1]) for row in theirs], [(label,) * 3]
        )
        self.assertNotIn(self.bobs.name, str(rows))
        data = self.rpc(self.user_a, "/mail/thread/messages", {"thread_model": "calendar.event", "thread_id": event.id})
        self.assertIn("Agenda", data)
        self.assertNotIn(self.bobs.name, data)
        self.assertIn(label, data)
        # Bob, who may read his customer, sees its name.
        rows = (
            self.env["calendar.attendee"]
            .with_user(self.user_b)
            .search_read([("event_id", "=", event.id)], ["common_name"])
        )
        self.assertIn(self.bobs.name, str(rows))

    def test_mailing_a_customer_not_seen_whole_is_refused(self):
        """A mass mail or a template mailed a masked customer, with a reply address of the sender's choice."""
        Composer = self.env["mail.compose.message"].with_user(self.user_a)
        spy = {"reply_to": "spy@attacker.example", "reply_to_force_new": True}
        composer = Composer.create(
            {
                "model": "res.partner",
                "res_ids": str(self.target.ids),
                "composition_mode": "mass_mail",
                "subject": "Hello",
                "body": "<p>Please reply</p>",
                **spy,
            }
        )
        # Refused where the mail is rendered (the customer shown) or where it is addressed.
        with self.assertRaisesRegex(AccessError, "customers? you may not see whole"):
            composer.action_send_mail()
        template = self.env["mail.template"].create(
            {
                "name": "Hello",
                "model_id": self.env["ir.model"]._get_id("res.partner"),
                "partner_to": "{{ object.id }}",
                "subject": "Hello",
                "body_html": "<p>Please reply</p>",
            }
        )
        with self.assertRaisesRegex(AccessError, "customers? you may not see whole"):
            template.with_user(self.user_a).send_mail(self.target.id, email_values={"reply_to": spy["reply_to"]})
        lead = self.env["crm.lead"].with_user(self.user_a).create({"name": "Mine", "type": "opportunity"})
        for partner in (self.target, self.bobs):
            with self.assertRaisesRegex(AccessError, "customers you may not see whole"):
                lead.message_notify(partner_ids=partner.ids, body="Please reply", subject="Hello")
        Mail = self.env["mail.mail"].sudo()
        self.assertFalse(Mail.search([("recipient_ids", "in", (self.target | self.bobs).ids)]))
        # Alice mails her own customer either way.
        Composer.create(
            {
                "model": "res.partner",
                "res_ids": str(self.mine.ids),
                "composition_mode": "mass_mail",
                "subject": "Hi",
                "body": "<p>Hi</p>",
            }
        ).action_send_mail()
        template.with_user(self.user_a).send_mail(self.mine.id)
        self.assertEqual(len(Mail.search([("recipient_ids", "in", self.mine.ids)])), 2)

    def test_refusals_name_neither_customers_nor_pools_the_caller_may_not_read(self):
        """Another company's manager was told the name of a pool they may not read, and anyone the
        name of a colleague's customer on Log a Follow-up."""
        company_2 = self.env["res.company"].create({"name": "Other Company Ltd"})
        manager_2 = self.env["res.users"].create(
            {
                "name": "Mia Other Manager",
                "login": "x_mia",
                "company_id": company_2.id,
                "company_ids": [(6, 0, company_2.ids)],
                "groups_id": [(6, 0, self.env.ref("sales_team.group_sale_manager").ids)],
            }
        )
        for call in (
            lambda: self.pool.with_user(manager_2).pool_assign(self.pooled[:1].ids, manager_2.id),
            lambda: self.env["res.partner"].with_user(manager_2).create({"name": "Spy", "pool_id": self.pool.id}),
        ):
            with self.assertRaises(UserError) as caught, self.env.cr.savepoint():
                call()
            self.assertNotIn(self.pool.name, str(caught.exception))
            self.assertRegex(str(caught.exception), rf"\b{self.pool.id}\b")
        with self.assertRaises(UserError) as caught:
            self.bobs.with_user(self.user_a).action_pool_log_followup()
        self.assertNotIn(self.bobs.name, str(caught.exception))
        self.assertIn(f"Customer #{self.bobs.id}", str(caught.exception))
        # A pool one may read is still named.
        with self.assertRaisesRegex(UserError, "South Pool"):
            self.env["res.partner"].with_user(self.user_a).create({"name": "Mine too", "pool_id": self.south_pool.id})
