"""Attacks and bad input through the JSON-RPC API, as each group: all refused, nothing changed."""

import json
import logging

from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .invariants import assert_pool_invariants
from .test_access import MASKED_FIELDS, AccessCase

_logger = logging.getLogger(__name__)

DENIED_READ = "doesn't have 'read' access"
DENIED_WRITE = "doesn't have 'write' access"
NOT_ADMIN = "Only administrators of pool East Pool may do this"
# A read that must answer nothing at all (no record, a zero count), not just hide values.
EMPTY = "empty"
USER_ERRORS = (
    "odoo.exceptions.AccessError",
    "odoo.exceptions.UserError",
    "odoo.exceptions.ValidationError",
    "odoo.exceptions.MissingError",
)


def execute_kw(case, user, password, model, method, args, kwargs):
    """Call ``model.method`` over /jsonrpc as a script would, from the HttpCase ``case``; return (result, error)."""
    payload = {
        "jsonrpc": "2.0",
        "method": "call",
        "id": 1,
        "params": {
            "service": "object",
            "method": "execute_kw",
            "args": [case.env.cr.dbname, user.id, password, model, method, args, kwargs],
        },
    }
    body = case.url_open("/jsonrpc", data=json.dumps(payload), headers={"Content-Type": "application/json"}).json()
    return body.get("result"), body.get("error")


