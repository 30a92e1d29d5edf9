"""Every screen as each role lives it: salesperson, pool administrator and manager, in English and
in 简体中文, open every action of the addon in headless Chromium (see the walk tour)."""

import json
import re
from pathlib import Path

from odoo.tests import HttpCase, tagged
from odoo.tests.common import new_test_user
from odoo.tools.translate import PoFileReader

I18N = Path(__file__).resolve().parent.parent / "i18n"
# The logins the walk uses, each with one role: the first two are created here, so that the walk
# needs no demo data; the administrator exists in every database.
ROLES = {"salesperson": "walk_salesperson", "pool administrator": "walk_pooladmin", "manager": "admin"}


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
            actions.append({"xmlid": f"crm_public_pool.{xmlid.name}", "name": action.name})
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

    def _walk(self, role, lang):
        login = ROLES[role]
        user = self.env["res.users"].search([("login", "=", login)])
        self.assertTrue(user, f"no {role} ({login})")
        user.lang = lang
        actions = self._actions(user)
        self.assertGreater(len(actions), 5, f"{role} sees the addon's screens")
        terms = self._english_terms() if lang != "en_US" else []
        code = (
            f"sessionStorage.setItem('poolWalkActions', {json.dumps(json.dumps(actions))});"
            f"sessionStorage.setItem('poolWalkTerms', {json.dumps(json.dumps(terms))});"
            "odoo.startTour('crm_public_pool_walk_tour', {stepDelay: 0, keepWatchBrowser: false, debug: false,"
            " startUrl: '/odoo'})"
        )
        self.start_tour("/odoo", "crm_public_pool_walk_tour", login=login, code=code, timeout=900)

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
