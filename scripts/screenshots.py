"""Take the screenshots of the user documentation from a running demo.

The images in ``crm_public_pool/static/description/`` (README and ``index.html``) come from the
demo database that ``scripts/serve.sh`` creates: its demo data already holds the history, rules,
requests and appeal the images show. Start the demo, then run this script with a Python that has
``websocket-client`` (Odoo's venv has it, see requirements-test.txt):

    POOL_DB=pool_docs POOL_PORT=8079 ./scripts/serve.sh &
    python scripts/screenshots.py --url http://127.0.0.1:8079 --db pool_docs

``--prepare`` plays a little more history through the JSON-RPC API on a demo that has no recycle
rule yet (an older demo); it is skipped when the demo's rules exist.

The pages are opened in headless Chromium (``--chromium``, default /usr/bin/chromium) through the
Chrome DevTools Protocol, logged in with each user's session cookie, at 1440x900. ``--only NAME``
(repeatable) retakes some of the images; ``--list`` names them all.
"""

import argparse
import base64
import http.cookiejar
import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import websocket

OUT = Path(__file__).resolve().parent.parent / "crm_public_pool" / "static" / "description"
WIDTH, HEIGHT = 1440, 900
ACTION = "/odoo/action-crm_public_pool.%s"
RECYCLE_RULE = "No follow-up for 30 days (level A: 60, level B: 45)"
NEW_PROSPECT = "宁波明光纺织品进出口有限公司"
NEAR_DUPLICATE = "苏州瑞达精工机械有限公司"


class Rpc:
    """A JSON-RPC session of one demo user."""

    def __init__(self, url, db, login, password=None):
        self.url = url
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        result = self.post("/web/session/authenticate", {"db": db, "login": login, "password": password or login})
        self.uid = result["uid"]
        self.session_id = next(cookie.value for cookie in self.jar if cookie.name == "session_id")

    def post(self, path, params):
        payload = json.dumps({"jsonrpc": "2.0", "method": "call", "params": params}).encode()
        request = urllib.request.Request(self.url + path, payload, {"Content-Type": "application/json"})
        with self.opener.open(request, timeout=300) as response:
            answer = json.load(response)
        if "error" in answer:
            error = answer["error"]
            raise RuntimeError("%s: %s" % (path, error.get("data", {}).get("message") or error.get("message")))
        return answer["result"]

    def call(self, model, method, *args, **kwargs):
        return self.post(
            "/web/dataset/call_kw", {"model": model, "method": method, "args": list(args), "kwargs": kwargs}
        )

    def ref(self, xmlid):
        module, name = xmlid.split(".")
        data = self.call(
            "ir.model.data", "search_read", [("module", "=", module), ("name", "=", name)], fields=["res_id"]
        )
        return data[0]["res_id"]


