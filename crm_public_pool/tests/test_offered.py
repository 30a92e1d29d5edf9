"""Every action a screen offers can succeed for this user and this record (issue 21).

The buttons' visibility and the methods' checks come from the same rules: each test sets a
customer in one state, reads the flag the view tests, then presses the action and expects it
to succeed exactly when the flag said so.
"""

import contextlib
import importlib.util
import json
from pathlib import Path

import psycopg2
from lxml import etree

from odoo import fields, http
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import LazyTranslate, mute_logger
from odoo.tools.safe_eval import safe_eval

from ..logic import distribution
from ..models import pool_text
from ..models.engine_token import engine_statements
from .common import PoolCase
from .test_recycle import RecycleCase

_lt = LazyTranslate(__name__)


@tagged("post_install", "-at_install")
class TestActionsOffered(PoolCase):
    def pressed(self, partner, user, method, *args):
        """Whether ``method`` succeeds for ``user`` on ``partner`` (undone either way)."""
        try:
            with self.env.cr.savepoint() as savepoint:
                getattr(partner.with_user(user), method)(*args)
                savepoint.rollback()
            return True
        except (UserError, AccessError):
            return False

    def offered(self, partner, user, fname):
        partner.invalidate_recordset()
        return partner.with_user(user)[fname]

    def test_claim_and_release_offered_where_they_succeed(self):
        pooled, own, colleague, embargoed = self.customers[:4]
        own.with_user(self.user_a).action_pool_claim()
        colleague.with_user(self.user_b).action_pool_claim()
        embargoed.with_user(self.user_b).action_pool_claim()
        embargoed.with_user(self.user_b).pool_release("competitor")
        self.assertTrue(embargoed.pool_embargo_until)
        for partner in (pooled, own, colleague, embargoed):
            for user in (self.user_a, self.admin):
                if not partner.with_user(user)._filtered_access("read"):
                    # Not on the user's screens, so offered nowhere: and nothing succeeds on it.
                    self.assertFalse(self.pressed(partner, user, "action_pool_claim"))
                    self.assertFalse(self.pressed(partner, user, "pool_release", "no_need"))
                    continue
                with self.subTest(partner=partner.name, user=user.name):
                    self.assertEqual(
                        self.offered(partner, user, "pool_claimable"),
                        self.pressed(partner, user, "action_pool_claim"),
                        "Claim shows exactly where it succeeds",
                    )
                    self.assertEqual(
                        self.offered(partner, user, "pool_can_release"),
                        self.pressed(partner, user, "pool_release", "no_need"),
                        "Release shows exactly where it succeeds",
                    )
        # The cases of the issue: one's own customer, an embargoed one, a pooled row.
        self.assertFalse(self.offered(own, self.user_a, "pool_claimable"))
        self.assertFalse(self.offered(embargoed, self.user_a, "pool_claimable"))
        self.assertIn("may not be claimed before", self.offered(embargoed, self.user_a, "pool_claim_blocker"))
        self.assertFalse(self.offered(pooled, self.user_a, "pool_can_release"))
        self.assertTrue(self.offered(own, self.user_a, "pool_can_release"))
        self.assertTrue(self.offered(colleague, self.admin, "pool_can_release"), "the pool administrator may")

    def test_the_reason_shows_in_a_pool_that_masks_fields(self):
        # The form reads the reason beside the masked contact fields: masking must not blank it.
        phone = self.env.ref("base.field_res_partner__phone")
        self.pool.write({"masked_field_ids": [(6, 0, phone.ids)]})
        embargoed = self.customers[3]
        embargoed.with_user(self.user_b).action_pool_claim()
        embargoed.with_user(self.user_b).pool_release("competitor")
        embargoed.invalidate_recordset()
        values = embargoed.with_user(self.user_a).read(["phone", "pool_claimable", "pool_claim_blocker"])[0]
        self.assertFalse(values["pool_claimable"])
        self.assertIn("may not be claimed before", values["pool_claim_blocker"])
        self.assertNotEqual(values["phone"], embargoed.phone, "the phone stays masked")

    def test_views_test_the_same_flags(self):
        Partner = self.env["res.partner"].with_user(self.user_a).with_context(pool_manage=True)
        form = etree.fromstring(Partner.get_views([(False, "form")])["views"]["form"]["arch"])
        claim = form.xpath("//header/button[@name='action_pool_claim']")[0]
        release = form.xpath("//header/button[@name='action_pool_release_wizard']")[0]
        self.assertEqual(claim.get("invisible"), "not pool_claimable")
        self.assertEqual(release.get("invisible"), "not pool_can_release")
        list_view = self.env.ref("crm_public_pool.res_partner_view_list_pool")
        arch = etree.fromstring(Partner.get_views([(list_view.id, "list")])["views"]["list"]["arch"])
        self.assertEqual(
            arch.xpath("//header/button[@name='action_pool_claim']")[0].get("invisible"), "not pool_claimable"
        )
        self.assertEqual(
            arch.xpath("//header/button[@name='action_pool_release_wizard']")[0].get("invisible"),
            "not pool_can_release",
        )

    def test_new_on_pool_customers_with_the_form_values(self):
        """The form sends every field it shows, some of which Odoo writes after the insert."""
        Partner = (
            self.env["res.partner"]
            .with_user(self.user_a)
            .with_context(pool_manage=True, default_is_company=True, default_pool_id=self.pool.id)
        )
        views = Partner.get_views([(False, "form")])
        fields_info = views["models"]["res.partner"]["fields"]
        names = {node.get("name") for node in etree.fromstring(views["views"]["form"]["arch"]).iter("field")}
        spec = {
            name: {}
            for name in names
            if name in fields_info and fields_info[name]["type"] not in ("one2many", "many2many")
        }
        values = Partner.onchange({}, [], spec)["value"]
        vals = {
            name: value["id"] if isinstance(value, dict) else value
            for name, value in values.items()
            if not fields_info[name].get("readonly")
        }
        inverse = [
            name for name in vals if (field := Partner._fields[name]).inverse and not field.store and not field.related
        ]
        self.assertIn("company_type", inverse, "the form sends fields Odoo writes after the insert")
        vals["name"] = "Pool New Co"
        saved = Partner.web_save(vals, {"name": {}, "pool_state": {}, "user_id": {}})[0]
        self.assertEqual((saved["name"], saved["pool_state"], saved["user_id"]), ("Pool New Co", "pool", False))

    def test_vcard_offered_only_on_writable_customers(self):
        vcard = self.env.ref("web.download_contact")
        Partner = self.env["res.partner"].with_user(self.user_a).with_context(pool_manage=True)
        toolbar = Partner.get_views([(False, "form")], {"toolbar": True})["views"]["form"]["toolbar"]
        action = next(action for action in toolbar["action"] if action["id"] == vcard.id)
        self.assertTrue(action["pool_needs_write"], "the screens hide it where pool_may_write is false")
        pooled, own = self.customers[:2]
        own.with_user(self.user_a).action_pool_claim()
        # The server action itself refuses customers the user may not write: the flag says so first.
        for partner, expected in ((pooled, False), (own, True)):
            self.assertEqual(self.offered(partner, self.user_a, "pool_may_write"), expected)
            ran = True
            try:
                with contextlib.ExitStack() as stack:
                    if not expected:  # Odoo logs the refused run as a WARNING
                        stack.enter_context(self.assertLogs("odoo.addons.base.models.ir_actions", "WARNING"))
                    vcard.with_user(self.user_a).with_context(
                        active_model="res.partner", active_id=partner.id, active_ids=partner.ids
                    ).run()
            except AccessError:
                ran = False
            self.assertEqual(ran, expected)

    def test_pause_intake_from_the_pool(self):
        Wizard = (
            self.env["crm.public.pool.pause.wizard"].with_user(self.admin).with_context(default_pool_id=self.pool.id)
        )
        values = Wizard.onchange({}, [], {"user_ids": {}, "is_admin": {}, "pool_id": {}, "member_ids": {}})["value"]
        self.assertTrue(values["is_admin"], "the Salespeople field is editable for the pool's administrator")
        self.assertNotIn(self.admin.id, [command[1] for command in values.get("user_ids", [])])
        members = {command[1] for command in values["member_ids"]}
        self.assertTrue({self.user_a.id, self.user_b.id} <= members)
        self.assertNotIn(self.user_c.id, members, "the picker offers the pool's members")
        wizard = Wizard.create({"user_ids": [(6, 0, self.user_b.ids)]})
        wizard.action_pause()
        self.assertTrue(self.user_b.pool_paused)
        # From the menu, a salesperson pauses themselves.
        own = self.env["crm.public.pool.pause.wizard"].with_user(self.user_a).create({})
        self.assertEqual(own.user_ids, self.user_a)
        self.assertFalse(own.is_admin)

    def test_pool_admin_reaches_their_pools(self):
        action = self.env.ref("crm_public_pool.action_pool_my_pools")
        menu = self.env.ref("crm_public_pool.menu_pool_my_pools")
        self.assertTrue(menu._filter_visible_menus(), "the menu is under Customer Pool")
        Pool = self.env["crm.public.pool"].with_user(self.admin)
        domain = [("admin_user_ids", "in", [self.admin.id])]
        self.assertIn(self.pool, Pool.search(domain))
        mine = Pool.search(safe_eval(action.domain, {"uid": self.admin.id}))
        self.assertIn(self.pool, mine)
        self.assertNotIn(self.south_pool, mine)
        self.assertTrue(self.pool.with_user(self.admin).is_admin)
        self.assertFalse(self.south_pool.with_user(self.admin).is_admin)
        self.assertFalse(self.pool.with_user(self.user_a).is_admin, "a member sees no administration buttons")

    def test_pool_form_opens_for_its_administrator(self):
        phone = self.env["ir.model.fields"]._get("res.partner", "phone")
        self.pool.masked_field_ids = phone
        Pool = self.env["crm.public.pool"].with_user(self.admin)
        views = Pool.get_views([(False, "form")])
        arch = etree.fromstring(views["views"]["form"]["arch"])
        spec = {node.get("name"): {} for node in arch.iter("field") if node.getparent().tag != "list"}
        spec = {name: {} for name in spec if name in views["models"]["crm.public.pool"]["fields"]}
        self.assertNotIn("masked_field_ids", spec, "field definitions are for settings administrators")
        values = Pool.browse(self.pool.id).web_read(spec)[0]
        self.assertEqual(values["masked_field_names"], phone.field_description)

    def test_pool_admin_sees_who_reached_the_view_limit_in_their_pools(self):
        self.pool.daily_view_limit = 1
        self.south_pool.daily_view_limit = 1
        self.customers[0].with_user(self.user_a).web_read({"phone": {}})
        self.south_customer.with_user(self.user_c).web_read({"phone": {}})
        Day = self.env["crm.public.pool.view.day"]
        self.assertEqual(Day.with_user(self.admin).search([]).pool_id, self.pool, "their pools only")
        self.assertEqual(Day.with_user(self.user_a).search([]).user_id, self.user_a)
        pool = self.pool.with_user(self.user_a)
        pool.invalidate_recordset()
        self.assertEqual(pool.my_view_limit_text, "You opened 1 of 1 customers today")

    def test_returns_in_the_readers_words(self):
        # The test pool's own rule: the demo data's rules are for the demo pools only.
        self.env["crm.public.pool.rule"].create(
            {"pool_id": self.pool.id, "name": "Silence", "rule_type": "no_followup", "days": 30, "warn_days": 0}
        )
        customer = self.customers[0]
        customer.with_user(self.user_a).action_pool_claim()
        self.env["res.lang"]._activate_lang("zh_CN")
        today = fields.Date.context_today(customer)
        self.assertTrue(customer.pool_recycle_date, "the rule gives the claimed customer a return date")
        days = customer.pool_recycle_days
        self.assertIn(days, (29, 30))
        english = customer.with_context(lang="en_US").pool_recycle_when
        chinese = customer.with_context(lang="zh_CN").pool_recycle_when
        self.assertEqual(english, f"in {days} days", today)
        self.assertEqual(chinese, f"{days}天后")

    def test_empty_recycle_preview_says_so(self):
        action = self.pool.with_user(self.admin).action_recycle_preview()
        self.assertIn("Nothing to recycle today", action["help"])