@tagged("post_install", "-at_install")
class TestHostileInput(AccessCase, HttpCase):
    """Salesperson A (East pool, owns "mine"), B owns "bobs", C is in the South pool only,
    the East pool's admin and a manager call the API the way any outside script can."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.mask_fields = cls.env["ir.model.fields"].browse(
            [cls.env.ref(f"base.field_res_partner__{fname}").id for fname in MASKED_FIELDS]
        )
        cls.pool.write({"masked_field_ids": [(6, 0, cls.mask_fields.ids)]})
        cls.target = cls.pooled[1]
        cls.target.mobile = "+86 137 5555 6601"
        cls.secrets = [cls.target.phone, cls.target.mobile, cls.target.email, "South Customer", cls.bobs.name]
        cls.rule = cls.env["crm.public.pool.rule"].create(
            {"pool_id": cls.pool.id, "name": "East: no follow-up", "rule_type": "no_followup", "days": 30}
        )
        cls.log_row = cls.Log.search([("partner_id", "=", cls.mine.id)], limit=1)
        # An unassigned inquiry on the masked customer: every salesperson may read it.
        cls.lead = cls.env["crm.lead"].create({"name": "Inquiry", "partner_id": cls.target.id, "user_id": False})
        cls.env.flush_all()

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def rpc(self, user, model, method, *args, **kwargs):
        """``execute_kw`` over /jsonrpc with the user's login and password; return (result, error)."""
        return execute_kw(self, user, self.password(user), model, method, list(args), kwargs)

    def password(self, user):
        if user == self.env.ref("base.user_admin"):
            return "admin"
        return user.login.ljust(8, "x")  # what new_test_user sets: the login, padded to 8 characters

    def snapshot(self):
        """Everything an attack could change, as one comparable value."""
        self.env.flush_all()
        self.env.cr.execute(
            """
            SELECT (SELECT md5(string_agg(concat_ws('|', id, user_id, pool_state, pool_id, pool_locked, name, phone,
                                                   mobile, email, active, pool_claim_date), ',' ORDER BY id))
                      FROM res_partner),
                   (SELECT md5(string_agg(concat_ws('|', id, partner_id, action, user_id, from_user_id, to_user_id,
                                                   pool_id, note, date), ',' ORDER BY id))
                      FROM crm_public_pool_log),
                   (SELECT md5(string_agg(concat_ws('|', id, pool_max_customers, pool_max_locked), ',' ORDER BY id))
                      FROM res_users),
                   (SELECT md5(string_agg(concat_ws('|', id, active, daily_claim_limit, reclaim_cooldown_days,
                                                   entry_lock_hours), ',' ORDER BY id))
                      FROM crm_public_pool),
                   (SELECT md5(string_agg(concat_ws('|', id, domain, days, active), ',' ORDER BY id))
                      FROM crm_public_pool_rule),
                   (SELECT count(*) FROM crm_public_pool_claim_request),
                   (SELECT count(*) FROM crm_public_pool_registration)
            """
        )
        return self.env.cr.fetchone()

    def leaks(self, result):
        text = json.dumps(result, ensure_ascii=False, default=str)
        return [secret for secret in self.secrets if secret and secret in text]

    def attacks(self):
        """(description, user, model, method, args, kwargs, expected).

        ``expected`` is the refusal's message, or None for a read that answers without any hidden
        value, or EMPTY for a read that must find nothing.
        """
        a, c, admin, manager, root = self.user_a, self.user_c, self.admin, self.manager, self.env.ref("base.user_admin")
        mine, bobs, south, target, pooled = (
            self.mine.id,
            self.bobs.id,
            self.south_customer.id,
            self.target.id,
            self.pooled[0].id,
        )
        phone, email = self.target.phone, self.target.email
        P, Log, Rule, Pool, Users = (
            "res.partner",
            "crm.public.pool.log",
            "crm.public.pool.rule",
            "crm.public.pool",
            "res.users",
        )
        Lead, lead = "crm.lead", self.lead.id
        return [
            # A colleague's private customer and a pool A is not a member of.
            ("read a colleague's customer", a, P, "read", [[bobs], ["name"]], {}, DENIED_READ),
            ("read another pool's customer", a, P, "read", [[south], ["name"]], {}, DENIED_READ),
            ("search_read them", a, P, "search_read", [[("id", "in", [bobs, south])]], {"fields": ["name"]}, EMPTY),
            (
                "search them by name",
                a,
                P,
                "search_count",
                [[("name", "in", ["South Customer", self.bobs.name])]],
                {},
                EMPTY,
            ),
            ("read_group them", a, P, "read_group", [[("id", "in", [bobs, south])], ["user_id"], ["name"]], {}, EMPTY),
            ("name_search them", a, P, "name_search", ["South Customer"], {}, EMPTY),
            ("export them", a, P, "export_data", [[bobs, south], ["name", "phone"]], {}, DENIED_READ),
            ("web_read them", a, P, "web_read", [[south]], {"specification": {"name": {}}}, DENIED_READ),
            (
                "claim a colleague's customer",
                a,
                P,
                "action_pool_claim",
                [[bobs]],
                {},
                f"Customer #{bobs} is no longer in the pool",
            ),
            (
                "claim another pool's customer",
                c,
                P,
                "action_pool_claim",
                [[pooled]],
                {},
                f"Customer #{pooled} is not in a pool you are a member of",
            ),
            ("release a colleague's customer", a, P, "pool_release", [[bobs], "no_need"], {}, DENIED_READ),
            ("transfer a colleague's customer", a, P, "pool_transfer", [[bobs], a.id], {}, DENIED_READ),
            ("lock a colleague's customer", a, P, "action_pool_lock", [[bobs]], {}, DENIED_READ),
            # Masked contact fields of a pooled customer.
            ("read masked fields", a, P, "read", [[target], list(MASKED_FIELDS)], {}, None),
            (
                "search_read masked fields",
                a,
                P,
                "search_read",
                [[("id", "=", target)]],
                {"fields": list(MASKED_FIELDS)},
                None,
            ),
            (
                "web_read masked fields",
                a,
                P,
                "web_read",
                [[target]],
                {"specification": dict.fromkeys(MASKED_FIELDS, {})},
                None,
            ),
            (
                "web_search_read masked fields",
                a,
                P,
                "web_search_read",
                [[("id", "=", target)]],
                {"specification": dict.fromkeys(MASKED_FIELDS, {})},
                None,
            ),
            ("export masked fields", a, P, "export_data", [[target], list(MASKED_FIELDS)], {}, None),
            (
                "read_group by a masked field",
                a,
                P,
                "read_group",
                [[("id", "=", target)], ["phone"], ["phone"]],
                {},
                None,
            ),
            ("search on the real phone", a, P, "search", [[("phone", "=", phone)]], {}, EMPTY),
            ("search on part of the e-mail", a, P, "search", [[("email", "=ilike", email)]], {}, EMPTY),
            (
                "search on its negation",
                a,
                P,
                "search_count",
                [[("id", "=", target), ("phone", "!=", phone)]],
                {},
                EMPTY,
            ),
            ("name_search by e-mail", a, P, "name_search", [email], {}, EMPTY),
            (
                "display_name with e-mail",
                a,
                P,
                "read",
                [[target], ["display_name"]],
                {"context": {"show_email": True}},
                None,
            ),
            ("mention suggestions by e-mail", a, P, "get_mention_suggestions", [email], {}, None),
            # The same values copied on the customer's lead.
            ("read its lead", a, Lead, "read", [[lead], ["phone", "email_from", "email_normalized"]], {}, DENIED_READ),
            (
                "search_read its lead",
                a,
                Lead,
                "search_read",
                [[("id", "=", lead)]],
                {"fields": ["phone", "email_from"]},
                EMPTY,
            ),
            ("export its lead", a, Lead, "export_data", [[lead], ["phone", "email_from"]], {}, DENIED_READ),
            ("search leads on the real phone", a, Lead, "search", [[("phone", "=", phone)]], {}, EMPTY),
            ("search leads on the e-mail", a, Lead, "search", [[("email_from", "ilike", email)]], {}, EMPTY),
            (
                "search leads on its negation",
                a,
                Lead,
                "search_count",
                [[("id", "=", lead), ("email_from", "!=", email)]],
                {},
                EMPTY,
            ),
            (
                "read_group leads by e-mail",
                a,
                Lead,
                "read_group",
                [[("id", "=", lead)], ["email_from"], ["email_from"]],
                {},
                EMPTY,
            ),
            # Writes that bypass the pool actions.
            ("write user_id on a pooled customer", a, P, "write", [[pooled], {"user_id": a.id}], {}, DENIED_WRITE),
            ("write user_id on a colleague's customer", a, P, "write", [[bobs], {"user_id": a.id}], {}, DENIED_WRITE),
            ("hand own customer to a colleague", a, P, "write", [[mine], {"user_id": self.user_b.id}], {}, NOT_ADMIN),
            (
                "move own customer to another pool",
                a,
                P,
                "write",
                [[mine], {"pool_id": self.south_pool.id}],
                {},
                NOT_ADMIN,
            ),
            ("write pool_state", a, P, "write", [[mine], {"pool_state": "pool"}], {}, "pool_state"),
            (
                "create an owned customer",
                a,
                P,
                "create",
                [{"name": "Forged", "pool_id": self.pool.id, "pool_state": "private"}],
                {},
                "pool_state",
            ),
            ("raise own limit", a, Users, "write", [[a.id], {"pool_max_customers": 1000}], {}, "not allowed to modify"),
            ("assign as a salesperson", a, Pool, "pool_assign", [[self.pool.id], [pooled], a.id], {}, "administrators"),
            (
                "change a pool's claim limit",
                a,
                Pool,
                "write",
                [[self.pool.id], {"daily_claim_limit": 0}],
                {},
                "not allowed to modify",
            ),
            (
                "add a recycle rule",
                a,
                Rule,
                "create",
                [{"pool_id": self.pool.id, "name": "x", "rule_type": "no_followup"}],
                {},
                "not allowed to create",
            ),
            # The audit trail.
            ("delete an audit row", a, Log, "unlink", [self.log_row.ids], {}, "not allowed to delete"),
            (
                "edit an audit row",
                a,
                Log,
                "write",
                [self.log_row.ids, {"to_user_id": self.user_b.id}],
                {},
                "cannot be changed",
            ),
            (
                "forge an audit row",
                a,
                Log,
                "create",
                [{"partner_id": mine, "action": "claim"}],
                {},
                "written by the pool actions only",
            ),
            ("delete an audit row as admin", admin, Log, "unlink", [self.log_row.ids], {}, "not allowed to delete"),
            (
                "edit an audit row as manager",
                manager,
                Log,
                "write",
                [self.log_row.ids, {"note": "x"}],
                {},
                "cannot be changed",
            ),
            ("delete an audit row as manager", manager, Log, "unlink", [self.log_row.ids], {}, "not allowed to delete"),
            # A pool administrator outside their pools.
            ("admin reads another pool's customer", admin, P, "read", [[south], ["name"]], {}, DENIED_READ),
            (
                "admin assigns another pool's customer",
                admin,
                Pool,
                "pool_assign",
                [[self.south_pool.id], [south], admin.id],
                {},
                "Only administrators of pool South Pool",
            ),
            # Bad input from people allowed to configure.
            (
                "broken rule domain",
                manager,
                Rule,
                "create",
                [{"pool_id": self.pool.id, "name": "Broken", "rule_type": "domain", "domain": "[('name', '=',"}],
                {},
                "cannot be read",
            ),
            (
                "rule domain on an unknown field",
                manager,
                Rule,
                "create",
                [
                    {
                        "pool_id": self.pool.id,
                        "name": "Unknown",
                        "rule_type": "domain",
                        "domain": "[('no_such_field', '=', 1)]",
                    }
                ],
                {},
                "no_such_field",
            ),
            (
                "negative recycle days",
                manager,
                Rule,
                "write",
                [self.rule.ids, {"days": -5}],
                {},
                "must lie between 0 and 3650, not -5",
            ),
            ("negative owner limit", root, Users, "write", [[a.id], {"pool_max_customers": -1}], {}, "-1"),
            ("absurd owner limit", root, Users, "write", [[a.id], {"pool_max_customers": 10**12}], {}, "1000000000000"),
            (
                "negative daily claim limit",
                manager,
                Pool,
                "write",
                [[self.pool.id], {"daily_claim_limit": -3}],
                {},
                "must lie between 0 and 1000000, not -3",
            ),
            (
                "absurd daily claim limit",
                manager,
                Pool,
                "write",
                [[self.pool.id], {"daily_claim_limit": 10**15}],
                {},
                "1000000000000000",
            ),
            ("absurd recycle days", manager, Rule, "write", [self.rule.ids, {"days": 10**10}], {}, "10000000000"),
            ("claim an unknown id", a, P, "action_pool_claim", [[987654321]], {}, "987654321"),
            ("release an unknown id", a, P, "pool_release", [[987654321], "no_need"], {}, "987654321"),
            ("release with an unknown reason", a, P, "pool_release", [[mine], "made_up"], {}, "made_up"),
            ("release with a number as reason", a, P, "pool_release", [[mine], 12345], {}, "12345"),
            ("release into an unknown pool", a, P, "pool_release", [[mine], "no_need"], {"pool_id": 424242}, "424242"),
            ("transfer to an unknown user", manager, P, "pool_transfer", [[mine], 999999], {}, "999999"),
            ("transfer to a text", manager, P, "pool_transfer", [[mine], "abc"], {}, "abc"),
            ("assign to an unknown user", admin, Pool, "pool_assign", [[self.pool.id], [pooled], 999999], {}, "999999"),
            (
                "assign unknown customers",
                admin,
                Pool,
                "pool_assign",
                [[self.pool.id], [987654321], admin.id],
                {},
                "987654321",
            ),
            ("assign a text as customers", admin, Pool, "pool_assign", [[self.pool.id], "abc", admin.id], {}, "abc"),
            ("look up a list as a phone", a, P, "pool_lookup", [], {"phone": ["+86"]}, "phone"),
            ("register without a name", a, "crm.public.pool.registration", "create", [{"name": ""}], {}, "name"),
        ]

    # ------------------------------------------------------------------
    # The suite
    # ------------------------------------------------------------------

    @mute_logger("odoo.http", "odoo.sql_db", "odoo.models", "odoo.addons.base.models.ir_rule", "odoo.models.unlink")
    def test_every_attack_and_bad_input_is_refused(self):
        attacks = self.attacks()
        refused = []
        for description, user, model, method, args, kwargs, expected in attacks:
            with self.subTest(attack=description):
                before = self.snapshot()
                result, error = self.rpc(user, model, method, *args, **kwargs)
                self.env.invalidate_all()
                self.assertEqual(self.snapshot(), before, f"{description}: changed something")
                if expected in (None, EMPTY):
                    self.assertFalse(error, f"{description}: a read answers, without the hidden values")
                    self.assertEqual(self.leaks(result), [], f"{description}: leaked")
                    if expected == EMPTY:
                        self.assertFalse(result, f"{description}: found what it must not find")
                else:
                    self.assertTrue(error, f"{description}: accepted ({result!r})")
                    self.assertIn(error["data"]["name"], USER_ERRORS, f"{description}: {error['data']}")
                    self.assertIn(expected, error["data"]["message"], description)
                refused.append(description)
        _logger.info("hostile input: %s attacks and bad inputs tried, %s refused", len(attacks), len(refused))
        self.assertEqual(len(refused), len(attacks))
        assert_pool_invariants(self, self.env)