def prepare(url, db):
    """Give the demo the history the screenshots show (see the module docstring)."""
    admin = Rpc(url, db, "admin")
    if admin.call("crm.public.pool.rule", "search", [("name", "=", RECYCLE_RULE)]):
        print("demo already prepared")
        return
    company_pool = admin.ref("crm_public_pool.pool_default")
    east_pool = admin.ref("crm_public_pool.demo_pool_east")
    dealer_pool = admin.ref("crm_public_pool.demo_pool_dealer")
    admin.call(
        "crm.public.pool.rule",
        "create",
        [
            {
                "pool_id": company_pool,
                "name": RECYCLE_RULE,
                "rule_type": "no_followup",
                "days": 30,
                "days_a": 60,
                "days_b": 45,
                "warn_days": 7,
            },
            {
                "pool_id": company_pool,
                "name": "Not won within 90 days of claiming",
                "rule_type": "not_won",
                "days": 90,
                "warn_days": 7,
            },
            {
                "pool_id": east_pool,
                "name": "No new opportunity for 45 days",
                "rule_type": "no_opportunity",
                "days": 45,
                "warn_days": 5,
            },
        ],
    )

    liwei = Rpc(url, db, "liwei")
    pooled = liwei.call(
        "res.partner", "search", [("pool_state", "=", "pool"), ("pool_id", "=", company_pool)], limit=3, order="id"
    )
    liwei.call("res.partner", "action_pool_claim", pooled)
    reason = liwei.call("crm.public.pool.reason", "search", [("name", "=", "No need")])
    wizard = liwei.call(
        "crm.public.pool.release.wizard",
        "create",
        {"partner_ids": [(6, 0, pooled[-1:])], "reason_id": reason[0], "note": "Budget frozen until next year"},
    )
    liwei.call("crm.public.pool.release.wizard", "action_release", [wizard])
    liwei.call(
        "res.partner",
        "create",
        {
            "name": "苏州瑞达精密机械有限公司",
            "city": "Suzhou",
            "phone": "+86 512 6688 1234",
            "email": "sales@ruida-jm.com",
            "pool_level": "b",
        },
        context={"pool_manage": True, "default_user_id": liwei.uid, "default_is_company": True},
    )

    chenjing = Rpc(url, db, "chenjing")
    for partner_id in chenjing.call(
        "res.partner", "search", [("pool_state", "=", "pool"), ("pool_id", "=", dealer_pool)], limit=3, order="id"
    ):
        chenjing.call("res.partner", "action_pool_claim", [partner_id])
    pool_admin = Rpc(url, db, "pooladmin")
    requests = pool_admin.call("crm.public.pool.claim.request", "search", [("state", "=", "pending")], order="id")
    pool_admin.call("crm.public.pool.claim.request", "action_approve", requests[:1])

    demo = Rpc(url, db, "demo")
    for vals in (
        {
            "name": NEW_PROSPECT,
            "contact_name": "王芳",
            "phone": "0574-8765 4321",
            "email": "wangfang@mingguang-textile.cn",
            "level": "b",
        },
        {"name": NEAR_DUPLICATE, "contact_name": "周杰", "phone": "+86 138 1234 5678", "level": "b"},
    ):
        registration = demo.call("crm.public.pool.registration", "create", vals)
        demo.call("crm.public.pool.registration", "action_submit", [registration])

    snapshot_cron = admin.ref("crm_public_pool.ir_cron_pool_snapshot")
    admin.call("ir.cron", "method_direct_trigger", [snapshot_cron])
    lang = admin.call("res.lang", "search", [("code", "=", "zh_CN"), ("active", "in", [True, False])])
    wizard = admin.call("base.language.install", "create", {"lang_ids": [(6, 0, lang)]})
    admin.call("base.language.install", "lang_install", [wizard])
    print("demo prepared")


