import base64
import csv
import io

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import PoolCase


@tagged("post_install", "-at_install")
class TestDuplicateGate(PoolCase):
    """One duplicate gate for every way a customer comes in, with the pool's policy."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.write({"pool_protect_days_c": 30, "pool_show_owner_to_registrant": False})
        cls.Partner = cls.env["res.partner"]
        cls.default_pool.member_user_ids = [(4, cls.user_a.id), (4, cls.user_b.id)]
        # Bob's customer in the East pool: Alice may not read it.
        cls.bob_customer = cls.Partner.create(
            {
                "name": "深圳市澜沧软件有限公司",
                "is_company": True,
                "pool_id": cls.pool.id,
                "user_id": cls.user_b.id,
                "phone": "0755-2688 0417",
            }
        )
        cls.yunfan = cls.Partner.create(
            {"name": "杭州市云舟软件科技有限公司", "is_company": True, "pool_id": cls.pool.id}
        )

    def create_as(self, user, vals, **context):
        return self.Partner.with_user(user).with_context(pool_manage=True, **context).create(vals)

    def protect(self, user, name, **vals):
        registration = self.env["crm.public.pool.registration"].with_user(user).create({"name": name, **vals})
        registration.action_submit()
        self.assertEqual(registration.state, "registered")
        return registration

    # ------------------------------------------------------------------
    # Policies
    # ------------------------------------------------------------------

    def test_block_refuses_padded_and_shortened_names_naming_only_what_the_caller_may_read(self):
        self.pool.duplicate_policy = "block"
        before = self.Partner.search_count([])
        with self.assertRaisesRegex(UserError, "refuses duplicates") as caught:
            self.create_as(
                self.user_a, {"name": "深圳澜沧软件科技有限公司", "is_company": True, "pool_id": self.pool.id}
            )
        message = str(caught.exception)
        self.assertIn("a customer you may not open", message)
        self.assertNotIn("深圳市澜沧软件有限公司", message, "Bob's customer is not named to Alice")
        with self.assertRaisesRegex(UserError, "杭州市云舟软件科技有限公司"):
            # Pooled in Alice's pool: she may read it, so it is named.
            self.create_as(self.user_a, {"name": "云舟软件", "is_company": True, "pool_id": self.pool.id})
        self.assertEqual(self.Partner.search_count([]), before, "nothing is created")
        # Another line of business of a brand is another company.
        other = self.create_as(
            self.user_a, {"name": "深圳市澜沧物流有限公司", "is_company": True, "pool_id": self.pool.id}
        )
        self.assertEqual(other.pool_id, self.pool)

    def test_block_applies_to_the_api_and_an_admin_who_reads_the_match(self):
        self.pool.duplicate_policy = "block"
        with self.assertRaisesRegex(UserError, "深圳市澜沧软件有限公司"):
            self.Partner.with_user(self.admin).create(
                {"name": "Other Name Ltd", "is_company": True, "pool_id": self.pool.id, "phone": "+86 755 2688 0417"}
            )

    def test_warn_shows_a_banner_and_saves(self):
        self.assertEqual(self.pool.duplicate_policy, "warn", "warn is the default")
        form = Form(self.Partner.with_user(self.user_a).with_context(pool_manage=True, default_user_id=self.user_a.id))
        form.company_type = "company"
        form.name = "云舟软件"
        self.assertIn("杭州市云舟软件科技有限公司", form.pool_duplicate_warning)
        self.assertIn("saved all the same", form.pool_duplicate_warning)
        form.name = "完全不同的公司名称"
        self.assertFalse(form.pool_duplicate_warning)
        form.name = "云舟软件"
        partner = form.save()
        self.assertEqual((partner.pool_id, partner.user_id), (self.default_pool, self.user_a))
        self.assertFalse(partner.pool_duplicate_warning, "a saved customer costs no lookup")

    def test_block_banner_says_saving_is_refused(self):
        self.default_pool.duplicate_policy = "block"
        form = Form(self.Partner.with_user(self.user_a).with_context(pool_manage=True, default_user_id=self.user_a.id))
        form.company_type = "company"
        form.name = "云舟软件"
        self.assertIn("refuses duplicates", form.pool_duplicate_warning)

    def test_banner_says_what_saving_does_under_each_policy(self):
        """The banner is the gate's own verdict: informational under Allow, a warning under Warn, a
        refusal under Block, and saving the form does what it said."""
        for policy, outcome, says in (
            ("allow", "allow", "allows duplicates, so it is saved as it is"),
            ("warn", "warn", "so it is saved all the same, with this warning"),
            ("block", "reject", "refuses duplicates, so it cannot be saved"),
        ):
            with self.subTest(policy=policy):
                self.default_pool.duplicate_policy = policy
                form = Form(
                    self.Partner.with_user(self.user_a).with_context(pool_manage=True, default_user_id=self.user_a.id)
                )
                form.company_type = "company"
                form.name = "云舟软件"
                self.assertEqual(form.pool_duplicate_outcome, outcome)
                self.assertIn(says, form.pool_duplicate_warning)
                self.assertIn("杭州市云舟软件科技有限公司", form.pool_duplicate_warning)
                if outcome == "reject":
                    with self.assertRaises(UserError) as caught:
                        form.save()
                    self.assertEqual(str(caught.exception), form.pool_duplicate_warning)
                else:
                    self.assertEqual(form.save().pool_id, self.default_pool)

    def test_banner_judges_the_pool_saving_puts_the_customer_in(self):
        """From a pool's list (its action's context) a new customer goes into that pool: the banner
        judges by that pool's policy, as saving does, not by the company's default pool's."""
        self.pool.duplicate_policy = "block"
        self.default_pool.duplicate_policy = "allow"
        context = self.pool.action_open_customers()["context"]
        form = Form(self.Partner.with_user(self.user_a).with_context(**context, default_user_id=self.user_a.id))
        form.name = "云舟软件"
        self.assertEqual(form.pool_duplicate_outcome, "reject")
        self.assertIn("pool %s refuses duplicates" % self.pool.name, form.pool_duplicate_warning)
        with self.assertRaisesRegex(UserError, "refuses duplicates, so it cannot be saved"):
            form.save()
        form.name = "完全不同的公司名称"
        self.assertFalse(form.pool_duplicate_outcome)
        self.assertFalse(form.pool_duplicate_warning)
        self.assertEqual(form.save().pool_id, self.pool)

    def test_allow_saves_duplicates(self):
        self.pool.duplicate_policy = "allow"
        partner = self.create_as(self.user_a, {"name": "云舟软件", "is_company": True, "pool_id": self.pool.id})
        self.assertEqual(partner.pool_state, "pool")

    def test_gate_queries_do_not_grow_with_the_batch(self):
        Partner = self.Partner.with_user(self.user_a)

        def queries(count):
            vals_list = [
                {"name": "云舟软件", "is_company": True, "pool_id": self.pool.id, "email": f"buyer{i}@yunzhou{i}.cn"}
                for i in range(count)
            ]
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            outcomes = Partner._pool_gate_outcomes(vals_list, [True] * count)
            self.assertEqual([outcome[0] for outcome in outcomes], ["warn"] * count)
            return self.env.cr.sql_log_count - before

        queries(1)
        self.assertEqual(queries(2), queries(20))
        with self.assertQueryCount(__system__=7):
            self.env.invalidate_all()
            Partner._pool_gate_outcomes(
                [{"name": "云舟软件", "is_company": True, "pool_id": self.pool.id}] * 20, [True] * 20
            )

    def test_lead_conversion_meets_the_gate(self):
        self.default_pool.duplicate_policy = "block"
        lead = (
            self.env["crm.lead"]
            .with_user(self.user_a)
            .create({"name": "Inquiry", "partner_name": "杭州云舟软件科技有限公司", "user_id": self.user_a.id})
        )
        with self.assertRaisesRegex(UserError, "refuses duplicates"):
            lead._handle_partner_assignment(create_missing=True)

    # ------------------------------------------------------------------
    # Registration protection
    # ------------------------------------------------------------------

    def test_protected_prospect_is_never_created_again_by_a_colleague(self):
        self.default_pool.duplicate_policy = "allow"
        registration = self.protect(self.user_a, "南京琨瑜精密机械有限公司", phone="025-8888 6666")
        prospect = registration.sudo().partner_id
        for vals, context in (
            # The pool form, under Allow.
            ({"name": "南京琨瑜精密机械有限公司", "is_company": True}, {"pool_manage": True}),
            # A shortened name, through the API.
            ({"name": "琨瑜精密机械", "is_company": True, "pool_id": self.default_pool.id}, {}),
            # The company created directly, outside any pool (Contacts).
            ({"name": "Kunyu", "is_company": True, "phone": "+86 25 8888 6666"}, {}),
        ):
            with (
                self.subTest(name=vals["name"]),
                self.assertRaisesRegex(UserError, "another salesperson registered and still protects") as caught,
            ):
                self.Partner.with_user(self.user_b).with_context(**context).create(vals)
            self.assertIn("matches a customer you may not open", str(caught.exception))
            if vals["name"] != prospect.name:
                self.assertNotIn(prospect.name, str(caught.exception), "Bob may not know Alice's prospect")
        # The registrant may, and so may what Odoo creates itself.
        own = self.create_as(self.user_a, {"name": "琨瑜精密机械", "is_company": True, "user_id": self.user_a.id})
        self.assertEqual(own.user_id, self.user_a)
        unmanaged = [
            # A vendor.
            (
                self.user_b,
                {"name": "南京琨瑜精密机械有限公司", "is_company": True},
                {"res_partner_search_mode": "supplier"},
            ),
            # An e-mail sender or a user's partner: a person, not a company.
            (self.user_b, {"name": "南京琨瑜精密机械有限公司", "phone": "025-8888 6666"}, {}),
            # Server code.
            (self.env.user, {"name": "南京琨瑜精密机械有限公司", "is_company": True}, {}),
        ]
        for user, vals, context in unmanaged:
            partner = self.Partner.with_user(user).with_context(**context).sudo(user == self.env.user).create(vals)
            self.assertFalse(partner.pool_state)

    def test_expired_protection_no_longer_blocks(self):
        registration = self.protect(self.user_a, "南京琨瑜精密机械有限公司")
        registration.sudo().protected_until = "2020-01-01 00:00:00"
        self.default_pool.duplicate_policy = "allow"
        partner = self.Partner.with_user(self.user_b).create({"name": "南京琨瑜精密机械有限公司", "is_company": True})
        self.assertFalse(partner.pool_state)

    # ------------------------------------------------------------------
    # Appeals
    # ------------------------------------------------------------------

    def register(self, user, name, **vals):
        registration = self.env["crm.public.pool.registration"].with_user(user).create({"name": name, **vals})
        registration.action_submit()
        return registration

    def test_no_appeal_on_an_exact_copy(self):
        registration = self.register(self.user_a, "深圳市澜沧软件有限责任公司")
        self.assertEqual((registration.state, registration.sudo().partner_id), ("duplicate", self.bob_customer))
        self.assertFalse(registration.can_appeal, "the button is not offered")
        with self.assertRaisesRegex(UserError, "same name or USCC"):
            registration.with_user(self.user_a).action_appeal("it is another one")
        # The same phone only: a shared switchboard may be appealed.
        by_phone = self.register(self.user_a, "深圳市翊辰电子有限公司", phone="0755-2688 0417")
        self.assertTrue(by_phone.can_appeal)

    def test_one_appeal_at_a_time(self):
        first = self.register(self.user_a, "深圳澜沧软件科技有限公司")
        self.assertTrue(first.can_appeal)
        first.with_user(self.user_a).action_appeal("another company")
        self.assertEqual(first.state, "appealed")
        second = self.register(self.user_a, "澜沧软件")
        self.assertEqual(second.state, "duplicate")
        with self.assertRaisesRegex(UserError, "one appeal at a time"):
            second.with_user(self.user_a).action_appeal("another company, again")
        self.assertEqual(second.state, "duplicate")
        first.with_user(self.admin).action_reject("same company")
        second.with_user(self.user_a).action_appeal("another company, again")
        self.assertEqual(second.state, "appealed")

    def test_allow_registers_a_near_match(self):
        self.default_pool.duplicate_policy = "allow"
        registration = self.register(self.user_a, "深圳澜沧软件科技有限公司")
        self.assertEqual(registration.state, "registered")
        self.default_pool.duplicate_policy = "warn"
        registration = self.register(self.user_b, "澜沧軟件科技")
        self.assertEqual(registration.state, "duplicate", "warn keeps the appeal for registrations")


