"""Every field of every installed model that carries a customer's data is found and decided.

The fields are found from the loaded registry (related fields, computed fields through their
declared dependencies, stored copies), so a module installed tomorrow that copies a customer's
phone into a model of its own makes this test fail until someone decides what it shows.
"""

import logging

from odoo.tests import TransactionCase, tagged, users, warmup

from ..logic.partner_copies import DECISION_KINDS, FIELD_DECISIONS, LINK, MODEL_DECISIONS, decision
from ..models.partner_copies import partner_dependencies
from .test_access import MASKED_FIELDS, AccessCase

_logger = logging.getLogger(__name__)

# A read of leads as a salesperson, masked copies included, whatever the number of leads: the
# lead rows with their rules (3, as without copies), the customers behind the copies, whether
# they are managed, and which of them the caller sees whole (one search as the user).
COPIES_READ_QUERIES = 6


def registry_copies(env):
    """{(model, field): {(relation path, customer field)}} of every installed, non-abstract model."""
    found = {}
    for model_name in sorted(env.registry):
        model = env[model_name]
        if model._abstract:
            continue
        for fname, deps in partner_dependencies(env, model_name).items():
            found[model_name, fname] = deps
    return found


@tagged("post_install", "-at_install")
class TestPartnerCopies(TransactionCase):
    def test_every_copy_of_a_customer_is_decided(self):
        found = registry_copies(self.env)
        installed = {module.name for module in self.env["ir.module.module"].search([("state", "=", "installed")])}
        self.assertTrue({"crm", "calendar", "mail", "sale", "account", "hr"} <= installed, "the walk sees every model")
        undecided = sorted(f"{model}.{fname}" for model, fname in found if decision(model, fname) is None)
        table = [
            f"{model}.{fname}: {decision(model, fname)[0] if decision(model, fname) else 'UNDECIDED'} "
            f"<- {', '.join(sorted('.'.join((*prefix, pfield)) for prefix, pfield in deps))}"
            for (model, fname), deps in sorted(found.items())
            if model not in MODEL_DECISIONS
        ]
        _logger.info("partner copies: %s fields found, %s undecided\n%s", len(found), len(undecided), "\n".join(table))
        self.assertFalse(undecided, "fields carrying a customer's data that nobody decided:\n" + "\n".join(undecided))

    def test_the_walk_finds_the_known_doors(self):
        found = registry_copies(self.env)
        for key, pfield in (
            (("calendar.attendee", "phone"), "phone"),
            (("calendar.attendee", "email"), "email"),
            (("mail.followers", "email"), "email"),
            (("crm.lead", "phone"), "phone"),
            (("crm.lead", "email_from"), "email"),
            (("res.users", "email"), "email"),
        ):
            self.assertIn(key, found)
            self.assertIn(pfield, {customer_field for __, customer_field in found[key]})
        # Stored copies a compute fills from the customer record as a whole.
        self.assertIn((("partner_id",), "*"), found["crm.lead", "street"])
        # Through other copies: the lead's e-mail domain comes from its copy of the customer's e-mail.
        self.assertIn((("partner_id",), "email"), found["crm.lead", "email_normalized"])
        # The customer's own fields are the masking allow-list's business, not copies.
        self.assertFalse([key for key in found if key[0] == "res.partner"])

    def test_decisions_name_fields_that_carry_a_customer(self):
        """A decision for a field the walk does not find would be a table that lies."""
        found = registry_copies(self.env)
        stale = []
        for key, (kind, why) in FIELD_DECISIONS.items():
            self.assertIn(kind, DECISION_KINDS)
            self.assertTrue(why)
            model, fname = key.rsplit(".", 1)
            if model in self.env and (model, fname) not in found and kind != LINK:
                stale.append(key)
        self.assertFalse(stale, "decided fields that carry nothing of a customer: " + ", ".join(stale))

    def test_masked_copies_are_hidden_on_every_model_that_has_them(self):
        copies = {model: self.env[model]._pool_partner_copies() for model in ("crm.lead", "calendar.attendee")}
        self.assertIn("phone", copies["crm.lead"])
        self.assertIn("email", copies["calendar.attendee"])
        self.assertFalse(self.env["res.users"]._pool_partner_copies(), "a user's own partner is no customer")
        self.assertFalse(self.env["res.partner"]._pool_partner_copies(), "the customer itself is masked by its mixin")


@tagged("post_install", "-at_install")
class TestPartnerCopiesQueries(AccessCase):
    """Hiding copies costs a fixed number of queries per read, whatever the number of records."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        masked = cls.env["ir.model.fields"].browse(
            [cls.env.ref(f"base.field_res_partner__{fname}").id for fname in MASKED_FIELDS]
        )
        cls.pool.write({"masked_field_ids": [(6, 0, masked.ids)]})
        partners = cls.mine | cls.pooled
        cls.leads = cls.env["crm.lead"].create(
            [
                {"name": f"Lead {i}", "partner_id": partners[i % len(partners)].id, "user_id": cls.user_a.id}
                for i in range(20)
            ]
        )
        cls.env.flush_all()

    @users("pool_a")
    @warmup
    def test_reading_copies_does_not_grow_with_the_batch(self):
        for leads in (self.leads[:2], self.leads):
            self.env.invalidate_all()
            with self.assertQueryCount(pool_a=COPIES_READ_QUERIES):
                values = leads.with_env(self.env).read(["name", "phone", "email_from", "street"])
            hidden = [vals for vals in values if not vals["phone"]]
            self.assertTrue(hidden, "the masked customers' copies are hidden")
            self.assertTrue(len(hidden) < len(values), "the owner's customer's copies show")
