from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import LazyTranslate

from .checks import check_texts

_lt = LazyTranslate(__name__)


class CrmPublicPoolClaimRequest(models.Model):
    """A claim waiting for a pool administrator (pools with claim approval)."""

    _name = "crm.public.pool.claim.request"
    _description = "Customer Claim Request"
    _inherit = ["mail.thread", "mail.activity.mixin", "crm.public.pool.gate.mixin"]
    _order = "create_date desc, id desc"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True, readonly=True, ondelete="cascade")
    pool_id = fields.Many2one("crm.public.pool", required=True, readonly=True, index=True)
    user_id = fields.Many2one("res.users", string="Requested By", required=True, readonly=True, index=True)
    state = fields.Selection(
        [("pending", "Pending"), ("approved", "Approved"), ("rejected", "Rejected")],
        default="pending",
        required=True,
        readonly=True,
        index=True,
    )
    reviewer_id = fields.Many2one("res.users", string="Reviewed By", readonly=True)
    review_note = fields.Text(readonly=True)
    company_id = fields.Many2one(related="pool_id.company_id", store=True)
    can_review = fields.Boolean(
        compute="_compute_can_review",
        help="Pending, in a pool you administer: Approve and Reject can succeed for you.",
    )

    @api.depends("partner_id", "user_id")
    def _compute_display_name(self):
        for request in self:
            request.display_name = self.env._(
                "%(customer)s, requested by %(user)s",
                customer=request.partner_id._pool_name_for_me(),
                user=request.sudo().user_id.name,
            )

    @api.depends_context("uid")
    @api.depends("state", "pool_id")
    def _compute_can_review(self):
        user = self.env.user
        for request in self:
            # The check action_approve and action_reject make (_check_reviewable).
            request.can_review = request.state == "pending" and request.pool_id._is_admin(user)

    def action_approve(self):
        self._check_reviewable()
        for request in self:
            request.partner_id._pool_lock_rows()._pool_move_to_owner(
                request.user_id, "claim", note=_lt("Claim request approved by %s", self.env.user.name)
            )
        self.sudo().write({"state": "approved", "reviewer_id": self.env.uid})
        self.sudo().activity_unlink(["mail.mail_activity_data_todo"])
        return self.env["res.partner"]._pool_notification(
            self.env._("1 claim request approved: the customer belongs to its requester now.")
            if len(self) == 1
            else self.env._("%s claim requests approved: the customers belong to their requesters now.", len(self))
        )

    def action_reject_wizard(self):
        self._check_reviewable()
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.public.pool.claim.request.reject.wizard",
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Reject Claim Requests"),
            "context": {"default_request_ids": self.ids},
        }

    def action_reject(self, note=False):
        """Refuse the requests, with the reason the requesters are told."""
        check_texts(self.env, note=note)
        if not (note or "").strip():
            raise UserError(self.env._("Say why the claim request is rejected: the requester is told."))
        self._check_reviewable()
        self.sudo().write({"state": "rejected", "reviewer_id": self.env.uid, "review_note": note})
        self.sudo().activity_unlink(["mail.mail_activity_data_todo"])
        partners = self.env["res.partner"]
        partners._pool_log(
            [
                {
                    "partner": request.sudo().partner_id,
                    "action": "request",
                    "pool_id": request.pool_id.id,
                    "to_user_id": request.user_id.id,
                    "note": note,
                }
                for request in self
            ],
            lambda log: _lt(
                "Claim request of %(user)s rejected by %(reviewer)s",
                user=log["to_user_name"],
                reviewer=log["user_name"],
            ),
        )
        for request in self:
            # Told to the requester, read by each reader in their language.
            request._pool_post_text(
                _lt("Claim request for %(customer)s rejected: %(note)s", customer=request.partner_id.name, note=note),
                lang=request.user_id.sudo().lang or self.env.lang,
                partner_ids=request.user_id.partner_id.ids,
            )
        return partners._pool_notification(
            self.env._("%s claim requests rejected: the requesters are told why.", len(self))
        )

    def _check_reviewable(self):
        for request in self:
            if request.state != "pending":
                raise UserError(
                    self.env._(
                        "The claim request for %(partner)s is already %(state)s.",
                        partner=request.partner_id._pool_name_for_me(),
                        state=dict(self._fields["state"]._description_selection(self.env))[request.state],
                    )
                )
        self.pool_id._check_admin()
