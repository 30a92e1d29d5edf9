"""Doors found attacking a running database over XML-RPC, as its users would.

- the audit log, the reports, the claim requests, the rules and the group robots (their web
  addresses carry the robot's key) of one company's pools, read by a manager of another company;
- the portal wizard, which copies the e-mail of any contact given to it as superuser: a
  salesperson read the e-mail of a masked customer and of a colleague's customer there;
- a user made for a customer (the portal wizard's Grant Access creates it as superuser): every
  internal user then read the customer's phone, e-mail and address through ``res.users``.
"""

from contextlib import contextmanager

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .test_access import MASKED_FIELDS, AccessCase

# What a pool holds, tells or sends, by the relation that says whose company it is.
POOL_RECORDS = (
    "crm.public.pool.log",
    "crm.public.pool.claim.request",
    "crm.public.pool.rule",
    "crm.public.pool.distribution",
    "crm.public.pool.region",
    "crm.public.pool.distribution.report",
    "crm.public.pool.snapshot",
    "crm.public.pool.age.report",
    "crm.public.pool.conversion.report",
    "crm.public.pool.fairness.report",
    "crm.public.pool.view",
    "crm.public.pool.view.day",
    "crm.public.pool.robot",
    "crm.public.pool.robot.message",
)


@tagged("post_install", "-at_install")
class TestAttacksOutside(AccessCase):
    @contextmanager
    def refused(self, pattern, exception=UserError):
        """Refused with a message matching ``pattern``, the transaction rolled back to before."""
        with self.assertRaises(exception) as caught:
            yield
        self.env.invalidate_all()
        self.assertRegex(str(caught.exception), pattern)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        masked = env["ir.model.fields"].browse([env.ref(f"base.field_res_partner__{f}").id for f in MASKED_FIELDS])
        cls.pool.write({"masked_field_ids": [(6, 0, masked.ids)], "claim_requires_approval": False})
        cls.target = cls.pooled[1]
        cls.company_2 = env["res.company"].create({"name": "Other Company Ltd"})
        cls.manager_2 = new_test_user(
            env,
            login="x_manager_2",
            groups="sales_team.group_sale_manager,base.group_allow_export",
            company_id=cls.company_2.id,
            company_ids=[(6, 0, cls.company_2.ids)],
        )
        # A salesperson as Settings creates one: Contact Creation is a default group of internal users.
        cls.user_a.write({"groups_id": [(4, env.ref("base.group_partner_manager").id)]})
        # One of everything a pool keeps, tells or sends: moves (log, conversion), a request, a
        # snapshot, the fairness report, a rule, a distribution, a region, a robot and its message.
        cls.pooled[2].with_user(cls.user_a).action_pool_claim()
        cls.pooled[2].with_user(cls.user_a).pool_release("no_need", note="Busy")
        request_pool = env["crm.public.pool"].create(
            {
                "name": "Approval Pool",
                "pool_type": "department",
                "member_team_ids": [(6, 0, cls.team_east.ids)],
                "claim_requires_approval": True,
            }
        )
        asked = env["res.partner"].create({"name": "Asked For", "is_company": True, "pool_id": request_pool.id})
        env.flush_all()
        asked.with_user(cls.user_a).action_pool_claim()
        env["crm.public.pool.snapshot"]._cron_snapshot()
        env["crm.public.pool.fairness.report"]._fairness_refresh()
        env["crm.public.pool.rule"].create(
            {"pool_id": cls.pool.id, "name": "No follow-up", "rule_type": "no_followup", "days": 30}
        )
        env["crm.public.pool.distribution"].create({"pool_id": cls.pool.id})
        env["crm.public.pool.region"].create(
            {"pool_id": cls.pool.id, "country_id": env.ref("base.cn").id, "user_id": cls.user_a.id}
        )
        robot = env["crm.public.pool.robot"].create(
            {
                "name": "East WeCom",
                "kind": "wecom",
                "url": "http://127.0.0.1:9/robot?key=secret",
                "pool_id": cls.pool.id,
            }
        )
        env["crm.public.pool.robot.message"].create({"robot_id": robot.id, "body": "{}"})
        cls.pool.write({"daily_view_limit": 10})
        env.flush_all()
        cls.target.with_user(cls.user_a)._pool_open()
        env.flush_all()

    @mute_logger("odoo.models", "odoo.addons.base.models.ir_rule")
    def test_another_companys_manager_reads_nothing_of_the_pools(self):
        tried = []
        for model in POOL_RECORDS:
            ours = self.env[model].sudo().search([])
            if not ours:
                continue
            tried.append(model)
            self.assertFalse(
                self.env[model].with_user(self.manager_2).search([]),
                f"{model}: the other company's manager finds none of company 1's records",
            )
            self.assertEqual(self.env[model].with_user(self.manager_2).search_count([]), 0, model)
            self.assertEqual(self.env[model].with_user(self.manager_2)._read_group([], aggregates=["__count"]), [(0,)])
            # The pool's own company still sees them all.
            self.assertEqual(set(self.env[model].with_user(self.manager).search([]).ids), set(ours.ids), model)
        self.assertGreaterEqual(len(tried), 12, f"the setup made records of the pool models: {tried}")

    def test_portal_wizard_shows_no_email_of_a_customer_not_seen_whole(self):
        colleague = self.bobs
        for partner in (self.target, colleague):
            self.assertTrue(partner.email, "fixture: the customer has an e-mail")
            context = {"default_partner_ids": [partner.id], "active_ids": [partner.id]}
            wizard = self.env["portal.wizard"].with_user(self.user_a).with_context(**context).create({})
            line_ids = wizard.sudo().user_ids.ids
            self.assertTrue(line_ids, "the wizard lists the contact")
            Line = self.env["portal.wizard.user"].with_user(self.user_a)
            answers = [
                Line.browse(line_ids).read(["email", "email_state"]),
                wizard.web_read({"user_ids": {"fields": {"email": {}, "email_state": {}}}}),
                Line.search_read([("id", "in", line_ids)], ["email"]),
                Line.browse(line_ids).export_data(["email"]),
            ]
            self.assertNotIn(partner.email, str(answers), f"{partner.name}'s e-mail is not shown")
            self.assertFalse(Line.search([("id", "in", line_ids), ("email", "=", partner.email)]))
        # The owner sees their own customer's e-mail in the wizard.
        context = {"default_partner_ids": [self.mine.id], "active_ids": [self.mine.id]}
        wizard = self.env["portal.wizard"].with_user(self.user_a).with_context(**context).create({})
        self.assertEqual(wizard.user_ids.read(["email"])[0]["email"], self.mine.email)

    @mute_logger("odoo.addons.auth_signup.models.res_users")
    def test_a_pool_customer_never_becomes_a_user(self):
        # Granting portal access, even by the owner or an administrator, would show the customer's
        # contact data to every internal user through res.users.
        for user in (self.user_a, self.env.user):
            context = {"default_partner_ids": [self.mine.id], "active_ids": [self.mine.id]}
            wizard = self.env["portal.wizard"].with_user(user).with_context(**context).create({})
            with self.refused("cannot be a user's or an employee's own contact", Exception):
                wizard.user_ids.action_grant_access()
        self.assertFalse(
            self.env["res.users"].with_context(active_test=False).search([("partner_id", "=", self.mine.id)])
        )
        Users = self.env["res.users"].sudo().with_context(no_reset_password=True)
        with self.refused(r"1 of the 1 contacts you chose for a user are customers of a pool"):
            Users.create({"name": "Customer User", "login": "customer_user", "partner_id": self.target.id})
        with self.refused("customers of a pool"):
            Users.create({"name": "Pooled User", "login": "pooled_user", "pool_id": self.pool.id})
        portal = new_test_user(self.env, login="x_portal_user", groups="base.group_portal")
        with self.refused("customers of a pool"):
            portal.sudo().write({"partner_id": self.target.id})
        # Nor does a user's own partner enter a pool.
        with self.refused("users' own contacts"):
            portal.partner_id.write({"pool_id": self.pool.id})
        self.assertFalse(portal.partner_id.pool_state)
        with self.refused("customers of a pool"):
            portal.partner_id.write({"parent_id": self.target.id})
        self.assertFalse(portal.partner_id.pool_state)
        # Users as Odoo makes them are not concerned.
        self.assertTrue(Users.create({"name": "New Colleague", "login": "new_colleague"}).partner_id)

    def test_bank_accounts_are_hidden_with_their_customer(self):
        Bank = self.env["res.partner.bank"]
        accounts = {
            partner: Bank.create({"partner_id": partner.id, "acc_number": f"6222 0200 {partner.id:08d}"})
            for partner in (self.mine, self.bobs, self.target, self.south_customer)
        }
        numbers = [account.acc_number for account in accounts.values()]
        Seen = Bank.with_user(self.user_a)
        self.assertEqual(Seen.search([("id", "in", Bank.browse().union(*accounts.values()).ids)]), accounts[self.mine])
        self.assertNotIn(accounts[self.bobs].acc_number, str(Seen.search_read([], ["acc_number"])))
        for account in (accounts[self.bobs], accounts[self.target], accounts[self.south_customer]):
            self.assertFalse(Seen.search_count([("acc_number", "=", account.acc_number)]))
        self.assertFalse(
            Bank.with_user(self.manager_2).search([("acc_number", "in", numbers)]), "another company's manager"
        )
        # The pool's administrator and company manager, and billing, still see them.
        self.assertIn(accounts[self.target], Bank.with_user(self.admin).search([("acc_number", "in", numbers)]))
        self.assertEqual(len(Bank.with_user(self.manager).search([("acc_number", "in", numbers)])), 4)
        billing = new_test_user(
            self.env, login="x_billing", groups="sales_team.group_sale_salesman,account.group_account_invoice"
        )
        self.assertEqual(len(Bank.with_user(billing).search([("acc_number", "in", numbers)])), 4)

    @mute_logger("odoo.addons.mail.models.mail_render_mixin")
    def test_a_template_renders_only_customers_seen_whole(self):
        # A template editor (every user, where Settings does not restrict template rendering).
        self.user_a.write({"groups_id": [(4, self.env.ref("mail.group_mail_template_editor").id)]})
        template = (
            self.env["mail.template"]
            .with_user(self.user_a)
            .create(
                {
                    "name": "Call back",
                    "model_id": self.env["ir.model"]._get_id("res.partner"),
                    "subject": "Call {{ object.phone }}",
                    "body_html": '<p>Write to <t t-out="object.email"/></p>',
                }
            )
        )
        for partner in (self.target, self.bobs):
            preview = (
                self.env["mail.template.preview"]
                .with_user(self.user_a)
                .create({"mail_template_id": template.id, "resource_ref": f"res.partner,{partner.id}"})
            )
            shown = str(preview.read(["subject", "body_html", "error_msg"]))
            self.assertNotIn(partner.sudo().phone, shown)
            self.assertNotIn(partner.sudo().email, shown)
            self.assertIn("a customer you may not see whole", shown)
            with self.refused("a customer you may not see whole", AccessError):
                self.env["mail.compose.message"].with_user(self.user_a).create(
                    {
                        "model": "res.partner",
                        "res_ids": str([partner.id]),
                        "composition_mode": "comment",
                        "template_id": template.id,
                    }
                ).read(["subject", "body"])
        # The owner writes to their own customer with the template.
        preview = (
            self.env["mail.template.preview"]
            .with_user(self.user_a)
            .create({"mail_template_id": template.id, "resource_ref": f"res.partner,{self.mine.id}"})
        )
        self.assertEqual(preview.subject, f"Call {self.mine.phone}")
