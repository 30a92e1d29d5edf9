from urllib.parse import urlparse

from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError

ROBOT_KINDS = [("wecom", "WeCom (企业微信)"), ("dingtalk", "DingTalk (钉钉)"), ("feishu", "Feishu (飞书)")]


class CrmPublicPoolRobot(models.Model):
    """A group chat robot of a pool or a sales team: the pool's news where the salespeople are.

    Warnings, customers waiting to be accepted, customers nobody could take and decisions on
    claim requests are queued in the transaction that makes them (nothing is sent if it rolls
    back) and sent after it commits, by a job (crm_public_pool_queue) or the sending cron; a
    robot that cannot be reached never holds a move back, and its last error shows here.
    """

    _name = "crm.public.pool.robot"
    _description = "Customer Pool Group Robot"
    _order = "name, id"

    name = fields.Char(required=True)
    kind = fields.Selection(ROBOT_KINDS, required=True, default="wecom")
    url = fields.Char(
        string="Webhook URL",
        required=True,
        groups="crm_public_pool.group_pool_manager",
        help="The robot's incoming webhook address; its access token makes it a secret.",
    )
    secret = fields.Char(
        string="Signing Secret",
        groups="crm_public_pool.group_pool_manager",
        help="DingTalk and Feishu: the secret of the robot's signature check (加签 / 签名校验).",
    )
    pool_id = fields.Many2one("crm.public.pool", ondelete="cascade", index=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", ondelete="cascade", index=True)
    lang = fields.Selection(
        selection="_lang_get", string="Language", default=lambda self: self.env.lang or "en_US", required=True
    )
    active = fields.Boolean(default=True)
    last_error = fields.Text(readonly=True, copy=False)
    last_sent = fields.Datetime(readonly=True, copy=False)
    company_id = fields.Many2one("res.company", compute="_compute_company_id", store=True)

    @api.model
    def _lang_get(self):
        return self.env["res.lang"].get_installed()

    @api.depends("pool_id.company_id", "team_id.company_id")
    def _compute_company_id(self):
        for robot in self:
            robot.company_id = robot.pool_id.company_id or robot.team_id.company_id

    @api.constrains("pool_id", "team_id")
    def _check_target(self):
        for robot in self:
            if bool(robot.pool_id) == bool(robot.team_id):
                raise ValidationError(
                    self.env._("Robot %s must belong to one pool or one sales team, not both or neither.", robot.name)
                )

    @api.constrains("url", "kind")
    def _check_url(self):
        for robot in self.sudo():
            address = urlparse(robot.url or "")
            if address.scheme not in ("http", "https") or not address.netloc:
                raise ValidationError(
                    self.env._(
                        "The webhook of robot %(robot)s must be an http(s) address, not %(url)s.",
                        robot=robot.name,
                        url=robot.url,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        robots = super().create(vals_list)
        self.env.registry.clear_cache()
        return robots

    def write(self, vals):
        res = super().write(vals)
        # Sending writes last_error and last_sent: only where a robot listens empties the cache.
        if {"active", "pool_id", "team_id"} & set(vals):
            self.env.registry.clear_cache()
        return res

    def unlink(self):
        res = super().unlink()
        self.env.registry.clear_cache()
        return res

    # ------------------------------------------------------------------
    # Posting: what the pool says, in each robot's language
    # ------------------------------------------------------------------

    @api.model
    def _robot_post(self, render, pools=None, teams=None):
        """Queue the text ``render(env)`` for the active robots of ``pools`` and ``teams``.

        ``render`` is called once per robot with an environment in the robot's language, so
        every group reads its own language. Returns the queued messages.
        """
        pool_ids, team_ids = self._robot_targets()
        pool_ids = pool_ids & set(pools.ids if pools else ())
        team_ids = team_ids & set(teams.ids if teams else ())
        if not (pool_ids or team_ids):
            return self.env["crm.public.pool.robot.message"]
        robots = self.sudo().search(["|", ("pool_id", "in", list(pool_ids)), ("team_id", "in", list(team_ids))])
        return robots._robot_queue(render)

    @api.model
    @tools.ormcache()
    def _robot_targets(self):
        """(pool ids, team ids) with an active robot: moves where nobody listens cost no query."""
        robots = self.sudo().search([("active", "=", True)])
        return frozenset(robots.pool_id.ids), frozenset(robots.team_id.ids)

    def _robot_queue(self, render):
        """Queue ``render(env)`` for these robots, each in its language, and have it sent after commit."""
        vals = []
        Lang = self.env["res.lang"]
        for robot in self.sudo():
            # A language deactivated since the robot was set up falls back to English: a move
            # never fails for a robot.
            text = render(robot.with_context(lang=Lang._get_code(robot.lang) or "en_US").env)
            if text:
                vals.append({"robot_id": robot.id, "body": text})
        messages = self.env["crm.public.pool.robot.message"].sudo().create(vals)
        messages._robot_dispatch()
        return messages

    def action_robot_test(self):
        """Send a test message now (through the queue) so the manager sees the robot answer."""
        self.ensure_one()
        self._robot_queue(
            lambda env: env._("Test message from the customer pool: robot %s is connected.", self.name)
        )._robot_send()
        return self.env["res.partner"]._pool_notification(
            self.env._("Robot %(robot)s: %(result)s", robot=self.name, result=self.last_error or self.env._("sent"))
        )
