from odoo import models


class CrmPublicPoolClaimRequest(models.Model):
    """Decisions on claim requests, told to the group robots of the pool and the requester's team."""

    _inherit = "crm.public.pool.claim.request"  # pylint: disable=consider-merging-classes-inherited

    def action_approve(self):
        res = super().action_approve()
        reviewer = self.env.user.name
        for request in self.sudo():
            # Approved: the customer is the requester's now and is not named to the group.
            self.env["crm.public.pool.robot"]._robot_post(
                lambda env, request=request: env._(
                    "%(pool)s: the claim request of %(user)s was approved by %(reviewer)s",
                    pool=request.pool_id.name,
                    user=request.user_id.name,
                    reviewer=reviewer,
                ),
                pools=request.pool_id,
                teams=request.user_id.sale_team_id,
            )
        return res

    def action_reject(self, note=False):
        res = super().action_reject(note)
        reviewer = self.env.user.name
        for request in self.sudo():
            self.env["crm.public.pool.robot"]._robot_post(
                lambda env, request=request: env._(
                    "%(pool)s: the claim request of %(user)s for %(customer)s was rejected by %(reviewer)s: %(note)s",
                    pool=request.pool_id.name,
                    user=request.user_id.name,
                    customer=request.partner_id.name,
                    reviewer=reviewer,
                    note=note,
                ),
                pools=request.pool_id,
                teams=request.user_id.sale_team_id,
            )
        return res
