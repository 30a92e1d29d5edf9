from odoo.tests.common import TransactionCase, new_test_user


class PoolCase(TransactionCase):
    """Two sales teams, salespeople, a pool admin, a manager and pools of every kind."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        salesman = "sales_team.group_sale_salesman"
        cls.user_a = new_test_user(cls.env, login="pool_a", name="Alice Pool", groups=salesman)
        cls.user_b = new_test_user(cls.env, login="pool_b", name="Bob Pool", groups=salesman)
        cls.user_c = new_test_user(cls.env, login="pool_c", name="Carol Outsider", groups=salesman)
        cls.admin = new_test_user(
            cls.env, login="pool_admin", name="Ada Admin", groups=f"{salesman},crm_public_pool.group_pool_admin"
        )
        cls.manager = new_test_user(
            cls.env, login="pool_manager", name="Max Manager", groups="sales_team.group_sale_manager"
        )
        cls.team_east = cls.env["crm.team"].create(
            {"name": "East", "member_ids": [(6, 0, (cls.user_a | cls.user_b).ids)]}
        )
        cls.team_south = cls.env["crm.team"].create({"name": "South", "member_ids": [(6, 0, cls.user_c.ids)]})
        Pool = cls.env["crm.public.pool"]
        cls.default_pool = Pool._get_default_pool()
        cls.pool = Pool.create(
            {
                "name": "East Pool",
                "pool_type": "department",
                "member_team_ids": [(6, 0, cls.team_east.ids)],
                "admin_user_ids": [(6, 0, cls.admin.ids)],
            }
        )
        cls.south_pool = Pool.create(
            {"name": "South Pool", "pool_type": "department", "member_team_ids": [(6, 0, cls.team_south.ids)]}
        )
        cls.customers = cls.env["res.partner"].create(
            [
                {
                    "name": f"East Customer {i}",
                    "is_company": True,
                    "pool_id": cls.pool.id,
                    "phone": f"+86 138 0013 80{i:02d}",
                    "email": f"east{i}@acme{i}.cn",
                }
                for i in range(10)
            ]
        )
        cls.south_customer = cls.env["res.partner"].create(
            {"name": "South Customer", "is_company": True, "pool_id": cls.south_pool.id, "phone": "+86 139 1111 2222"}
        )
        cls.Log = cls.env["crm.public.pool.log"]

    def logs(self, partners, action=None):
        domain = [("partner_id", "in", partners.ids)]
        if action:
            domain.append(("action", "=", action))
        return self.Log.search(domain)

    def set_limit(self, user, owned=0, locked=0):
        user.write({"pool_max_customers": owned, "pool_max_locked": locked})
