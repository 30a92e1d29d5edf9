"""Attacks generated from the model: every public method and writable field, as every role.

The hand-written list in test_hostile.py names the paths its authors thought of. This suite
builds its attacks from what the addon declares, so a method or a field added later is
attacked without anyone listing it:

- every public method the addon defines on any model (found by introspection), called over
  JSON-RPC on records the caller has no right over, with each argument replaced in turn by
  another user's ids, archived ids and wrong types; the customer's methods also on record ids
  that are not ids (a text, a dict, nothing, a boolean, a float);
- every stored field of the customer, written on each such customer, and the fields that move
  a customer written on the caller's own one;
- every relation to a customer, set on the caller's own records to point at one they may not
  read (the neighbour path);
- every one2many and many2many field of the customer, the lead and the addon's models, given
  each command (0 to 6, and a create nesting a write of a customer) in a create and in a write
  of the caller's own and of foreign records, the commands' values forging pool fields;
- every call carries every context key the addon's source reads, with forged values.

Roles: a salesperson, a member of another pool, the administrator of another pool, the
manager of another company, and a portal user. The oracle is the same for every attack: the
call is refused with an error meant for users (never a server error), or it answers without
any hidden value; and the ownership, pool, dates, locks and the audit log of every customer
are exactly as before.
"""

import inspect
import json
import logging
import re
from pathlib import Path

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .invariants import assert_pool_invariants, commit_refusal
from .test_access import MASKED_FIELDS, AccessCase
from .test_hostile import execute_kw

_logger = logging.getLogger(__name__)

ADDON = Path(__file__).resolve().parent.parent
USER_ERRORS = (
    "odoo.exceptions.AccessError",
    "odoo.exceptions.UserError",
    "odoo.exceptions.ValidationError",
    "odoo.exceptions.MissingError",
)
# Methods of the ORM and of mail that the generated method attacks leave to the field attacks.
# (The addon overrides search_read only to serve it on a read/write cursor: see res_partner_views.py.)
# mail's message_post and message_notify take only keywords, which these attacks would leave
# out (mail then warns of a notification without recipients): the cross-model attacks call them
# with customers for recipients (test_cross_model_attacks.py).
SKIPPED_METHODS = {
    "init",
    "onchange",
    "web_read",
    "web_search_read",
    "read",
    "search_read",
    "write",
    "create",
    "copy",
    "message_post",
    "message_notify",
}


def context_keys_in_source():
    """Every context key the addon's own code reads or sets."""
    keys = set()
    pattern = re.compile(
        r"context(?:\.get)?\(\s*[\"']([a-z_]+)[\"']|context\[[\"']([a-z_]+)[\"']\]|with_context\(([^)]*)\)"
    )
    for path in (ADDON / "models").glob("*.py"):
        text = path.read_text()
        for match in pattern.finditer(text):
            if match.group(1) or match.group(2):
                keys.add(match.group(1) or match.group(2))
            elif match.group(3):
                keys.update(re.findall(r"([a-z_]+)\s*=", match.group(3)))
    for path in [*(ADDON / "wizard").glob("*.py"), *(ADDON / "report").glob("*.py")]:
        keys.update(re.findall(r"context(?:\.get)?\(\s*[\"']([a-z_]+)[\"']", path.read_text()))
    return keys


