"""Anti-scraping (issue 13): a pool's daily view limit and its export ban."""

import json
from datetime import timedelta

from psycopg2.errors import ReadOnlySqlTransaction

from odoo import api, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from ..models.crm_public_pool_view import VIEW_KEEP_DAYS
from .common import PoolCase
from .races import CLAIMED, RaceCase

FORM_SPEC = {"name": {}, "phone": {}, "email": {}, "pool_id": {"fields": {"display_name": {}}}}
PIXEL = b"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
LIST_SPEC = {
    "complete_name": {},
    "pool_id": {"fields": {"display_name": {}}},
    "pool_state": {},
    "city": {},
    "user_id": {"fields": {"display_name": {}}},
    "pool_level": {},
    "pool_enter_date": {},
}


@tagged("post_install", "-at_install")
class TestAntiScraping(PoolCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The demo data limits its default pool: only this class's pool limits here.
        cls.env["crm.public.pool"].search([]).write({"daily_view_limit": 0, "export_allowed": True})
        cls.pool.daily_view_limit = 2
        cls.a, cls.b, cls.c, cls.d = cls.customers[:4]
        cls.Partner = cls.env["res.partner"]
        cls.View = cls.env["crm.public.pool.view"]
        cls.Day = cls.env["crm.public.pool.view.day"]
        export = cls.env.ref("base.group_allow_export")
        (cls.user_a | cls.user_b | cls.user_c | cls.admin | cls.manager).write({"groups_id": [(4, export.id)]})

    def as_user(self, user, records=None):
        # The web client sends the user's time zone with every request.
        return (records or self.Partner).with_user(user).with_context(tracking_disable=True, tz="Asia/Shanghai")

    def views(self, user=None):
        return self.View.sudo().search([("user_id", "=", (user or self.user_a).id)])

    def open_form(self, partner, user=None):
        return self.as_user(user or self.user_a, partner).web_read(FORM_SPEC)[0]

    def refused_message(self):
        return (
            "You have opened 2 customers of pool East Pool today, its daily limit is 2. "
            "Reopen one you opened today, or ask the pool administrator."
        )

    def test_limit_counts_distinct_customers_and_refuses_past_it(self):
        self.assertEqual(self.open_form(self.a)["phone"], self.a.phone)
        self.assertEqual(self.open_form(self.b)["email"], self.b.email)
        self.assertEqual(self.views().partner_id, self.a | self.b)
        # Reopening one opened today is free, also after the cache is gone.
        self.env.invalidate_all()
        self.assertEqual(self.open_form(self.a)["phone"], self.a.phone)
        self.assertEqual(len(self.views()), 2)
        with self.assertRaises(UserError) as refusal:
            self.open_form(self.c)
        self.assertEqual(str(refusal.exception), self.refused_message())
        self.assertEqual(self.views().partner_id, self.a | self.b, "a refused open records nothing")
        tally = self.Day.sudo().search([("user_id", "=", self.user_a.id)])
        self.assertRecordValues(
            tally, [{"pool_id": self.pool.id, "opened_count": 2, "view_limit": 2, "limit_reached": True}]
        )

    def test_every_read_path_past_the_limit_is_refused_or_hidden(self):
        self.open_form(self.a)
        self.open_form(self.b)
        c_as_a = self.as_user(self.user_a, self.c)
        for label, call in [
            ("read", lambda: c_as_a.read(["phone"])),
            ("search_read", lambda: self.as_user(self.user_a).search_read([("id", "=", self.c.id)], ["email"])),
            ("web_read", lambda: c_as_a.web_read({"vat": {}})),
            ("onchange", lambda: c_as_a.onchange({}, [], {"phone": {}})),
            ("export_data", lambda: c_as_a.export_data(["name", "phone"])),
        ]:
            with self.subTest(path=label), self.assertRaises(UserError) as refusal:
                call()
            self.assertEqual(str(refusal.exception), self.refused_message())
        # Several customers at once open none: the ones not opened today come back hidden.
        rows = {row["id"]: row for row in self.as_user(self.user_a, self.a | self.c | self.d).read(["phone", "email"])}
        self.assertEqual(rows[self.a.id]["phone"], self.a.phone)
        self.assertEqual((rows[self.c.id]["phone"], rows[self.d.id]["email"]), (False, False))
        # Images and files: refused until opened; the chatter and activities are hidden.
        (self.a | self.c).image_1920 = PIXEL
        with self.assertRaises(UserError) as refusal:
            self.env["ir.binary"].with_user(self.user_a)._record_to_stream(c_as_a, "image_128")
        self.assertEqual(
            str(refusal.exception),
            f"Open customer #{self.c.id} first: its pool counts the customers you open each day.",
        )
        self.assertEqual(self.as_user(self.user_a, self.a | self.c)._pool_masked_pools(), {self.c.id: self.pool.id})
        self.c.message_post(body="Called, wants a quote", message_type="comment")
        self.a.message_post(body="Called A", message_type="comment")
        Message = self.env["mail.message"].with_user(self.user_a)
        self.assertFalse(Message.search([("model", "=", "res.partner"), ("res_id", "=", self.c.id)]))
        self.assertTrue(Message.search([("model", "=", "res.partner"), ("res_id", "=", self.a.id)]))
        self.env["mail.activity"].create(
            {
                "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                "res_id": self.c.id,
                "activity_type_id": self.env.ref("mail.mail_activity_data_todo").id,
                "user_id": self.admin.id,
            }
        )
        self.assertFalse(
            self.env["mail.activity"]
            .with_user(self.user_a)
            .search([("res_id", "=", self.c.id), ("res_model", "=", "res.partner")])
        )
        self.assertEqual(len(self.views()), 2)

    def test_search_sort_and_group_on_hidden_fields_skip_customers_not_opened(self):
        self.open_form(self.a)
        Partner = self.as_user(self.user_a)
        self.assertEqual(Partner.search([("phone", "=", self.a.phone)]), self.a)
        self.assertFalse(Partner.search([("phone", "=", self.c.phone)]))
        self.assertFalse(Partner.search([("email", "ilike", "east2@")]))
        self.assertFalse(Partner.name_search(self.c.email))
        groups = Partner._read_group([("id", "in", self.customers.ids)], ["phone"], ["__count"])
        self.assertEqual([phone for phone, __ in groups], [self.a.phone])
        # Sorting by a hidden field would rank the hidden values: the term is dropped.
        ordered = Partner.search([("id", "in", self.customers.ids)], order="phone desc")
        self.assertEqual(ordered, Partner.search([("id", "in", self.customers.ids)]))
        self.assertEqual(len(self.views()), 1, "searching opens nothing")

    def test_pool_list_costs_nothing(self):
        Partner = self.as_user(self.user_a)
        spec = dict(LIST_SPEC, phone={})
        result = Partner.web_search_read([("pool_id", "=", self.pool.id)], spec, limit=80, count_limit=10001)
        self.assertEqual(result["length"], len(self.customers))
        self.assertFalse(self.views(), "the pool list opens nobody")
        self.assertFalse(any(row["phone"] for row in result["records"]), "phones show once the customer is opened")
        self.open_form(self.a)
        result = Partner.web_search_read([("pool_id", "=", self.pool.id)], spec, limit=80)
        phones = {row["id"]: row["phone"] for row in result["records"]}
        self.assertEqual(phones[self.a.id], self.a.phone)
        self.assertEqual(len(self.views()), 1)

    def statements(self, call):
        """Statements ``call`` sends to the database (nothing pending before it)."""
        self.env.flush_all()
        before = self.cr.sql_log_count
        call()
        return self.cr.sql_log_count - before

    def test_counting_costs_at_most_one_statement(self):
        Partner = self.as_user(self.user_a)
        self.pool.daily_view_limit = 20
        self.env["crm.public.pool"].with_user(self.user_a)._pool_view_limits()
        self.customers.sudo().fetch(["pool_state", "pool_id", "commercial_partner_id"])
        for size in (1, 5):
            partners = Partner.browse(self.customers[:1].ids if size == 1 else self.customers[1 : 1 + size].ids)
            self.assertEqual(self.statements(partners._pool_open), 1)
        self.assertEqual(len(self.views()), 6)
        # Reopening: nothing to count when known in this transaction, one statement otherwise.
        self.assertEqual(self.statements(Partner.browse(self.customers[1:6].ids)._pool_open), 0)
        partners = Partner.browse(self.customers[:6].ids)
        self.env.invalidate_all()
        self.customers.sudo().fetch(["pool_state", "pool_id", "commercial_partner_id"])
        self.assertEqual(self.statements(partners._pool_open), 1)
        self.assertEqual(len(self.views()), 6)
        # A form open costs the counting statement and nothing more than without a limit (each
        # measured after a first form open has loaded what every request loads).
        self.open_form(self.customers[6])
        with_limit = self.statements(lambda: self.open_form(self.customers[7]))
        self.pool.daily_view_limit = 0
        self.open_form(self.customers[8])
        without_limit = self.statements(lambda: self.open_form(self.customers[9]))
        self.assertLessEqual(with_limit - without_limit, 1)

    def test_owner_admin_manager_and_sudo_are_not_counted(self):
        own = self.customers[9]
        own.with_user(self.user_a).action_pool_claim()
        self.open_form(self.a)
        self.open_form(self.b)
        self.assertEqual(self.open_form(own)["phone"], own.phone)
        for user in (self.admin, self.manager):
            for partner in self.customers[:5]:
                self.assertEqual(self.open_form(partner, user)["phone"], partner.phone)
            self.assertFalse(self.views(user))
        self.assertEqual(self.c.with_user(self.user_a).sudo().read(["phone"])[0]["phone"], self.c.phone)
        self.assertEqual(len(self.views()), 2)
        # Another pool without a limit is not counted.
        self.assertEqual(self.open_form(self.south_customer, self.user_c)["phone"], self.south_customer.phone)
        self.assertFalse(self.views(self.user_c))

    def test_prospect_lookup_is_not_an_opening(self):
        """Registration's duplicate lookup runs as superuser and shows what the list shows: it counts nothing."""
        self.open_form(self.a)
        self.open_form(self.b)
        found = self.as_user(self.user_a).pool_lookup(phone=self.c.phone)
        self.assertIn(self.c.id, [row["partner_id"] for row in found])
        self.assertNotIn(self.c.phone, str(found))
        self.assertEqual(len(self.views()), 2)

    def test_contacts_open_with_their_company(self):
        contact = self.Partner.create({"name": "Li Lei", "parent_id": self.a.id, "email": "lilei@acme0.cn"})
        self.assertEqual(contact.pool_id, self.pool)
        self.assertFalse(self.as_user(self.user_a, contact | self.b).read(["email"])[0]["email"])
        self.open_form(self.a)
        self.assertEqual(self.as_user(self.user_a, contact).read(["email"])[0]["email"], "lilei@acme0.cn")
        self.assertEqual(self.views().partner_id, self.a)

    def test_next_day_starts_afresh(self):
        self.open_form(self.a)
        self.open_form(self.b)
        with self.assertRaises(UserError):
            self.open_form(self.c)
        yesterday = fields.Date.context_today(self.Partner) - timedelta(days=1)
        self.env.cr.execute("UPDATE crm_public_pool_view SET day = %s", [yesterday])
        self.env.cr.execute("UPDATE crm_public_pool_view_day SET day = %s", [yesterday])
        self.env.invalidate_all()
        self.assertEqual(self.open_form(self.c)["phone"], self.c.phone)
        self.assertEqual(self.open_form(self.a)["phone"], self.a.phone)
        self.assertEqual(len(self.views()), 4)
        # Yesterday's views are aged past the purge. They are dated in the reader's time zone and the
        # purge counts in UTC, so a day more than it keeps: between the reader's midnight and UTC's
        # (23:00-24:00 UTC for the demo's Brussels) "yesterday" is UTC's today.
        self.env.cr.execute(
            "UPDATE crm_public_pool_view SET day = day - %s WHERE day = %s", [VIEW_KEEP_DAYS + 2, yesterday]
        )
        self.View._cron_purge()
        self.assertEqual(len(self.views()), 2)

    def test_export_ban(self):
        self.pool.write({"daily_view_limit": 0, "export_allowed": False})
        own = self.customers[9]
        own.with_user(self.user_a).action_pool_claim()
        with self.assertRaises(UserError) as refusal:
            self.as_user(self.user_a, self.a | self.b | own).export_data(["name"])
        self.assertEqual(
            str(refusal.exception),
            (
                "Pool East Pool does not allow its members to export its customers: 2 of the 3 records you chose "
                "belong to it. Export only your own customers, or ask the pool administrator."
            ),
        )
        self.assertEqual(
            self.as_user(self.user_a, own).export_data(["name", "phone"])["datas"], [[own.name, own.phone]]
        )
        for user in (self.admin, self.manager):
            datas = self.as_user(user, self.a | self.b).export_data(["name"])["datas"]
            self.assertEqual(len(datas), 2)
        # Other pools export as before.
        self.assertTrue(self.as_user(self.user_c, self.south_customer).export_data(["name"])["datas"])

    def test_export_opens_what_it_exports(self):
        self.pool.daily_view_limit = 3
        datas = self.as_user(self.user_a, self.a | self.b).export_data(["name", "phone"])["datas"]
        self.assertEqual(datas, [[self.a.name, self.a.phone], [self.b.name, self.b.phone]])
        with self.assertRaises(UserError) as refusal:
            self.as_user(self.user_a, self.c | self.d).export_data(["name", "phone"])
        self.assertIn(
            "You have opened 2 customers of pool East Pool today, its daily limit is 3.", str(refusal.exception)
        )
        self.assertEqual(len(self.views()), 2)
        # Names alone are what the list shows: no count.
        self.as_user(self.user_a, self.customers).export_data(["name", "city"])
        self.assertEqual(len(self.views()), 2)

    def test_managers_see_who_reached_the_limit(self):
        self.open_form(self.a)
        self.open_form(self.b)
        self.open_form(self.a, self.user_b)
        Day = self.Day.with_user(self.manager)
        reached = Day.search([("limit_reached", "=", True)])
        self.assertRecordValues(reached, [{"user_id": self.user_a.id, "pool_id": self.pool.id, "opened_count": 2}])
        self.assertEqual(len(Day.search([])), 2)
        self.assertEqual(self.Day.with_user(self.user_b).search([]).user_id, self.user_b)
        action = self.pool.with_user(self.manager).action_open_view_days()
        self.assertEqual(Day.search(action["domain"] + [("limit_reached", "=", True)]), reached)
        self.assertEqual(self.View.with_user(self.user_b).search([]).user_id, self.user_b)

    def test_views_are_written_by_the_pool_alone(self):
        self.open_form(self.a)
        view = self.View.with_user(self.user_a).search([])
        with self.assertRaises(AccessError):
            view.unlink()
        for model in (self.View, self.Day):
            with self.assertRaises(UserError):
                model.with_user(self.manager).create(
                    {"user_id": self.user_a.id, "pool_id": self.pool.id, "day": fields.Date.today()}
                )
        with self.assertRaises(UserError):
            view.with_user(self.manager).write({"day": "2020-01-01"})
        with self.assertRaises(UserError):
            view.sudo().write({"day": "2020-01-01"})


@tagged("post_install", "-at_install")
class TestAntiScrapingRace(RaceCase):
    """One salesperson opening customers from several requests at once never passes the limit."""

    RACERS = 1

    def test_16_requests_of_one_user_open_at_most_the_limit(self):
        uid = self.user_ids[0]
        limit = 5
        with self.registry.cursor() as cr:
            api.Environment(cr, api.SUPERUSER_ID, {})["crm.public.pool"].browse(self.pool_id).daily_view_limit = limit
        customers = self.make_customers(16, "Scraped Customer")
        outcomes = self.race(
            [(uid, customer) for customer in customers],
            lambda env, customer: self.with_retry(
                env, lambda: env["res.partner"].browse(customer).web_read(FORM_SPEC), tries=20
            ),
        )
        self.assertEqual(outcomes.count(CLAIMED), limit, outcomes)
        refused = [outcome for outcome in outcomes if outcome != CLAIMED]
        self.assertTrue(all(f"You have opened {limit} customers of pool" in outcome for outcome in refused), refused)
        rows = self.fetch("SELECT count(*) FROM crm_public_pool_view WHERE user_id = %s", [uid])
        self.assertEqual(rows[0][0], limit)
        tally = self.fetch("SELECT opened_count, limit_reached FROM crm_public_pool_view_day WHERE user_id = %s", [uid])
        self.assertEqual(tally, [(limit, True)])


@tagged("post_install", "-at_install")
class TestAntiScrapingWebClient(PoolCase, HttpCase):
    """Through the web client's JSON-RPC, where Odoo serves reads on read-only cursors."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["crm.public.pool"].search([]).write({"daily_view_limit": 0})
        cls.pool.daily_view_limit = 2

    def call(self, method, *args, **kwargs):
        """``res.partner.method`` as the web client calls it; the result, or a UserError with the server's message."""
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": 1,
            "params": {
                "model": "res.partner",
                "method": method,
                "args": list(args),
                "kwargs": dict(kwargs, context={"tz": "Asia/Shanghai"}),
            },
        }
        body = self.url_open(
            f"/web/dataset/call_kw/res.partner/{method}",
            data=json.dumps(payload),
            headers={"Content-Type": "application/json"},
        ).json()
        if "error" in body:
            raise UserError(body["error"]["data"]["message"])
        return body["result"]

    def opened(self):
        self.env.invalidate_all()
        return self.env["crm.public.pool.view"].sudo().search([("user_id", "=", self.user_a.id)]).partner_id

    def test_form_and_list_over_json_rpc(self):
        a, b, c = self.customers[:3]
        self.authenticate("pool_a", "pool_a")
        # A list showing one customer opens nobody and shows no contact field.
        with self.assertNoLogs("odoo.sql_db", "ERROR"):
            page = self.call("web_search_read", [("id", "=", a.id)], {"name": {}, "phone": {}})
        self.assertEqual(page["records"], [{"id": a.id, "name": a.name, "phone": False}])
        self.assertFalse(self.opened())
        # The form opens it: its read-only request is replayed on a read/write cursor (the
        # primary, with a replica) to record the opening, quietly: no failed write, no warning.
        with (
            self.assertNoLogs("odoo.sql_db", "ERROR"),
            self.assertNoLogs("odoo.http", "WARNING"),
            self.assertLogs("odoo.addons.crm_public_pool.models.crm_public_pool_view", "DEBUG") as replayed,
        ):
            form = self.call("web_read", [a.id], {"name": {}, "phone": {}})
        self.assertIn("replayed on a read/write cursor", replayed.output[0])
        self.assertEqual(form[0]["phone"], a.phone)
        self.assertEqual(self.call("read", [b.id], ["email"])[0]["email"], b.email)
        self.assertEqual(self.opened(), a | b)
        # Reopened on the list's read-only cursor: shown, nothing written.
        with self.assertNoLogs("odoo.sql_db", "ERROR"):
            page = self.call("web_search_read", [("id", "in", (a | c).ids)], {"phone": {}}, order="id")
        self.assertEqual([row["phone"] for row in page["records"]], [a.phone, False])
        # The form again, and a form of a pool without a limit: served read-only, never replayed.
        west = self.env["crm.public.pool"].create(
            {"name": "West Pool", "pool_type": "department", "member_user_ids": [(6, 0, self.user_a.ids)]}
        )
        other = self.env["res.partner"].create({"name": "West Customer", "is_company": True, "pool_id": west.id})
        with self.assertNoLogs("odoo.addons.crm_public_pool.models.crm_public_pool_view", "DEBUG"):
            self.assertEqual(self.call("web_read", [a.id], {"phone": {}})[0]["phone"], a.phone)
            self.assertEqual(self.call("web_read", other.ids, {"name": {}})[0]["name"], other.name)
        self.assertEqual(self.opened(), a | b)
        # The server logs the refusal as a warning, as it does every UserError of a request.
        with self.assertRaises(UserError) as refusal, self.assertLogs("odoo.http", "WARNING"):
            self.call("search_read", [("id", "=", c.id)], ["phone"])
        self.assertIn(
            "You have opened 2 customers of pool East Pool today, its daily limit is 2.", str(refusal.exception)
        )
        self.assertEqual(self.opened(), a | b)

    def test_read_only_requests_replay_only_to_open(self):
        a, b = self.customers[:2]

        def read_only(partner):
            with self.registry.cursor(readonly=True) as cr:
                env = api.Environment(cr, self.user_a.id, {"tz": "Asia/Shanghai"})
                return env["res.partner"].browse(partner.id).read(["phone"])[0]["phone"]

        # Odoo replays a request that must write on a read/write cursor: opening one must write.
        with self.assertRaises(ReadOnlySqlTransaction):
            read_only(a)
        self.assertFalse(self.opened())
        # Opened in the same time zone as the read-only requests (the day of the count is the
        # reader's: after 16:00 UTC it is already tomorrow in Shanghai).
        self.env["res.partner"].with_user(self.user_a).with_context(tz="Asia/Shanghai").browse(a.id).read(["phone"])
        # Reopening writes nothing: served on the read-only cursor.
        self.assertEqual(read_only(a), a.phone)
        # Reads of customers of no limited pool, or of several, never need to write.
        self.assertEqual(read_only(self.user_b.partner_id), self.user_b.partner_id.phone)
        self.assertEqual(self.opened(), a)
        self.assertFalse(b.with_user(self.user_a).pool_opened_today)