@tagged("post_install", "-at_install")
class TestRefusedExportIsNotAnError(HttpCase):
    def test_refused_export_logs_no_error(self):
        user = new_test_user(
            self.env,
            login="pool_export",
            password="pool_export",
            groups="sales_team.group_sale_salesman,base.group_allow_export",
        )
        pool = self.env["crm.public.pool"].create(
            {"name": "Closed Pool", "member_user_ids": [(6, 0, user.ids)], "export_allowed": False}
        )
        customer = self.env["res.partner"].create({"name": "Closed Customer", "is_company": True, "pool_id": pool.id})
        self.authenticate("pool_export", "pool_export")
        data = {
            "model": "res.partner",
            "fields": [{"name": "name", "label": "Name"}],
            "ids": customer.ids,
            "domain": [],
            "import_compat": False,
        }
        # The refusal is the user's answer, not a fault: no ERROR with a traceback, no WARNING.
        with (
            self.assertNoLogs("odoo.addons.web.controllers.export", "WARNING"),
            self.assertNoLogs("odoo.addons.crm_public_pool.controllers.export", "WARNING"),
            self.assertNoLogs("odoo.http", "WARNING"),
        ):
            response = self.url_open(
                "/web/export/csv", data={"data": json.dumps(data), "csrf_token": http.Request.csrf_token(self)}
            )
        self.assertEqual(response.status_code, 500)
        self.assertIn("does not allow its members to export", response.text)


