from odoo import models

# Seconds before the next try of a message its robot did not take, by attempts made.
ROBOT_RETRY_DELAYS = {1: 60, 2: 300, 3: 900, 4: 3600}


class CrmPublicPoolRobotMessage(models.Model):
    _inherit = "crm.public.pool.robot.message"

    def _robot_dispatch(self):
        """One job per message, on the pools' channel: queue_job runs it once the move commits."""
        for message in self:
            message.with_delay(
                description=self.env._("Group robot %s: post a message", message.robot_id.name)
            )._robot_send_job()

    def _robot_send_job(self):
        """Post the message; when its robot did not take it, try again later in a new job."""
        self._robot_send()
        if self.state == "pending" and self.attempts in ROBOT_RETRY_DELAYS:
            self.with_delay(eta=ROBOT_RETRY_DELAYS[self.attempts])._robot_send_job()
        return self.env._("Message %(state)s after %(attempts)s attempts.", state=self.state, attempts=self.attempts)
