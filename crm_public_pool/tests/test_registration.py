from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from ..models.crm_public_pool_duplicate_mixin import pg_trgm_mode, trigram_floor
from .common import PoolCase


@tagged("post_install", "-at_install")
class TestRegistration(PoolCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.write(
            {"pool_protect_days_a": 90, "pool_protect_days_c": 30, "pool_show_owner_to_registrant": False}
        )
        Partner = cls.env["res.partner"]
        # Bob's customer in the East pool, administered by Ada.
        cls.bob_customer = Partner.create(
            {
                "name": "杭州阿里巴巴网络技术有限公司",
                "is_company": True,
                "pool_id": cls.pool.id,
                "user_id": cls.user_b.id,
                "phone": "0571-85022088",
                "vat": "91350100M000100Y43",
            }
        )
        cls.Registration = cls.env["crm.public.pool.registration"]

    def register(self, user, **vals):
        registration = self.Registration.with_user(user).create({"level": "c", **vals})
        result = registration.action_submit()
        return registration, result

    # ------------------------------------------------------------------
    # Outcomes
    # ------------------------------------------------------------------

    def test_new_prospect_is_registered_and_protected(self):
        before = fields.Datetime.now()
        registration, result = self.register(
            self.user_a, name="深圳市华信科技有限公司", phone="138 1234 5678", contact_name="王经理"
        )
        self.assertEqual(registration.state, "registered")
        self.assertEqual(result["params"]["type"], "success")
        partner = registration.sudo().partner_id
        self.assertEqual(partner.user_id, self.user_a)
        self.assertEqual(partner.pool_state, "private")
        self.assertEqual(partner.pool_id, self.default_pool)
        self.assertEqual(partner.pool_phone_keys, "+8613812345678")
        self.assertEqual(partner.child_ids.name, "王经理")
        self.assertEqual(self.logs(partner).mapped("action"), ["register"])
        self.assertAlmostEqual(registration.protected_until, before + timedelta(days=30), delta=timedelta(minutes=1))

    def test_colleague_customer_is_refused_and_owner_notified(self):
        registration, result = self.register(self.user_a, name="杭州阿里巴巴网络技术（杭州）有限责任公司")
        self.assertEqual(registration.state, "duplicate")
        self.assertEqual(result["params"]["type"], "danger")
        self.assertEqual(registration.sudo().partner_id, self.bob_customer)
        self.assertIn("protected customer of another salesperson", registration.result_message)
        self.assertNotIn("Bob", registration.result_message)
        self.assertEqual(self.bob_customer.user_id, self.user_b)
        notified = self.env["mail.message"].search(
            [
                ("model", "=", "res.partner"),
                ("res_id", "=", self.bob_customer.id),
                ("partner_ids", "in", self.user_b.partner_id.ids),
            ]
        )
        self.assertTrue(notified, "the owner is told a colleague collided with their customer")

    def test_result_read_in_the_readers_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["crm_public_pool"], ["zh_CN"], overwrite=True)
        registration, result = self.register(self.user_a, name="杭州阿里巴巴网络枝术有限公司")
        self.assertEqual(registration.state, "duplicate")
        self.assertIn("resembles an existing customer;", result["params"]["message"], "one customer, said so")
        chinese = registration.with_context(lang="zh_CN")._read_format(["result_message"])[0]["result_message"]
        self.assertEqual(
            chinese, "杭州阿里巴巴网络枝术有限公司 与一个现有客户相似；如确属不同公司，请向客户池管理员提出申诉。"
        )
        line = self.env["mail.message"].search(
            [("model", "=", registration._name), ("res_id", "=", registration.id)], order="id desc", limit=1
        )
        self.assertIn("与一个现有客户相似", line.with_context(lang="zh_CN")._read_format(["body"])[0]["body"])
        registration.with_user(self.user_a).action_appeal("different")
        todo = registration.activity_ids
        self.assertFalse(todo.summary, "the To-Do reads as its type in each reader's language")
        note = todo.with_context(lang="zh_CN")._read_format(["note"])[0]["note"]
        self.assertIn("申诉", note)
        self.assertIn("different", note, "the registrant's reason as written")
        self.assertNotIn("registers", note)

    def test_registered_until_a_day_in_the_readers_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["crm_public_pool"], ["zh_CN"], overwrite=True)
        registration, _result = self.register(self.user_a, name="深圳市华信科技有限公司")
        day = fields.Date.context_today(
            registration.with_context(tz=self.user_a.tz or "UTC"), registration.protected_until
        )
        chinese = registration.with_context(lang="zh_CN")._read_format(["result_message"])[0]["result_message"]
        self.assertEqual(
            chinese, f"深圳市华信科技有限公司 已报备给您，保护期至 {day.year}年{day.month:02d}月{day.day:02d}日。"
        )

    def test_owner_name_shown_when_the_company_allows(self):
        self.company.pool_show_owner_to_registrant = True
        registration, _result = self.register(self.user_a, name="Other name", vat="91350100M000100Y43")
        self.assertEqual(registration.state, "duplicate")
        self.assertIn("Bob Pool", registration.result_message)

    def test_pooled_customer_is_offered_to_claim(self):
        pooled = self.customers[3]
        registration, result = self.register(self.user_a, name="Somebody Else Ltd", phone="13800138003")
        self.assertEqual(registration.state, "duplicate")
        self.assertEqual(result["params"]["type"], "warning")
        self.assertEqual(registration.sudo().partner_id, pooled)
        self.assertIn("East Pool", registration.result_message)
        registration.with_user(self.user_a).action_claim()
        self.assertEqual(pooled.user_id, self.user_a)
        self.assertEqual(registration.state, "registered")
        self.assertTrue(registration.protected_until)

    def test_near_match_appeal_approved_moves_the_customer(self):
        registration, _result = self.register(self.user_a, name="杭州阿里巴巴网络枝术有限公司")
        self.assertEqual(registration.state, "duplicate")
        self.assertEqual(registration.sudo().match_ids, self.bob_customer)
        self.assertTrue(registration.can_appeal)
        # The form reads the matches with the flag; the registrant may not read Bob's customer.
        registration.invalidate_recordset()
        vals = registration.with_user(self.user_a).web_read({"match_ids": {}, "can_appeal": {}})[0]
        self.assertEqual(vals["match_ids"], [])
        self.assertTrue(vals["can_appeal"], "the Appeal button shows")
        with self.assertRaisesRegex(UserError, "needs a reason"):
            registration.with_user(self.user_a).action_appeal("  ")
        registration.with_user(self.user_a).action_appeal("Different company: 枝术 is a trading firm")
        self.assertEqual(registration.state, "appealed")
        activity = registration.activity_ids
        self.assertEqual(activity.user_id, self.admin)
        self.assertEqual(len(self.logs(self.bob_customer, "appeal")), 1)
        with self.assertRaises(UserError):
            registration.with_user(self.user_b).action_approve()
        # Taking Bob's customer is confirmed with a note: without one, nothing moves.
        confirm = registration.with_user(self.admin).action_approve()
        self.assertEqual(confirm["res_model"], "crm.public.pool.appeal.approve.wizard")
        self.assertEqual((registration.state, self.bob_customer.user_id), ("appealed", self.user_b))
        wizard = (
            self.env[confirm["res_model"]]
            .with_user(self.admin)
            .with_context(**confirm["context"])
            .create({"note": "Bob agreed: 枝术 is his customer's trading arm"})
        )
        self.assertEqual(wizard.move_text, "杭州阿里巴巴网络技术有限公司: taken from Bob Pool, given to Alice Pool")
        toast = wizard.action_confirm()
        self.assertIn("杭州阿里巴巴网络技术有限公司 moved from Bob Pool to Alice Pool.", toast["params"]["message"])
        self.assertEqual(registration.state, "approved")
        self.assertEqual(registration.reviewer_id, self.admin)
        self.assertEqual(self.bob_customer.user_id, self.user_a)
        self.assertEqual(self.bob_customer.pool_previous_user_id, self.user_b)
        transfer = self.logs(self.bob_customer, "transfer")
        self.assertEqual((transfer.from_user_id, transfer.to_user_id), (self.user_b, self.user_a))
        self.assertIn("Bob agreed", transfer.note, "the note says why the customer changed hands")
        self.assertFalse(registration.activity_ids)
        told = self.env["mail.message"].search(
            [
                ("model", "=", "res.partner"),
                ("res_id", "=", self.bob_customer.id),
                ("partner_ids", "in", self.user_b.partner_id.ids),
                ("subject", "ilike", "another salesperson"),
            ]
        )
        self.assertTrue(told, "the previous owner is notified")

    def test_approve_offered_only_to_who_may_decide(self):
        # Alice administers another pool: she reads her own appealed registration, but the
        # disputed customer is in Ada's pool, so Approve is not hers to press.
        self.user_a.groups_id += self.env.ref("crm_public_pool.group_pool_admin")
        self.south_pool.admin_user_ids = self.user_a
        registration, _result = self.register(self.user_a, name="杭州阿里巴巴网络枝术有限公司")
        registration.with_user(self.user_a).action_appeal("different")
        self.assertFalse(registration.with_user(self.user_a).can_review, "no Approve button for Alice")
        with self.assertRaisesRegex(UserError, "Alice Pool is not one"):
            registration.with_user(self.user_a).action_approve(note="mine now")
        self.assertEqual(self.bob_customer.user_id, self.user_b)
        self.assertTrue(registration.with_user(self.admin).can_review, "Ada administers the customer's pool")

    def test_appeal_approval_respects_capacity(self):
        registration, _result = self.register(self.user_a, name="杭州阿里巴巴网络枝术有限公司")
        registration.with_user(self.user_a).action_appeal("different")
        self.customers[:2].with_user(self.user_a).action_pool_claim()
        self.set_limit(self.user_a, owned=2)
        with self.assertRaisesRegex(UserError, "own 2 of 2"):
            registration.with_user(self.admin).action_approve(note="Alice registered it first")

    def test_appeal_rejected(self):
        registration, _result = self.register(self.user_a, name="杭州阿里巴巴网络枝术有限公司")
        registration.with_user(self.user_a).action_appeal("different")
        registration.with_user(self.admin).action_reject("Same company, branch office")
        self.assertEqual(registration.state, "rejected")
        self.assertEqual(registration.review_note, "Same company, branch office")
        self.assertEqual(self.bob_customer.user_id, self.user_b)
        self.assertEqual(
            self.logs(self.bob_customer, "appeal").mapped("note"), ["Same company, branch office", "different"]
        )
        with self.assertRaisesRegex(UserError, "not awaiting review"):
            registration.with_user(self.admin).action_approve()

    def test_exact_match_cannot_be_appealed_when_pooled(self):
        registration, _result = self.register(self.user_a, name="East Customer 5")
        self.assertEqual(registration.state, "duplicate")
        self.assertFalse(registration.can_appeal)
        with self.assertRaisesRegex(UserError, "can be appealed"):
            registration.with_user(self.user_a).action_appeal("mine")

    def test_quick_wizard_looks_up_then_registers(self):
        Wizard = self.env["crm.public.pool.register.wizard"].with_user(self.user_a)
        wizard = Wizard.create({"name": "杭州阿里巴巴网络技术有限公司"})
        self.assertIn("Exact match: Protected customer", wizard.lookup_result)
        action = wizard.action_register()
        self.assertEqual(action["res_model"], "crm.public.pool.registration")
        self.assertEqual(self.Registration.browse(action["res_id"]).state, "duplicate")
        wizard = Wizard.create({"name": "成都天府软件有限公司", "level": "a"})
        self.assertIn("free to register", wizard.lookup_result)
        self.assertEqual(wizard.action_register()["params"]["type"], "success")
        registration = self.Registration.search([("name", "=", "成都天府软件有限公司")])
        self.assertEqual(registration.state, "registered")
        self.assertEqual(registration.sudo().partner_id.pool_level, "a")

    # ------------------------------------------------------------------
    # Limits and validation
    # ------------------------------------------------------------------

    def test_active_registration_cap(self):
        self.company.pool_max_registrations = 1
        self.register(self.user_a, name="成都天府软件有限公司")
        with self.assertRaisesRegex(UserError, "1 of 1 active registrations"):
            self.register(self.user_a, name="西安古城电子有限公司")
        registration, _result = self.register(self.user_b, name="西安古城电子有限公司")
        self.assertEqual(registration.state, "registered")

    def test_owned_customer_cap_applies_to_registration(self):
        self.set_limit(self.user_a, owned=1)
        self.register(self.user_a, name="成都天府软件有限公司")
        with self.assertRaisesRegex(UserError, "own 1 of 1"):
            self.register(self.user_a, name="西安古城电子有限公司")

    def test_required_fields_and_uscc_check_digit(self):
        self.company.write({"pool_register_require_phone": True, "pool_register_require_contact": True})
        with self.assertRaisesRegex(ValidationError, "lacks 2 required fields"):
            self.register(self.user_a, name="成都天府软件有限公司")
        with self.assertRaisesRegex(ValidationError, "check digit"):
            self.Registration.with_user(self.user_a).create({"name": "X", "vat": "91350100M000100Y44"})

    def test_results_are_written_by_the_actions_only(self):
        registration, _result = self.register(self.user_a, name="成都天府软件有限公司")
        with self.assertRaises(AccessError):
            registration.with_user(self.user_a).write({"state": "approved"})
        with self.assertRaises(AccessError):
            self.Registration.with_user(self.user_a).create({"name": "Y", "user_id": self.user_b.id})

    # ------------------------------------------------------------------
    # Expiry
    # ------------------------------------------------------------------

    def test_expired_protection_returns_the_customer_to_its_pool(self):
        idle, _result = self.register(self.user_a, name="成都天府软件有限公司")
        followed, _result = self.register(self.user_a, name="西安古城电子有限公司")
        past = fields.Datetime.now() - timedelta(days=40)
        (idle | followed).sudo().write({"registered_date": past, "protected_until": past + timedelta(days=30)})
        followed.sudo().partner_id.with_user(self.user_a).message_post(body="Called the buyer", message_type="comment")
        self.env["crm.public.pool.registration"]._cron_expire()
        self.assertEqual((idle.state, followed.state), ("expired", "expired"))
        idle_partner = idle.sudo().partner_id
        self.assertEqual((idle_partner.pool_state, idle_partner.user_id.id), ("pool", False))
        recycle = self.logs(idle_partner, "recycle")
        self.assertEqual(recycle.note, "registration protection expired")
        self.assertEqual(recycle.from_user_id, self.user_a)
        self.assertEqual(followed.sudo().partner_id.user_id, self.user_a, "a followed-up customer stays")

    def test_expiry_works_in_batches(self):
        registrations = self.Registration
        for name in ("成都天府软件有限公司", "西安古城电子有限公司", "南京金陵化工有限公司"):
            registrations |= self.register(self.user_a, name=name)[0]
        past = fields.Datetime.now() - timedelta(days=40)
        registrations.sudo().write({"registered_date": past, "protected_until": past})
        self.assertEqual(self.Registration._cron_expire(batch_size=2), 2)
        self.assertEqual(registrations.mapped("state").count("expired"), 2)
        self.assertEqual(self.Registration._cron_expire(batch_size=2), 1)
        self.assertEqual(set(registrations.mapped("state")), {"expired"})

    # ------------------------------------------------------------------
    # Lookup: each group learns what it may
    # ------------------------------------------------------------------

    def lookup(self, user, **probe):
        return self.env["res.partner"].with_user(user).pool_lookup(**probe)

    def test_lookup_as_salesperson_hides_colleague(self):
        [found] = self.lookup(self.user_a, phone="+86 571 8502 2088")
        self.assertEqual(found["partner_id"], self.bob_customer.id)
        self.assertEqual(found["match"], "exact")
        self.assertEqual(found["pool_state"], "private")
        self.assertEqual(found["pool_id"], self.pool.id)
        self.assertFalse(found["owner"])
        self.assertNotIn("阿里巴巴", found["display_name"])
        self.company.pool_show_owner_to_registrant = True
        self.assertEqual(self.lookup(self.user_a, phone="0571 85022088")[0]["owner"], "Bob Pool")

    def test_lookup_as_owner_admin_and_manager(self):
        for user in (self.user_b, self.admin, self.manager):
            [found] = self.lookup(user, vat="91350100M000100Y43")
            self.assertEqual(found["owner"], "Bob Pool", user.name)
            self.assertIn("阿里巴巴", found["display_name"], user.name)

    def test_lookup_of_a_pool_i_am_not_member_of(self):
        [found] = self.lookup(self.user_c, email="EAST4@acme4.cn")
        self.assertEqual(found["pool_state"], "pool")
        self.assertEqual(found["display_name"], "Customer in pool East Pool")
        self.assertFalse(found["owner"])
        [mine] = self.lookup(self.user_a, email="east4@acme4.cn")
        self.assertEqual(mine["display_name"], "East Customer 4")

    def test_lookup_ignores_public_mail_domains_and_unmanaged_partners(self):
        self.env["res.partner"].create({"name": "Vendor", "email": "sales@vendor-x.cn", "is_company": True})
        self.assertFalse(self.lookup(self.user_a, email="boss@vendor-x.cn"))
        self.env["res.partner"].create(
            {"name": "Zhang", "is_company": True, "pool_id": self.pool.id, "email": "zhang@corpmail.cn"}
        )
        self.assertTrue(self.lookup(self.user_a, email="li@corpmail.cn"), "same company domain")
        self.company.pool_public_mail_domains = "corpmail.cn, other.cn"
        self.assertFalse(self.lookup(self.user_a, email="li@corpmail.cn"))

    # ------------------------------------------------------------------
    # Database path: pg_trgm and its fallback
    # ------------------------------------------------------------------

    def test_lc_ctype_decides_the_trigram_path(self):
        self.assertEqual(pg_trgm_mode("C", True), "scan")
        self.assertEqual(pg_trgm_mode("POSIX", True), "scan")
        self.assertEqual(pg_trgm_mode("C.UTF-8", True), "trgm")
        self.assertEqual(pg_trgm_mode("zh_CN.utf8", True), "trgm")
        self.assertEqual(pg_trgm_mode("en_US.UTF-8", False), "scan")
        self.env.cr.execute("SELECT datctype FROM pg_database WHERE datname = current_database()")
        expected = pg_trgm_mode(self.env.cr.fetchone()[0], True)
        self.assertEqual(self.env["res.partner"]._pool_trgm_mode(), expected)

    def test_trigram_floor_keeps_one_changed_character(self):
        # 7 characters, one changed: 5 of 8 trigrams shared, similarity 5 / 11 = 0.4545...
        self.assertLessEqual(trigram_floor(7, 0.8), 5 / 11)
        self.assertGreater(trigram_floor(7, 0.8), 0.4)
        self.assertLess(trigram_floor(10, 0.8), trigram_floor(9, 0.8), "two edits allowed from 10 characters")
        self.assertEqual(trigram_floor(12, 0.5), 0.05)

    def test_near_and_exact_matches_through_both_database_paths(self):
        Partner = self.env["res.partner"]
        modes = ["scan"]
        if Partner._pool_trgm_mode() == "trgm":
            modes.append("trgm")
            self.env.cr.execute("SELECT similarity('杭州阿里巴巴网络技术', '杭州阿里巴巴网络枝术')")
            self.assertGreater(self.env.cr.fetchone()[0], 0.3, "pg_trgm sees Chinese characters")
        for mode in modes:
            near = Partner._pool_find_duplicates({"name": "杭州阿里巴巴网络枝术有限公司"}, self.company, mode=mode)
            self.assertEqual([(p, v) for p, v, _r in near], [(self.bob_customer, "near")], mode)
            exact = Partner._pool_find_duplicates({"name": "杭州阿里巴巴網絡技術股份有限公司"}, self.company, mode=mode)
            self.assertEqual([(p, v) for p, v, _r in exact], [(self.bob_customer, "exact")], mode)
            self.assertFalse(Partner._pool_find_duplicates({"name": "上海浦东发展银行"}, self.company, mode=mode), mode)
