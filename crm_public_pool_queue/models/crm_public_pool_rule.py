from odoo import models


class CrmPublicPoolRule(models.Model):
    _inherit = "crm.public.pool.rule"

    def _recycle_batch_job(self, now, batch_size, low, high):
        """One batch of the recycle as a job: one statement, committed by the job queue, never here."""
        self.ensure_one()
        self.pool_id._recycle_without_jit()
        rows = self._recycle_batch(now, batch_size, id_range=(low, high))
        self.pool_id._recycle_invalidate()
        if len(rows) == 1:
            return self.env._("1 customer recycled.")
        return self.env._("%s customers recycled.", len(rows))
