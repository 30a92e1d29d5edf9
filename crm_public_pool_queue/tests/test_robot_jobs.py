import threading
from http.server import ThreadingHTTPServer

from odoo.tests import tagged

from odoo.addons.crm_public_pool.tests.test_recycle import RecycleCase
from odoo.addons.crm_public_pool.tests.test_robots import RobotEndpoint

from .test_jobs import CHANNEL, JobsMixin


@tagged("post_install", "-at_install")
class TestRobotJobs(JobsMixin, RecycleCase):
    """Group robot messages as jobs: queued with the move, posted by the job, tried again later."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = ThreadingHTTPServer(("127.0.0.1", 0), RobotEndpoint)
        threading.Thread(target=cls.server.serve_forever, daemon=True).start()
        cls.addClassCleanup(cls.server.server_close)
        cls.addClassCleanup(cls.server.shutdown)
        cls.robot = cls.env["crm.public.pool.robot"].create(
            {
                "name": "East WeCom",
                "kind": "wecom",
                "url": f"http://127.0.0.1:{cls.server.server_port}/wecom?key=abc",
                "pool_id": cls.pool.id,
                "lang": "en_US",
            }
        )

    def setUp(self):
        super().setUp()
        RobotEndpoint.received = []

    def test_message_is_a_job_posted_when_it_runs(self):
        message = self.robot._robot_queue(lambda env: "hello East")
        jobs = self.jobs()
        self.assertEqual(len(jobs), 1)
        self.assertEqual(jobs.channel, CHANNEL)
        self.assertEqual(RobotEndpoint.received, [])
        self.perform(jobs)
        self.assertEqual(message.state, "sent")
        self.assertEqual(RobotEndpoint.received[0][2], {"msgtype": "text", "text": {"content": "hello East"}})

    def test_refused_message_is_retried_by_a_later_job(self):
        self.robot.url = f"http://127.0.0.1:{self.server.server_port}/refused"
        message = self.robot._robot_queue(lambda env: "hello East")
        first = self.jobs()
        self.perform(first)
        self.assertEqual((message.state, message.attempts), ("pending", 1))
        self.assertIn("errcode 310000", self.robot.last_error)
        retry = self.jobs() - first
        self.assertEqual(len(retry), 1, "a new job tries again later")
        self.assertTrue(retry.eta)
