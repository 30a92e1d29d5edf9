"""Accept or return: customers a pool assigns wait for their new owner to accept them.

A pool with ``accept_hours`` gives an assigned customer to its receiver at once, with a deadline
(``pool_accept_deadline``) and an "Accept or return" To-Do. The owner accepts it
(``action_pool_accept``), or declines it with a reason (``action_pool_decline``); declined, or left
past the deadline (the hourly cron), it goes to the next candidate of the strategy that placed it,
else back to the pool, logged as ``decline`` or ``timeout``.
"""

from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import LazyTranslate

from . import pool_text
from .engine_token import as_engine

_lt = LazyTranslate(__name__)

# Moves that offer a customer to a receiver who may have to accept it.
OFFERS = ("assign", "decline", "timeout")
TIMEOUT_BATCH = 1000


class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    pool_accept_deadline = fields.Datetime(
        string="Accept Before",
        readonly=True,
        copy=False,
        help="Assigned from a pool that asks for acceptance: the owner accepts the customer before this moment, "
        "or it goes to the next candidate or back to the pool.",
    )

    def init(self):
        res = super().init()
        self.env.cr.execute(
            """CREATE INDEX IF NOT EXISTS res_partner_pool_accept_deadline_idx
                   ON res_partner (pool_accept_deadline) WHERE pool_accept_deadline IS NOT NULL"""
        )
        return res

    # ------------------------------------------------------------------
    # Offering
    # ------------------------------------------------------------------

    def _pool_await_acceptance(self, user, action):
        """After a move gave these (locked) customers to ``user``: the deadline and To-Do where their pool asks.

        Someone who assigns to themselves has nothing to accept.
        """
        if action not in OFFERS or user == self.env.user:
            return
        now = fields.Datetime.now()
        by_pool = defaultdict(list)
        for partner in self.sudo():
            if partner.pool_id.accept_hours > 0:
                by_pool[partner.pool_id].append(partner.id)
        for pool, partner_ids in by_pool.items():
            deadline = now + timedelta(hours=pool.accept_hours)
            partners = self.sudo().browse(partner_ids)
            as_engine(partners.with_context(tracking_disable=True)).write({"pool_accept_deadline": deadline})
            partners._pool_accept_todos(user, deadline)

    def _pool_accept_todos(self, user, deadline):
        # No summary: the To-Do reads as its type ("Accept or Return", in each reader's language) and
        # its due date; the hour is on the customer's banner. A stored sentence would stay in the
        # language of whoever was assigned, for every other reader.
        local = fields.Datetime.context_timestamp(self.with_user(user), deadline)
        model_id = self.env["ir.model"]._get_id("res.partner")
        type_id = self.env["crm.public.pool.rule"]._accept_activity_type_id()
        self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(
            [
                {
                    "res_model_id": model_id,
                    "res_id": partner.id,
                    "activity_type_id": type_id,
                    "user_id": user.id,
                    "date_deadline": local.date(),
                }
                for partner in self
            ]
        )

    def _pool_drop_accept_todos(self):
        if not self:
            return
        self.env["mail.activity"].flush_model()
        self.env.cr.execute(
            "DELETE FROM mail_activity WHERE res_model = 'res.partner' AND res_id IN %s AND activity_type_id = %s",
            [tuple(self.ids), self.env["crm.public.pool.rule"]._accept_activity_type_id()],
        )
        self.env["mail.activity"].invalidate_model()

    # ------------------------------------------------------------------
    # The owner's answer
    # ------------------------------------------------------------------

    def _pool_check_awaiting(self, *, accepting):
        """Lock the customers and refuse unless the caller is the owner they wait for."""
        partners = self._pool_commercial()._pool_lock_rows()
        partners.check_access("read")
        user = self.env.user
        now = fields.Datetime.now()
        labels = partners._pool_labels()
        problems = []
        for partner in partners.sudo():
            label = labels[partner.id]
            if partner.user_id != user:
                problems.append(
                    self.env._("%s is not assigned to you: only its new owner may accept or return it.", label)
                )
            elif not partner.pool_accept_deadline:
                problems.append(self.env._("%s is not waiting for acceptance: it is already yours.", label))
            elif accepting and partner.pool_accept_deadline <= now:
                problems.append(
                    self.env._(
                        "The time to accept %(customer)s ended at %(deadline)s: it goes to the next candidate or back to the pool.",
                        customer=label,
                        deadline=self._pool_format_datetime(partner.pool_accept_deadline),
                    )
                )
        if problems:
            raise UserError("\n".join(problems))
        return partners

    def action_pool_accept(self):
        """The new owner accepts customers assigned to them."""
        partners = self._pool_check_awaiting(accepting=True)
        as_engine(partners.sudo().with_context(tracking_disable=True)).write({"pool_accept_deadline": False})
        partners._pool_drop_accept_todos()
        user = self.env.user
        partners._pool_log(
            [
                {
                    "partner": p,
                    "action": "accept",
                    "pool_id": p.pool_id.id,
                    "from_user_id": user.id,
                    "to_user_id": user.id,
                }
                for p in partners.sudo()
            ],
            lambda log: _lt("Accepted by %s", log["user_name"]),
        )
        return self._pool_notification(
            self.env._("1 customer accepted.")
            if len(partners) == 1
            else self.env._("%s customers accepted.", len(partners))
        )

    def action_pool_decline(self, reason_code, note=False):
        """The new owner returns customers assigned to them: to the next candidate, else to the pool."""
        reason = self._pool_release_reason(reason_code, note)
        partners = self._pool_check_awaiting(accepting=False)
        partners._pool_return_unaccepted("decline", reason=reason, note=note)
        return self._pool_notification(
            self.env._("1 customer returned: %(reason)s.", reason=reason.name)
            if len(partners) == 1
            else self.env._("%(count)s customers returned: %(reason)s.", count=len(partners), reason=reason.name)
        )

    def action_pool_decline_wizard(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.public.pool.decline.wizard",
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Return Assigned Customers"),
            "context": {"default_partner_ids": self.ids},
        }

    # ------------------------------------------------------------------
    # Returning
    # ------------------------------------------------------------------

    @api.model
    def _cron_pool_accept_timeout(self, limit=TIMEOUT_BATCH):
        """Customers whose owner let the acceptance deadline pass: to the next candidate, else the pool.

        Rows another transaction holds are skipped (a claim, or the same job on another server).
        """
        self.env.flush_all()
        self.env.cr.execute(
            """SELECT id FROM res_partner
                WHERE pool_accept_deadline <= %s AND pool_state = 'private'
                ORDER BY pool_accept_deadline, id LIMIT %s
                  FOR NO KEY UPDATE SKIP LOCKED""",
            [fields.Datetime.now(), limit],
        )
        partners = self.sudo().browse([row[0] for row in self.env.cr.fetchall()])
        partners.invalidate_recordset()
        partners._pool_return_unaccepted("timeout")
        # A full batch may have more behind it: ir.cron runs the job again at once.
        self.env["ir.cron"]._notify_progress(done=len(partners), remaining=int(len(partners) == limit))
        return len(partners)

    def _pool_return_unaccepted(self, action, reason=None, note=False):
        """Pass locked customers awaiting acceptance on, as ``decline`` or ``timeout``.

        Each goes to the next candidate of the strategy that offered it (skipping everyone it was
        offered to since it entered the pool), else back to the pool with the reason.
        """
        if not self:
            return
        placed, offered = self._pool_offers()
        Pool = self.env["crm.public.pool"].sudo()
        groups = defaultdict(list)
        for partner in self.sudo():
            strategy, rule_id = placed.get(partner.id, (None, None))
            key = (partner.pool_id.id, strategy, rule_id, frozenset(offered[partner.id] | {partner.user_id.id}))
            groups[key].append(partner.id)
        back = {}
        for (pool_id, strategy, rule_id, excluded), partner_ids in groups.items():
            partners = self.browse(partner_ids)
            left = partners._pool_offer_next(Pool.browse(pool_id), strategy, rule_id, excluded, action, reason, note)
            back.update(left)
        if back:
            self.browse(list(back))._pool_return_to_pool(action, back, reason=reason, note=note)

    def _pool_offers(self):
        """``({id: (strategy, rule id) of the move that offered it}, {id: users offered it since it entered the pool})``."""
        self.env.flush_all()
        self.env.cr.execute(
            """
            SELECT DISTINCT ON (l.partner_id) l.partner_id, l.distribution_strategy, l.distribution_id
              FROM crm_public_pool_log l JOIN res_partner p ON p.id = l.partner_id
             WHERE l.partner_id IN %s AND l.action IN %s AND l.to_user_id = p.user_id
             ORDER BY l.partner_id, l.date DESC, l.id DESC
            """,
            [tuple(self.ids), OFFERS],
        )
        placed = {row[0]: (row[1], row[2]) for row in self.env.cr.fetchall()}
        self.env.cr.execute(
            """
            SELECT l.partner_id, array_agg(DISTINCT l.to_user_id)
              FROM crm_public_pool_log l JOIN res_partner p ON p.id = l.partner_id
             WHERE l.partner_id IN %s AND l.action IN %s AND l.to_user_id IS NOT NULL
               AND l.date >= coalesce(p.pool_enter_date, p.pool_claim_date)
             GROUP BY l.partner_id
            """,
            [tuple(self.ids), OFFERS],
        )
        offered = defaultdict(set)
        offered.update({row[0]: set(row[1]) for row in self.env.cr.fetchall()})
        return placed, offered

    def _pool_offer_next(self, pool, strategy, rule_id, excluded, action, reason, note):
        """Give these customers to the strategy's next candidates; ``{id: why not}`` for the rest."""
        Engine = self.env["crm.public.pool.distribution"]
        if not strategy or strategy == "user":
            label = _lt("it was offered to one person only, who did not accept it")
            return dict.fromkeys(self.ids, label)
        candidates = pool.member_all_user_ids.filtered(lambda u: u.id not in excluded)
        if not candidates:
            return dict.fromkeys(self.ids, _lt("everyone it could go to has declined it or let the time pass"))
        rule = Engine.sudo().browse(rule_id).exists()
        plan, scores = Engine._plan(pool, self, strategy, user=rule.user_id, users=candidates)
        # Texts of the pool: stored with their values, read in each reader's language.
        left = {partner_id: Engine._unplaced_text(code) for partner_id, code in plan.unplaced}
        by_user = defaultdict(list)
        for partner_id, user_id, _why in plan.assignments:
            by_user[user_id].append(partner_id)
        for user_id, partner_ids in sorted(by_user.items()):
            info = {
                "distribution_strategy": strategy,
                "distribution_score": scores.get(user_id) or 0.0,
                "distribution_id": rule.id or False,
            }
            text = _lt("Next candidate by %s", pool_text.Choice(Engine._name, "strategy", strategy))
            try:
                with self.env.cr.savepoint():
                    as_engine(self.browse(partner_ids), distribution=info)._pool_move_to_owner(
                        self.env["res.users"].browse(user_id), action, note or text, reason=reason
                    )
            except UserError as error:
                # The candidate's situation changed since the plan (limit, pause): the pool takes it.
                left.update(dict.fromkeys(partner_ids, pool_text.error_text(error)))
        if strategy == "round_robin" and plan.last_user_id and by_user:
            pool.rr_last_user_id = plan.last_user_id
        return left

    def _pool_return_to_pool(self, action, reasons, reason=None, note=False):
        # A decline or a timeout never imposes an embargo, whatever the reason carries: the decliner
        # returns a customer they never accepted and may not lock it away from everyone.
        vals = {
            "pool_state": "pool",
            "pool_enter_date": fields.Datetime.now(),
            "pool_locked": False,
            "pool_embargo_until": False,
        }
        messages = {
            "decline": lambda log: _lt(
                "Declined by %(old)s: back in pool %(pool)s", old=log["from_user_name"], pool=log["pool_name"]
            ),
            "timeout": lambda log: _lt(
                "Not accepted in time by %(old)s: back in pool %(pool)s",
                old=log["from_user_name"],
                pool=log["pool_name"],
            ),
        }
        self._pool_apply(action, vals, reason=reason, note=note, message=messages[action])
        self._pool_record_unplaced(reasons)