@tagged("post_install", "-at_install")
class TestGeneratedAttacks(AccessCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.mask_fields = env["ir.model.fields"].browse(
            [env.ref(f"base.field_res_partner__{fname}").id for fname in MASKED_FIELDS]
        )
        cls.pool.write({"masked_field_ids": [(6, 0, cls.mask_fields.ids)]})
        cls.target = cls.pooled[1]
        cls.target.write(
            {
                "mobile": "+86 137 5555 6601",
                "street": "88 Secret Road",
                "vat": "91330106MA27XL8W4X",
                "website": "https://secret-target.example",
                "comment": "<p>secret remark</p>",
            }
        )
        cls.archived = cls.pooled[2]
        cls.archived._pool_transition("archive")
        cls.rule = env["crm.public.pool.rule"].create(
            {"pool_id": cls.pool.id, "name": "East: no follow-up", "rule_type": "no_followup", "days": 30}
        )
        cls.south_admin = new_test_user(
            env,
            login="south_admin",
            name="Sam South Admin",
            groups="sales_team.group_sale_salesman,crm_public_pool.group_pool_admin",
        )
        cls.south_pool.write({"admin_user_ids": [(6, 0, cls.south_admin.ids)]})
        cls.company_2 = env["res.company"].create({"name": "Other Company Ltd"})
        cls.manager_2 = new_test_user(
            env,
            login="manager_2",
            name="Mia Other Manager",
            groups="sales_team.group_sale_manager",
            company_id=cls.company_2.id,
            company_ids=[(6, 0, cls.company_2.ids)],
        )
        cls.portal = new_test_user(env, login="portal_p", name="Pat Portal", groups="base.group_portal")
        cls.request_b = env["crm.public.pool.claim.request"].create(
            {"partner_id": cls.pooled[3].id, "pool_id": cls.pool.id, "user_id": cls.user_b.id}
        )
        cls.registration_b = (
            env["crm.public.pool.registration"].with_user(cls.user_b).create({"name": "Bob's Prospect Co"})
        )
        # Bob opened a customer of a pool with a daily view limit: his view and day tally exist.
        cls.pool.daily_view_limit = 5
        cls.pooled[0].with_user(cls.user_b).with_context(tz="UTC")._pool_open()
        cls.pool.daily_view_limit = 0
        cls.view_b = env["crm.public.pool.view"].search([("user_id", "=", cls.user_b.id)])
        cls.view_day_b = env["crm.public.pool.view.day"].search([("user_id", "=", cls.user_b.id)])
        cls.lead_a = env["crm.lead"].create({"name": "A's own lead", "user_id": cls.user_a.id, "type": "opportunity"})
        cls.lead_b = env["crm.lead"].create(
            {"name": "B's lead", "user_id": cls.user_b.id, "partner_id": cls.bobs.id, "type": "opportunity"}
        )
        cls.secrets = [
            cls.target.phone,
            cls.target.mobile,
            cls.target.email,
            "88 Secret Road",
            "91330106MA27XL8W4X",
            "secret-target.example",
            "secret remark",
            "South Customer",
            cls.south_customer.phone,
            cls.bobs.name,
            cls.bobs.phone,
            cls.bobs.email,
        ]
        cls.env.flush_all()

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def password(self, user):
        return user.login.ljust(8, "x")

    def rpc(self, user, model, method, args, kwargs=None):
        return execute_kw(
            self, user, self.password(user), model, method, args, dict(kwargs or {}, context=self.forged_context(user))
        )

    def forged_context(self, user):
        context = {key: True for key in context_keys_in_source()}
        context.update(
            {
                "crm_public_pool_engine": {"facts": {"register": True}},
                "pool_transition": True,
                "pool_log_write": True,
                "pool_departure_done": True,
                "pool_distribution": {"distribution_strategy": "user", "distribution_score": 99.0},
                "default_pool_state": "private",
                "default_user_id": user.id,
                "default_pool_claim_date": "2099-01-01 00:00:00",
                "default_pool_last_followup_date": "2099-01-01 00:00:00",
                "default_pool_locked": True,
                "active_test": False,
                "allowed_company_ids": user.company_ids.ids,
            }
        )
        return context

    def snapshot(self, own=None):
        """Ownership, pool, dates, locks, activity of every customer, and the audit log.

        ``own``: a customer of the caller's, whose follow-up date their own note may move.
        """
        self.env.flush_all()
        self.env.cr.execute(
            """
            SELECT (SELECT md5(string_agg(concat_ws('|', id, user_id, pool_state, pool_id, pool_locked, active,
                                                   pool_claim_date, pool_enter_date,
                                                   CASE WHEN id IS DISTINCT FROM %s THEN pool_last_followup_date END,
                                                   pool_previous_user_id, pool_embargo_until, pool_recycle_date,
                                                   pool_accept_deadline, parent_id, company_id, is_company),
                                         ',' ORDER BY id))
                      FROM res_partner WHERE pool_state IS NOT NULL OR id = ANY(%s)),
                   (SELECT md5(string_agg(concat_ws('|', id, partner_id, action, user_id, from_user_id, to_user_id,
                                                   pool_id, note), ',' ORDER BY id)) FROM crm_public_pool_log),
                   (SELECT md5(string_agg(concat_ws('|', id, pool_max_customers, pool_max_locked, active), ','
                                          ORDER BY id)) FROM res_users),
                   (SELECT md5(string_agg(concat_ws('|', id, active, daily_claim_limit, company_id), ',' ORDER BY id))
                      FROM crm_public_pool),
                   (SELECT md5(string_agg(concat_ws('|', id, state, user_id, partner_id), ',' ORDER BY id))
                      FROM crm_public_pool_claim_request),
                   (SELECT md5(string_agg(concat_ws('|', id, state, user_id, partner_id, protected_until), ','
                                          ORDER BY id)) FROM crm_public_pool_registration),
                   (SELECT md5(string_agg(concat_ws('|', id, user_id, partner_id), ',' ORDER BY id)) FROM crm_lead)
            """,
            [own.id if own else None, self.lead_a.ids],
        )
        return self.env.cr.fetchone()

    def leaks(self, result, sent=()):
        """Hidden values in ``result``, but for those the caller sent itself (an echoed argument)."""
        text = json.dumps(result, ensure_ascii=False, default=str)
        echoed = json.dumps(sent, ensure_ascii=False, default=str)
        return [secret for secret in self.secrets if secret and secret in text and secret not in echoed]

    # ------------------------------------------------------------------
    # The attacks, generated
    # ------------------------------------------------------------------

    def roles(self):
        """{role: (user, {model: records it has no right over})}."""
        foreign_partners = {
            "salesperson": self.bobs | self.south_customer | self.archived | self.target.browse(),
            "member of another pool": self.bobs | self.mine | self.target | self.archived,
            "admin of another pool": self.bobs | self.mine | self.target | self.archived,
            "manager of another company": self.bobs | self.mine | self.target | self.south_customer | self.archived,
            "portal user": self.bobs | self.mine | self.target | self.south_customer | self.archived,
        }
        users = {
            "salesperson": self.user_a,
            "member of another pool": self.user_c,
            "admin of another pool": self.south_admin,
            "manager of another company": self.manager_2,
            "portal user": self.portal,
        }
        foreign_pool = {
            "salesperson": self.pool | self.south_pool,
            "member of another pool": self.pool,
            "admin of another pool": self.pool,
            "manager of another company": self.pool | self.south_pool,
            "portal user": self.pool | self.south_pool,
        }
        others = {
            "crm.public.pool.claim.request": self.request_b,
            "crm.public.pool.registration": self.registration_b,
            "crm.public.pool.log": self.Log.search([("partner_id", "=", self.bobs.id)], limit=1),
            "crm.public.pool.rule": self.rule,
            "crm.public.pool.view": self.view_b,
            "crm.public.pool.view.day": self.view_day_b,
        }
        return {
            role: (
                users[role],
                {"res.partner": foreign_partners[role], "crm.public.pool": foreign_pool[role], **others},
            )
            for role in users
        }

    def addon_methods(self, model):
        """Public methods the addon itself defines on ``model``."""
        cls = type(self.env[model])
        names = set()
        for klass in cls.__mro__:
            if not klass.__module__.startswith("odoo.addons.crm_public_pool"):
                continue
            for name, member in vars(klass).items():
                if callable(member) and not name.startswith("_") and name not in SKIPPED_METHODS:
                    names.add(name)
        return sorted(names)

    def argument_classes(self, user):
        """Values a hostile caller passes where the method expects something else."""
        return [
            ("a colleague's customer id", self.bobs.id),
            ("a colleague's customer's name", self.bobs.name),
            ("an archived customer id", self.archived.id),
            ("a text", "12; DROP TABLE res_partner"),
            ("blanks and punctuation", " ,.;!? "),
            ("a list", [self.bobs.id, self.mine.id]),
            ("a dict", {"id": self.bobs.id}),
            ("nothing", None),
            ("a huge number", 2**40),
            ("a negative number", -1),
            ("a boolean", True),
            ("the portal user", self.portal.id),
        ]

    def hostile_ids(self, record):
        return [
            ("a text for an id", ["12; DROP TABLE res_partner"]),
            ("a dict for an id", [{"id": record.id}]),
            ("nothing for an id", [None]),
            ("a boolean for an id", [True]),
            ("a float for an id", [record.id + 0.5]),
        ]

    def method_attacks(self):
        """Each method on each foreign record; on the first, each argument replaced by each hostile value."""
        for role, (user, foreign) in self.roles().items():
            for model, records in foreign.items():
                for method in self.addon_methods(model):
                    func = getattr(type(self.env[model]), method)
                    params = [
                        p
                        for p in list(inspect.signature(func).parameters.values())[1:]
                        if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
                    ]
                    base = {p.name: "x" for p in params if p.default is inspect.Parameter.empty}
                    # A model method takes no records: RPC would pass the ids as its first argument.
                    on_model = getattr(func, "_api", None) in ("model", "model_create")
                    if model == "res.partner" and not on_model and role == "salesperson":
                        # The records themselves as a hostile client sends them: not record ids.
                        for label, bad_ids in self.hostile_ids(records[:1]):
                            yield (f"{role}: {model}.{method} on {label}", user, model, method, [bad_ids], base)
                    for position, record in enumerate(records):
                        ids = [] if on_model else [record.ids]
                        yield (f"{role}: {model}.{method} on #{record.id}", user, model, method, ids, base)
                        if position:
                            continue
                        for param in params:
                            for label, value in self.argument_classes(user):
                                yield (
                                    f"{role}: {model}.{method}({param.name}={label}) on #{record.id}",
                                    user,
                                    model,
                                    method,
                                    ids,
                                    dict(base, **{param.name: value}),
                                )

    def field_value(self, field, user):
        """A value of the field's type, pointing at a customer the caller may not read where it can."""
        if field.type in ("char", "text", "html"):
            return "forged"
        if field.type == "boolean":
            return True
        if field.type in ("integer", "float", "monetary"):
            return 7
        if field.type == "date":
            return "2099-01-01"
        if field.type == "datetime":
            return "2099-01-01 00:00:00"
        if field.type == "selection":
            selection = field._description_selection(self.env)
            return selection[-1][0] if selection else False
        if field.type == "many2one":
            target = {
                "res.partner": self.bobs,
                "res.users": self.portal,
                "crm.public.pool": self.south_pool,
                "res.company": self.company_2,
            }.get(field.comodel_name)
            return target.id if target else False
        if field.type == "many2many" and field.comodel_name == "res.partner":
            return [(6, 0, self.bobs.ids)]
        return None

    def field_attacks(self):
        Partner = self.env["res.partner"]
        writable = [
            f
            for f in Partner._fields.values()
            if f.store and not f.readonly and not f.compute and f.name not in ("id", "display_name")
        ]
        moving = (
            "user_id",
            "pool_id",
            "active",
            "parent_id",
            "company_id",
            "pool_state",
            "pool_claim_date",
            "pool_enter_date",
            "pool_last_followup_date",
            "pool_previous_user_id",
            "pool_recycle_date",
            "pool_warned_date",
            "pool_embargo_until",
        )
        for role, (user, foreign) in self.roles().items():
            for field in writable:
                value = self.field_value(field, user)
                if value is None:
                    continue
                for record in foreign["res.partner"]:
                    yield (
                        f"{role}: write {field.name} of #{record.id}",
                        user,
                        "res.partner",
                        "write",
                        [record.ids, {field.name: value}],
                        {},
                    )
        forced = {"pool_id": self.south_pool.id, "user_id": self.user_b.id, "pool_state": "pool", "active": False}
        for fname in moving:
            value = forced[fname] if fname in forced else self.field_value(Partner._fields[fname], self.user_a)
            yield (
                f"owner: write {fname} of their own customer",
                self.user_a,
                "res.partner",
                "write",
                [self.mine.ids, {fname: value}],
                {},
            )
            yield (
                f"owner: create a customer with {fname}",
                self.user_a,
                "res.partner",
                "create",
                [{"name": f"Forged {fname}", "is_company": True, "pool_id": self.pool.id, fname: value}],
                {},
            )
        yield (
            "owner: create a locked customer",
            self.user_a,
            "res.partner",
            "create",
            [{"name": "Forged lock", "is_company": True, "pool_id": self.pool.id, "pool_locked": True}],
            {},
        )
        # Neighbours: relations to customers set on records the caller may change.
        own_partner = self.user_a.partner_id
        for fname, field in Partner._fields.items():
            if field.type == "many2one" and field.comodel_name == "res.partner" and field.store and not field.compute:
                for record in (self.bobs, self.target, self.south_customer):
                    yield (
                        f"salesperson: point own contact's {fname} at #{record.id}",
                        self.user_a,
                        "res.partner",
                        "write",
                        [own_partner.ids, {fname: record.id}],
                        {},
                    )
        for record in (self.bobs, self.target, self.south_customer):
            yield (
                f"salesperson: point own lead at customer #{record.id}",
                self.user_a,
                "crm.lead",
                "write",
                [self.lead_a.ids, {"partner_id": record.id}],
                {},
            )
            yield (
                f"salesperson: open a lead on customer #{record.id}",
                self.user_a,
                "crm.lead",
                "create",
                [{"name": "Forged lead", "partner_id": record.id, "user_id": self.user_a.id}],
                {},
            )
        for role, (user, foreign) in self.roles().items():
            for record in foreign["res.partner"]:
                for method in ("copy", "unlink", "action_archive", "action_unarchive", "toggle_active"):
                    yield (f"{role}: {method} #{record.id}", user, "res.partner", method, [record.ids], {})

    def addon_models(self):
        """The addon's own stored models (reports are views: nothing to create or write)."""
        return sorted(
            name
            for name, model in self.env.registry.items()
            if model._original_module == "crm_public_pool" and not model._abstract and model._auto
        )

    def command_values(self, comodel, user):
        """Values for a record of ``comodel`` in a command, forging what a client may not set."""
        later = "2099-01-01 00:00:00"
        if comodel == "res.partner":
            return [
                {
                    "name": "Forged",
                    "pool_state": "private",
                    "user_id": user.id,
                    "pool_id": self.south_pool.id,
                    "pool_claim_date": later,
                    "pool_recycle_date": later,
                    "pool_locked": True,
                },
                {"name": "Forged nest", "child_ids": [(1, self.mine.id, {"pool_recycle_date": later})]},
                {"pool_recycle_date": later, "pool_last_followup_date": later, "user_id": user.id},
            ]
        if comodel == "crm.lead":
            return [{"name": "Forged lead", "partner_id": self.bobs.id, "user_id": user.id}]
        if comodel == "crm.public.pool.log":
            return [{"action": "claim", "partner_id": self.bobs.id, "to_user_id": user.id, "note": "forged"}]
        fields_ = self.env[comodel]._fields
        vals = {"name": "Forged"} if "name" in fields_ and fields_["name"].store else {}
        for fname, value in (("user_id", user.id), ("partner_id", self.bobs.id), ("pool_id", self.south_pool.id)):
            if fname in fields_ and fields_[fname].store and not fields_[fname].compute:
                vals[fname] = value
        return [vals]

    def command_targets(self, comodel):
        """Records of ``comodel`` a command may name that the callers have no right over."""
        known = {
            "res.partner": self.bobs | self.target | self.mine,
            "crm.lead": self.lead_b,
            "crm.public.pool": self.south_pool,
            "res.users": self.user_b,
            "crm.public.pool.log": self.Log.search([("partner_id", "=", self.bobs.id)], limit=1),
        }
        if comodel in known:
            return known[comodel]
        return self.env[comodel].sudo().search([], limit=1, order="id desc")

    def commands(self, field, user):
        """Every command (0 to 6) on ``field``, with forged values, and a create nesting a write."""
        targets = self.command_targets(field.comodel_name)
        yield "(0, 0, values)", [(0, 0, vals) for vals in self.command_values(field.comodel_name, user)]
        for target in targets:
            for vals in self.command_values(field.comodel_name, user):
                yield f"(1, #{target.id}, values)", [(1, target.id, vals)]
            yield f"(2, #{target.id})", [(2, target.id)]
            yield f"(3, #{target.id})", [(3, target.id)]
            yield f"(4, #{target.id})", [(4, target.id)]
        yield "(5,)", [(5,)]
        yield "(6, 0, ids)", [(6, 0, targets.ids)]
        comodel = self.env[field.comodel_name]
        for name, nested in comodel._fields.items():
            if nested.type in ("one2many", "many2many") and nested.comodel_name == "res.partner" and nested.store:
                nest = [(1, self.mine.id, {"pool_recycle_date": "2099-01-01 00:00:00"})]
                vals = {**self.command_values(field.comodel_name, user)[0], name: nest}
                yield f"(0, 0, {{{name}: [(1, own customer, pool dates)]}})", [(0, 0, vals)]

    def relational_attacks(self):
        """Every one2many/many2many command on every such field of the customer, the lead and the
        addon's models, in a create and in writes of the caller's own and foreign records."""
        models = ["res.partner", "crm.lead", *self.addon_models()]
        for role, (user, foreign) in self.roles().items():
            own = {"res.partner": self.mine, "crm.lead": self.lead_a} if user == self.user_a else {}
            for model in models:
                Model = self.env[model]
                relational = [
                    f
                    for f in Model._fields.values()
                    if f.type in ("one2many", "many2many")
                    and (f.store or f.inverse)
                    and not (f.compute and not f.inverse)
                ]
                required = {
                    f.name: self.field_value(f, user)
                    for f in Model._fields.values()
                    if f.required and f.store and not f.compute and f.name not in Model.default_get([f.name])
                }
                records = own.get(model, Model.browse()) | foreign.get(model, Model.browse())[:1]
                for field in relational:
                    for label, commands in self.commands(field, user):
                        for record in records:
                            yield (
                                f"{role}: write {model}.{field.name} {label} on #{record.id}",
                                user,
                                model,
                                "write",
                                [record.ids, {field.name: commands}],
                                {},
                                record if record == self.mine else None,
                            )
                        if None not in required.values():
                            yield (
                                f"{role}: create {model} with {field.name} {label}",
                                user,
                                model,
                                "create",
                                [{**required, field.name: commands}],
                                {},
                                None,
                            )

    # ------------------------------------------------------------------
    # The suite
    # ------------------------------------------------------------------

    @mute_logger(
        "odoo.http",
        "odoo.sql_db",
        "odoo.models",
        "odoo.addons.base.models.ir_rule",
        "odoo.models.unlink",
        "odoo.addons.base.models.ir_model",
    )
    def test_generated_attacks_are_refused(self):
        attacks = [(*attack, None) for attack in [*self.method_attacks(), *self.field_attacks()]]
        relational = list(self.relational_attacks())
        self.assertGreater(len(attacks), 1000, "the generator found the addon's methods and fields")
        self.assertGreater(len(relational), 1000, "the generator found the relational fields")
        attacks += relational
        refused = 0
        failures = []
        for description, user, model, method, args, kwargs, own in attacks:
            before = self.snapshot(own)
            result, error = self.rpc(user, model, method, args, kwargs)
            self.env.invalidate_all()
            problems = []
            if self.snapshot(own) != before:
                problems.append("changed ownership, pool, dates or the audit log")
            refusal = commit_refusal(self.env.cr)
            if refusal:
                problems.append(refusal)
            if error and error["data"]["name"] not in USER_ERRORS:
                problems.append(f"server error {error['data']['name']}: {error['data']['message'][:200]}")
            leaked = self.leaks(error["data"]["message"] if error else result, sent=[args, kwargs])
            if leaked:
                problems.append(f"leaked {leaked}")
            if model == "res.partner" and method == "write" and not error:
                # A write that went through must not bring a hidden customer into view either.
                own = self.rpc(
                    user,
                    "res.partner",
                    "web_read",
                    [args[0]],
                    {
                        "specification": {
                            "display_name": {},
                            "parent_id": {"fields": {"display_name": {}, "phone": {}}},
                            "commercial_partner_id": {"fields": {"display_name": {}, "phone": {}}},
                        }
                    },
                )[0]
                if self.leaks(own):
                    problems.append(f"named through a neighbour: {self.leaks(own)}")
            if problems:
                failures.append(f"{description}: {'; '.join(problems)}")
            else:
                refused += 1
        _logger.info(
            "generated attacks: %s tried, %s refused (%s of them relational commands)",
            len(attacks),
            refused,
            len(relational),
        )
        self.assertFalse(failures, "\n".join(failures[:40]))
        assert_pool_invariants(self, self.env)

    def test_context_keys_of_the_source_are_found(self):
        keys = context_keys_in_source()
        self.assertIn("pool_manage", keys, "the scanner reads the addon's context keys")
        self.assertGreater(len(keys), 3)

    def test_generator_covers_every_public_method(self):
        methods = self.addon_methods("res.partner")
        for name in ("action_pool_claim", "pool_release", "pool_transfer", "action_pool_lock", "pool_lookup"):
            self.assertIn(name, methods)
        self.assertIn("pool_assign", self.addon_methods("crm.public.pool"))
