from collections import Counter

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models import pool_text
from ..models.crm_public_pool_distribution import STRATEGIES


class CrmPublicPoolAssignWizard(models.TransientModel):
    """Distribute pooled customers (and, for managers, redistribute owned ones) by a strategy."""

    _name = "crm.public.pool.assign.wizard"
    _description = "Distribute Customers"

    pool_id = fields.Many2one("crm.public.pool", required=True)
    partner_ids = fields.Many2many(
        "res.partner", string="Customers", help="Leave empty to distribute every customer waiting in the pool."
    )
    strategy = fields.Selection(STRATEGIES, required=True, default="round_robin")
    user_id = fields.Many2one("res.users", string="Assign To", domain=[("share", "=", False)])
    user_ids = fields.Many2many(
        "res.users",
        string="Only These Members",
        domain=[("share", "=", False)],
        help="Leave empty to distribute among all members of the pool.",
    )
    line_ids = fields.One2many("crm.public.pool.assign.wizard.line", "wizard_id", string="Preview")
    member_ids = fields.One2many("crm.public.pool.assign.wizard.member", "wizard_id", string="Members")
    rr_last_user_id = fields.Many2one("res.users", string="Round-robin Cursor After Preview")
    rr_owed_user_ids = fields.Many2many(
        "res.users", "crm_public_pool_assign_wizard_owed_rel", string="Round-robin Turns Owed After Preview"
    )
    previewed = fields.Boolean()
    summary = fields.Text(readonly=True)

    @api.model
    def default_get(self, fields_list):
        res = super().default_get(fields_list)
        ctx = self.env.context
        if ctx.get("active_model") == "res.partner" and ctx.get("active_ids"):
            partners = self.env["res.partner"].browse(ctx["active_ids"])
            res["partner_ids"] = [(6, 0, partners.ids)]
            pools = partners.sudo().pool_id
            if len(pools) == 1 and not res.get("pool_id"):
                res["pool_id"] = pools.id
        return res

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_preview(self):
        """Fill the lines with who would get what, without moving anything."""
        self.ensure_one()
        self._check_request()
        plan, scores = self._plan()
        Engine = self.env["crm.public.pool.distribution"]
        # What stays in the pool comes first: it is what the admin has to act on.
        lines = [
            {"sequence": index, "partner_id": partner_id, "reason": Engine._unplaced_label(code)}
            for index, (partner_id, code) in enumerate(plan.unplaced)
        ]
        lines += [
            {
                "sequence": len(plan.unplaced) + index,
                "partner_id": partner_id,
                "user_id": user_id,
                "score": scores.get(user_id, 0.0),
                "reason": Engine._reason_label(self.strategy, reason),
            }
            for index, (partner_id, user_id, reason) in enumerate(plan.assignments)
        ]
        self.line_ids.unlink()
        self.member_ids.unlink()
        self.write(
            {
                "line_ids": [(0, 0, vals) for vals in lines],
                "member_ids": [(0, 0, vals) for vals in self._member_lines(plan)],
                "rr_last_user_id": plan.last_user_id or False,
                "rr_owed_user_ids": [(6, 0, plan.owed_user_ids)],
                "previewed": True,
                "summary": self._summary(plan.counts(), plan.unplaced_counts()),
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Distribute Customers"),
        }

    def action_apply(self):
        """Perform exactly the preview, computed again now: the lines are only shown, never trusted.

        A client can write any line it likes into this transient record; what is applied is
        the plan the server computes, and it is applied only when it still matches the
        preview the administrator saw.
        """
        self.ensure_one()
        self._check_request()
        plan, scores = self._plan()
        assignments = [(partner_id, user_id) for partner_id, user_id, _reason in plan.assignments]
        Engine = self.env["crm.public.pool.distribution"]
        reasons = {partner_id: Engine._unplaced_label(code) for partner_id, code in plan.unplaced}
        unplaced = Counter(reasons.values())
        stored = {partner_id: Engine._unplaced_text(code) for partner_id, code in plan.unplaced}
        last_user_id = plan.last_user_id
        owed_user_ids = plan.owed_user_ids
        if self.previewed:
            shown = sorted((line.partner_id.id, line.user_id.id) for line in self.line_ids.sudo() if line.user_id)
            if shown != sorted(assignments):
                raise UserError(
                    self.env._(
                        "The pool changed since the preview (customers shown: %(shown)s; placeable now: %(now)s): "
                        "preview again before applying.",
                        shown=len(shown),
                        now=len(assignments),
                    )
                )
        jobs = self.env["crm.public.pool.distribution"]._apply_plan(
            self.pool_id,
            assignments,
            self.strategy,
            scores if self.strategy == "performance" else None,
            last_user_id=last_user_id,
            owed_user_ids=owed_user_ids,
        )
        self.env["res.partner"]._pool_record_unplaced(stored)
        if not assignments:
            # Nothing moves, but each customer now says why: the admin sees it under the Unplaced filter.
            why = "; ".join(f"{count} {reason}" for reason, count in unplaced.items())
            message = (
                self.env._("The customer cannot be distributed: %(why)s.", why=why)
                if len(reasons) == 1
                else self.env._(
                    "None of the %(count)s customers can be distributed: %(why)s.", count=len(reasons), why=why
                )
            )
            action = self.env["res.partner"]._pool_notification(message)
            action["params"]["type"] = "warning"
            return action
        message = self._summary(Counter(user_id for _partner_id, user_id in assignments), unplaced, labels=True)
        if jobs:
            message += " " + self.env._("%s background jobs move them; the audit log shows each move once done.", jobs)
        return self.env["res.partner"]._pool_notification(message)

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    def _plan(self):
        return self.env["crm.public.pool.distribution"]._plan(
            self.pool_id, self._partners(), self.strategy, user=self.user_id, users=self.user_ids
        )

    def _member_lines(self, plan):
        """Each candidate member with their load, limit and share; why they receive nothing."""
        if self.strategy == "user":
            users = self.user_id
        else:
            users = self.pool_id.sudo().member_all_user_ids.filtered(lambda u: u.active and not u.share)
            if self.user_ids:
                users &= self.user_ids
        received = Counter(user_id for _partner_id, user_id, _reason in plan.assignments)
        company = self.pool_id.sudo().company_id
        counts = users._pool_owned_counts(company)
        why_not = {
            "round_robin": self.env._("Fewer customers than members: their turn did not come"),
            "least_loaded": self.env._("Others had more free capacity"),
            "region": self.env._("No customer in the regions mapped to them"),
            "performance": self.env._("Performance score too low for a share"),
            "previous_owner": self.env._("No customer they owned or followed up before"),
            "user": self.env._("Not chosen"),
        }
        absences = users._pool_absences()
        lines = []
        for user in users:
            owned = counts.get(user.id, (0, 0))[0]
            limit = user._pool_limits(company)[0]
            note = False
            if not received[user.id]:
                if user.id in absences:
                    # Paused, on leave or archived: the strategy skipped them, whatever their turn.
                    note = pool_text.in_language(absences[user.id], self.env.lang, self.env)
                elif limit and owned >= limit:
                    note = self.env._("At their limit: %(owned)s of %(limit)s", owned=owned, limit=limit)
                else:
                    note = why_not.get(self.strategy, False)
            lines.append(
                {"user_id": user.id, "owned": owned, "limit": limit, "received": received[user.id], "note": note}
            )
        return lines

    def _partners(self):
        if self.partner_ids:
            return self.partner_ids._pool_commercial()
        return self.env["res.partner"].search([("pool_id", "=", self.pool_id.id), ("pool_state", "=", "pool")])

    def _check_request(self):
        """Refuse, naming the problem, what the pool's rules do not allow."""
        pool = self.pool_id
        pool._check_admin()
        partners = self._partners().sudo()
        if not partners:
            raise UserError(self.env._("No customer is waiting in pool %s.", pool.name))
        strangers = partners.filtered(lambda p: p.pool_id != pool)
        if strangers:
            raise UserError(
                self.env._(
                    "Customers not in pool %(pool)s: %(count)s of %(total)s, e.g. %(name)s.",
                    count=len(strangers),
                    total=len(partners),
                    pool=pool.name,
                    name=strangers[0]._pool_name_for_me(),
                )
            )
        owned = partners.filtered(lambda p: p.pool_state == "private")
        if owned and not self.env.user.has_group("crm_public_pool.group_pool_manager"):
            raise UserError(
                self.env._(
                    "Customers owned: %(count)s of %(total)s (e.g. %(name)s by %(owner)s): "
                    "only pool managers may redistribute owned customers.",
                    count=len(owned),
                    total=len(partners),
                    name=owned[0]._pool_name_for_me(),
                    owner=owned[0].user_id.name,
                )
            )
        if self.strategy == "user":
            if not self.user_id:
                raise UserError(self.env._("Choose the user who receives the customers."))
            if not pool._is_member(self.user_id):
                raise UserError(
                    self.env._("%(user)s is not a member of pool %(pool)s.", user=self.user_id.name, pool=pool.name)
                )
            self.user_id._pool_check_available()
        outsiders = self.user_ids - pool.sudo().member_all_user_ids
        if outsiders:
            raise UserError(
                self.env._(
                    "%(count)s of the chosen users are not members of pool %(pool)s: %(names)s.",
                    count=len(outsiders),
                    pool=pool.name,
                    names=", ".join(outsiders.mapped("name")),
                )
            )

    def _summary(self, counts, unplaced, labels=False):
        Engine = self.env["crm.public.pool.distribution"]
        text = self.env._(
            "Customers placed: %(placed)s; members receiving them: %(users)s.",
            placed=sum(counts.values()),
            users=len(counts),
        )
        if unplaced:
            why = "; ".join(
                f"{count}: {reason if labels else Engine._unplaced_label(reason)}" for reason, count in unplaced.items()
            )
            text += " " + self.env._("Still in the pool: %(left)s (%(why)s).", left=sum(unplaced.values()), why=why)
        return text
