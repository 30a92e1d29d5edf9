"""Attacks generated across models: every copy of a customer, every role, every read path.

For every model the registry walk finds with copies of a customer (``_pool_partner_copies``)
and records of it the attacker may read (their own leads, meetings, orders, invoices,
followers), every role tries every read path on customers they may not see whole: one masked
to them, a colleague's, another company's, one past the pool's daily view limit, another
pool's. The oracle: the call is refused with an error meant for users, or its answer holds no
hidden value of the customer. Linking such a customer (attendee, follower, recipient,
opportunity, order, invoice) must be refused.
"""

import json
import logging

from odoo import Command
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .test_access import MASKED_FIELDS, AccessCase

_logger = logging.getLogger(__name__)

USER_ERRORS = (AccessError, UserError, ValidationError, MissingError)
# Models whose records the setup gives each attacker, with the relation to the customer.
CARRIERS = {
    "crm.lead": "partner_id",
    "calendar.attendee": "partner_id",
    "mail.followers": "partner_id",
    "sale.order": "partner_id",
    "account.move": "partner_id",
}


@tagged("post_install", "-at_install")
class TestCrossModelAttacks(AccessCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        masked = env["ir.model.fields"].browse([env.ref(f"base.field_res_partner__{f}").id for f in MASKED_FIELDS])
        cls.pool.write({"masked_field_ids": [(6, 0, masked.ids)]})
        cls.target = cls.pooled[1]
        cls.target.mobile = "+86 137 5555 6601"
        cls.south_admin = new_test_user(
            env,
            login="x_south_admin",
            name="Sam South Admin",
            groups="sales_team.group_sale_salesman,crm_public_pool.group_pool_admin",
        )
        cls.south_pool.write({"admin_user_ids": [(6, 0, cls.south_admin.ids)]})
        cls.company_2 = env["res.company"].create({"name": "Other Company Ltd"})
        cls.manager_2 = new_test_user(
            env,
            login="x_manager_2",
            name="Mia Other Manager",
            groups="sales_team.group_sale_manager,base.group_allow_export",
            company_id=cls.company_2.id,
            company_ids=[(6, 0, cls.company_2.ids)],
        )
        cls.portal = new_test_user(env, login="x_portal", name="Pat Portal", groups="base.group_portal")
        other_pool = env["crm.public.pool"].create({"name": "Other Company Pool", "company_id": cls.company_2.id})
        cls.foreign = env["res.partner"].create(
            {
                "name": "Foreign Customer",
                "is_company": True,
                "company_id": cls.company_2.id,
                "pool_id": other_pool.id,
                "phone": "+86 131 7777 0001",
                "email": "foreign@abroad.example",
            }
        )
        # A pool limiting its members to one customer a day: A opened one, the next is past the limit.
        cls.limited_pool = limited_pool = env["crm.public.pool"].create(
            {
                "name": "Limited Pool",
                "pool_type": "department",
                "member_team_ids": [(6, 0, cls.team_east.ids)],
                "daily_view_limit": 1,
                "export_allowed": False,
            }
        )
        opened, cls.limited = env["res.partner"].create(
            [
                {
                    "name": f"Limited Customer {i}",
                    "is_company": True,
                    "pool_id": limited_pool.id,
                    "phone": f"+86 132 6666 000{i}",
                    "email": f"limited{i}@limited.example",
                }
                for i in range(2)
            ]
        )
        env.flush_all()
        opened.with_user(cls.user_a).with_context(tz="UTC")._pool_open()
        # Who may not see whom whole (the oracle's own list, not the code under test).
        a, c, sa, m2, portal = cls.user_a, cls.user_c, cls.south_admin, cls.manager_2, cls.portal
        cls.roles = {
            "salesperson": (a, cls.target | cls.bobs | cls.foreign | cls.limited | cls.south_customer),
            "member of another pool": (c, cls.target | cls.bobs | cls.foreign | cls.limited),
            "admin of another pool": (sa, cls.target | cls.bobs | cls.foreign | cls.limited),
            "manager of another company": (m2, cls.target | cls.bobs | cls.limited | cls.south_customer),
            "portal user": (portal, cls.target | cls.bobs | cls.foreign | cls.limited | cls.south_customer),
        }
        cls.secrets = {}
        for partner in cls.target | cls.bobs | cls.foreign | cls.limited | cls.south_customer:
            partner.street = f"{partner.id} Secret Road"
            values = (partner.street, partner.phone, partner.mobile, partner.email)
            cls.secrets[partner.id] = [value for value in values if value]
        # The records carrying copies, each given to the attacker (as its salesperson or attendee).
        cls.carriers = {}
        Lead = env["crm.lead"].with_context(mail_create_nosubscribe=True)
        for __, (user, partners) in cls.roles.items():
            for partner in partners:
                # A meeting with any customer; a lead, an order and an invoice where Odoo allows one
                # (the customer's company is one of the attacker's).
                shared = not partner.company_id or partner.company_id in user.company_ids
                lead = Lead.browse()
                if shared:
                    lead = Lead.create(
                        {
                            "name": f"Deal with #{partner.id}",
                            "type": "opportunity",
                            "partner_id": partner.id,
                            "user_id": False if user.share else user.id,
                        }
                    )
                    lead.message_subscribe([partner.id])
                event = env["calendar.event"].create(
                    {
                        "name": f"Meeting with #{partner.id}",
                        "user_id": user.id,
                        "partner_ids": [Command.set([user.partner_id.id, partner.id])],
                    }
                )
                order = env["sale.order"]
                move = env["account.move"]
                if shared and partner.company_id != cls.company_2:
                    seller = False if user.share else user.id
                    order = order.create({"partner_id": partner.id, "user_id": seller})
                    move = move.create(
                        {"move_type": "out_invoice", "partner_id": partner.id, "invoice_user_id": seller}
                    )
                cls.carriers[user.id, partner.id] = {
                    "crm.lead": lead,
                    "calendar.attendee": event.attendee_ids.filtered(lambda att, p=partner: att.partner_id == p),
                    "calendar.event": event,
                    "mail.followers": env["mail.followers"].search(
                        [("res_model", "=", "crm.lead"), ("res_id", "in", lead.ids), ("partner_id", "=", partner.id)]
                    ),
                    "sale.order": order,
                    "account.move": move,
                }
        # The customer wrote on each lead, and the lead's phone (a copy) changed in its chatter.
        phone_field = env["ir.model.fields"]._get("crm.lead", "phone")
        for (__, partner_id), carriers in cls.carriers.items():
            lead = carriers["crm.lead"]
            if not lead:
                continue
            partner = env["res.partner"].browse(partner_id)
            lead.message_post(
                body="Please call me back",
                author_id=partner.id,
                email_from=partner.email_formatted or partner.name,
                reply_to=partner.email_formatted or partner.name,
                message_type="email",
            )
            lead._message_log(
                body="",
                tracking_value_ids=[
                    Command.create(
                        {
                            "field_id": phone_field.id,
                            "old_value_char": partner.phone,
                            "new_value_char": "+86 10 0000 0000",
                        }
                    )
                ],
            )
        cls.own_lead = {
            user.id: env["crm.lead"].create({"name": "Own lead", "type": "opportunity", "user_id": user.id})
            for user, __ in cls.roles.values()
            if not user.share
        }
        env.flush_all()

    # ------------------------------------------------------------------
    # The attacks
    # ------------------------------------------------------------------

    def read_paths(self, model, record, copies, partner):
        """(path name, function of the attacker's model) for every read path on ``record``."""
        relation = CARRIERS.get(model, "partner_id")
        fields = sorted(copies) + [relation]
        nested = {"fields": {"display_name": {}, "phone": {}, "email": {}, "mobile": {}}}
        spec = {fname: {} for fname in copies} | {relation: nested}
        rid = record.id
        yield "read", lambda M: M.browse(rid).read(fields)
        yield "search_read", lambda M: M.search_read([("id", "=", rid)], fields)
        yield "web_read", lambda M: M.browse(rid).web_read(spec)
        yield "web_search_read", lambda M: M.web_search_read([("id", "=", rid)], spec)
        export = fields + [f"{relation}/phone", f"{relation}/email", f"{relation}/mobile"]
        yield "export_data", lambda M: M.browse(rid).export_data(export)
        for fname in copies:
            field = record._fields[fname]
            if field.store and field.type in ("char", "many2one", "boolean", "integer", "selection"):
                yield f"read_group {fname}", lambda M, f=fname: M.read_group([("id", "=", rid)], [f], [f])
                yield f"search {fname} by secret", lambda M, f=fname: M.search_count(self.secret_domain(rid, f))
        yield (
            f"search {relation}.phone",
            lambda M: M.search_count([("id", "=", rid), (f"{relation}.phone", "!=", False)]),
        )
        secret = self.secrets[partner.id][-1]
        yield "name_search", lambda M: [row for row in M.name_search(secret, limit=500) if row[0] == rid]

    def secret_domain(self, rid, fname):
        return [("id", "=", rid), (fname, "!=", False)]

    def attacks(self):
        for role, (user, partners) in self.roles.items():
            # A pool's customers exported through the pool (the export ban and masking hold there too).
            for pool in self.env["crm.public.pool"].search([]):
                path = ("name", "partner_ids/phone", "partner_ids/email", "partner_ids/mobile", "partner_ids/street")

                def export(M, pid=pool.id, path=path):
                    return M.browse(pid).export_data(list(path))

                yield f"{role}: export pool {pool.name}'s customers", user, partners, "crm.public.pool", export, False
            for partner in partners:
                carriers = self.carriers[user.id, partner.id]
                for model, record in carriers.items():
                    copies = self.env[model]._pool_partner_copies()
                    if not copies or not record:
                        continue
                    for path, call in self.read_paths(model, record, copies, partner):
                        yield f"{role}: {model} {path} of #{partner.id}", user, partner, model, call, False
                # Onchange: a new record given the customer answers nothing of it.
                for model, relation in (("crm.lead", "partner_id"), ("sale.order", "partner_id")):
                    copies = self.env[model]._pool_partner_copies()
                    spec = {fname: {} for fname in copies} | {
                        relation: {"fields": {"display_name": {}, "phone": {}, "email": {}, "mobile": {}}}
                    }

                    def onchange(M, pid=partner.id, spec=spec, relation=relation):
                        return M.onchange({relation: pid}, [relation], spec)

                    yield f"{role}: {model} onchange of #{partner.id}", user, partner, model, onchange, False
                # The mail and calendar routes, and linking.
                lead = carriers["crm.lead"] or self.own_lead.get(user.id)
                if lead:
                    yield (
                        f"{role}: chatter followers of #{partner.id}",
                        user,
                        partner,
                        "crm.lead",
                        self.route(lead, ["followers", "suggestedRecipients"]),
                        False,
                    )
                    yield (
                        f"{role}: chatter messages of #{partner.id}",
                        user,
                        partner,
                        "crm.lead",
                        self.messages_route("crm.lead", lead.id),
                        False,
                    )
                    yield (
                        f"{role}: messages search_read of #{partner.id}",
                        user,
                        partner,
                        "mail.message",
                        lambda M, lid=lead.id: M.search_read(
                            [("model", "=", "crm.lead"), ("res_id", "=", lid)], ["email_from", "reply_to", "body"]
                        ),
                        False,
                    )
                yield (
                    f"{role}: the customer's own chatter #{partner.id}",
                    user,
                    partner,
                    "res.partner",
                    self.route(partner, ["followers", "suggestedRecipients", "activities", "attachments"]),
                    False,
                )
                event = carriers["calendar.event"]
                yield (
                    f"{role}: meeting attendees of #{partner.id}",
                    user,
                    partner,
                    "calendar.event",
                    (
                        lambda M, eid=event.id: M.browse(eid).web_read(
                            {
                                "attendee_ids": {
                                    "fields": {"email": {}, "phone": {}, "common_name": {}, "partner_id": {}}
                                }
                            }
                        )
                    ),
                    False,
                )
                # Reports print the record's customer (its address) as the caller.
                for model, report in (
                    ("sale.order", "sale.report_saleorder"),
                    ("account.move", "account.report_invoice"),
                ):
                    if carriers[model]:

                        def render(M, report=report, rid=carriers[model].id):
                            return str(M.env["ir.actions.report"]._render_qweb_html(report, [rid])[0])

                        yield f"{role}: {model} report of #{partner.id}", user, partner, model, render, False
                yield from self.link_attacks(role, user, partner)

    def link_attacks(self, role, user, partner):
        pid = partner.id
        own = self.own_lead.get(user.id)
        own_id = own.id if own else self.carriers[user.id, pid]["crm.lead"].id or 0
        links = {
            "opportunity": ("crm.lead", lambda M: M.create({"name": "Mine now", "partner_id": pid})),
            "attendee": (
                "calendar.event",
                lambda M: M.create({"name": "Meet", "partner_ids": [Command.link(pid)]}).attendee_ids.read(["email"]),
            ),
            "follower": ("crm.lead", lambda M: M.browse(own_id).message_subscribe([pid])),
            "recipient": (
                "crm.lead",
                lambda M: M.browse(own_id).message_post(body="hello", partner_ids=[pid], message_type="comment").id,
            ),
            "order": ("sale.order", lambda M: M.create({"partner_id": pid}).read(["partner_invoice_id"])),
            "invoice": ("account.move", lambda M: M.create({"move_type": "out_invoice", "partner_id": pid}).id),
            "notified": (
                "crm.lead",
                lambda M: M.browse(own_id).message_notify(partner_ids=[pid], body="hello", subject="hello").id,
            ),
            "mass mail recipient": (
                "mail.compose.message",
                lambda M: M.create(
                    {
                        "model": "res.partner",
                        "res_ids": str([pid]),
                        "composition_mode": "mass_mail",
                        "subject": "hello",
                        "body": "<p>hello</p>",
                        "reply_to": "me@attacker.example",
                        "reply_to_force_new": True,
                    }
                ).action_send_mail(),
            ),
            "chat": ("discuss.channel", lambda M: M.channel_get([pid]).id),
            "group chat": ("discuss.channel", lambda M: M.create_group([pid]).id),
            "channel member": (
                "discuss.channel",
                lambda M: M.create({"name": "Sales talk", "channel_type": "channel"}).add_members(partner_ids=[pid]),
            ),
        }
        for what, (model, call) in links.items():
            yield f"{role}: link #{pid} as {what}", user, partner, model, call, True

    def route(self, record, request_list):
        def call(M):
            self.authenticate(M.env.user.login, M.env.user.login.ljust(8, "x"))
            return self.make_jsonrpc_request(
                "/mail/thread/data",
                {"thread_model": record._name, "thread_id": record.id, "request_list": request_list},
            )

        return call

    def messages_route(self, model, rid):
        def call(M):
            self.authenticate(M.env.user.login, M.env.user.login.ljust(8, "x"))
            return self.make_jsonrpc_request("/mail/thread/messages", {"thread_model": model, "thread_id": rid})

        return call

    # ------------------------------------------------------------------
    # The suite
    # ------------------------------------------------------------------

    def leaks(self, result, partners):
        text = json.dumps(result, ensure_ascii=False, default=str)
        return [secret for partner in partners for secret in self.secrets[partner.id] if secret in text]

    @mute_logger("odoo.http", "odoo.models", "odoo.addons.base.models.ir_rule", "odoo.addons.base.models.ir_model")
    def test_cross_model_attacks_are_refused(self):
        attacks = list(self.attacks())
        self.assertGreater(len(attacks), 500, "the generator found the models, roles and paths")
        refused = 0
        failures = []
        for description, user, partner, model, call, is_link in attacks:
            self.env.invalidate_all()
            try:
                with self.env.cr.savepoint():
                    result = call(self.env[model].with_user(user))
                    self.env.flush_all()
            except USER_ERRORS:
                refused += 1
                continue
            except Exception as error:  # noqa: BLE001 - anything else is a server error the attacker saw
                if any(f"odoo.exceptions.{error_class.__name__}" in str(error) for error_class in USER_ERRORS):
                    refused += 1  # a route's refusal, meant for users
                    continue
                failures.append(f"{description}: server error {type(error).__name__}: {str(error)[:160]}")
                continue
            if is_link:
                failures.append(f"{description}: linked a customer the attacker may not see whole")
            elif "by secret" in description or description.endswith(".phone"):
                # A count answering 1 tells a hidden value exists (search oracle).
                if result:
                    failures.append(f"{description}: the search answered about a hidden value")
                else:
                    refused += 1
            elif "name_search" in description:
                if result:
                    failures.append(f"{description}: found by a hidden value")
                else:
                    refused += 1
            elif self.leaks(result, partner):
                failures.append(f"{description}: leaked {self.leaks(result, partner)}")
            else:
                refused += 1
        _logger.info("cross-model attacks: %s tried, %s refused", len(attacks), refused)
        self.assertFalse(failures, "\n".join(failures[:60]))
        self.assertEqual(refused, len(attacks))

    def test_owner_still_sees_and_links_own_customer(self):
        """Nothing here stops everyday use: the owner reads and links their own customer."""
        lead = self.env["crm.lead"].with_user(self.user_a).create({"name": "Mine", "partner_id": self.mine.id})
        self.assertEqual(lead.read(["phone"])[0]["phone"], self.mine.phone)
        event = (
            self.env["calendar.event"]
            .with_user(self.user_a)
            .create({"name": "Meet mine", "partner_ids": [Command.link(self.mine.id)]})
        )
        attendee = event.attendee_ids.filtered(lambda att: att.partner_id == self.mine)
        self.assertEqual(attendee.read(["email"])[0]["email"], self.mine.email)
        lead.message_subscribe([self.mine.id])
        self.assertIn(self.mine, lead.message_partner_ids)
        data = lead.export_data(["phone", "partner_id/phone"])["datas"][0]
        self.assertEqual(data, [self.mine.phone, self.mine.phone])

    def test_a_link_refusal_names_only_what_the_caller_may_read(self):
        lead = self.own_lead[self.user_a.id].with_user(self.user_a)
        with self.assertRaises(AccessError) as caught:
            lead.message_subscribe([self.target.id, self.foreign.id])
        message = str(caught.exception)
        self.assertIn(self.target.name, message, "a masked customer is named: its name is on the allow-list")
        self.assertNotIn(self.foreign.name, message, "another company's customer is counted, never named")
        self.assertIn("2 of the 2", message)

    def test_export_ban_holds_through_relations(self):
        """A pool that forbids export cannot be dumped through the pool or a lead either."""
        pool = self.limited_pool.with_user(self.user_a)
        with self.assertRaisesRegex(UserError, "does not allow its members to export"):
            pool.export_data(["name", "partner_ids/name"])
        self.env.invalidate_all()
        lead = self.carriers[self.user_a.id, self.limited.id]["crm.lead"].with_user(self.user_a)
        with self.assertRaisesRegex(UserError, "does not allow its members to export"):
            lead.export_data(["name", "partner_id/phone"])
        self.env.invalidate_all()
        # The lead's own copies are exported empty rather than refused: the lead is the caller's.
        self.assertEqual(lead.export_data(["name", "phone", "email_from"])["datas"][0][1:], ["", ""])

    def test_a_tax_id_typed_on_a_new_partner_names_no_hidden_customer(self):
        """Odoo's "a partner with the same Tax ID already exists (...)" banner looks the number up as
        superuser: typing a hidden customer's Tax ID or registry number must not tell whose it is."""
        spec = {
            "vat": {},
            "company_registry": {},
            "same_vat_partner_id": {"fields": {"display_name": {}}},
            "same_company_registry_partner_id": {"fields": {"display_name": {}}},
        }
        numbers = {}
        for partner in self.target | self.bobs | self.foreign | self.limited | self.south_customer | self.mine:
            numbers[partner.id] = (f"CN9131{partner.id:010d}", f"REG-{partner.id:08d}")
            partner.write({"vat": numbers[partner.id][0], "company_registry": numbers[partner.id][1]})
        self.env.flush_all()
        checked = 0
        for role, (user, partners) in self.roles.items():
            if user.share:
                continue  # a portal user has no partner form
            for partner in partners:
                vat, registry = numbers[partner.id]
                self.env.invalidate_all()
                result = (
                    self.env["res.partner"]
                    .with_user(user)
                    .onchange(
                        {"name": "Probe Ltd", "is_company": True, "vat": vat, "company_registry": registry},
                        ["vat", "company_registry"],
                        spec,
                    )
                )
                value = result.get("value", {})
                with self.subTest(role=role, customer=partner.name):
                    self.assertFalse(value.get("same_vat_partner_id"), "the Tax ID's customer is pointed at")
                    self.assertFalse(value.get("same_company_registry_partner_id"), "the registry's customer too")
                    self.assertNotIn(partner.name, json.dumps(result, ensure_ascii=False, default=str))
                checked += 1
        self.assertGreater(checked, 15)
        # The owner is still warned of their own customer, by name, as in standard Odoo.
        vat, registry = numbers[self.mine.id]
        result = (
            self.env["res.partner"]
            .with_user(self.user_a)
            .onchange({"name": "Probe Ltd", "is_company": True, "vat": vat}, ["vat"], spec)
        )
        self.assertEqual(result["value"]["same_vat_partner_id"], {"id": self.mine.id, "display_name": self.mine.name})

    def test_new_opportunity_of_a_masked_customer_answers_nothing_of_it(self):
        Lead = self.env["crm.lead"].with_user(self.user_a)
        spec = {
            "phone": {},
            "email_from": {},
            "street": {},
            "partner_id": {"fields": {"phone": {}, "display_name": {}}},
        }
        result = Lead.onchange({"partner_id": self.target.id}, ["partner_id"], spec)
        text = json.dumps(result, default=str)
        for secret in self.secrets[self.target.id]:
            self.assertNotIn(secret, text)
        # The owner's own customer fills the copies in as Odoo does.
        result = Lead.onchange({"partner_id": self.mine.id}, ["partner_id"], spec)
        self.assertEqual(result["value"]["phone"], self.mine.phone)
