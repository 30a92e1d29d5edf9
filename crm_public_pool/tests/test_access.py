"""Who sees which customer, masked contact fields, and writes that try to bypass the pool actions."""

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import PoolCase

MASKED_FIELDS = ("phone", "mobile", "email")


class AccessCase(PoolCase):
    """East customers 0 (owned by A), 1 (owned by B), 2-9 pooled; a plain unmanaged partner."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.mine = cls.customers[0]
        cls.bobs = cls.customers[1]
        cls.pooled = cls.customers[2:]
        # Exporting is a right of its own in Odoo 18: masking must hold for users who have it.
        export = cls.env.ref("base.group_allow_export")
        (cls.user_a | cls.user_b | cls.user_c | cls.admin | cls.manager).write({"groups_id": [(4, export.id)]})
        # Record rules read pool_id.member_all_user_ids in SQL, and Odoo 18 does not flush pending
        # many2many values for such leaves; the end of a request would, so flush here likewise.
        cls.env.flush_all()
        cls.mine.with_user(cls.user_a).action_pool_claim()
        cls.bobs.with_user(cls.user_b).action_pool_claim()
        cls.plain = cls.env["res.partner"].create({"name": "Plain Vendor", "email": "vendor@plain.example"})
        cls.east_and_south = cls.customers | cls.south_customer

    def as_user(self, user, model="res.partner"):
        return self.env[model].with_user(user)

    def all_probe_ids(self):
        return (self.east_and_south | self.plain | self.user_a.partner_id | self.user_b.partner_id).ids


@tagged("post_install", "-at_install")
class TestAccess(AccessCase):
    def test_setup_states(self):
        """The fixture is what the other tests assume."""
        self.assertEqual(self.mine.pool_state, "private")
        self.assertEqual(self.mine.user_id, self.user_a)
        self.assertEqual(self.bobs.pool_state, "private")
        self.assertEqual(self.bobs.user_id, self.user_b)
        self.assertEqual(set(self.pooled.mapped("pool_state")), {"pool"})
        self.assertFalse(self.pooled.user_id)
        self.assertEqual(self.south_customer.pool_state, "pool")
        self.assertFalse(self.plain.pool_state, "a plain partner created without pool is not managed")
        self.assertFalse(self.user_a.partner_id.pool_state, "a user's partner is not managed")
        self.assertIn(self.user_a, self.pool.member_all_user_ids)
        self.assertNotIn(self.user_a, self.south_pool.member_all_user_ids)
        self.assertIn(self.user_c, self.south_pool.member_all_user_ids)

    # ------------------------------------------------------------------
    # Salesperson A
    # ------------------------------------------------------------------

    def test_salesperson_search(self):
        Partner = self.as_user(self.user_a)
        found = Partner.search([("id", "in", self.all_probe_ids())])
        expected = self.mine | self.pooled | self.plain | self.user_a.partner_id | self.user_b.partner_id
        self.assertEqual(set(found.ids), set(expected.ids))
        self.assertNotIn(self.bobs, found)
        self.assertNotIn(self.south_customer, found)
        # Searching by name does not find them either.
        self.assertFalse(Partner.search([("name", "=", self.bobs.name)]))
        self.assertFalse(Partner.search([("name", "=", "South Customer")]))
        self.assertEqual(Partner.search([("name", "=", self.mine.name)]), self.mine)
        self.assertEqual(
            Partner.search_count([("pool_id", "in", (self.pool | self.south_pool).ids)]), 1 + len(self.pooled)
        )

    def test_salesperson_read(self):
        Partner = self.as_user(self.user_a)
        visible = Partner.browse((self.mine | self.pooled[0] | self.plain | self.user_a.partner_id).ids)
        names = {vals["id"]: vals["name"] for vals in visible.read(["name"])}
        self.assertEqual(names[self.mine.id], self.mine.name)
        self.assertEqual(names[self.plain.id], "Plain Vendor")
        for hidden in (self.bobs, self.south_customer):
            with self.assertRaises(AccessError):
                Partner.browse(hidden.id).read(["name"])
            with self.assertRaises(AccessError):
                Partner.browse(hidden.id).web_read({"name": {}})
            with self.assertRaises(AccessError):
                # Mixed with visible records, the whole read is refused.
                Partner.browse([self.mine.id, hidden.id]).read(["name"])

    def test_salesperson_search_read(self):
        Partner = self.as_user(self.user_a)
        rows = Partner.search_read([("id", "in", self.all_probe_ids())], ["name", "user_id"])
        names = {row["name"] for row in rows}
        self.assertIn(self.mine.name, names)
        self.assertIn("Plain Vendor", names)
        self.assertTrue(set(self.pooled.mapped("name")) <= names)
        self.assertNotIn(self.bobs.name, names)
        self.assertNotIn("South Customer", names)
        self.assertNotIn(self.user_b.id, {row["user_id"] and row["user_id"][0] for row in rows})
        web = Partner.web_search_read([("pool_id", "!=", False)], {"name": {}})
        self.assertEqual(web["length"], 1 + len(self.pooled))
        self.assertEqual({r["id"] for r in web["records"]}, set((self.mine | self.pooled).ids))

    def test_salesperson_read_group(self):
        Partner = self.as_user(self.user_a)
        domain = [("pool_id", "in", (self.pool | self.south_pool).ids)]
        by_pool = {g["pool_id"][0]: g["pool_id_count"] for g in Partner.read_group(domain, ["pool_id"], ["pool_id"])}
        self.assertEqual(by_pool, {self.pool.id: 1 + len(self.pooled)})
        by_state = {
            g["pool_state"]: g["pool_state_count"] for g in Partner.read_group(domain, ["pool_state"], ["pool_state"])
        }
        self.assertEqual(by_state, {"private": 1, "pool": len(self.pooled)})
        by_owner = {
            g["user_id"] and g["user_id"][0]: g["user_id_count"]
            for g in Partner.read_group(domain, ["user_id"], ["user_id"])
        }
        self.assertNotIn(self.user_b.id, by_owner)
        self.assertEqual(by_owner.get(self.user_a.id), 1)
        # The manager sees the whole picture.
        Manager = self.as_user(self.manager)
        by_pool = {g["pool_id"][0]: g["pool_id_count"] for g in Manager.read_group(domain, ["pool_id"], ["pool_id"])}
        self.assertEqual(by_pool, {self.pool.id: 10, self.south_pool.id: 1})

    def test_salesperson_name_search(self):
        Partner = self.as_user(self.user_a)
        found = dict(Partner.name_search("Customer", limit=1000))
        self.assertIn(self.mine.id, found)
        self.assertTrue(set(self.pooled.ids) <= set(found))
        self.assertNotIn(self.bobs.id, found)
        self.assertNotIn(self.south_customer.id, found)
        self.assertFalse(Partner.name_search("South Customer"))
        self.assertFalse(Partner.name_search(self.bobs.name, operator="="))
        self.assertEqual([pid for pid, _name in Partner.name_search(self.mine.name, operator="=")], self.mine.ids)
        # By e-mail (a _rec_names_search field) neither.
        self.assertFalse(Partner.name_search(self.bobs.email))
        # A many2one search on another model goes through the same rules.
        Log = self.as_user(self.user_a, "crm.public.pool.log")
        self.assertFalse(Log.search([("partner_id", "ilike", "South Customer")]))

    def test_salesperson_export(self):
        Partner = self.as_user(self.user_a)
        records = Partner.search([("id", "in", self.all_probe_ids())])
        datas = records.export_data(["name", "user_id/name"])["datas"]
        names = {row[0] for row in datas}
        self.assertIn(self.mine.name, names)
        self.assertNotIn(self.bobs.name, names)
        self.assertNotIn("South Customer", names)
        for hidden in (self.bobs, self.south_customer):
            with self.assertRaises(AccessError):
                Partner.browse(hidden.id).export_data(["name"])

    def test_salesperson_write_visible_not_pooled(self):
        """Pooled customers are readable but not writable by members."""
        Partner = self.as_user(self.user_a)
        Partner.browse(self.mine.id).write({"comment": "mine"})
        self.assertIn("mine", self.mine.comment)
        with self.assertRaises(AccessError):
            Partner.browse(self.pooled[0].id).write({"comment": "not mine"})
        with self.assertRaises(AccessError):
            Partner.browse(self.bobs.id).write({"comment": "not mine"})
        self.assertFalse(self.pooled[0].comment)

    def test_owner_cannot_raise_their_customers_level(self):
        """Days per level decide how long a customer stays with its owner: the owner may not
        lengthen their own protection by raising the level; the pool's administrator may."""
        self.mine.sudo().write({"pool_level": "d"})
        with self.assertRaisesRegex(UserError, "Only an administrator of its pool may change the level"):
            self.as_user(self.user_a).browse(self.mine.id).write({"pool_level": "a"})
        self.assertEqual(self.mine.pool_level, "d")
        # Writing the level it already has, as the form saves it, changes nothing and passes.
        self.as_user(self.user_a).browse(self.mine.id).write({"pool_level": "d", "comment": "called"})
        self.as_user(self.admin).browse(self.mine.id).write({"pool_level": "a"})
        self.assertEqual(self.mine.pool_level, "a")

    def test_south_member_sees_only_south(self):
        Partner = self.as_user(self.user_c)
        found = Partner.search([("id", "in", self.east_and_south.ids)])
        self.assertEqual(found, self.south_customer)
        with self.assertRaises(AccessError):
            Partner.browse(self.pooled[0].id).read(["name"])

    # ------------------------------------------------------------------
    # Pool admin and manager
    # ------------------------------------------------------------------

    def test_pool_admin_sees_administered_pool(self):
        Partner = self.as_user(self.admin)
        found = Partner.search([("id", "in", self.east_and_south.ids)])
        self.assertEqual(set(found.ids), set(self.customers.ids), "all East customers, owned by anyone")
        names = {vals["id"]: vals["name"] for vals in Partner.browse((self.mine | self.bobs).ids).read(["name"])}
        self.assertEqual(names, {self.mine.id: self.mine.name, self.bobs.id: self.bobs.name})
        counts = {
            g["pool_id"][0]: g["pool_id_count"]
            for g in Partner.read_group([("pool_id", "!=", False)], ["pool_id"], ["pool_id"])
        }
        self.assertEqual(counts.get(self.pool.id), 10)
        self.assertNotIn(self.south_pool.id, counts)
        with self.assertRaises(AccessError):
            Partner.browse(self.south_customer.id).read(["name"])

    def test_manager_sees_everything(self):
        Partner = self.as_user(self.manager)
        found = Partner.search([("id", "in", self.all_probe_ids())])
        self.assertEqual(set(found.ids), set(self.all_probe_ids()))
        rows = Partner.browse(self.east_and_south.ids).read(["name", "user_id"])
        self.assertEqual(len(rows), 11)
        self.assertIn(self.south_customer.id, dict(Partner.name_search("South Customer")))
        datas = Partner.browse(self.east_and_south.ids).export_data(["name"])["datas"]
        self.assertEqual(len(datas), 11)

    # ------------------------------------------------------------------
    # Audit log
    # ------------------------------------------------------------------

    def test_log_cannot_be_created(self):
        Log = self.as_user(self.user_a, "crm.public.pool.log")
        vals = {"partner_id": self.mine.id, "pool_id": self.pool.id, "action": "claim", "to_user_id": self.user_a.id}
        before = self.Log.search_count([])
        with self.assertRaises(UserError):
            Log.create(vals)
        with self.assertRaisesRegex(UserError, "written by the pool actions only"):
            # A context key names no right: only the engine's token, which no client can send, does.
            Log.with_context(pool_log_write=True, crm_public_pool_engine=True).create(vals)
        with self.assertRaises(UserError):
            Log.sudo().create(vals)
        self.assertEqual(self.Log.search_count([]), before)

    def test_log_cannot_be_changed_or_deleted(self):
        log = self.logs(self.mine, "claim")
        self.assertEqual(len(log), 1)
        self.assertEqual(log.to_user_id, self.user_a)
        mine_log = log.with_user(self.user_a)
        self.assertEqual(mine_log.read(["action"])[0]["action"], "claim", "A sees the log of their own claim")
        with self.assertRaises(UserError):  # AccessError is a UserError
            mine_log.write({"note": "forged", "to_user_id": self.user_b.id})
        with self.assertRaises(UserError):  # AccessError is a UserError
            mine_log.unlink()
        with self.assertRaises(UserError):
            mine_log.sudo().write({"note": "forged"})
        with self.assertRaises(UserError):
            mine_log.sudo().unlink()
        with self.assertRaises(UserError):
            self.as_user(self.manager, "crm.public.pool.log").browse(log.id).write({"note": "forged"})
        self.assertTrue(log.exists())
        self.assertFalse(log.note)
        self.assertEqual(log.to_user_id, self.user_a)

    def test_log_visibility(self):
        # A claims then releases a customer: A made / received both moves, but did not create it.
        moved = self.pooled[-1]
        moved.with_user(self.user_a).action_pool_claim()
        moved.with_user(self.user_a).pool_release("no_need")
        self.assertEqual(moved.pool_state, "pool")
        Log = self.as_user(self.user_a, "crm.public.pool.log")
        seen = Log.search([("partner_id", "in", self.east_and_south.ids)])
        expected = (
            self.logs(self.mine)  # own customer: its whole history (create included)
            | self.logs(moved, "claim")
            | self.logs(moved, "release")
        )
        self.assertEqual(len(self.logs(self.mine)), 2)
        self.assertEqual(set(seen.ids), set(expected.ids))
        for hidden in (
            self.logs(self.bobs)
            | self.logs(moved, "create")
            | self.logs(self.pooled[0])
            | self.logs(self.south_customer)
        ):
            self.assertNotIn(hidden, seen)
            with self.assertRaises(AccessError):
                Log.browse(hidden.id).read(["action"])
        counts = {
            g["action"]: g["action_count"]
            for g in Log.read_group([("partner_id", "in", self.east_and_south.ids)], ["action"], ["action"])
        }
        self.assertEqual(counts, {"create": 1, "claim": 2, "release": 1})
        # B sees B's own history only.
        seen_b = self.as_user(self.user_b, "crm.public.pool.log").search(
            [("partner_id", "in", self.east_and_south.ids)]
        )
        self.assertEqual(set(seen_b.ids), set(self.logs(self.bobs).ids))
        # The pool admin sees every move of East, not South's.
        seen_admin = self.as_user(self.admin, "crm.public.pool.log").search(
            [("partner_id", "in", self.east_and_south.ids)]
        )
        self.assertEqual(set(seen_admin.ids), set(self.logs(self.customers).ids))


