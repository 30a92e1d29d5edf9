from odoo import models

from odoo.addons.crm_public_pool.models import pool_text

from .crm_public_pool import CHANNEL, content_key

# Customers per background job when a selection is large (system parameter
# crm_public_pool_queue.job_size overrides it).
JOB_SIZE = 1000


class CrmPublicPoolDistribution(models.Model):
    _inherit = "crm.public.pool.distribution"

    def _job_size(self):
        return int(self.env["ir.config_parameter"].sudo().get_param("crm_public_pool_queue.job_size", JOB_SIZE))

    def _apply_plan(
        self, pool, assignments, strategy, scores=None, rule=None, last_user_id=None, owed_user_ids=None, note=None
    ):
        """Large plans move in jobs of ``job_size`` customers, each one transaction of the usual moves."""
        size = self._job_size()
        if len(assignments) <= size:
            return super()._apply_plan(pool, assignments, strategy, scores, rule, last_user_id, owed_user_ids, note)
        # The round-robin's owed turns are the plan's, kept now (nothing moves here).
        super()._apply_plan(pool, [], strategy, owed_user_ids=owed_user_ids)
        # JSON would turn the user ids keying the scores into strings.
        score_pairs = sorted((scores or {}).items())
        # A note of the pool travels as its message and values (JSON), read per reader once logged.
        if pool_text.is_pool_text(note):
            note = pool_text.to_payload(note)
        jobs = 0
        for start in range(0, len(assignments), size):
            chunk = [list(pair) for pair in assignments[start : start + size]]
            self.delayable(
                channel=CHANNEL,
                identity_key=content_key(f"crm_public_pool_distribute:{pool.id}", chunk),
                description=self.env._(
                    "Distribute %(count)s customers of pool %(pool)s", count=len(chunk), pool=pool.name
                ),
            )._apply_plan_job(pool, chunk, strategy, score_pairs, rule, note).delay()
            jobs += 1
        if strategy == "round_robin" and last_user_id:
            pool.sudo().rr_last_user_id = last_user_id
        return jobs

    def _apply_plan_job(self, pool, assignments, strategy, score_pairs, rule, note=None):
        scores = {user_id: score for user_id, score in score_pairs} or None
        # The job does the plain moves of its part, never a split of its own.
        super()._apply_plan(  # pylint: disable=super-method-mismatch
            pool, [tuple(pair) for pair in assignments], strategy, scores, rule or None, note=note
        )
        if len(assignments) == 1:
            return self.env._("1 customer distributed.")
        return self.env._("%s customers distributed.", len(assignments))
