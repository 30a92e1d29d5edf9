import json
from functools import partial

from odoo import models
from odoo.tools import format_datetime

from . import pool_text

ROBOT_MAX_NAMES = 20


class ResPartner(models.Model):
    """Customers waiting to be accepted and customers nobody could take, told to the group robots."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    def _pool_await_acceptance(self, user, action):
        res = super()._pool_await_acceptance(user, action)
        waiting = self.sudo().filtered("pool_accept_deadline")
        user = user.sudo()
        for pool, partners in waiting.grouped("pool_id").items():
            # Counts, not names: the customers are the receiver's until they decline.
            render = partial(
                _accept_text,
                pool=pool,
                count=len(partners),
                user=user,
                deadline=min(partners.mapped("pool_accept_deadline")),
            )
            self.env["crm.public.pool.robot"]._robot_post(render, pools=pool, teams=user.sale_team_id)
        return res

    def _pool_record_unplaced(self, reasons):
        res = super()._pool_record_unplaced(reasons)
        unplaced = self.sudo().browse(list(reasons)).filtered(lambda p: p.pool_state == "pool")
        for pool, partners in unplaced.grouped("pool_id").items():
            by_reason = {}
            for partner in partners:
                reason = reasons[partner.id]
                key = (
                    json.dumps(pool_text.to_payload(reason), sort_keys=True)
                    if pool_text.is_pool_text(reason)
                    else reason
                )
                by_reason.setdefault(key, (reason, []))[1].append(partner.name)
            render = partial(_unplaced_text, pool=pool, count=len(partners), by_reason=by_reason)
            self.env["crm.public.pool.robot"]._robot_post(render, pools=pool)
        return res


def _accept_text(env, pool, count, user, deadline):
    values = {
        "pool": pool.name,
        "count": count,
        "user": user.name,
        "deadline": format_datetime(env, deadline, tz=user.tz or "UTC", dt_format="short"),
    }
    if count == 1:
        return env._("%(pool)s: 1 customer waits for %(user)s to accept it, by %(deadline)s", **values)
    return env._("%(pool)s: %(count)s customers wait for %(user)s to accept them, by %(deadline)s", **values)


def _unplaced_text(env, pool, count, by_reason):
    rows = [
        env._("%(pool)s: 1 customer could not be placed", pool=pool.name)
        if count == 1
        else env._("%(pool)s: %(count)s customers could not be placed", pool=pool.name, count=count)
    ]
    for reason, names in by_reason.values():
        more = len(names) - ROBOT_MAX_NAMES
        shown = ", ".join(names[:ROBOT_MAX_NAMES]) + (env._(" and %s more", more) if more > 0 else "")
        rows.append(f"- {pool_text.in_language(reason, env.lang, env)}: {shown}")
    return "\n".join(rows)
