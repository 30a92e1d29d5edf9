import base64
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest.mock import patch
from urllib.parse import parse_qs, urlparse

from odoo.exceptions import AccessError, ValidationError
from odoo.modules import module as odoo_module
from odoo.tests import tagged

from .test_recycle import RecycleCase

ANSWERS = {
    "/wecom": {"errcode": 0, "errmsg": "ok"},
    "/dingtalk": {"errcode": 0, "errmsg": "ok"},
    "/feishu": {"code": 0, "msg": "success"},
    "/refused": {"errcode": 310000, "errmsg": "sign not match"},
}


class RobotEndpoint(BaseHTTPRequestHandler):
    """A group-chat webhook on 127.0.0.1: records each post and answers as the platforms do."""

    received = []

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        url = urlparse(self.path)
        self.received.append((url.path, parse_qs(url.query), json.loads(self.rfile.read(length))))
        answer = ANSWERS.get(url.path)
        self.send_response(200 if answer else 404)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps(answer or {}).encode())

    def log_message(self, *args):
        pass


@tagged("post_install", "-at_install")
class TestGroupRobots(RecycleCase):
    """Pool news posted to WeCom, DingTalk and Feishu robots after the move, signed, in the robot's language."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The sending cron commits after each message unless Odoo's test runner runs it: the runner
        # says so in ``current_test`` under --test-tags, not under --test-file. Said here as it does.
        cls.startClassPatcher(patch.object(odoo_module, "current_test", True))
        cls.server = ThreadingHTTPServer(("127.0.0.1", 0), RobotEndpoint)
        threading.Thread(target=cls.server.serve_forever, daemon=True).start()
        cls.addClassCleanup(cls.server.server_close)
        cls.addClassCleanup(cls.server.shutdown)
        base = f"http://127.0.0.1:{cls.server.server_port}"
        cls.base = base
        cls.env["res.lang"]._activate_lang("zh_CN")
        Robot = cls.env["crm.public.pool.robot"]
        cls.wecom = Robot.create(
            {
                "name": "East WeCom",
                "kind": "wecom",
                "url": f"{base}/wecom?key=abc",
                "pool_id": cls.pool.id,
                "lang": "en_US",
            }
        )
        cls.dingtalk = Robot.create(
            {
                "name": "East DingTalk",
                "kind": "dingtalk",
                "url": f"{base}/dingtalk?access_token=tok",
                "secret": "SECdingtalk",
                "team_id": cls.team_east.id,
                "lang": "zh_CN",
            }
        )
        cls.feishu = Robot.create(
            {
                "name": "East Feishu",
                "kind": "feishu",
                "url": f"{base}/feishu",
                "secret": "feishu-secret",
                "pool_id": cls.pool.id,
                "lang": "en_US",
            }
        )
        cls.Message = cls.env["crm.public.pool.robot.message"]
        cls.request_customer = cls.customers[5]
        cls.request_customer.with_user(cls.user_a).pool_release("no_need")

    def setUp(self):
        super().setUp()
        RobotEndpoint.received = []

    def claim_request(self):
        self.pool.claim_requires_approval = True
        self.request_customer.with_user(self.user_b).action_pool_claim()
        return self.env["crm.public.pool.claim.request"].search([("partner_id", "=", self.request_customer.id)])

    def test_decision_is_queued_with_the_move_and_posted_after(self):
        request = self.claim_request()
        request.with_user(self.admin).action_reject("already called by Alice")
        messages = self.Message.search([("robot_id", "in", (self.wecom | self.dingtalk | self.feishu).ids)])
        self.assertEqual(set(messages.mapped("state")), {"pending"})
        self.assertEqual(len(messages), 3)
        self.assertEqual(RobotEndpoint.received, [], "nothing is sent inside the move's transaction")

        self.Message._cron_robot_send()
        self.assertEqual(set(messages.mapped("state")), {"sent"})
        by_path = {path: (query, body) for path, query, body in RobotEndpoint.received}
        self.assertEqual(set(by_path), {"/wecom", "/dingtalk", "/feishu"})

        query, body = by_path["/wecom"]
        self.assertEqual(query, {"key": ["abc"]})
        self.assertEqual(body["msgtype"], "text")
        self.assertIn("Bob Pool", body["text"]["content"])
        self.assertIn(self.request_customer.name, body["text"]["content"])
        self.assertIn("already called by Alice", body["text"]["content"])

        # DingTalk: HMAC-SHA256 keyed by the secret over "timestamp\nsecret", base64, in the query.
        query, body = by_path["/dingtalk"]
        timestamp = query["timestamp"][0]
        expected = base64.b64encode(
            hmac.new(b"SECdingtalk", f"{timestamp}\nSECdingtalk".encode(), hashlib.sha256).digest()
        ).decode()
        self.assertEqual(query["sign"], [expected])
        self.assertEqual(query["access_token"], ["tok"])
        self.assertIn("Bob Pool", body["text"]["content"])

        # Feishu: HMAC-SHA256 keyed by "timestamp\nsecret" over nothing, base64, in the body.
        _query, body = by_path["/feishu"]
        expected = base64.b64encode(
            hmac.new(f"{body['timestamp']}\nfeishu-secret".encode(), b"", hashlib.sha256).digest()
        ).decode()
        self.assertEqual(body["sign"], expected)
        self.assertEqual(body["msg_type"], "text")
        self.assertIn("rejected by Ada Admin", body["content"]["text"])
        self.assertTrue(self.feishu.last_sent)

    def test_each_robot_speaks_its_language(self):
        # The text is composed once per robot, in an environment in the robot's language.
        messages = (self.wecom | self.dingtalk)._robot_queue(lambda env: f"{env.lang} {env._('Pool Fairness')}")
        self.assertEqual(
            [(message.robot_id, message.body.split()[0]) for message in messages],
            [(self.wecom, "en_US"), (self.dingtalk, "zh_CN")],
        )

    def test_a_robot_whose_language_was_deactivated_speaks_english(self):
        # Deactivating a language must not make every move that posts to its robots fail.
        self.env["res.lang"]._activate_lang("fr_FR")
        self.dingtalk.lang = "fr_FR"
        self.env["res.lang"]._lang_get("fr_FR").active = False
        messages = self.dingtalk._robot_queue(lambda env: f"{env.lang} {env._('Pool Fairness')}")
        self.assertEqual(messages.body, "en_US Pool Fairness")

    def test_a_failing_robot_never_holds_the_move_back(self):
        self.dingtalk.secret = "wrong"
        self.dingtalk.url = f"{self.base}/refused"
        self.feishu.url = "http://127.0.0.1:9/nobody-listens"
        request = self.claim_request()
        request.with_user(self.admin).action_approve()
        self.assertEqual(self.request_customer.user_id, self.user_b)
        self.Message._cron_robot_send()
        self.assertEqual(self.request_customer.user_id, self.user_b)
        self.assertIn("errcode 310000: sign not match", self.dingtalk.last_error)
        self.assertIn("ConnectionError", self.feishu.last_error)
        self.assertFalse(self.wecom.last_error)
        pending = self.Message.search([("robot_id", "=", self.dingtalk.id)])
        self.assertEqual((pending.state, pending.attempts), ("pending", 1), "tried again by the next run")
        # The approved customer is the requester's now: not named to the group.
        posted = [body["text"]["content"] for path, _q, body in RobotEndpoint.received if path == "/wecom"]
        self.assertEqual(len(posted), 1)
        self.assertNotIn(self.request_customer.name, posted[0])
        self.assertIn("approved by Ada Admin", posted[0])

    def test_a_rolled_back_move_sends_nothing(self):
        request = self.claim_request()
        with self.assertRaises(RuntimeError), self.env.cr.savepoint():
            request.with_user(self.admin).action_reject("no")
            raise RuntimeError("the move fails after the decision")
        self.assertFalse(self.Message.search([]))

    def test_warnings_reach_the_team_as_counts(self):
        self.rule(days=30, warn_days=5)
        self.backdate(self.customers[:3], claim_days=27)
        self.run_cron()
        messages = self.Message.search([("robot_id", "=", self.dingtalk.id)])
        self.assertEqual(len(messages), 1)
        self.assertIn("Alice Pool", messages.body)
        self.assertIn("3", messages.body)
        wecom = self.Message.search([("robot_id", "=", self.wecom.id)])
        self.assertRegex(wecom.body, r"- Alice Pool: 3 customers, the first on ")
        for customer in self.customers[:3]:
            self.assertNotIn(customer.name, messages.body)

    def test_customers_to_accept_are_announced_without_names(self):
        self.pool.accept_hours = 48
        self.pool.with_user(self.admin).pool_assign(self.request_customer.ids, self.user_b.id)
        messages = self.Message.search([])
        self.assertEqual(messages.robot_id, self.wecom | self.dingtalk | self.feishu, "the pool's and Bob's team's")
        for message in messages:
            expected = (
                "1 个客户等待 Bob Pool"
                if message.robot_id.lang == "zh_CN"
                else "1 customer waits for Bob Pool to accept it"
            )
            self.assertIn(expected, message.body)
            self.assertNotIn(self.request_customer.name, message.body)

    def test_counts_read_in_the_singular_and_the_plural(self):
        """English robot messages say "1 customer" and "2 customers", never "1 customers"."""
        self.pool.accept_hours = 48
        self.customers[:4].with_user(self.user_a).pool_release("no_need")
        self.pool.with_user(self.admin).pool_assign(self.customers[:2].ids, self.user_b.id)
        wecom = self.Message.search([("robot_id", "=", self.wecom.id)])
        self.assertIn("2 customers wait for Bob Pool to accept them", wecom.body)
        self.Message.search([]).unlink()
        Partner = self.env["res.partner"]
        Partner._pool_record_unplaced({self.request_customer.id: "everyone is at their limit"})
        self.assertIn("1 customer could not be placed", self.Message.search([("robot_id", "=", self.wecom.id)]).body)
        self.Message.search([]).unlink()
        Partner._pool_record_unplaced({partner.id: "everyone is at their limit" for partner in self.customers[2:4]})
        self.assertIn("2 customers could not be placed", self.Message.search([("robot_id", "=", self.wecom.id)]).body)
        for message in self.Message.search([]):
            self.assertNotRegex(message.body, r"\b1 customers\b")

    def test_a_warning_of_one_customer_is_in_the_singular(self):
        self.rule(days=30, warn_days=5)
        self.backdate(self.customers[:1], claim_days=27)
        self.run_cron()
        messages = self.Message.search([("robot_id", "=", self.wecom.id)])
        self.assertEqual(len(messages), 1)
        self.assertRegex(messages.body, r"- Alice Pool: 1 customer, on ")
        self.assertNotIn("1 customers", messages.body)

    def test_unplaced_customers_are_named_with_the_reason(self):
        self.env["res.partner"]._pool_record_unplaced({self.request_customer.id: "everyone is at their limit"})
        messages = self.Message.search([])
        self.assertEqual(messages.robot_id, self.wecom | self.feishu, "the pool's robots")
        self.assertIn(f"- everyone is at their limit: {self.request_customer.name}", messages[0].body)

    def test_an_archived_robot_sends_nothing(self):
        message = self.wecom._robot_queue(lambda env: "hello")
        self.wecom.active = False
        message._robot_send()
        self.assertEqual(message.state, "failed")
        self.assertEqual(RobotEndpoint.received, [])

    def test_secrets_are_for_managers(self):
        with self.assertRaises(AccessError):
            self.dingtalk.with_user(self.admin).read(["secret"])
        with self.assertRaises(AccessError):
            self.dingtalk.with_user(self.user_a).read(["name"])
        self.assertEqual(self.dingtalk.with_user(self.manager).secret, "SECdingtalk")

    def test_robot_needs_one_place_and_a_web_address(self):
        Robot = self.env["crm.public.pool.robot"]
        with self.assertRaisesRegex(ValidationError, "one pool or one sales team"):
            Robot.create(
                {"name": "Both", "url": f"{self.base}/wecom", "pool_id": self.pool.id, "team_id": self.team_east.id}
            )
        with self.assertRaisesRegex(ValidationError, "file:///etc/passwd"):
            Robot.create({"name": "File", "url": "file:///etc/passwd", "pool_id": self.pool.id})

    def test_messages_are_tried_five_times(self):
        self.wecom.url = f"{self.base}/missing"
        message = self.wecom._robot_queue(lambda env: "hello")
        for _attempt in range(5):
            message._robot_send()
        self.assertEqual((message.state, message.attempts), ("failed", 5))
        self.assertIn("HTTP 404", self.wecom.last_error)
