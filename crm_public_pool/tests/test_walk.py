"""Every screen as each role lives it: salesperson, pool administrator and manager, in English and
in 简体中文, open every action of the addon in headless Chromium (see the walk tour)."""

import json
import re
from pathlib import Path

from odoo import fields
from odoo.tests import HttpCase, tagged
from odoo.tests.common import new_test_user
from odoo.tools.translate import PoFileReader

I18N = Path(__file__).resolve().parent.parent / "i18n"
# The logins the walk uses, each with one role: the first two are created here, so that the walk
# needs no demo data; the administrator exists in every database.
ROLES = {"salesperson": "walk_salesperson", "pool administrator": "walk_pooladmin", "manager": "admin"}
# The models whose lists and cards get their buttons pressed on their first row and card.
PRESSED_MODELS = {
    "res.partner",
    "res.users",
    "crm.public.pool",
    "crm.public.pool.registration",
    "crm.public.pool.claim.request",
}
# Customers in each state a screen shows differently: every button of each is pressed.
CUSTOMER_STATES = {
    "claimable": [("pool_state", "=", "pool"), ("pool_claimable", "=", True)],
    "pooled, not claimable now": [("pool_state", "=", "pool"), ("pool_claimable", "=", False)],
    "embargoed": [("pool_state", "=", "pool"), ("pool_embargo_until", ">", "NOW")],
    "unplaced": [("pool_state", "=", "pool"), ("pool_unplaced_reason", "!=", False)],
    "mine": [("pool_state", "=", "private"), ("user_id", "=", "UID")],
    "mine, locked": [("pool_state", "=", "private"), ("user_id", "=", "UID"), ("pool_locked", "=", True)],
    "to accept": [("pool_accept_deadline", "!=", False)],
    "a colleague's": [("pool_state", "=", "private"), ("user_id", "!=", "UID")],
}
# Placeholders of the addon's messages, for finding its English sentences in stored texts.
PLACEHOLDER = re.compile(r"%(?:\([a-z_]+\))?[sd]")