@tagged("post_install", "-at_install")
class TestExplained(PoolCase):
    def test_paused_members_are_said_paused(self):
        self.user_b.with_user(self.user_b).pool_pause()
        wizard = (
            self.env["crm.public.pool.assign.wizard"]
            .with_user(self.admin)
            .create(
                {"pool_id": self.pool.id, "partner_ids": [(6, 0, self.customers[:1].ids)], "strategy": "round_robin"}
            )
        )
        wizard.action_preview()
        notes = {line.user_id: line.note for line in wizard.member_ids}
        self.assertEqual(notes[self.user_b], "Bob Pool has paused their intake")
        picker = self.user_b.with_user(self.admin).with_context(pool_show_load=True)
        self.assertIn("paused", picker.display_name, "the picker shows who is paused")
        self.assertNotIn("paused", self.user_a.with_user(self.admin).with_context(pool_show_load=True).display_name)


@tagged("post_install", "-at_install")
class TestWarningWords(RecycleCase):
    def warned(self, rule_type):
        self.rule(rule_type=rule_type, warn_days=3)
        customer = self.customers[0]
        self.backdate(customer, 28)
        self.run_cron()
        warn_type = self.env.ref("crm_public_pool.mail_activity_type_pool_recycle")
        return self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", customer.id), ("activity_type_id", "=", warn_type.id)]
        )

    def note(self, activity, lang):
        return activity.with_context(lang=lang)._read_format(["note"])[0]["note"]

    def test_a_follow_up_keeps_it_from_a_no_follow_up_rule(self):
        activity = self.warned("no_followup")
        self.assertFalse(activity.summary, "the To-Do reads as its type, in each reader's language")
        self.assertIn("unless followed up", self.note(activity, "en_US"))

    def test_rule_notes_read_in_the_readers_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["crm_public_pool"], ["zh_CN"], overwrite=True)
        self.warned("no_followup")
        log = self.logs(self.customers[0], "warn")
        self.assertEqual(log.note, "Rule: no follow-up for 28 days, limit 30", "stored as the cron wrote it")
        self.assertEqual(
            log.with_context(lang="zh_CN")._read_format(["note"])[0]["note"], "Rule: 28 天未跟进，上限 30 天"
        )
        self.backdate(self.customers[0], 31)
        self.run_cron()
        recycled = self.logs(self.customers[0], "recycle")
        self.assertEqual(
            recycled.with_context(lang="zh_CN")._read_format(["note"])[0]["note"], "Rule: 31 天未跟进，上限 30 天"
        )

    def test_no_follow_up_promise_for_rules_it_cannot_stop(self):
        note = self.note(self.warned("not_won"), "en_US")
        self.assertTrue(note.startswith("<p>Returns to the pool on"))
        self.assertNotIn("followed up", note)

    def test_warning_todo_read_in_the_readers_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["crm_public_pool"], ["zh_CN"], overwrite=True)
        activity = self.warned("no_opportunity")
        self.assertIn("Returns to the pool on", activity.note, "stored as its owner (English) reads it")
        chinese = self.note(activity, "zh_CN")
        self.assertIn("将于", chinese)
        self.assertIn("Rule：", chinese, "the rule's name, then why, punctuated as Chinese is")
        self.assertIn("天无新商机", chinese)
        self.assertNotRegex(chinese, "Returns|opportunity|limit", "no English sentence for a Chinese reader")
        day = activity.date_deadline
        self.assertIn(f"{day.year}年{day.month:02d}月{day.day:02d}日", chinese, "the day as the reader writes it")
        self.assertNotRegex(chinese, r"\d:\d\d", "a day, without the time")


