"""Every numeric setting has a bound, and one gate refuses control characters in the text the addon reads.

Before: a pool's accept hours, entry lock or cool-down of 10**9 was saved, and every later claim or
assignment in the pool failed with a server error; NUL in a lookup, a registration or a release
note was a database error; a registration took ``abc`` as its phone; a Python expression in a
distribution filter was a server error; NUL in a customer's own name, street or phone written
over RPC was PostgreSQL's "A string literal cannot contain NUL".
"""

import json

from odoo.exceptions import UserError, ValidationError
from odoo.tests import HttpCase, tagged

from ..logic.bounds import SETTING_BOUNDS
from .common import PoolCase


@tagged("post_install", "-at_install")
class TestSettingBounds(PoolCase):
    def record(self, model):
        return {
            "crm.public.pool": self.pool,
            "crm.public.pool.rule": self.env["crm.public.pool.rule"].create(
                {"pool_id": self.pool.id, "name": "Bounded", "days": 30}
            ),
            "crm.public.pool.reason": self.env.ref("crm_public_pool.reason_other"),
            "res.users": self.user_a,
            "res.company": self.env.company,
        }[model]

    def test_every_setting_refuses_a_billion_naming_field_and_bound(self):
        for model, bounds in SETTING_BOUNDS.items():
            record = self.record(model)
            for fname, (low, high) in bounds.items():
                label = record._fields[fname]._description_string(self.env)
                for value in {max(10**9, high + 1), high + 1, low - 1}:
                    with self.subTest(model=model, field=fname, value=value):
                        with self.assertRaises(ValidationError) as caught, self.env.cr.savepoint():
                            record.write({fname: value})
                        self.assertIn(label, str(caught.exception))
                        self.assertIn(str(high), str(caught.exception).replace(",", ""))
                with self.subTest(model=model, field=fname, value=high), self.env.cr.savepoint():
                    record.write({fname: high})
                    self.assertEqual(record[fname], high)

    def test_settings_screen_refuses_too(self):
        with self.assertRaises(ValidationError) as caught:
            self.env["res.config.settings"].create({"pool_followup_plan_days": 10**9}).execute()
        self.assertIn("3650", str(caught.exception))

    def test_claims_work_at_the_largest_settings(self):
        self.pool.write(
            {"entry_lock_hours": 8760, "reclaim_cooldown_days": 3650, "accept_hours": 720, "daily_claim_limit": 1000000}
        )
        customer = self.customers[0]
        with self.assertRaises(UserError) as caught:
            customer.with_user(self.user_a).action_pool_claim()
        self.assertIn("entry lock 8760 hours", str(caught.exception))
        self.pool.with_user(self.admin).pool_assign(customer.ids, self.user_a.id)
        self.assertEqual(customer.user_id, self.user_a)