@tagged("post_install", "-at_install")
class TestWalkEveryScreen(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        # Every installed module's terms: the screens show Odoo's own labels (Phone, Salesperson) too,
        # which a database created without demo data has not loaded for a language added later.
        installed = cls.env["ir.module.module"].search([("state", "=", "installed")]).mapped("name")
        cls.env["ir.module.module"]._load_module_terms(installed, ["zh_CN"], overwrite=True)
        salesman = "sales_team.group_sale_salesman"
        seller = new_test_user(cls.env, login="walk_salesperson", name="Walk Salesperson", groups=salesman)
        pool_admin = new_test_user(
            cls.env,
            login="walk_pooladmin",
            name="Walk Pool Admin",
            groups=f"{salesman},crm_public_pool.group_pool_admin",
        )
        pool = cls.env["crm.public.pool"].create(
            {
                "name": "Walk Pool",
                "member_user_ids": [(6, 0, (seller | pool_admin).ids)],
                "admin_user_ids": [(6, 0, pool_admin.ids)],
            }
        )
        customers = cls.env["res.partner"].create(
            [
                {
                    "name": f"Walk Customer {i}",
                    "is_company": True,
                    "pool_id": pool.id,
                    "phone": f"+86 138 0013 81{i:02d}",
                }
                for i in range(3)
            ]
        )
        # A rule, so that the salesperson's card counts the days left (the walk reads the count).
        cls.env["crm.public.pool.rule"].create({"pool_id": pool.id, "name": "Walk Rule", "days": 30})
        customers[0].with_user(seller).action_pool_claim()

    def _actions(self, user):
        """The addon's window actions the user may open (their groups and their model)."""
        data = self.env["ir.model.data"].search(
            [("module", "=", "crm_public_pool"), ("model", "=", "ir.actions.act_window")], order="id"
        )
        actions = []
        for xmlid in data:
            action = self.env["ir.actions.act_window"].browse(xmlid.res_id)
            if action.groups_id and not (action.groups_id & user.groups_id):
                continue
            if not self.env[action.res_model].with_user(user).has_access("read"):
                continue
            actions.append({"xmlid": f"crm_public_pool.{xmlid.name}", "name": action.name, "model": action.res_model})
        return actions

    def _english_terms(self):
        """Interface strings of the addon whose Chinese differs: seeing one means it was not translated."""
        with open(I18N / "zh_CN.po", "rb") as po:
            entries = list(PoFileReader(po))
        return sorted(
            {
                entry["src"].strip()
                for entry in entries
                if entry["value"]
                and entry["value"] != entry["src"]
                and re.search("[A-Za-z]{2}", entry["src"])
                and "%" not in entry["src"]
                and "\n" not in entry["src"].strip()
                and len(entry["src"]) <= 80
            }
        )

    def _records(self, user):
        """Records in each of their states the user can open, for the walk to press every button of."""
        records = []
        Partner = self.env["res.partner"].with_user(user).with_context(pool_manage=True)
        commercial = ["|", ("is_company", "=", True), ("parent_id", "=", False)]
        seen = set()
        for label, domain in CUSTOMER_STATES.items():
            domain = [
                (name, op, user.id if value == "UID" else fields.Datetime.now() if value == "NOW" else value)
                for name, op, value in domain
            ]
            found = Partner.search(domain + commercial + [("id", "not in", list(seen))], limit=1)
            if found:
                seen.add(found.id)
                records.append(
                    {"model": "res.partner", "id": found.id, "label": label, "context": {"pool_manage": True}}
                )
        for model, state_field in (
            ("crm.public.pool", None),
            ("crm.public.pool.registration", "state"),
            ("crm.public.pool.claim.request", "state"),
        ):
            Model = self.env[model].with_user(user)
            if not Model.has_access("read"):
                continue
            if state_field is None:
                found = Model.search([], limit=2)
                records += [{"model": model, "id": r.id, "label": r.display_name} for r in found]
                continue
            for state in dict(Model._fields[state_field]._description_selection(self.env)):
                found = Model.search([(state_field, "=", state)], limit=1)
                if found:
                    records.append({"model": model, "id": found.id, "label": state})
        return records

    def _english_patterns(self):
        """Regular expressions of the addon's English sentences with values (chatter lines, notes)."""
        with open(I18N / "zh_CN.po", "rb") as po:
            entries = list(PoFileReader(po))
        patterns = set()
        for entry in entries:
            source = entry["src"].strip()
            if not entry["value"] or entry["value"] == source or not PLACEHOLDER.search(source):
                continue
            parts = PLACEHOLDER.split(source)
            # Only sentences whose own words are enough to tell them from a customer's name.
            if sum(len(re.findall("[A-Za-z]{3,}", part)) for part in parts) < 3 or "\n" in source:
                continue
            pieces = []
            for index, part in enumerate(parts):
                if index:
                    pieces.append(".{1,80}?")
                pieces.append(re.escape(part))
            patterns.add("".join(pieces))
        return sorted(patterns)

    def _walk(self, role, lang):
        login = ROLES[role]
        user = self.env["res.users"].search([("login", "=", login)])
        self.assertTrue(user, f"no {role} ({login})")
        user.lang = lang
        actions = self._actions(user)
        self.assertGreater(len(actions), 5, f"{role} sees the addon's screens")
        for action in actions:
            action["press"] = action.pop("model") in PRESSED_MODELS
        records = self._records(user)
        terms = self._english_terms() if lang != "en_US" else []
        patterns = self._english_patterns() if lang != "en_US" else []
        code = (
            f"sessionStorage.setItem('poolWalkActions', {json.dumps(json.dumps(actions))});"
            f"sessionStorage.setItem('poolWalkRecords', {json.dumps(json.dumps(records))});"
            f"sessionStorage.setItem('poolWalkTerms', {json.dumps(json.dumps(terms))});"
            f"sessionStorage.setItem('poolWalkPatterns', {json.dumps(json.dumps(patterns))});"
            "odoo.startTour('crm_public_pool_walk_tour', {stepDelay: 0, keepWatchBrowser: false, debug: false,"
            " startUrl: '/odoo'})"
        )
        self.start_tour("/odoo", "crm_public_pool_walk_tour", login=login, code=code, timeout=1800)

    def test_salesperson_en(self):
        self._walk("salesperson", "en_US")

    def test_salesperson_zh_cn(self):
        self._walk("salesperson", "zh_CN")

    def test_pool_admin_en(self):
        self._walk("pool administrator", "en_US")

    def test_pool_admin_zh_cn(self):
        self._walk("pool administrator", "zh_CN")

    def test_manager_en(self):
        self._walk("manager", "en_US")

    def test_manager_zh_cn(self):
        self._walk("manager", "zh_CN")
