import hashlib
import json

from odoo import api, fields, models

from odoo.addons.crm_public_pool.models.crm_public_pool_rule import RECYCLE_BATCH_SIZE
from odoo.addons.queue_job.delay import chain, group

CHANNEL = "root.crm_public_pool"
# States of a job that has not run yet, or is running.
OPEN_JOB_STATES = ("wait_dependencies", "pending", "enqueued", "started")


def content_key(prefix, payload):
    """An identity key naming a job by its whole payload: the same work is never enqueued twice."""
    return f"{prefix}:{hashlib.sha1(json.dumps(payload, default=str).encode()).hexdigest()}"


class CrmPublicPool(models.Model):
    _inherit = "crm.public.pool"

    @api.model
    def _cron_recycle(self):
        """Daily job: enqueue the recycle of every active pool; the job queue runs it on every server."""
        self.sudo().search([("active", "=", True)])._recycle_enqueue()

    def _recycle_enqueue(self, now=None, batch_size=RECYCLE_BATCH_SIZE):
        """Enqueue one job per rule and batch of due customers, then the warnings and the escalations.

        Batches of a rule are disjoint id ranges of the customers due at ``now``, so they run in
        parallel without waiting for each other; the rules run one after the other in their order,
        so a customer due under two rules is recycled by the first, as the preview says. Identity
        keys name the rule, the day and the range: while the day's jobs wait or run, a rerun
        enqueues nothing. Returns the number of jobs enqueued.
        """
        if not self:
            return 0
        now = now or fields.Datetime.now()
        day = fields.Date.to_string(now.date())
        warn_key = f"crm_public_pool_recycle_warn:{day}:{','.join(map(str, sorted(self.ids)))}"
        if (
            self.env["queue.job"]
            .sudo()
            .search_count([("identity_key", "=", warn_key), ("state", "in", OPEN_JOB_STATES)], limit=1)
        ):
            return 0
        stages = []
        jobs = 0
        for rule in self._recycle_rules():
            bounds = rule._recycle_bounds(now, batch_size)
            batches = [
                rule.delayable(
                    channel=CHANNEL,
                    identity_key=f"crm_public_pool_recycle:{rule.id}:{day}:{low}",
                    description=self.env._("Recycle: %(rule)s, customers from #%(low)s", rule=rule.name, low=low),
                )._recycle_batch_job(now, batch_size, low, high)
                for low, high in zip(bounds, [*bounds[1:], None], strict=False)
            ]
            if batches:
                stages.append(group(*batches))
                jobs += len(batches)
        followers = [
            self.delayable(
                channel=CHANNEL, identity_key=warn_key, description=self.env._("Recycle: warn owners, refresh dates")
            )._recycle_warn_owners_job(now)
        ]
        followers += [
            pool.delayable(
                channel=CHANNEL,
                identity_key=f"crm_public_pool_escalate:{pool.id}:{day}",
                description=self.env._("Escalate unclaimed customers of pool %s", pool.name),
            )._escalate_unclaimed_job(now)
            for pool in self.filtered("unclaimed_days")
        ]
        stages.append(group(*followers))
        (chain(*stages) if len(stages) > 1 else stages[0]).delay()
        return jobs + len(followers)

    def _recycle_warn_owners_job(self, now):
        self._recycle_without_jit()
        self._recycle_warn_owners(now)
        return self.env._("Owners warned and recycle dates refreshed for %s pools.", len(self))

    def _escalate_unclaimed_job(self, now):
        self._escalate_unclaimed(now)
        return self.env._("Unclaimed customers of %s escalated.", self.display_name)
