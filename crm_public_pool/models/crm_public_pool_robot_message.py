import logging
import time

import requests

from odoo import api, fields, models
from odoo.modules import module as odoo_module
from odoo.tools import SQL

from ..logic import robots

_logger = logging.getLogger(__name__)

ROBOT_TIMEOUT = 5
ROBOT_MAX_ATTEMPTS = 5
ROBOT_BATCH = 100


class CrmPublicPoolRobotMessage(models.Model):
    """A message queued for a group robot: written with the move that caused it, sent after commit."""

    _name = "crm.public.pool.robot.message"
    _description = "Customer Pool Robot Message"
    _order = "id"

    robot_id = fields.Many2one("crm.public.pool.robot", required=True, ondelete="cascade", index=True)
    body = fields.Text(required=True)
    state = fields.Selection(
        [("pending", "Pending"), ("sent", "Sent"), ("failed", "Failed")],
        default="pending",
        required=True,
        index=True,
    )
    attempts = fields.Integer()
    error = fields.Text()

    def _robot_dispatch(self):
        """Have these messages sent once the transaction commits: the sending cron is triggered
        in the same transaction, so a move that rolls back neither sends nor leaves a trigger.
        The queue_job bridge sends them as jobs instead."""
        if self:
            self.env.ref("crm_public_pool.ir_cron_pool_robot_send").sudo()._trigger()

    def _robot_send(self):
        """Post each pending message to its robot; return the ones that were taken.

        A failure is kept on the message and on the robot (``last_error``), for the manager; the
        message is tried again later, up to ROBOT_MAX_ATTEMPTS times.
        """
        sent = self.browse()
        if not self:
            return sent
        self.flush_recordset()
        # A job and the cron never post the same message twice: each takes the row it sends.
        self.env.cr.execute(
            SQL(
                """SELECT id FROM crm_public_pool_robot_message WHERE id IN %s AND state = 'pending'
                    ORDER BY id FOR NO KEY UPDATE SKIP LOCKED""",
                tuple(self.ids),
            )
        )
        for message in self.sudo().browse([row[0] for row in self.env.cr.fetchall()]):
            robot = message.robot_id
            if not robot.active:
                message.write({"state": "failed", "error": self.env._("The robot was archived before sending.")})
                continue
            error = message._robot_post_now()
            attempts = message.attempts + 1
            if error:
                _logger.info("Group robot %s (#%s): %s", robot.name, robot.id, error)
                message.write(
                    {
                        "attempts": attempts,
                        "error": error,
                        "state": "failed" if attempts >= ROBOT_MAX_ATTEMPTS else "pending",
                    }
                )
                robot.write({"last_error": f"{fields.Datetime.now()}: {error}"})
            else:
                message.write({"attempts": attempts, "error": False, "state": "sent"})
                robot.write({"last_error": False, "last_sent": fields.Datetime.now()})
                sent |= message
        return sent

    def _robot_post_now(self):
        """Post this message; None when the robot took it, else the error."""
        self.ensure_one()
        robot = self.robot_id.sudo()
        now_ms = int(time.time() * 1000)
        body = robots.payload(robot.kind, self.body, timestamp=now_ms // 1000, secret=robot.secret)
        url = robots.signed_url(robot.kind, robot.url, robot.secret, now_ms)
        try:
            response = requests.post(url, json=body, timeout=ROBOT_TIMEOUT)
        except requests.RequestException as error:
            return f"{type(error).__name__}: {error}"
        return robots.answer_error(response.status_code, response.text)

    @api.model
    def _cron_robot_send(self, limit=ROBOT_BATCH):
        """Send the pending messages, oldest first, committing after each so a slow robot loses nothing."""
        self.env.cr.execute(
            SQL(
                """SELECT id FROM crm_public_pool_robot_message WHERE state = 'pending'
                    ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED""",
                limit,
            )
        )
        messages = self.browse([row[0] for row in self.env.cr.fetchall()])
        for message in messages:
            message._robot_send()
            # A message posted is never posted twice because a later one failed the run.
            if not odoo_module.current_test:
                self.env.cr.commit()  # pylint: disable=invalid-commit
        remaining = self.search_count([("state", "=", "pending"), ("attempts", "=", 0)])
        self.env["ir.cron"]._notify_progress(done=len(messages), remaining=remaining)
