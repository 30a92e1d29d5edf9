"""What each role meets on the addon's screens: no dead end, no access error behind a visible control."""

from lxml import etree

from odoo.exceptions import UserError
from odoo.tests import Form, tagged
from odoo.tools.safe_eval import datetime, dateutil, safe_eval, time

from .common import PoolCase
from .test_recycle import RecycleCase


@tagged("post_install", "-at_install")
class TestScreens(PoolCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.default_pool.write({"member_user_ids": [(4, cls.user_a.id), (4, cls.user_b.id)]})

    def test_action_domains_evaluate_in_the_browser(self):
        """The web client evaluates an action's domain and context itself: no server helper such as ref()."""
        client_names = {
            "uid": self.user_a.id,
            "context_today": datetime.date.today,
            "current_date": "2026-01-01",
            "relativedelta": dateutil.relativedelta.relativedelta,
            "datetime": datetime,
            "time": time,
            "allowed_company_ids": [self.env.company.id],
            "active_id": 1,
            "active_ids": [1],
            "context": {},
        }
        xmlids = self.env["ir.model.data"].search(
            [("module", "=", "crm_public_pool"), ("model", "=", "ir.actions.act_window")]
        )
        self.assertGreater(len(xmlids), 10)
        for action in self.env["ir.actions.act_window"].browse(xmlids.mapped("res_id")):
            for attribute in ("domain", "context"):
                text = action[attribute]
                if text:
                    with self.subTest(action=action.name, attribute=attribute):
                        self.assertNotIn("ref(", text)
                        safe_eval(text, dict(client_names))

    def test_salesperson_creates_from_the_pool_list(self):
        """New on Pool Customers saves, although the creator may not write the pooled customer afterwards."""
        Partner = (
            self.env["res.partner"]
            .with_user(self.user_a)
            .with_context(pool_manage=True, default_is_company=True, default_pool_id=self.default_pool.id)
        )
        with Form(Partner) as form:
            form.name = "Form-made Trading Co"
        partner = form.record
        self.assertEqual((partner.pool_state, partner.pool_id), ("pool", self.default_pool))
        self.assertFalse(partner.with_user(self.user_a).pool_may_write)
        with Form(Partner.with_context(default_user_id=self.user_a.id)) as form:
            form.name = "Form-made Own Co"
        self.assertEqual(form.record.user_id, self.user_a)
        self.assertTrue(form.record.with_user(self.user_a).pool_may_write)

    def test_a_customer_created_from_a_pools_list_enters_that_pool(self):
        """New on East Pool's customer list puts the customer into East Pool, pooled or owned."""
        context = self.pool.action_open_customers()["context"]
        Partner = self.env["res.partner"].with_user(self.user_a).with_context(**context)
        with Form(Partner) as form:
            form.name = "East List Trading Co"
        self.assertEqual((form.record.pool_id, form.record.pool_state), (self.pool, "pool"))
        self.assertTrue(form.record.is_company)
        with Form(Partner.with_context(default_user_id=self.user_a.id)) as form:
            form.name = "East List Own Co"
        self.assertEqual((form.record.pool_id, form.record.user_id), (self.pool, self.user_a))
        # A contact person of a customer is no customer of its own: no pool is forced on it.
        contact = Partner.create({"name": "Li Lei", "parent_id": form.record.id, "is_company": False})
        self.assertEqual(contact.pool_id, self.pool, "it follows its company's pool")
        self.assertEqual(contact.commercial_partner_id, form.record)

    def test_a_pool_the_creator_may_not_use_is_refused_by_name(self):
        """A default pool from the client that the user may not put customers into is refused with the
        pool's name, never silently replaced by the company's default pool."""
        context = self.pool.action_open_customers()["context"]
        company_2 = self.env["res.company"].create({"name": "Second Branch Ltd"})
        before = self.env["res.partner"].search_count([])
        with self.assertRaisesRegex(UserError, "East Pool"):
            self.env["res.partner"].with_user(self.user_c).with_context(**context).create({"name": "Outsider Co"})
        # A pool of a company the request does not act in, though the user works for both.
        self.user_a.company_ids = [(4, company_2.id)]
        pool_2 = self.env["crm.public.pool"].create(
            {"name": "Branch Pool", "company_id": company_2.id, "member_user_ids": [(6, 0, self.user_a.ids)]}
        )
        Partner = self.env["res.partner"].with_user(self.user_a)
        # Named as this request may read it (the pool's company is not among its companies).
        with self.assertRaisesRegex(UserError, f"Pool Customer Pool #{pool_2.id} belongs to Second Branch Ltd"):
            Partner.with_context(
                **pool_2.action_open_customers()["context"], allowed_company_ids=[self.env.company.id]
            ).create({"name": "Wrong Branch Co"})
        self.assertEqual(self.env["res.partner"].search_count([]), before)
        # Acting in that company, the same list creates into its pool.
        partner = Partner.with_context(
            **pool_2.action_open_customers()["context"], allowed_company_ids=[company_2.id, self.env.company.id]
        ).create({"name": "Right Branch Co"})
        self.assertEqual(partner.pool_id, pool_2)

    def test_non_member_is_told_which_pool(self):
        Partner = self.env["res.partner"].with_user(self.user_c).with_context(pool_manage=True)
        with self.assertRaisesRegex(UserError, "East Pool.*My Customers"):
            Partner.create({"name": "Outsider Co", "is_company": True, "pool_id": self.pool.id})

    def test_pooled_form_is_read_only(self):
        """Every field of the customer form is read-only where the user may not write the customer."""
        arch = self.env["res.partner"].with_user(self.user_a).get_view(view_type="form")["arch"]
        root = etree.fromstring(arch)
        name = root.xpath("//sheet//field[@name='name']")[0]
        self.assertIn("not pool_may_write", name.get("readonly"))
        pooled = self.customers[0].with_user(self.user_a)
        self.assertFalse(pooled.pool_may_write)
        pooled.action_pool_claim()
        pooled.invalidate_recordset()
        self.assertTrue(pooled.pool_may_write)
        self.assertFalse(self.customers[0].with_user(self.user_b).pool_may_write)

    def test_log_a_followup_opens_a_note(self):
        customer = self.customers[1].with_user(self.user_a)
        with self.assertRaisesRegex(UserError, "claim it"):
            customer.action_pool_log_followup()
        customer.action_pool_claim()
        action = customer.action_pool_log_followup()
        self.assertEqual(action["context"]["default_subtype_xmlid"], "mail.mt_note")
        composer = (
            self.env["mail.compose.message"]
            .with_user(self.user_a)
            .with_context(**action["context"])
            .create({"body": "Called, sending a quote"})
        )
        composer._action_send_mail()
        self.assertTrue(customer.pool_last_followup_date, "a logged note counts as a follow-up")

    def test_returning_soon_combines_with_in_pool(self):
        """Filters of one group are OR-ed: Returning to Pool Soon sits with In Pool, not against it."""
        view = self.env.ref("crm_public_pool.res_partner_view_search_pool")
        arch = etree.fromstring(self.env["res.partner"].get_view(view.id, "search")["arch"])
        group = []
        for node in arch.iter("filter", "separator"):
            if node.tag == "separator":
                if "filter_pooled" in group:
                    break
                group = []
            else:
                group.append(node.get("name"))
        self.assertIn("filter_recycle_warning", group)

    def test_claim_request_rejection_needs_a_reason_and_is_audited(self):
        self.pool.claim_requires_approval = True
        customer = self.customers[2]
        customer.with_user(self.user_a).action_pool_claim()
        request = self.env["crm.public.pool.claim.request"].search([("partner_id", "=", customer.id)])
        self.assertEqual(request.with_user(self.admin).display_name, f"{customer.name}, requested by Alice Pool")
        with self.assertRaisesRegex(UserError, "Say why"):
            request.with_user(self.admin).action_reject("  ")
        wizard = (
            self.env["crm.public.pool.claim.request.reject.wizard"]
            .with_user(self.admin)
            .create({"request_ids": [(6, 0, request.ids)], "note": "Reserved for the key-account team"})
        )
        result = wizard.action_reject()
        self.assertEqual(result["tag"], "display_notification")
        self.assertEqual((request.state, request.review_note), ("rejected", "Reserved for the key-account team"))
        log = self.logs(customer, "request").sorted("id")[-1]
        self.assertEqual(
            (log.user_id, log.to_user_id, log.note), (self.admin, self.user_a, "Reserved for the key-account team")
        )

    def test_receiver_pickers_show_load_against_limit(self):
        self.set_limit(self.user_b, owned=3)
        self.customers[7].with_user(self.user_b).action_pool_claim()
        Users = self.env["res.users"].with_user(self.admin).with_context(pool_show_load=True)
        self.assertEqual(Users.browse(self.user_b.id).display_name, "Bob Pool (1 of 3)")
        found = dict(Users.name_search("Bob Pool"))
        self.assertEqual(found[self.user_b.id], "Bob Pool (1 of 3)")
        self.assertEqual(self.user_b.with_user(self.admin).display_name, "Bob Pool", "elsewhere the name alone")

    def test_preview_says_why_a_member_gets_nothing(self):
        self.set_limit(self.user_b, owned=1)
        self.customers[3].with_user(self.user_b).action_pool_claim()
        wizard = (
            self.env["crm.public.pool.assign.wizard"]
            .with_user(self.admin)
            .create(
                {"pool_id": self.pool.id, "strategy": "round_robin", "partner_ids": [(6, 0, self.customers[4:6].ids)]}
            )
        )
        wizard.action_preview()
        by_user = {line.user_id: line for line in wizard.member_ids}
        self.assertEqual(by_user[self.user_b].received, 0)
        self.assertEqual(by_user[self.user_b].note, "At their limit: 1 of 1")
        self.assertEqual(by_user[self.user_a].received, 2)
        self.assertFalse(by_user[self.user_a].note)


@tagged("post_install", "-at_install")
class TestScreensRegistration(PoolCase):
    def register(self, user, name, **vals):
        registration = self.env["crm.public.pool.registration"].with_user(user).create({"name": name, **vals})
        registration.action_submit()
        return registration

    def test_near_duplicate_of_own_customer_can_be_appealed(self):
        own = (
            self.env["res.partner"]
            .with_user(self.user_a)
            .with_context(pool_manage=True)
            .create(
                {
                    "name": "杭州瑞达精密机械有限公司",
                    "is_company": True,
                    "user_id": self.user_a.id,
                    "pool_id": self.pool.id,
                }
            )
        )
        registration = self.register(self.user_a, "杭州瑞达精工机械有限公司")
        self.assertEqual(registration.state, "duplicate")
        self.assertTrue(registration.can_appeal, "the message says to appeal: the button must be there")
        registration.action_appeal("Another company, same street")
        self.assertEqual((registration.state, registration.partner_id), ("appealed", own))
        self.assertIn("杭州瑞达精工机械有限公司", registration.with_user(self.admin).comparison_html)
        registration.with_user(self.admin).action_approve()
        self.assertEqual(registration.state, "approved")
        self.assertNotEqual(registration.partner_id, own, "approving registers the prospect as another company")
        self.assertEqual(
            (registration.partner_id.name, registration.partner_id.user_id), ("杭州瑞达精工机械有限公司", self.user_a)
        )

    def test_lookup_by_brand_alone(self):
        """People type the brand: place names and the legal form must not hide the customer."""
        pooled = self.env["res.partner"].create(
            {"name": "广州市澜海物流有限公司", "is_company": True, "pool_id": self.pool.id}
        )
        self.env["res.partner"].create({"name": "广州市澜海贸易有限公司", "is_company": True, "pool_id": self.pool.id})
        Partner = self.env["res.partner"].with_user(self.user_a)
        found = Partner.pool_lookup(name="澜海物流")
        self.assertEqual([row["partner_id"] for row in found], [pooled.id])
        self.assertEqual(found[0]["match"], "near")
        self.assertEqual(len(Partner.pool_lookup(name="澜海")), 2, "the brand alone finds every line of business")
        wizard = self.env["crm.public.pool.register.wizard"].with_user(self.user_a).new({"name": "澜海物流"})
        self.assertIn("广州市澜海物流有限公司", wizard.lookup_result)

    def test_colleague_customer_is_not_a_link(self):
        self.env["res.partner"].with_context(pool_manage=True).create(
            {
                "name": "Shenzhen Shengda Textile Co., Ltd.",
                "is_company": True,
                "user_id": self.user_b.id,
                "pool_id": self.pool.id,
            }
        )
        registration = self.register(self.user_a, "Shenzhen Shengda Textile Co Ltd")
        self.assertEqual(registration.state, "duplicate")
        self.assertTrue(registration.sudo().partner_id)
        self.assertFalse(registration.partner_readable)


@tagged("post_install", "-at_install")
class TestScreensWarningsLanguage(RecycleCase):
    def test_warnings_in_the_owner_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["crm_public_pool"], ["zh_CN"], overwrite=True)
        self.user_a.write({"lang": "zh_CN", "tz": "Asia/Shanghai"})
        self.rule(warn_days=3)
        soon = self.customers[0]
        self.backdate(soon, 28)
        self.run_cron()
        warn_type = self.env.ref("crm_public_pool.mail_activity_type_pool_recycle")
        activity = self.env["mail.activity"].search([("res_id", "=", soon.id), ("activity_type_id", "=", warn_type.id)])
        self.assertEqual(len(activity), 1)
        self.assertFalse(activity.summary, "it reads as its type, in each reader's language")
        # Stored as its owner reads it (e-mails, other addons), and rendered for whoever opens it.
        self.assertNotIn("Returns to the pool", activity.note)
        self.assertIn("退回公海", activity.note)
        self.assertNotIn("no follow-up", activity.note)
        english = activity.with_context(lang="en_US")._read_format(["note"])[0]["note"]
        self.assertIn("Returns to the pool on", english, "an English colleague reads it in English")
