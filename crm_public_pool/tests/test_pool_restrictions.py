"""What the pools restrict for a user: read once per user in one statement, and never for partners no pool manages.

Odoo's own suites count the queries of reading partners (mail's template rendering names twenty
partners in twelve queries as a plain employee, with every cache cold): with this addon installed
they must count the same, so reading partners outside any pool may not look the pools up at all.
"""

import re
from contextlib import contextmanager

from odoo.tests import new_test_user, tagged

from .common import PoolCase

POOL_TABLE = re.compile(r"\bcrm_public_pool\b")


@tagged("post_install", "-at_install")
class TestPoolRestrictions(PoolCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        phone = cls.env.ref("base.field_res_partner__phone")
        cls.pool.write({"masked_field_ids": [(6, 0, phone.ids)], "daily_view_limit": 5, "export_allowed": False})
        cls.south_pool.write({"daily_view_limit": 3})
        cls.archived_pool = cls.env["crm.public.pool"].create(
            {"name": "Archived Pool", "masked_field_ids": [(6, 0, phone.ids)], "daily_view_limit": 4}
        )
        cls.archived_pool.action_archive()
        other_company = cls.env["res.company"].create({"name": "Other Company"})
        cls.other_pool = cls.env["crm.public.pool"].create(
            {"name": "Other Company Pool", "company_id": other_company.id, "export_allowed": False}
        )
        cls.employee = new_test_user(cls.env, login="pool_employee", name="Plain Employee", groups="base.group_user")
        # Named administrator without the pool administrator group: not an administrator.
        cls.south_pool.write({"admin_user_ids": [(6, 0, cls.user_c.ids)]})
        cls.outsiders = cls.env["res.partner"].create([{"name": f"Outsider {n}"} for n in range(20)])
        cls.env.flush_all()

    @contextmanager
    def queries(self):
        queries = []
        yield from self._patchExecute(queries)

    def test_partners_outside_pools_are_named_without_looking_pools_up(self):
        partners = self.outsiders.with_user(self.employee)
        self.assertTrue(partners.env["crm.public.pool"]._pool_masking(), "the pools mask for the employee")
        # Cold, as in Odoo's suites after a user is created: the restrictions are not cached yet.
        self.env.registry.clear_cache()
        partners.invalidate_recordset(["name", "display_name"])
        with self.queries() as queries:
            names = partners.mapped("display_name")
        self.assertEqual(names, [f"Outsider {n}" for n in range(20)])
        self.assertFalse([query for query in queries if POOL_TABLE.search(query)], "no pool was looked up")

    def test_restrictions_cost_one_statement_when_cold(self):
        Pool = self.env["crm.public.pool"].with_user(self.user_a)
        Pool._pool_masking()
        self.env.registry.clear_cache()
        # The statement, and the user's groups (an ORM cache cleared with it).
        with self.assertQueryCount(2):
            Pool._pool_masking()
            Pool._pool_view_limits()
            Pool._pool_export_forbidden()
        with self.assertQueryCount(0):
            Pool._pool_masking()

    def test_restrictions_are_those_of_is_admin(self):
        pools = self.env["crm.public.pool"].with_context(active_test=False).search([])
        for user in self.user_a | self.user_c | self.admin | self.manager | self.employee:
            with self.subTest(user=user.login):
                restricted = pools.filtered(lambda pool, user=user: not pool._is_admin(user))
                Pool = self.env["crm.public.pool"].with_user(user)
                self.assertEqual(
                    dict(Pool._pool_masking()),
                    {
                        pool.id: frozenset(pool.masked_field_ids.mapped("name"))
                        for pool in restricted.filtered("masked_field_ids")
                    },
                )
                self.assertEqual(
                    dict(Pool._pool_view_limits()),
                    {
                        pool.id: pool.daily_view_limit
                        for pool in restricted.filtered(lambda pool: pool.active and pool.daily_view_limit > 0)
                    },
                )
                self.assertEqual(
                    Pool._pool_export_forbidden(), frozenset(restricted.filtered(lambda p: not p.export_allowed).ids)
                )
        # The fixture covers each case: an administrator, a manager, a named one without the group.
        self.assertTrue(self.pool._is_admin(self.admin))
        self.assertTrue(self.pool._is_admin(self.manager))
        self.assertFalse(self.other_pool._is_admin(self.manager), "the manager does not work for that company")
        self.assertFalse(self.south_pool._is_admin(self.user_c))
        self.assertIn(self.archived_pool.id, dict(self.env["crm.public.pool"].with_user(self.user_a)._pool_masking()))

    def test_masked_customer_still_masked_after_a_cold_start(self):
        customer = self.customers[5].with_user(self.user_a)
        self.env.registry.clear_cache()
        customer.invalidate_recordset()
        self.assertEqual(customer.read(["phone"])[0]["phone"][:3], "+86")
        self.assertIn("****", customer.read(["phone"])[0]["phone"])
        self.assertFalse(customer.search([("id", "=", customer.id), ("phone", "=", customer.sudo().phone)]))