@tagged("post_install", "-at_install")
class TestImportWithUpdate(PoolCase):
    """An import into a pool updates the customers it names, creates the rest through the gate and
    hands back the rows it left out as a file."""

    def do_import(self, user, csv_text, columns):
        importer = (
            self.env["base_import.import"]
            .with_user(user)
            .create(
                {"res_model": "res.partner", "file": csv_text.encode(), "file_type": "text/csv", "file_name": "x.csv"}
            )
        )
        return importer.execute_import(
            columns,
            columns,
            {"has_headers": True, "quoting": '"', "separator": ",", "encoding": "utf-8"},
        )

    def test_update_create_and_reject(self):
        self.pool.duplicate_policy = "block"
        east3, east5 = self.customers[3], self.customers[5]
        self.pool.with_user(self.admin).pool_assign(east5.ids, self.user_b.id)
        south = self.south_customer
        csv_text = (
            "name,is_company,pool_id,email,phone,comment\n"
            # 1: East Customer 3 by its e-mail: updated, its pool kept though the row says South.
            "East Three Renamed,1,South Pool,east3@acme3.cn,,vip\n"
            # 2: new: created.
            "Brand New Buyer,1,East Pool,new@brand-new.cn,,\n"
            # 3: Bob's customer by its phone: the admin of its pool may change it.
            ",1,East Pool,,+86 138 0013 8005,called twice\n"
            # 4: a near duplicate under Block: rejected.
            "East Customer 7 Ltd,1,East Pool,,,\n"
            # 5: two customers at once: rejected.
            "Mixed,1,East Pool,east1@acme1.cn,+86 138 0013 8002,\n"
        )
        columns = ["name", "is_company", "pool_id", "email", "phone", "comment"]
        result = self.do_import(self.admin, csv_text, columns)
        self.assertFalse([m for m in result["messages"] if m["type"] == "error"], result["messages"])
        self.assertEqual(east3.name, "East Three Renamed")
        self.assertEqual(east3.comment, "<p>vip</p>")
        self.assertEqual(east3.pool_id, self.pool, "an import never moves a customer")
        self.assertEqual(east5.name, "East Customer 5", "an empty cell leaves the value")
        self.assertEqual(east5.user_id, self.user_b)
        self.assertIn("called twice", east5.comment)
        new = self.env["res.partner"].search([("name", "=", "Brand New Buyer")])
        self.assertEqual(new.pool_id, self.pool)
        self.assertFalse(self.env["res.partner"].search([("name", "in", ("East Customer 7 Ltd", "Mixed"))]))
        self.assertEqual(south.pool_id, self.south_pool)
        attachment = self.env["ir.attachment"].with_user(self.admin).browse(result["pool_rejected_attachment_id"])
        rows = list(csv.reader(io.StringIO(base64.b64decode(attachment.datas).decode("utf-8-sig"))))
        self.assertEqual(rows[0], [*columns, "Reason"])
        self.assertEqual([row[0] for row in rows[1:]], ["East Customer 7 Ltd", "Mixed"])
        self.assertIn("refuses duplicates", rows[1][-1])
        self.assertIn("2 different customers", rows[2][-1])
        # The file is the importer's alone.
        self.assertFalse(self.env["ir.attachment"].with_user(self.user_a).search([("id", "=", attachment.id)]))
        # And it reaches the importer: a notification carries it (their inbox, or an e-mail).
        notified = self.env["mail.notification"].search(
            [
                ("res_partner_id", "=", self.admin.partner_id.id),
                ("mail_message_id.attachment_ids", "in", attachment.ids),
            ]
        )
        self.assertEqual(len(notified), 1, "the importer is told, though they did the import themselves")
        self.assertEqual(notified.mail_message_id.subject, "2 imported rows were left out")

    def test_rows_the_importer_may_not_change_are_handed_back(self):
        bob = self.customers[6]
        self.pool.with_user(self.admin).pool_assign(bob.ids, self.user_b.id)
        csv_text = "name,pool_id,email,vat\nTaken Over,East Pool,east6@acme6.cn,\n"
        result = self.do_import(self.user_a, csv_text, ["name", "pool_id", "email", "vat"])
        self.assertFalse([m for m in result["messages"] if m["type"] == "error"], result["messages"])
        self.assertEqual(bob.name, "East Customer 6")
        self.assertEqual(bob.user_id, self.user_b)
        reasons = [m["message"] for m in result["messages"] if m.get("record") == 0]
        self.assertEqual(len(reasons), 1)
        self.assertIn("a customer you may not open", reasons[0])
        self.assertNotIn("East Customer 6", reasons[0])

    def test_a_row_with_a_colleagues_customers_phone_names_nothing_of_it(self):
        """Reported: "Row N is <customer> (same phone), which you may not change." named a colleague's
        customer to a salesperson who may not read it. Through ``load`` as the import dialog and RPC call it."""
        bob = self.customers[6]
        self.pool.with_user(self.admin).pool_assign(bob.ids, self.user_b.id)
        bob.write({"email": "secret.buyer@bobs-customer.cn", "phone": "+86 138 0013 8006"})
        self.assertFalse(bob.with_user(self.user_a).has_access("read"))
        Partner = self.env["res.partner"].with_user(self.user_a).with_context(import_file=True)
        result = Partner.load(["name", "pool_id/.id", "phone"], [["My Lead", str(self.pool.id), "13800138006"]])
        self.assertFalse([m for m in result["messages"] if m["type"] == "error"], result["messages"])
        self.assertEqual((bob.name, bob.user_id), ("East Customer 6", self.user_b))
        reasons = [m["message"] for m in result["messages"] if m.get("record") == 0]
        self.assertEqual(reasons, ["Row 1 is a customer you may not open (same phone), which you may not change."])
        answer = str(result)
        for secret in (bob.name, bob.email, bob.phone, "0013 8006"):
            self.assertNotIn(secret, answer)
        # A pooled customer Alice may read but not change (she has not claimed it) is named.
        result = Partner.load(["name", "pool_id/.id", "phone"], [["My Lead", str(self.pool.id), "13800138008"]])
        reasons = [m["message"] for m in result["messages"] if m.get("record") == 0]
        self.assertEqual(reasons, ["Row 1 is East Customer 8 (same phone), which you may not change."])

    def test_update_by_database_id_never_changes_the_owner(self):
        customer = self.customers[2]
        csv_text = f".id,name,pool_id,user_id\n{customer.id},Renamed By Id,South Pool,Alice Pool\n"
        result = self.do_import(self.admin, csv_text, [".id", "name", "pool_id", "user_id"])
        self.assertFalse([m for m in result["messages"] if m["type"] == "error"], result["messages"])
        self.assertEqual(customer.name, "Renamed By Id")
        self.assertEqual((customer.pool_id, customer.pool_state), (self.pool, "pool"))