@tagged("post_install", "-at_install")
class TestMasking(AccessCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.mask_fields = cls.env["ir.model.fields"].browse(
            [cls.env.ref(f"base.field_res_partner__{fname}").id for fname in MASKED_FIELDS]
        )
        cls.pool.with_user(cls.manager).write({"masked_field_ids": [(6, 0, cls.mask_fields.ids)]})
        for i, partner in enumerate(cls.customers):
            partner.mobile = f"+86 137 5555 66{i:02d}"
        cls.target = cls.pooled[1]  # "East Customer 3"
        cls.real = {fname: cls.target[fname] for fname in MASKED_FIELDS}

    def assertMasked(self, vals, partner=None, fnames=MASKED_FIELDS):
        partner = partner or self.target
        for fname in fnames:
            real = partner.sudo()[fname]
            self.assertTrue(real, f"fixture: {fname} is set")
            self.assertIn("****", vals[fname], f"{fname} masked")
            self.assertNotEqual(vals[fname], real)
            self.assertNotIn(real, str(vals), f"real {fname} absent")

    def assertReal(self, vals, partner=None, fnames=MASKED_FIELDS):
        partner = partner or self.target
        for fname in fnames:
            self.assertEqual(vals[fname], partner.sudo()[fname])

    def a_target(self):
        return self.target.with_user(self.user_a)

    def test_read_masked(self):
        self.assertMasked(self.a_target().read(list(MASKED_FIELDS))[0])
        # Every pooled East customer, whatever the batch.
        for vals in self.pooled.with_user(self.user_a).read(["name", *MASKED_FIELDS]):
            self.assertMasked(vals, self.env["res.partner"].browse(vals["id"]))
        # Own customer: real values.
        self.assertReal(self.mine.with_user(self.user_a).read(list(MASKED_FIELDS))[0], self.mine)

    def test_search_read_masked(self):
        rows = self.as_user(self.user_a).search_read([("id", "=", self.target.id)], list(MASKED_FIELDS))
        self.assertEqual(len(rows), 1)
        self.assertMasked(rows[0])
        rows = self.as_user(self.user_a).search_read([("pool_id", "=", self.pool.id)], ["name", *MASKED_FIELDS])
        by_id = {row["id"]: row for row in rows}
        self.assertReal(by_id[self.mine.id], self.mine)
        for partner in self.pooled:
            self.assertMasked(by_id[partner.id], partner)

    def test_web_read_masked(self):
        vals = self.a_target().web_read({fname: {} for fname in MASKED_FIELDS})[0]
        self.assertMasked(vals)
        web = self.as_user(self.user_a).web_search_read(
            [("id", "=", self.target.id)], {fname: {} for fname in MASKED_FIELDS}
        )
        self.assertMasked(web["records"][0])

    def test_export_masked(self):
        records = self.as_user(self.user_a).browse((self.target | self.mine).ids)
        datas = records.export_data(["name", *MASKED_FIELDS])["datas"]
        by_name = {row[0]: dict(zip(("name", *MASKED_FIELDS), row, strict=False)) for row in datas}
        self.assertMasked(by_name[self.target.name])
        self.assertReal(by_name[self.mine.name], self.mine)
        # The masked values did not stay in the cache.
        self.assertEqual(self.target.sudo().phone, self.real["phone"])

    def test_read_group_by_masked_field(self):
        Partner = self.as_user(self.user_a)
        domain = [("pool_id", "=", self.pool.id)]
        for fname in MASKED_FIELDS:
            groups = Partner.read_group(domain, [fname], [fname])
            values = {g[fname] for g in groups}
            for partner in self.pooled:
                self.assertNotIn(partner.sudo()[fname], values, f"pooled {fname} is not a group label")
            self.assertIn(self.mine[fname], values, f"own {fname} is grouped normally")
        # Aggregating a masked field does not reveal it either.
        groups = Partner.read_group(domain, ["phone:array_agg"], ["pool_state"])
        flat = str(groups)
        for partner in self.pooled:
            self.assertNotIn(partner.sudo().phone, flat)

    def test_display_name_and_name_search_with_email(self):
        Partner = self.as_user(self.user_a).with_context(show_email=True)
        result = dict(Partner.name_search(self.target.name))
        self.assertIn(self.target.id, result)
        self.assertNotIn(self.real["email"], result[self.target.id])
        self.assertEqual(Partner.browse(self.target.id).display_name, self.target.name)
        rows = Partner.browse(self.target.id).read(["display_name"])
        self.assertNotIn(self.real["email"], rows[0]["display_name"])
        # Own customer: the e-mail is shown, as standard Odoo does.
        self.assertIn(self.mine.email, Partner.browse(self.mine.id).display_name)
        self.assertIn(self.mine.email, dict(Partner.name_search(self.mine.name))[self.mine.id])

    def _probe(self, user, right, wrong):
        Partner = self.as_user(user)
        scope = [("id", "in", self.customers.ids)]
        return Partner.search(scope + right), Partner.search(scope + wrong)

    def test_search_on_masked_field_reveals_nothing(self):
        real_phone, real_email = self.real["phone"], self.real["email"]
        probes = [
            ([("phone", "=", real_phone)], [("phone", "=", "+86 100 0000 0000")]),
            ([("phone", "ilike", "0013")], [("phone", "ilike", "9z9z")]),
            ([("phone", "=like", "+86 138%")], [("phone", "=like", "+1%")]),
            ([("mobile", "=", self.real["mobile"])], [("mobile", "=", "+86 100 0000 0001")]),
            ([("email", "=", real_email)], [("email", "=", "nobody@nowhere.cn")]),
            ([("email", "ilike", "east3@")], [("email", "ilike", "zzz@")]),
            (["!", ("phone", "=", real_phone)], ["!", ("phone", "=", "+86 100 0000 0000")]),
            (["!", ("email", "ilike", "acme3")], ["!", ("email", "ilike", "zzz")]),
            ([("phone", "!=", real_phone)], [("phone", "!=", "+86 100 0000 0000")]),
            ([("phone", "in", [real_phone])], [("phone", "in", ["+86 100 0000 0000"])]),
            ([("phone", "=", False)], [("phone", "!=", False)]),
            (
                ["|", ("name", "=", "nothing"), ("phone", "=", real_phone)],
                ["|", ("name", "=", "nothing"), ("phone", "=", "+86 100 0000 0000")],
            ),
            ([("display_name", "ilike", real_email)], [("display_name", "ilike", "nobody@nowhere.cn")]),
            ([("display_name", "=", real_email)], [("display_name", "=", "nobody@nowhere.cn")]),
            ([("email_normalized", "=", real_email)], [("email_normalized", "=", "nobody@nowhere.cn")]),
        ]
        for right, wrong in probes:
            with self.subTest(domain=right):
                found_right, found_wrong = self._probe(self.user_a, right, wrong)
                self.assertEqual(
                    self.target in found_right,
                    self.target in found_wrong,
                    f"{right} distinguishes the masked customer",
                )
        # The same probes do work for values A may see.
        own_found, _wrong = self._probe(self.user_a, [("phone", "=", self.mine.phone)], [("phone", "=", "x")])
        self.assertEqual(own_found, self.mine)
        own_found, _wrong = self._probe(self.user_a, [("email", "=", self.mine.email)], [("email", "=", "x")])
        self.assertEqual(own_found, self.mine)
        # And for the pool admin, who sees real values.
        found, _wrong = self._probe(self.admin, [("phone", "=", real_phone)], [("phone", "=", "x")])
        self.assertEqual(found, self.target)

    def test_name_search_by_masked_email(self):
        Partner = self.as_user(self.user_a)
        for operator in ("ilike", "=", "=ilike"):
            with self.subTest(operator=operator):
                right = {pid for pid, _n in Partner.name_search(self.real["email"], operator=operator)}
                wrong = {pid for pid, _n in Partner.name_search("nobody@nowhere.cn", operator=operator)}
                self.assertEqual(self.target.id in right, self.target.id in wrong)
        self.assertIn(self.mine.id, dict(Partner.name_search(self.mine.email)))

    def test_many2one_path_search_reveals_nothing(self):
        """A search on another model through partner_id.phone is masked too."""
        self.a_target().action_pool_claim()
        self.a_target().pool_release("no_need")
        Log = self.as_user(self.user_a, "crm.public.pool.log")
        rows = Log.search([("partner_id", "in", (self.target | self.mine).ids)])
        self.assertEqual(rows.partner_id, self.target | self.mine, "fixture: A sees the history of both")
        scope = [("id", "in", rows.ids)]
        for fname in MASKED_FIELDS:
            with self.subTest(field=fname):
                right = Log.search(scope + [(f"partner_id.{fname}", "=", self.real[fname])])
                wrong = Log.search(scope + [(f"partner_id.{fname}", "=", "nothing@nowhere.cn")])
                self.assertEqual(right, wrong)
                mine = Log.search(scope + [(f"partner_id.{fname}", "=", self.mine[fname])])
                self.assertEqual(mine.partner_id, self.mine)

    def test_claim_reveals_real_values(self):
        self.assertMasked(self.a_target().read(list(MASKED_FIELDS))[0])
        self.a_target().action_pool_claim()
        self.assertEqual(self.target.user_id, self.user_a)
        self.assertReal(self.a_target().read(list(MASKED_FIELDS))[0])
        self.assertReal(self.a_target().web_read({f: {} for f in MASKED_FIELDS})[0])
        found, _wrong = self._probe(self.user_a, [("phone", "=", self.real["phone"])], [("phone", "=", "x")])
        self.assertEqual(found, self.target)
        datas = self.a_target().export_data(list(MASKED_FIELDS))["datas"]
        self.assertEqual(datas[0], [self.real[f] for f in MASKED_FIELDS])

    def test_admin_and_manager_read_real(self):
        for user in (self.admin, self.manager):
            with self.subTest(user=user.login):
                record = self.target.with_user(user)
                self.assertReal(record.read(list(MASKED_FIELDS))[0])
                self.assertReal(record.web_read({f: {} for f in MASKED_FIELDS})[0])
                datas = record.export_data(list(MASKED_FIELDS))["datas"]
                self.assertEqual(datas[0], [self.real[f] for f in MASKED_FIELDS])
                groups = self.as_user(user).read_group([("pool_id", "=", self.pool.id)], ["phone"], ["phone"])
                self.assertIn(self.real["phone"], {g["phone"] for g in groups})
                self.assertIn(self.real["email"], record.with_context(show_email=True).display_name)

    def test_unmasked_pool_and_salesperson_of_other_pool(self):
        """The South pool masks nothing: C reads South's phone in full."""
        vals = self.south_customer.with_user(self.user_c).read(["phone"])[0]
        self.assertEqual(vals["phone"], "+86 139 1111 2222")

    def test_changing_masked_fields_applies_at_once(self):
        self.assertMasked(self.a_target().read(list(MASKED_FIELDS))[0])
        phone_field = self.env.ref("base.field_res_partner__phone")
        self.pool.with_user(self.manager).write({"masked_field_ids": [(3, phone_field.id)]})
        vals = self.a_target().read(list(MASKED_FIELDS))[0]
        # Deny by default: while the pool masks anything, a field it no longer names is still
        # hidden (emptied rather than shaped), because the phone is not on the allow-list.
        self.assertFalse(vals["phone"])
        self.assertMasked(vals, fnames=("mobile", "email"))
        found, _wrong = self._probe(self.user_a, [("phone", "=", self.real["phone"])], [("phone", "=", "x")])
        self.assertFalse(found)
        city = self.env.ref("base.field_res_partner__city")
        self.target.sudo().city = "Hangzhou"
        self.assertEqual(self.a_target().read(["city"])[0]["city"], "Hangzhou", "the city is on the allow-list")
        self.pool.with_user(self.manager).write({"masked_field_ids": [(4, city.id)]})
        self.assertIn("****", self.a_target().read(["city"])[0]["city"], "a pool may hide an allowed field too")
        self.pool.with_user(self.manager).write({"masked_field_ids": [(5, 0, 0)]})
        self.assertReal(self.a_target().read(list(MASKED_FIELDS))[0])
        self.pool.with_user(self.manager).write({"masked_field_ids": [(6, 0, self.mask_fields.ids)]})
        self.assertMasked(self.a_target().read(list(MASKED_FIELDS))[0])


@tagged("post_install", "-at_install")
class TestDirectWrites(AccessCase):
    def _snapshot(self, partner):
        partner.invalidate_recordset()
        partner = partner.sudo()
        return {
            "user_id": partner.user_id,
            "pool_state": partner.pool_state,
            "pool_id": partner.pool_id,
            "pool_claim_date": partner.pool_claim_date,
            "pool_enter_date": partner.pool_enter_date,
            "logs": len(self.logs(partner)),
        }

    def test_protected_fields_refused(self):
        before = self._snapshot(self.mine)
        mine = self.mine.with_user(self.user_a)
        for vals in (
            {"pool_state": "pool"},
            {"pool_claim_date": fields.Datetime.now()},
            {"pool_enter_date": fields.Datetime.now()},
            {"pool_previous_user_id": self.user_b.id},
            {"pool_state": "private", "comment": "with another field"},
        ):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                mine.write(vals)
        self.assertEqual(self._snapshot(self.mine), before)
        with self.assertRaises(AccessError):
            self.as_user(self.user_a).create({"name": "Forged", "pool_id": self.pool.id, "pool_state": "private"})

    def test_salesperson_cannot_hand_own_customer_to_colleague(self):
        before = self._snapshot(self.mine)
        with self.assertRaises(UserError):  # AccessError is a UserError
            self.mine.with_user(self.user_a).write({"user_id": self.user_b.id})
        self.assertEqual(self._snapshot(self.mine), before)
        self.assertEqual(self.mine.user_id, self.user_a)

    def test_salesperson_cannot_take_pooled_customer_by_write(self):
        target = self.pooled[0]
        before = self._snapshot(target)
        with self.assertRaises(AccessError):
            target.with_user(self.user_a).write({"user_id": self.user_a.id})
        self.assertEqual(self._snapshot(target), before)
        self.assertFalse(target.user_id)
        self.assertEqual(target.pool_state, "pool")

    def test_salesperson_cannot_take_colleague_customer_by_write(self):
        before = self._snapshot(self.bobs)
        with self.assertRaises(UserError):  # AccessError is a UserError
            self.bobs.with_user(self.user_a).write({"user_id": self.user_a.id})
        self.assertEqual(self._snapshot(self.bobs), before)

    def test_salesperson_cannot_move_customer_to_other_pool(self):
        before = self._snapshot(self.mine)
        with self.assertRaises(UserError):  # AccessError is a UserError
            self.mine.with_user(self.user_a).write({"pool_id": self.south_pool.id})
        self.assertEqual(self._snapshot(self.mine), before)

    def test_manager_write_user_is_a_transfer(self):
        before = len(self.Log.search([]))
        self.mine.with_user(self.manager).write({"user_id": self.user_b.id})
        self.assertEqual(self.mine.user_id, self.user_b)
        self.assertEqual(self.mine.pool_state, "private")
        self.assertEqual(self.mine.pool_previous_user_id, self.user_a)
        transfers = self.logs(self.mine, "transfer")
        self.assertEqual(len(transfers), 1)
        self.assertEqual(transfers.from_user_id, self.user_a)
        self.assertEqual(transfers.to_user_id, self.user_b)
        self.assertEqual(transfers.user_id, self.manager)
        self.assertEqual(len(self.Log.search([])), before + 1, "exactly one log row for the move")
        # Writing the same owner again is not a move.
        self.mine.with_user(self.manager).write({"user_id": self.user_b.id})
        self.assertEqual(len(self.Log.search([])), before + 1)


@tagged("post_install", "-at_install")
class TestLeadMasking(AccessCase):
    def test_lead_of_a_pooled_customer_is_masked_until_claimed(self):
        phone = self.env.ref("base.field_res_partner__phone")
        email = self.env.ref("base.field_res_partner__email")
        self.pool.with_user(self.manager).write({"masked_field_ids": [(6, 0, (phone | email).ids)]})
        customer = self.pooled[1]
        lead = self.env["crm.lead"].create({"name": "Inquiry", "partner_id": customer.id, "user_id": False})
        self.assertTrue(lead.phone and lead.email_from, "fixture: the lead copied the contact fields")
        # The lead copies the hidden phone and e-mail: it is hidden whole until the customer is claimed.
        with self.assertRaises(AccessError):
            lead.with_user(self.user_a).read(["phone", "email_from"])
        self.assertFalse(self.env["crm.lead"].with_user(self.user_a).search([("id", "=", lead.id)]))
        self.assertEqual(lead.with_user(self.admin).read(["phone"])[0]["phone"], lead.phone)
        customer.with_user(self.user_a).action_pool_claim()
        self.assertEqual(lead.with_user(self.user_a).read(["phone"])[0]["phone"], lead.phone)