class Browser:
    """Headless Chromium driven over the DevTools protocol."""

    def __init__(self, binary, base_url):
        self.base_url = base_url
        self.profile = tempfile.mkdtemp(prefix="pool-shots-")
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        self.process = subprocess.Popen(
            [
                binary,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--remote-debugging-port=%s" % port,
                "--user-data-dir=%s" % self.profile,
                "--window-size=%s,%s" % (WIDTH, HEIGHT),
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        targets = self._wait_for_targets(port)
        page = next(target for target in targets if target["type"] == "page")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], suppress_origin=True, timeout=120)
        self.next_id = 0
        self.send("Page.enable")
        self.send("Network.enable")
        self.send("Emulation.setDeviceMetricsOverride", width=WIDTH, height=HEIGHT, deviceScaleFactor=1, mobile=False)

    @staticmethod
    def _wait_for_targets(port):
        deadline = time.time() + 60
        while True:
            try:
                with urllib.request.urlopen("http://127.0.0.1:%s/json/list" % port, timeout=5) as response:
                    targets = json.load(response)
                if any(target["type"] == "page" for target in targets):
                    return targets
            except OSError:
                pass
            if time.time() > deadline:
                raise RuntimeError("Chromium did not open its DevTools port")
            time.sleep(0.5)

    def send(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError("%s: %s" % (method, message["error"]))
                return message.get("result", {})

    def evaluate(self, expression):
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        return result.get("result", {}).get("value")

    def login(self, rpc):
        self.send("Network.clearBrowserCookies")
        self.send("Network.setCookie", name="session_id", value=rpc.session_id, url=self.base_url, path="/")

    def goto(self, path):
        self.send("Page.navigate", url=self.base_url + path)
        time.sleep(1)

    def wait(self, selector, timeout=60):
        """Until ``selector`` is on the page and the web client has finished loading."""
        check = (
            "!!document.querySelector(%s) && !document.querySelector('.o_loading_indicator, .o_blockUI')"
            % json.dumps(selector)
        )
        deadline = time.time() + timeout
        while not self.evaluate(check):
            if time.time() > deadline:
                raise RuntimeError("timeout waiting for %s on %s" % (selector, self.evaluate("location.href")))
            time.sleep(0.3)
        time.sleep(1.5)

    def click(self, selector):
        found = self.evaluate(
            "(() => { const el = document.querySelector(%s); if (el) { el.click(); } return !!el; })()"
            % json.dumps(selector)
        )
        if not found:
            raise RuntimeError("nothing to click at %s" % selector)
        time.sleep(0.5)

    def type(self, selector, text):
        """Set an input's value as typing does, then leave the field so the form reacts."""
        found = self.evaluate(
            "(() => { const el = document.querySelector(%s); if (!el) { return false; } el.focus(); el.value = %s;"
            " el.dispatchEvent(new Event('input', {bubbles: true}));"
            " el.dispatchEvent(new Event('change', {bubbles: true})); el.blur(); return true; })()"
            % (json.dumps(selector), json.dumps(text))
        )
        if not found:
            raise RuntimeError("no input at %s" % selector)
        time.sleep(1)

    def scroll_to_heading(self, text):
        self.evaluate(
            "[...document.querySelectorAll('h2')].find(h => h.textContent.trim() === %s)"
            "?.scrollIntoView({block: 'start'})" % json.dumps(text)
        )
        time.sleep(1)

    def capture(self, path, height=None):
        """The viewport, or only its top ``height`` pixels."""
        params = {"format": "png", "captureBeyondViewport": False}
        if height:
            params["clip"] = {"x": 0, "y": 0, "width": WIDTH, "height": height, "scale": 1}
        data = self.send("Page.captureScreenshot", **params)["data"]
        path.write_bytes(base64.b64decode(data))

    def close(self):
        try:
            self.ws.close()
        finally:
            self.process.terminate()
            self.process.wait(timeout=30)
            shutil.rmtree(self.profile, ignore_errors=True)


# A shot opens its page as one of the demo users; it returns the height of the top part of the
# viewport to keep, None for all of it, or the PNG it took itself.


def _record(rpc, model, domain, order="id"):
    ids = rpc.call(model, "search", domain, limit=1, order=order)
    if not ids:
        raise RuntimeError("no %s matches %s: run with --prepare on the demo database" % (model, domain))
    return ids[0]


def shot_pool_customers(browser, users):
    """Without the In Pool filter and owned customers first: days left above, masked phones below."""
    browser.login(users["demo"])
    browser.goto(ACTION % "action_pool_customers")
    browser.wait(".o_list_renderer .o_data_row")
    browser.click(".o_searchview_facet .o_facet_remove")
    browser.wait(".o_list_renderer .o_data_row")
    for _descending in range(2):
        browser.click(".o_list_renderer th[data-name=pool_state]")
        browser.wait(".o_list_renderer .o_data_row")
    return 760


def shot_customer_form_pooled(browser, users):
    demo = users["demo"]
    east_pool = users["admin"].ref("crm_public_pool.demo_pool_east")
    # One Marc Demo may claim now: the demo recycles some customers as it is created (entry lock).
    partner = _record(
        demo,
        "res.partner",
        [("pool_state", "=", "pool"), ("pool_id", "=", east_pool), ("pool_claimable", "=", True)],
        "name",
    )
    browser.login(demo)
    browser.goto(ACTION % "action_pool_customers" + "/%s" % partner)
    browser.wait(".o_form_view button[name=action_pool_claim]")


def shot_my_customers_kanban(browser, users):
    browser.login(users["demo"])
    browser.goto(ACTION % "action_pool_my_customers" + "?view_type=kanban")
    browser.wait(".o_kanban_renderer .o_kanban_record")


def shot_my_capacity(browser, users):
    browser.login(users["demo"])
    browser.goto(ACTION % "action_pool_my_capacity")
    browser.wait(".o_kanban_renderer .oe_gauge canvas")
    return 330


def shot_registration_form(browser, users):
    demo = users["demo"]
    registration = _record(demo, "crm.public.pool.registration", [("name", "=", NEW_PROSPECT)])
    browser.login(demo)
    browser.goto(ACTION % "action_pool_registrations" + "/%s" % registration)
    browser.wait(".o_form_view .o_statusbar_status")


def shot_register_wizard(browser, users):
    """The Register a Customer dialog while the prospect is typed: the lookup finds Li Wei's customer."""
    browser.login(users["demo"])
    browser.goto(ACTION % "action_pool_registrations")
    browser.wait(".o_list_renderer")
    browser.click(".o_menu_sections button[data-menu-xmlid='crm_public_pool.menu_pool_root']")
    browser.click("a[data-menu-xmlid='crm_public_pool.menu_pool_register']")
    browser.wait(".modal .o_field_widget[name=name] input")
    browser.type(".modal .o_field_widget[name=name] input", "苏州瑞达精密机械股份有限公司")
    browser.type(".modal .o_field_widget[name=contact_name] input", "周杰")
    browser.wait(".modal .o_field_widget[name=lookup_result]")
    return 560


def shot_distribute_preview(browser, users):
    pool_admin = users["pooladmin"]
    browser.login(pool_admin)
    browser.goto(ACTION % "action_pool_pools" + "/%s" % users["admin"].ref("crm_public_pool.pool_default"))
    browser.wait(".o_form_view button[name=action_open_assign_wizard]")
    browser.click(".o_form_view button[name=action_open_assign_wizard]")
    browser.wait(".modal button[name=action_preview]")
    browser.click(".modal button[name=action_preview]")
    browser.wait(".modal .o_field_one2many .o_data_row")


def shot_audit_log(browser, users):
    browser.login(users["pooladmin"])
    browser.goto(ACTION % "action_pool_log")
    browser.wait(".o_list_renderer .o_data_row")


def shot_claim_requests(browser, users):
    browser.login(users["pooladmin"])
    browser.goto(ACTION % "action_pool_claim_requests")
    browser.wait(".o_list_renderer .o_data_row")
    return 320


def shot_dashboard_ageing(browser, users):
    browser.login(users["admin"])
    browser.goto(ACTION % "action_pool_age_report")
    browser.wait(".o_graph_renderer canvas")


def shot_dashboard_moves(browser, users):
    browser.login(users["admin"])
    browser.goto(ACTION % "action_pool_activity_report")
    browser.wait(".o_pivot table")


def shot_pool_form_recycle_rules(browser, users):
    admin = users["admin"]
    browser.login(admin)
    browser.goto(ACTION % "action_pool_pools" + "/%s" % admin.ref("crm_public_pool.pool_default"))
    browser.wait(".o_form_view .o_notebook")
    browser.click(".o_notebook .nav-link[name=rules]")
    browser.wait(".o_field_widget[name=rule_ids] .o_data_row")
    # The rules at the bottom of the window, the claiming rules above them.
    browser.evaluate("document.querySelector('.o_field_widget[name=rule_ids]').scrollIntoView({block: 'end'})")
    time.sleep(1)


def shot_dashboard_capacity(browser, users):
    """Salespeople Capacity opens (its domain once held a ref() the browser could not evaluate)."""
    browser.login(users["pooladmin"])
    browser.goto(ACTION % "action_pool_capacity_report")
    browser.wait(".o_list_renderer .o_data_row")
    return 420


def shot_returning_soon(browser, users):
    """Returning to Pool Soon beside the default In Pool filter: OR-ed, so the owned customers show."""
    browser.login(users["demo"])
    browser.goto(ACTION % "action_pool_customers")
    browser.wait(".o_list_renderer .o_data_row")
    browser.click(".o_searchview_dropdown_toggler")
    browser.wait(".o_filter_menu")
    browser.evaluate(
        "[...document.querySelectorAll('.o_filter_menu .o_menu_item')]"
        ".find(e => e.textContent.includes('Returning to Pool Soon')).click()"
    )
    browser.wait(".o_list_renderer .o_data_row")
    browser.click(".o_searchview_dropdown_toggler")
    for _descending in range(2):
        browser.click(".o_list_renderer th[data-name=pool_state]")
        browser.wait(".o_list_renderer .o_data_row")
    return 620


def shot_register_brand(browser, users):
    """The brand alone finds 广州市宏图物流有限公司 in the pool."""
    browser.login(users["demo"])
    browser.goto(ACTION % "action_pool_register_wizard")
    browser.wait(".modal .o_field_widget[name=name] input")
    browser.type(".modal .o_field_widget[name=name] input", "宏图物流")
    browser.wait(".modal .o_field_widget[name=lookup_result]")
    return 560


def shot_appeal_review(browser, users):
    """A pool administrator reviews an appeal: the registration beside the disputed customer."""
    pool_admin = users["pooladmin"]
    registration = _record(pool_admin, "crm.public.pool.registration", [("state", "=", "appealed")])
    browser.login(pool_admin)
    browser.goto(ACTION % "action_pool_registrations" + "/%s" % registration)
    browser.wait(".o_form_view .o_notebook")
    browser.click(".o_notebook .nav-link[name=comparison]")
    browser.wait(".o_pool_comparison")


def shot_claim_request_reject(browser, users):
    """Rejecting a claim request asks for the reason the requester is told."""
    browser.login(users["pooladmin"])
    browser.goto(ACTION % "action_pool_claim_requests")
    browser.wait(".o_list_renderer button[name=action_reject_wizard]")
    browser.click(".o_list_renderer button[name=action_reject_wizard]")
    browser.wait(".modal .o_field_widget[name=note] textarea")
    browser.type(".modal .o_field_widget[name=note] textarea", "该客户由渠道经理统一跟进")
    return 640


def shot_my_customers_phone(browser, users):
    """My Customers on a phone: the cards, with the days-left bars."""
    browser.login(users["demo"])
    browser.send("Emulation.setDeviceMetricsOverride", width=390, height=844, deviceScaleFactor=1, mobile=True)
    try:
        browser.goto(ACTION % "action_pool_my_customers")
        browser.wait(".o_kanban_renderer .o_kanban_record")
        data = browser.send("Page.captureScreenshot", format="png", captureBeyondViewport=False)["data"]
    finally:
        browser.send(
            "Emulation.setDeviceMetricsOverride", width=WIDTH, height=HEIGHT, deviceScaleFactor=1, mobile=False
        )
    return base64.b64decode(data)


def shot_accept_or_return(browser, users):
    """A customer the East pool's administrator has just assigned to Marc Demo: Accept or Return."""
    demo = users["demo"]
    partner = _record(demo, "res.partner", [("user_id", "=", demo.uid), ("pool_accept_deadline", "!=", False)])
    browser.login(demo)
    browser.goto(ACTION % "action_pool_my_customers" + "/%s" % partner)
    browser.wait(".o_form_view button[name=action_pool_accept]")
    return 520


def shot_embargo_refusal(browser, users):
    """Li Wei opens the customer Marc Demo lost to a competitor: no Claim, but the date and reason why."""
    liwei = users["liwei"]
    partner = _record(liwei, "res.partner", [("pool_state", "=", "pool"), ("pool_embargo_until", "!=", False)])
    browser.login(liwei)
    browser.goto(ACTION % "action_pool_customers" + "/%s" % partner)
    browser.wait(".o_form_view span[name=pool_claim_blocker]")
    return 560


def shot_unplaced(browser, users):
    """A customer escalation left in the Xinda Dealer Pool, saying why, and the pool's Retry Unplaced."""
    pool_admin = users["pooladmin"]
    pool = users["admin"].ref("crm_public_pool.demo_pool_dealer")
    browser.login(pool_admin)
    browser.goto(ACTION % "action_pool_pools" + "/%s" % pool)
    browser.wait(".o_form_view button[name=action_pool_retry_unplaced]")
    browser.click(".o_form_view button[name=action_open_unplaced]")
    browser.wait(".o_list_renderer .o_data_row")
    browser.click(".o_list_renderer .o_data_row td.o_data_cell")
    browser.wait(".o_form_view div[name=pool_unplaced]")
    return 520


def shot_pause_intake(browser, users):
    """Marc Demo pauses his own intake from My Capacity."""
    demo = users["demo"]
    browser.login(demo)
    browser.goto(ACTION % "action_pool_my_capacity" + "/%s" % demo.uid)
    browser.wait(".o_form_view button[name=action_pool_my_customers]")
    browser.evaluate(
        "[...document.querySelectorAll('.o_form_view button')].find(e => e.textContent.includes('Pause')).click()"
    )
    browser.wait(".modal .o_field_widget[name=until]")
    return 680


def shot_revenue_rule(browser, users):
    """The East pool's low-revenue rule: confirmed sales orders count, and the team leader is warned too."""
    admin = users["admin"]
    browser.login(admin)
    browser.goto(ACTION % "action_pool_rules" + "/%s" % admin.ref("crm_public_pool.demo_rule_east_low_revenue"))
    browser.wait(".o_form_view .o_field_widget[name=revenue_source]")
    return 560


def shot_view_limit(browser, users):
    """Li Wei past the Company Pool's daily view limit (lowered to 2 for the picture, then put back)."""
    admin, liwei = users["admin"], users["liwei"]
    pool = admin.ref("crm_public_pool.pool_default")
    limit = admin.call("crm.public.pool", "read", [pool], ["daily_view_limit"])[0]["daily_view_limit"]
    customers = liwei.call(
        "res.partner", "search", [("pool_id", "=", pool), ("pool_state", "=", "pool")], limit=3, order="id"
    )
    admin.call("crm.public.pool", "write", [pool], {"daily_view_limit": 2})
    try:
        for partner in customers[:2]:
            liwei.call("res.partner", "web_read", [partner], specification={"phone": {}, "email": {}})
        browser.login(liwei)
        browser.goto(ACTION % "action_pool_customers" + "/%s" % customers[2])
        browser.wait(".modal .modal-body")
        return 560
    finally:
        admin.call("crm.public.pool", "write", [pool], {"daily_view_limit": limit})


def shot_views_per_day(browser, users):
    """The manager's Customers Opened per Day, after Li Wei reached the limit."""
    browser.login(users["admin"])
    browser.goto(ACTION % "action_pool_view_days")
    browser.wait(".o_list_renderer .o_data_row")
    return 420


def shot_settings(browser, users):
    browser.login(users["admin"])
    browser.goto("/odoo/action-crm.crm_config_settings_action")
    browser.wait(".o_settings_container")
    browser.scroll_to_heading("Customer Pools")


def shot_followup_settings(browser, users):
    """Follow-ups that count: the demo counts calls, meetings and e-mails, notes and discussions."""
    browser.login(users["admin"])
    browser.goto("/odoo/action-crm.crm_config_settings_action")
    browser.wait(".o_settings_container")
    browser.evaluate(
        "[...document.querySelectorAll('.o_setting_box *')]"
        ".filter(e => e.textContent.trim() === 'Follow-ups that count').pop()?.scrollIntoView({block: 'start'})"
    )
    time.sleep(1)


def shot_working_days(browser, users):
    """A customer of the East pool counting working days: the banner says "working days"."""
    demo = users["demo"]
    browser.login(demo)
    customers = demo.call(
        "res.partner",
        "search",
        [
            ("pool_id", "=", users["admin"].ref("crm_public_pool.demo_pool_east")),
            ("user_id", "=", demo.uid),
            ("pool_recycle_date", "!=", False),
        ],
        limit=1,
    )
    browser.goto(ACTION % "action_pool_my_customers" + "/%s" % customers[0])
    browser.wait(".o_form_view span[name=pool_recycle]")
    return 520


def shot_group_robots(browser, users):
    """The demo's WeCom robot after a test message (start scripts/robot_endpoint.py first, or the form
    shows the connection error as Last Error)."""
    admin = users["admin"]
    browser.login(admin)
    robot = admin.ref("crm_public_pool.demo_robot_east")
    admin.call("crm.public.pool.robot", "action_robot_test", [robot])
    browser.goto(ACTION % "action_pool_robots" + "/%s" % robot)
    browser.wait(".o_form_view .o_field_widget[name=kind]")
    return 520


def shot_fairness(browser, users):
    """Pool Fairness: Li Wei and Marc Demo passing a customer back and forth."""
    browser.login(users["admin"])
    browser.goto(ACTION % "action_pool_fairness_report")
    browser.wait(".o_pivot table")
    return 520


def shot_member_pause(browser, users):
    """The East pool's members, each with what they own and Pause… or Resume."""
    admin = users["admin"]
    browser.login(admin)
    browser.goto(ACTION % "action_pool_pools" + "/%s" % admin.ref("crm_public_pool.demo_pool_east"))
    browser.wait(".o_form_view .o_notebook")
    browser.click(".o_notebook .nav-link[name=members]")
    browser.wait(".o_field_widget[name=member_all_user_ids] .o_data_row")
    browser.evaluate("document.querySelector('.o_notebook').scrollIntoView({block: 'start'})")
    time.sleep(1)
    return 640


def _new_customer(browser, name):
    """Marc Demo types ``name`` in a new customer of My Customers; the banner answers while he types."""
    browser.goto(ACTION % "action_pool_my_customers" + "/new")
    browser.wait(".o_form_view .o_field_widget[name=name] input")
    browser.type(".o_form_view .o_field_widget[name=name] input", name)


def shot_duplicate_refused(browser, users):
    """云帆软件 is Chen Jing's protected prospect: the banner says saving is refused, and Save is."""
    browser.login(users["demo"])
    _new_customer(browser, "云帆软件")
    browser.wait(".o_form_view div[name=pool_duplicate_refusal]:not(.d-none)")
    browser.click(".o_form_view .o_form_button_save")
    browser.wait(".modal .modal-body")
    return 560


def shot_duplicate_warning(browser, users):
    """A padded name of Li Wei's customer under the Company Pool's Warn policy: saved, with a warning."""
    browser.login(users["demo"])
    _new_customer(browser, "深圳市盛达软件科技有限公司")
    browser.wait(".o_form_view div[name=pool_duplicate_warning]:not(.d-none)")
    clip = {"x": 0, "y": 0, "width": WIDTH, "height": 420, "scale": 1}
    data = browser.send("Page.captureScreenshot", format="png", captureBeyondViewport=False, clip=clip)["data"]
    # Discarded: the next page would save it, and Marc Demo would reach his limit of 10 customers.
    browser.click(".o_form_view .o_form_button_cancel, .o_form_button_cancel")
    return base64.b64decode(data)


def shot_import_rejected(browser, users):
    """Marc Demo imports three rows into the Company Pool: the row naming Chen Jing's protected
    prospect is left out, and the file of rows left out, with the reason, waits in his inbox."""
    demo, admin = users["demo"], users["admin"]
    pool = admin.ref("crm_public_pool.pool_default")
    # The notice goes to the inbox of an importer who reads notifications in Odoo (the demo users
    # are notified by e-mail): switched for the import, then put back.
    notify = admin.call("res.users", "read", [demo.uid], ["notification_type"])[0]["notification_type"]
    admin.call("res.users", "write", [demo.uid], {"notification_type": "inbox"})
    try:
        demo.call(
            "res.partner",
            "load",
            ["name", "is_company", "pool_id/.id", "phone"],
            [
                ["宁波明远纺织品有限公司", "1", str(pool), "0574-8820 5566"],
                ["杭州市云帆软件科技有限公司", "1", str(pool), "0571-8697 1234"],
                ["Ningbo Imported Trading Co 3", "1", str(pool), ""],
            ],
            context={"import_file": True},
        )
    finally:
        admin.call("res.users", "write", [demo.uid], {"notification_type": notify})
    browser.login(demo)
    browser.goto("/odoo/action-mail.action_discuss")
    browser.wait(".o-mail-Message .o-mail-AttachmentCard, .o-mail-Message .o-mail-AttachmentList")
    return 520


def shot_holiday_calendar(browser, users):
    """The shipped mainland China calendar's public holidays (its Public Time Off button, which
    the demo's Time Off app adds)."""
    admin = users["admin"]
    browser.login(admin)
    calendar = admin.ref("crm_public_pool.resource_calendar_cn")
    browser.goto("/odoo/action-resource.action_resource_calendar_form/%s" % calendar)
    browser.wait(".o_form_view .o-form-buttonbox")
    public = browser.evaluate(
        "(() => { const button = [...document.querySelectorAll('.o-form-buttonbox button')]"
        ".find(e => e.textContent.includes('Public')); button?.click(); return !!button; })()"
    )
    if not public:  # serve.sh's demo has no Time Off app: Odoo's own list of the calendars' time off
        browser.goto("/odoo/action-resource.action_resource_calendar_leave_tree")
    browser.wait(".o_list_renderer .o_data_row")
    return 620


SHOTS = {
    "pool_customers.png": shot_pool_customers,
    "customer_form_pooled.png": shot_customer_form_pooled,
    "my_customers_kanban.png": shot_my_customers_kanban,
    "my_capacity.png": shot_my_capacity,
    "registration_form.png": shot_registration_form,
    "register_wizard.png": shot_register_wizard,
    "distribute_preview.png": shot_distribute_preview,
    "audit_log.png": shot_audit_log,
    "claim_requests.png": shot_claim_requests,
    "dashboard_ageing.png": shot_dashboard_ageing,
    "dashboard_moves.png": shot_dashboard_moves,
    "pool_form_recycle_rules.png": shot_pool_form_recycle_rules,
    "settings.png": shot_settings,
    "dashboard_capacity.png": shot_dashboard_capacity,
    "returning_soon.png": shot_returning_soon,
    "register_brand.png": shot_register_brand,
    "appeal_review.png": shot_appeal_review,
    "claim_request_reject.png": shot_claim_request_reject,
    "accept_or_return.png": shot_accept_or_return,
    "embargo_refusal.png": shot_embargo_refusal,
    "unplaced.png": shot_unplaced,
    "pause_intake.png": shot_pause_intake,
    "revenue_rule.png": shot_revenue_rule,
    "view_limit.png": shot_view_limit,
    "followup_settings.png": shot_followup_settings,
    "views_per_day.png": shot_views_per_day,
    "working_days.png": shot_working_days,
    "group_robots.png": shot_group_robots,
    "fairness.png": shot_fairness,
    "member_pause.png": shot_member_pause,
    "duplicate_refused.png": shot_duplicate_refused,
    "duplicate_warning.png": shot_duplicate_warning,
    "import_rejected.png": shot_import_rejected,
    "holiday_calendar.png": shot_holiday_calendar,
    # Marc Demo's language is zh_CN while these are taken.
    "pool_customers_zh_CN.png": shot_pool_customers,
    "customer_form_pooled_zh_CN.png": shot_customer_form_pooled,
    "my_customers_kanban_zh_CN.png": shot_my_customers_kanban,
    "my_customers_phone.png": shot_my_customers_phone,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8069")
    parser.add_argument("--db", default="crm_public_pool")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--prepare", action="store_true", help="play the demo history first (changes the database)")
    parser.add_argument("--only", action="append", metavar="NAME", help="take only this image (repeatable)")
    parser.add_argument("--list", action="store_true", help="list the images and stop")
    args = parser.parse_args()
    if args.list:
        print("\n".join(SHOTS))
        return
    names = args.only or list(SHOTS)
    unknown = sorted(set(names) - set(SHOTS))
    if unknown:
        sys.exit("unknown image(s): %s (see --list)" % ", ".join(unknown))
    url = args.url.rstrip("/")
    if args.prepare:
        prepare(url, args.db)
    users = {login: Rpc(url, args.db, login) for login in ("demo", "pooladmin", "admin", "liwei")}
    args.out.mkdir(parents=True, exist_ok=True)
    browser = Browser(args.chromium, url)
    try:
        for name in names:
            lang = "zh_CN" if name.endswith("_zh_CN.png") else "en_US"
            demo = users["demo"]
            demo.call("res.users", "write", [demo.uid], {"lang": lang})
            try:
                result = SHOTS[name](browser, users)
                if isinstance(result, bytes):  # taken by the shot itself (another viewport)
                    (args.out / name).write_bytes(result)
                else:
                    browser.capture(args.out / name, result)
            except Exception:
                failed = Path(tempfile.gettempdir()) / ("failed-" + name)
                browser.capture(failed)
                print("%s failed; the page is in %s" % (name, failed))
                raise
            finally:
                if lang != "en_US":
                    demo.call("res.users", "write", [demo.uid], {"lang": "en_US"})
            print("%s %d KB" % (name, (args.out / name).stat().st_size // 1024))
    finally:
        browser.close()


if __name__ == "__main__":
    main()