@tagged("post_install", "-at_install")
class TestTextGate(PoolCase):
    def test_nul_in_a_lookup_is_refused_cleanly(self):
        Partner = self.env["res.partner"].with_user(self.user_a)
        for field in ("name", "phone", "email", "vat"):
            with self.subTest(field=field), self.assertRaises(UserError) as caught:
                Partner.pool_lookup(**{field: "East\x00Customer"})
            self.assertIn("U+0000", str(caught.exception))

    def test_nul_in_a_release_note_is_refused_and_nothing_moves(self):
        customer = self.customers[0]
        customer.with_user(self.user_a).action_pool_claim()
        with self.assertRaises(UserError) as caught:
            customer.with_user(self.user_a).pool_release("no_need", note="gone\x00")
        self.assertIn("U+0000", str(caught.exception))
        self.assertEqual(customer.user_id, self.user_a)
        with self.assertRaises(ValidationError):
            self.env["crm.public.pool.release.wizard"].with_user(self.user_a).create(
                {"partner_ids": [(6, 0, customer.ids)], "note": "bell\x07"}
            )

    def test_registration_refuses_control_characters_and_unparsable_contacts(self):
        Registration = self.env["crm.public.pool.registration"].with_user(self.user_a)
        for vals in (
            {"name": "Nul\x00 Trading"},
            {"name": "Escape Co", "contact_name": "Li\x1b[31m"},
            {"name": "Phone Co", "phone": "abc"},
            {"name": "Mail Co", "email": "a@"},
            {"name": "Mail Co", "email": "abc"},
        ):
            with self.subTest(vals=vals), self.assertRaises(ValidationError), self.env.cr.savepoint():
                Registration.create(vals)
        registration = Registration.create(
            {"name": "Good Trading", "phone": "0571-85022088", "email": "li@good-trading.cn"}
        )
        self.assertTrue(registration)
        with self.assertRaises(ValidationError):
            registration.write({"phone": "not a number"})

    def test_format_characters_do_not_hide_a_duplicate(self):
        found = self.env["res.partner"].with_user(self.admin).pool_lookup(phone="+86 138\u200b 0013 8000")
        self.assertIn(self.customers[0].id, [row["partner_id"] for row in found])
        found = self.env["res.partner"].with_user(self.admin).pool_lookup(email="east1\u200e@acme1.cn")
        self.assertIn(self.customers[1].id, [row["partner_id"] for row in found])

    def test_a_distribution_filter_must_be_a_domain(self):
        Distribution = self.env["crm.public.pool.distribution"]
        for text in (
            "__import__('os').system('id')",
            "[('id', '=', 1/0)]",
            "[('create_uid', '=', uid)]",
            "42",
            "[('no_such_field', '=', 1)]",
        ):
            with self.subTest(filter=text), self.assertRaises(ValidationError), self.env.cr.savepoint():
                Distribution.create({"pool_id": self.pool.id, "strategy": "round_robin", "domain": text})
        rule = Distribution.create(
            {"pool_id": self.pool.id, "strategy": "round_robin", "domain": "[('country_id.code', '=', 'CN')]"}
        )
        self.assertEqual(rule._domain(), [("country_id.code", "=", "CN")])

    def test_pool_and_reason_names_pass_the_gate(self):
        with self.assertRaises(ValidationError):
            self.pool.write({"name": "East\x00"})
        with self.assertRaises(ValidationError):
            self.env["crm.public.pool.reason"].create({"name": "Gone", "code": "gone\x00"})


# The partner's own text fields a client writes, each with a value the field otherwise accepts.
PARTNER_TEXTS = {
    "name": "Gate Trading",
    "street": "1 Nanjing Road",
    "street2": "Floor 2",
    "city": "Shanghai",
    "zip": "200000",
    "phone": "+86 21 5555 0101",
    "mobile": "+86 138 0000 0101",
    "email": "gate@gate-trading.cn",
    "website": "https://gate-trading.cn",
    "ref": "GT-1",
    "vat": "91310000MA1FL0001X",
    "function": "Buyer",
    "comment": "<p>Met at the fair</p>",
}


