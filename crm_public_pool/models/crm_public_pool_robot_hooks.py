from collections import defaultdict

from odoo import fields, models
from odoo.tools import format_date


class CrmPublicPool(models.Model):
    """The daily recycle warnings, also told to the group robots of the pools and the owners' teams."""

    _inherit = "crm.public.pool"  # pylint: disable=consider-merging-classes-inherited

    def _recycle_notify_owners(self, warnings, now, manager_warnings=(), **kwargs):
        res = super()._recycle_notify_owners(warnings, now, manager_warnings, **kwargs)
        if warnings:
            self._robot_post_warnings(warnings)
        return res

    def _robot_post_warnings(self, warnings):
        """One message per pool and per team: how many customers each owner is about to lose, and
        from when. Counts, not names: a customer named in a group chat is a customer a colleague
        waits for."""
        partners = self.env["res.partner"].sudo().browse([w[0] for w in warnings])
        pool_of = {partner.id: partner.pool_id for partner in partners}
        owners = self.env["res.users"].sudo().browse({w[1] for w in warnings})
        by_pool = defaultdict(lambda: defaultdict(list))
        by_team = defaultdict(lambda: defaultdict(list))
        for partner_id, owner_id, deadline, _note in warnings:
            by_pool[pool_of[partner_id]][owner_id].append(deadline)
            team = owners.browse(owner_id).sale_team_id
            if team:
                by_team[team][owner_id].append(deadline)
        Robot = self.env["crm.public.pool.robot"]
        for pool, lines in by_pool.items():
            Robot._robot_post(lambda env, pool=pool, lines=lines: _warning_text(env, pool.name, lines), pools=pool)
        for team, lines in by_team.items():
            Robot._robot_post(lambda env, team=team, lines=lines: _warning_text(env, team.name, lines), teams=team)


def _warning_text(env, where, lines):
    users = env["res.users"].sudo().browse(list(lines))
    rows = []
    for user in users.sorted("name"):
        count = len(lines[user.id])
        date = format_date(env, fields.Date.to_date(min(lines[user.id])))
        rows.append(
            env._("- %(owner)s: 1 customer, on %(date)s", owner=user.name, date=date)
            if count == 1
            else env._(
                "- %(owner)s: %(count)s customers, the first on %(date)s", owner=user.name, count=count, date=date
            )
        )
    return "\n".join([env._("%s: customers return to the pool soon unless followed up", where), *rows])