@tagged("post_install", "-at_install")
class TestStoredTextsForTheReader(PoolCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(["crm_public_pool"], ["zh_CN"], overwrite=True)

    def body(self, partner, lang):
        message = self.env["mail.message"].search(
            [("model", "=", "res.partner"), ("res_id", "=", partner.id)], order="id desc", limit=1
        )
        return message.with_context(lang=lang)._read_format(["body"])[0]["body"]

    def test_chatter_line_read_in_the_readers_language(self):
        customer = self.customers[0]
        customer.with_user(self.user_a.with_context(lang="en_US")).action_pool_claim()
        self.assertIn("Claimed by Alice Pool", self.body(customer, "en_US"))
        self.assertIn("由 Alice Pool 领取", self.body(customer, "zh_CN"))
        customer.with_user(self.user_a).pool_release("no_need", note="Budget frozen")
        chinese = self.body(customer, "zh_CN")
        self.assertIn("由 Alice Pool 释放到公海池 East Pool", chinese)
        self.assertIn("Budget frozen", chinese, "the person's own note is shown as written")

    def test_joined_texts_are_punctuated_as_the_reader_writes(self):
        """Chinese joins clauses with full-width marks and no space: "，" "；" "：", never ", "."""
        joined = pool_text.to_payload(pool_text.Joined([_lt("registration protection expired"), _lt("deleted")]))
        self.assertEqual(pool_text.render(joined, "en_US", self.env), "registration protection expired, deleted")
        chinese = pool_text.render(joined, "zh_CN", self.env)
        self.assertNotIn(", ", chinese)
        self.assertEqual(chinese.count("，"), 1, chinese)
        # The refusal naming every absent person, as a Chinese reader gets it.
        (self.user_a | self.user_b).write({"pool_paused": True})
        with self.assertRaises(UserError) as caught:
            (self.user_a | self.user_b).with_context(lang="zh_CN")._pool_check_available()
        self.assertNotIn("; ", str(caught.exception))
        self.assertIn("；", str(caught.exception))
        with self.assertRaisesRegex(UserError, "Alice Pool has paused their intake; Bob Pool has paused their intake"):
            (self.user_a | self.user_b).with_context(lang="en_US")._pool_check_available()

    def test_audit_note_read_in_the_readers_language(self):
        customer = self.customers[1]
        customer.with_user(self.user_a).action_pool_claim()
        customer.sudo()._pool_apply(
            "departure",
            {"pool_state": "pool", "pool_enter_date": fields.Datetime.now(), "pool_locked": False},
            note=_lt("registration protection expired"),
        )
        log = self.logs(customer, "departure")
        self.assertEqual(
            log.with_context(lang="en_US")._read_format(["note"])[0]["note"], "registration protection expired"
        )
        self.assertEqual(log.with_context(lang="zh_CN")._read_format(["note"])[0]["note"], "报备保护已到期")

    def test_a_client_cannot_write_the_pools_words(self):
        customer = self.customers[2]
        customer.with_user(self.user_a).action_pool_claim()
        message = (
            self.env["mail.message"]
            .with_user(self.user_a)
            .create(
                {
                    "model": "res.partner",
                    "res_id": customer.id,
                    "body": "hello",
                    "message_type": "comment",
                    "pool_message": {"module": "crm_public_pool", "source": "Claimed by %s", "args": ["Mallory"]},
                }
            )
        )
        self.assertFalse(message.sudo().pool_message)
        self.assertIn("hello", message._read_format(["body"])[0]["body"])

    def test_unplaced_reason_read_in_the_readers_language(self):
        customer = self.customers[3]
        english = "every eligible member is at their customer limit"
        Engine = self.env["crm.public.pool.distribution"].with_context(lang="zh_CN")
        # Written by someone reading Chinese, read by each reader in their own language.
        Engine.env["res.partner"]._pool_record_unplaced({customer.id: Engine._unplaced_text(distribution.CAPACITY)})
        self.assertEqual(customer.pool_unplaced_reason, "所有符合条件的成员均已达到客户上限")
        self.assertEqual(
            customer.with_context(lang="en_US")._read_format(["pool_unplaced_reason"])[0]["pool_unplaced_reason"],
            english,
        )
        chinese = customer.with_context(lang="zh_CN")._read_format(["pool_unplaced_reason"])[0]["pool_unplaced_reason"]
        self.assertEqual(chinese, "所有符合条件的成员均已达到客户上限")

    def test_unplaced_reasons_stored_as_text_read_in_the_readers_language_after_the_upgrade(self):
        """Before 18.0.1.4.0 the reason was stored as text in the writer's language only."""
        old, refusal = self.customers[3:5]
        self.env.flush_all()
        with engine_statements(self.env.cr):
            self.env.cr.execute(
                "UPDATE res_partner SET pool_unplaced_reason = %s WHERE id = %s",
                ["所有符合条件的成员均已达到客户上限", old.id],
            )
            self.env.cr.execute(
                "UPDATE res_partner SET pool_unplaced_reason = %s WHERE id = %s",
                ["鲍勃无法再接收 1 个客户", refusal.id],
            )
        self.env.invalidate_all()
        self.assertEqual(_migration("18.0.1.4.0", "post-unplaced-reasons").convert(self.env), 1)

        def reason(partner, lang):
            return partner.with_context(lang=lang)._read_format(["pool_unplaced_reason"])[0]["pool_unplaced_reason"]

        self.assertEqual(reason(old, "en_US"), "every eligible member is at their customer limit")
        self.assertEqual(reason(old, "zh_CN"), "所有符合条件的成员均已达到客户上限")
        self.assertEqual(reason(refusal, "en_US"), "鲍勃无法再接收 1 个客户", "a refusal's text stays as written")
        self.assertEqual(
            _migration("18.0.1.4.0", "post-unplaced-reasons").convert(self.env), 0, "a second run changes nothing"
        )


def _migration(version, name):
    """The upgrade script ``migrations/<version>/<name>.py``, loaded as Odoo's upgrade loads it."""
    path = Path(__file__).resolve().parent.parent / "migrations" / version / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"crm_public_pool_{name.replace('-', '_')}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@tagged("post_install", "-at_install")
class TestUpgradeStoredTexts(RecycleCase):
    """The upgrade to 18.0.1.3.0 makes what earlier versions stored in English read in Chinese."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(["crm_public_pool"], ["zh_CN"], overwrite=True)

    def test_old_english_texts_read_in_chinese_after_the_upgrade(self):
        self.rule(rule_type="no_followup", warn_days=3)
        customer = self.customers[0]
        warning = (
            self.env["mail.activity"]
            .sudo()
            .create(
                {
                    "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                    "res_id": customer.id,
                    "activity_type_id": self.env.ref("crm_public_pool.mail_activity_type_pool_recycle").id,
                    "user_id": self.user_a.id,
                    "date_deadline": "2026-12-09",
                    "summary": "Returns to the pool on 12/09/2026 unless followed up",
                    "note": "<p>Rule: no follow-up for 28 days, limit 30</p>",
                }
            )
        )
        registration = (
            self.env["crm.public.pool.registration"]
            .sudo()
            .create(
                {
                    "name": "Foo Trading Ltd",
                    "level": "c",
                    "user_id": self.user_a.id,
                    "state": "duplicate",
                    "result_message": "Foo Trading Ltd resembles 1 existing customers; appeal to a pool "
                    "administrator if it is a different company.",
                }
            )
        )
        departed = self.customers[1]
        departed.sudo()._pool_apply(
            "departure",
            {"pool_state": "pool", "pool_enter_date": fields.Datetime.now(), "pool_locked": False},
            note="unclaimed for more than 31 days",
        )
        log = self.logs(departed, "departure")
        self.assertEqual(
            log.with_context(lang="zh_CN")._read_format(["note"])[0]["note"], "unclaimed for more than 31 days"
        )

        _migration("18.0.1.3.0", "post-stored-texts").migrate(self.env.cr, "18.0.1.2.0")
        self.env.invalidate_all()

        self.assertFalse(warning.summary, "the To-Do reads as its type")
        note = warning.with_context(lang="zh_CN")._read_format(["note"])[0]["note"]
        self.assertIn("如未跟进，将于 2026年12月09日 退回公海", note)
        self.assertIn("Rule：28 天未跟进，上限 30 天", note)
        result = registration.with_context(lang="zh_CN")._read_format(["result_message"])[0]["result_message"]
        self.assertEqual(result, "Foo Trading Ltd 与一个现有客户相似；如确属不同公司，请向客户池管理员提出申诉。")
        english = registration.with_context(lang="en_US")._read_format(["result_message"])[0]["result_message"]
        self.assertIn("resembles an existing customer;", english, "one customer, in the singular")
        self.assertEqual(log.with_context(lang="zh_CN")._read_format(["note"])[0]["note"], "超过 31 天无人领取")
        with (
            self.assertRaises(psycopg2.errors.InsufficientPrivilege),
            mute_logger("odoo.sql_db"),
            self.env.cr.savepoint(),
        ):
            self.env.cr.execute("UPDATE crm_public_pool_log SET note = 'x' WHERE id = %s", [log.id])