@tagged("post_install", "-at_install")
class TestPartnerTextGate(PoolCase):
    """The text gate on res.partner's own fields: a managed customer and its contacts hold no
    control character; any partner is refused NUL with a message rather than a database error."""

    def assert_refused(self, fname, char, action):
        label = self.env["res.partner"]._fields[fname]._description_string(self.env)
        with self.assertRaises(ValidationError) as caught, self.env.cr.savepoint():
            action()
        self.assertIn(label, str(caught.exception))
        self.assertIn(char, str(caught.exception))

    def test_a_managed_customer_refuses_control_characters_in_every_text_field(self):
        customer = self.customers[0]
        customer.with_user(self.user_a).action_pool_claim()
        mine = customer.with_user(self.user_a)
        before = {fname: customer[fname] for fname in PARTNER_TEXTS}
        for fname, value in PARTNER_TEXTS.items():
            for char, code in (("\x00", "U+0000"), ("\x1b", "U+001B"), ("\x07", "U+0007")):
                with self.subTest(field=fname, char=code):
                    self.assert_refused(
                        fname, code, lambda f=fname, v=value, c=char: mine.write({f: v[:3] + c + v[3:]})
                    )
        customer.invalidate_recordset()
        self.assertEqual({fname: customer[fname] for fname in PARTNER_TEXTS}, before)
        # Tabs and line breaks are text; the gate lets them through.
        mine.write({"street": "1 Nanjing Road\nFloor 2", "comment": "<p>Met\tat the fair</p>"})
        self.assertEqual(customer.street, "1 Nanjing Road\nFloor 2")

    def test_creating_a_customer_or_a_contact_of_one_passes_the_gate(self):
        Partner = self.env["res.partner"].with_user(self.user_a)
        for fname, value in PARTNER_TEXTS.items():
            vals = {"name": "Gate Trading", "is_company": True, "pool_id": self.pool.id, fname: value + "\x01"}
            with self.subTest(field=fname):
                self.assert_refused(fname, "U+0001", lambda v=vals: Partner.create(v))
        customer = self.customers[1]
        customer.with_user(self.user_a).action_pool_claim()
        self.assert_refused("name", "U+0002", lambda: Partner.create({"name": "Li\x02 Lei", "parent_id": customer.id}))
        # Nested in the customer's own write: the contact is created through the same gate.
        self.assert_refused(
            "city",
            "U+0000",
            lambda: customer.with_user(self.user_a).write({"child_ids": [(0, 0, {"name": "Li Lei", "city": "x\x00"})]}),
        )
        self.assertFalse(customer.child_ids)
        self.assertFalse(self.env["res.partner"].search([("name", "=", "Gate Trading")]))

    def test_other_partners_keep_odoo_behaviour_but_for_nul(self):
        # Odoo's own tests store a control character in a user's name (base test_xmlrpc).
        partner = self.env["res.partner"].create({"name": "Bob \x03"})
        self.assertEqual(partner.name, "Bob \x03")
        partner.write({"street": "Lane\x03"})
        self.assertEqual(partner.street, "Lane\x03")
        # NUL, which PostgreSQL refuses anyway, is refused with the gate's message.
        self.assert_refused("street", "U+0000", lambda: partner.write({"street": "Lane\x00"}))
        self.assert_refused("name", "U+0000", lambda: self.env["res.partner"].create({"name": "Nul\x00"}))
        self.assertEqual(partner.street, "Lane\x03")


@tagged("post_install", "-at_install")
class TestPartnerTextGateRpc(PoolCase, HttpCase):
    """Over the web client's JSON-RPC, as the fault was found: a message, not a database error."""

    def call(self, method, *args):
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": 1,
            "params": {"model": "res.partner", "method": method, "args": list(args), "kwargs": {}},
        }
        body = self.url_open(
            f"/web/dataset/call_kw/res.partner/{method}",
            data=json.dumps(payload),
            headers={"Content-Type": "application/json"},
        ).json()
        return body.get("error", {}).get("data", {}), body.get("result")

    def test_nul_written_over_json_rpc_is_refused_with_the_field_named(self):
        customer = self.customers[0]
        customer.with_user(self.user_a).action_pool_claim()
        self.authenticate("pool_a", "pool_a")
        for fname in ("name", "street", "phone", "email", "comment", "vat"):
            # Odoo logs a refused request as a WARNING of odoo.http: the refusal, not a database error.
            with (
                self.subTest(field=fname),
                self.assertNoLogs("odoo.sql_db", "ERROR"),
                self.assertLogs("odoo.http", "WARNING"),
            ):
                error, result = self.call("write", customer.ids, {fname: "x\x00y"})
                self.assertEqual(error.get("name"), "odoo.exceptions.ValidationError", error)
                label = customer._fields[fname]._description_string(self.env)
                self.assertEqual(error["message"], f"{label} may not hold the control character U+0000.")
        with self.assertLogs("odoo.http", "WARNING"):
            error, result = self.call(
                "create", [{"name": "Rpc\x00 Trading", "is_company": True, "pool_id": self.pool.id}]
            )
        self.assertEqual(error.get("name"), "odoo.exceptions.ValidationError", error)
        self.assertFalse(self.env["res.partner"].search([("name", "like", "Rpc%Trading")]))
        customer.invalidate_recordset()
        self.assertEqual(customer.name, "East Customer 0")
