"""The moves of a customer: claim, release, assign, transfer, lock, departure, pool changes.

Every change of a managed customer's owner, pool, lock or pool dates is written here, by
``_pool_apply`` under the engine's token (``engine_token.py``): the rows are locked first
(``_pool_lock_rows``), the values decided here are written with the contacts and open
opportunities that follow the customer, and each move leaves its audit row (``_pool_log``).
``res_partner.py`` holds the fields and the doors (create, write) that send a client's request
here; accepting and declining an offered customer are in ``res_partner_accept.py``, the
set-based recycle statement in ``crm_public_pool_rule.py``.
"""

from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup
from psycopg2.errors import LockNotAvailable, SerializationFailure

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, LazyTranslate, format_datetime, split_every

from ..logic import claim_rules
from . import pool_text
from .checks import check_id, check_ids, check_texts, has_words, optional_id
from .engine_token import as_engine, engine_setting_sql, engine_statements
from .res_partner import RECYCLE_INPUT_FIELDS

_lt = LazyTranslate(__name__)

# Customers written per step of one move: the ORM's work on one recordset grows faster than
# its size, so a move of 100,000 customers is done as steps of this many, in one transaction.
APPLY_STEP = 1000

POOL_STATE_FIELDS = [
    "pool_id",
    "pool_state",
    "user_id",
    "pool_locked",
    "pool_enter_date",
    "pool_claim_date",
    "pool_previous_user_id",
    "pool_accept_deadline",
    "company_id",
    "name",
]
# Read with the row lock (_pool_lock_rows): the pool fields, what the claim rules test, and
# what finds the customer's contacts and leads.
POOL_LOCK_FIELDS = [
    *POOL_STATE_FIELDS,
    "active",
    "pool_embargo_until",
    "pool_recycle_date",
    "pool_warned_date",
    "is_company",
    "parent_id",
    "commercial_partner_id",
]


class _LazyNames(dict):
    """The names a chatter line may use, each looked up when the message asks for it."""

    def __init__(self, getters):
        super().__init__()
        self._getters = getters

    def __missing__(self, key):
        value = self[key] = self._getters[key]()
        return value


class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Moves a write of the customer's own fields asks for
    # ------------------------------------------------------------------

    def _pool_recycle_after_write(self, vals, fresh=False):
        """Keep the recycle date of touched customers current; a follow-up or a claim clears the warning.

        ``fresh``: the customers were just created (see ``crm.public.pool._recycle_refresh_dates``).
        """
        if not RECYCLE_INPUT_FIELDS & set(vals):
            return
        pools_with_rules = self.env["crm.public.pool.rule"]._recycle_warn_days_by_pool()
        if not pools_with_rules:
            return
        partners = self.sudo().filtered(
            lambda p: p.pool_id.id in pools_with_rules and (p.is_company or not p.parent_id)
        )
        if not partners:
            return
        if {"pool_last_followup_date", "pool_claim_date"} & set(vals):
            # The warning To-Do itself goes with the next daily run.
            warned = partners.filtered("pool_warned_date")
            if warned:
                as_engine(warned).write({"pool_warned_date": False})
        partners.pool_id._recycle_refresh_dates(partners.ids, fresh=fresh, written=True)

    def _pool_write_owner(self, user_id):
        """A direct write of the Salesperson on managed customers is a transfer."""
        user = self.env["res.users"].browse(optional_id(self.env, user_id, self.env._("The salesperson")))
        changed = self.filtered(lambda p: p.sudo().user_id != user)
        if not changed:
            return
        if not user:
            raise UserError(
                self.env._("Use Release to return %s to the pool: it asks for a reason.", changed[0].sudo().name)
            )
        pooled = changed.filtered(lambda p: p.sudo().pool_state == "pool")
        for pool, partners in pooled.grouped(lambda p: p.sudo().pool_id).items():
            pool.with_env(self.env).pool_assign(partners.ids, user.id)
        (changed - pooled).pool_transfer(user.id)

    def _pool_enter(self):
        """Put unmanaged partners under pool management (pool given explicitly)."""
        now = fields.Datetime.now()
        actor = self.env.user
        # A customer's contacts come under management with it: none may be a user's own partner
        # (see _pool_check_not_own_contact).
        users = self.env["res.users"].sudo().with_context(active_test=False)
        users = users.search([("partner_id", "child_of", self.ids)])
        if users:
            raise UserError(
                self.env._(
                    "%(count)s of the contacts you chose for a pool are users' own contacts (%(names)s): a pool's "
                    "customer cannot be a user's own contact, which every user may read.",
                    count=len(users.partner_id),
                    names=users.partner_id.with_env(self.env)._pool_listed_names(),
                )
            )
        for pool, partners in self.sudo().grouped("pool_id").items():
            if not (pool._is_member(actor) or pool._is_admin(actor)):
                raise AccessError(self.env._("You are not a member of pool %s.", pool._pool_name_for_me()))
            owned = partners.filtered("user_id")
            strangers = owned.filtered(lambda p: p.user_id != actor)
            if strangers and not pool._is_admin(actor):
                raise AccessError(
                    self.env._(
                        "Only administrators of pool %(pool)s may put %(partner)s there for %(user)s.",
                        pool=pool._pool_name_for_me(),
                        partner=strangers[0]._pool_name_for_me(),
                        user=strangers[0].user_id.name,
                    )
                )
            owned.user_id._pool_lock_capacity()
            for owner, group in owned.grouped("user_id").items():
                owner._pool_check_receiver(pool)
                owner._pool_check_room(group)
            if owned:
                as_engine(owned).write({"pool_state": "private", "pool_claim_date": now})
            pooled = partners - owned
            if pooled:
                as_engine(pooled).write({"pool_state": "pool", "pool_enter_date": now})
        self._pool_after_create()

    def _pool_change_pool(self, pool_id):
        pool = self.env["crm.public.pool"].browse(optional_id(self.env, pool_id, self.env._("The pool")))
        if not pool:
            raise UserError(self.env._("A managed customer always belongs to a pool."))
        self._pool_transition("move_pool", pool=pool)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_pool_claim(self):
        """The current user claims these pooled customers (or requests them)."""
        user = self.env.user
        # The user's facts are read with the row lock, in its round trip.
        partners, facts = self._pool_lock_commercial(claiming=True, facts_of=user)
        # A customer claimed a moment ago, as a rush's losers find it once the winner is done, is
        # refused before anything else is read: the message _check_claim_allowed gives first.
        if partners and not partners.sudo().filtered(lambda p: p.pool_state == "pool"):
            labels = partners._pool_names_for_me()
            raise UserError(
                "\n".join(self.env._("%s is no longer in the pool.", labels[partner.id]) for partner in partners)
            )
        facts = self.env["crm.public.pool"]._pool_user_facts(user, row=facts)
        partners.sudo()._check_claim_allowed(user, facts)
        direct = self.browse()
        requested = self.browse()
        for pool, group in partners.grouped("pool_id").items():
            pool_facts = facts["pools"][pool.id]
            if pool_facts["claim_requires_approval"] and not pool_facts["admin"]:
                requested |= group
            else:
                direct |= group
        owned = None
        if direct:
            owned = direct._pool_move_to_owner(user, "claim", facts=facts)
        if requested:
            requested._pool_request_claim(user)
        if direct and not requested:
            if owned is None:  # no limit, nothing was counted
                owned = user.pool_customer_count
            message = (
                self.env._("1 customer claimed: you now own %(owned)s.", owned=owned)
                if len(direct) == 1
                else self.env._("%(count)s customers claimed: you now own %(owned)s.", count=len(direct), owned=owned)
            )
        elif requested and not direct:
            message = (
                self.env._("Claim requested for 1 customer: a pool administrator will review it.")
                if len(requested) == 1
                else self.env._(
                    "Claim requested for %s customers: a pool administrator will review it.", len(requested)
                )
            )
        else:
            message = self.env._(
                "Customers claimed: %(claimed)s; claims requested: %(requested)s.",
                claimed=len(direct),
                requested=len(requested),
            )
        return self._pool_notification(message)

    def _check_claim_allowed(self, user, facts=None):
        """Raise with every reason that blocks ``user`` from claiming ``self`` (in sudo, locked).

        The per-customer reasons are the claim rules of ``_pool_claim_rules``, evaluated on
        these customers: what Claimable Now lists is exactly what passes here. ``facts`` is
        ``crm.public.pool._pool_user_facts(user)`` when the caller has it already.
        """
        now = fields.Datetime.now()
        if facts is None:
            facts = self.env["crm.public.pool"]._pool_user_facts(user)
        rules = self._pool_claim_rules(user, now, facts)
        readable = None
        problems = []

        def label(partner):
            # Only a refusal names customers: the access check runs for it alone.
            nonlocal readable
            if readable is None:
                readable = self.with_user(user)._pool_names_for_me()
            return readable[partner.id]

        for partner in self:
            pool_rules = rules.get(partner.pool_id)
            if partner.pool_state != "pool":
                problems.append(self.env._("%s is no longer in the pool.", label(partner)))
                continue
            if pool_rules is None:
                # The user may not read it: name neither the customer nor its pool.
                problems.append(self.env._("Customer #%s is not in a pool you are a member of.", partner.id))
                continue
            for code, domain in pool_rules:
                if not partner.filtered_domain(domain):
                    problems.append(partner._pool_claim_refusal(code, label(partner), user, now))
        counted = self.filtered(lambda p: p.pool_id in rules)
        limited = counted.pool_id.filtered(
            lambda p: facts["pools"][p.id]["daily_claim_limit"] and not facts["pools"][p.id]["admin"]
        )
        if limited and not problems:
            user._pool_lock_capacity()
            claimed_today = self._pool_claims_today(user, limited)
            for pool, group in counted.grouped("pool_id").items():
                if pool not in limited:
                    continue
                done = claimed_today.get(pool.id, 0)
                limit = facts["pools"][pool.id]["daily_claim_limit"]
                if len(group) > claim_rules.daily_limit_left(limit, done):
                    problems.append(
                        self.env._(
                            "Daily claim limit of pool %(pool)s reached: %(done)s of %(limit)s claimed today, "
                            "%(asked)s more asked.",
                            pool=pool._pool_name_for_me(),
                            done=done,
                            limit=limit,
                            asked=len(group),
                        )
                    )
        if problems:
            raise UserError("\n".join(problems))

    def _pool_claim_refusal(self, code, label, user, now):
        """The message of a claim rule this customer fails."""
        pool = self.pool_id
        if code == claim_rules.ACTIVE:
            return self.env._("%s is archived: a pool administrator must restore it first.", label)
        if code == claim_rules.COOLDOWN:
            until = self.pool_enter_date + timedelta(days=pool.reclaim_cooldown_days)
            return self.env._(
                "%(partner)s: you released it; you may claim it again from %(until)s (cool-down %(days)s days).",
                partner=label,
                until=self._pool_format_datetime(until, user),
                days=pool.reclaim_cooldown_days,
            )
        if code == claim_rules.ENTRY_LOCK:
            until = self.pool_enter_date + timedelta(hours=pool.entry_lock_hours)
            return self.env._(
                "%(partner)s entered the pool recently; it can be claimed from %(until)s (entry lock %(hours)s hours).",
                partner=label,
                until=self._pool_format_datetime(until, user),
                hours=pool.entry_lock_hours,
            )
        if code == claim_rules.EMBARGO:
            last_release = (
                self.env["crm.public.pool.log"]
                .sudo()
                .search([("partner_id", "=", self.id), ("reason_id.embargo_days", ">", 0)], limit=1)
            )
            return self.env._(
                '%(partner)s may not be claimed before %(until)s: it was released as "%(reason)s".',
                partner=label,
                until=self._pool_format_datetime(self.pool_embargo_until, user),
                reason=last_release.reason_id.name or "-",
            )
        return self.env._("%s is no longer in the pool.", label)

    @api.model
    def _pool_format_datetime(self, value, user=None):
        """``value`` in the reader's time zone and date format, as the messages show it."""
        user = user or self.env.user
        return format_datetime(self.with_user(user).env, value, tz=user.tz or "UTC", dt_format="short")

    @api.model
    def _pool_claims_today(self, user, pools):
        """{pool id: customers ``user`` claimed or asked for today}; an approved request counts once."""
        tz_today = fields.Datetime.to_datetime(fields.Date.context_today(self))
        self.env["crm.public.pool.log"].flush_model()
        self.env.cr.execute(
            """
            SELECT pool_id, count(*) FROM crm_public_pool_log
             WHERE to_user_id = %s AND pool_id IN %s AND date >= %s
               AND (action = 'request' OR (action = 'claim' AND user_id = to_user_id))
             GROUP BY pool_id
            """,
            [user.id, tuple(pools.ids) or (0,), tz_today],
        )
        return dict(self.env.cr.fetchall())

    def _pool_request_claim(self, user):
        Request = self.env["crm.public.pool.claim.request"].sudo()
        pending = Request.search([("partner_id", "in", self.ids), ("user_id", "=", user.id), ("state", "=", "pending")])
        if pending:
            raise UserError(
                self.env._(
                    "You already asked for %s; wait for the pool administrator.",
                    pending[0].partner_id._pool_name_for_me(),
                )
            )
        requests = Request.create([{"partner_id": p.id, "pool_id": p.pool_id.id, "user_id": user.id} for p in self])
        for request in requests:
            request._pool_schedule_todo(
                request.pool_id.admin_user_ids,
                _lt("Claim request: %(user)s asks for %(partner)s", user=user.name, partner=request.partner_id.name),
            )
        self._pool_log(
            [{"partner": p, "action": "request", "pool_id": p.pool_id.id, "to_user_id": user.id} for p in self],
            lambda log: _lt("%(user)s asked to claim this customer", user=log["user_name"]),
        )

    def pool_release(self, reason_code, note=False, pool_id=False):
        """Return owned customers to their pool (owner or pool admin), with a reason."""
        reason = self._pool_release_reason(reason_code, note)
        target = self.env["crm.public.pool"].browse(optional_id(self.env, pool_id, self.env._("The pool")))
        if target and not target.sudo().exists():
            raise UserError(self.env._("Pool %s does not exist.", pool_id))
        partners = self._pool_commercial()._pool_lock_rows()
        partners.check_access("read")
        user = self.env.user
        labels = partners._pool_labels()
        problems = []
        for partner in partners.sudo():
            # The same check decides whether Release is offered (pool_can_release).
            blocker = partner._pool_release_blocker(user)
            if blocker == "not_owned":
                problems.append(
                    self.env._("%s is not owned by anyone: only owned customers can be released.", labels[partner.id])
                )
            elif blocker == "not_yours":
                problems.append(
                    self.env._(
                        "%s is not yours: only its owner or a pool administrator may release it.", labels[partner.id]
                    )
                )
        if target and not (target._is_member(user) or target._is_admin(user)):
            target_label = target.name if target._filtered_access("read") else f"#{target.id}"
            problems.append(self.env._("You may not release customers into pool %s.", target_label))
        if problems:
            raise UserError("\n".join(problems))
        now = fields.Datetime.now()
        vals = {
            "pool_state": "pool",
            "pool_enter_date": now,
            "pool_locked": False,
            "pool_embargo_until": now + timedelta(days=reason.embargo_days) if reason.embargo_days else False,
        }
        if target:
            vals["pool_id"] = target.id
        partners._pool_apply(
            "release",
            vals,
            reason=reason,
            note=note,
            message=lambda log: _lt(
                "Released to pool %(pool)s by %(user)s: %(reason)s",
                pool=log["pool_name"],
                user=log["user_name"],
                reason=reason.name,
            ),
        )
        return True

    @api.model
    def _pool_release_reason(self, reason_code, note):
        """The release reason named by ``reason_code``, with the note it asks for."""
        check_texts(self.env, reason_code=reason_code, note=note)
        reason = self.env["crm.public.pool.reason"].search([("code", "=", reason_code or "")], limit=1)
        if not reason:
            reasons = self.env["crm.public.pool.reason"].search([], limit=50)
            raise UserError(
                self.env._(
                    "Unknown release reason %(code)r; use one of: %(codes)s.",
                    code=reason_code,
                    codes=", ".join(f"{r.name} ({r.code})" for r in reasons),
                )
            )
        if reason.note_required and not has_words(note):
            raise UserError(self.env._("The release reason %s needs a note that says why.", reason.name))
        return reason

    def pool_transfer(self, user_id):
        """Move owned customers to another owner (pool admins and managers)."""
        user = self.env["res.users"].browse(check_id(self.env, user_id, self.env._("The user")))
        partners = self._pool_commercial()._pool_lock_rows()
        partners.check_access("read")
        labels = partners._pool_labels()
        not_owned = partners.sudo().filtered(lambda p: p.pool_state != "private" or not p.active)
        if not_owned:
            raise UserError(
                self.env._(
                    "%s is not owned: assign it from its pool instead of transferring it.", labels[not_owned[0].id]
                )
            )
        partners.sudo().pool_id.with_env(self.env)._check_admin()
        partners._pool_move_to_owner(user, "transfer")
        return True

    def action_pool_lock(self):
        partners = self._pool_commercial()._pool_lock_rows()
        partners.check_access("read")
        user = self.env.user
        labels = partners._pool_labels()
        for partner in partners.sudo():
            if partner.pool_state != "private" or not partner.active:
                raise UserError(self.env._("%s is not owned: only owned customers can be locked.", labels[partner.id]))
            if partner.user_id != user and not partner.pool_id._is_admin(user):
                raise UserError(self.env._("Only the owner or a pool administrator may lock %s.", labels[partner.id]))
        partners = partners.filtered(lambda p: not p.sudo().pool_locked)
        owners = partners.sudo().user_id
        owners._pool_lock_capacity()
        # The lock limit of the company the pool and the customer belong to, its customers counted.
        for (owner, company), group in partners.sudo().grouped(lambda p: (p.user_id, p.pool_id.company_id)).items():
            max_locked = owner._pool_limits(company)[1]
            locked = owner._pool_owned_counts(company).get(owner.id, (0, 0))[1] if max_locked else 0
            if max_locked and locked + len(group) > max_locked:
                raise UserError(
                    self.env._(
                        "You cannot lock more customers: you have locked %(locked)s of %(limit)s allowed, %(asked)s more asked.",
                        asked=len(group),
                        locked=locked,
                        limit=max_locked,
                    )
                    if owner == self.env.user
                    else self.env._(
                        "%(user)s cannot lock more customers: they have locked %(locked)s of %(limit)s allowed, %(asked)s more asked.",
                        user=owner.name,
                        asked=len(group),
                        locked=locked,
                        limit=max_locked,
                    )
                )
        partners._pool_apply(
            "lock",
            {"pool_locked": True},
            message=lambda log: _lt("Locked as a key customer by %s", log["user_name"]),
        )
        return True

    def action_pool_unlock(self):
        partners = self._pool_commercial()._pool_lock_rows()
        partners.check_access("read")
        user = self.env.user
        labels = partners._pool_labels()
        for partner in partners.sudo():
            if partner.user_id != user and not partner.pool_id._is_admin(user):
                raise UserError(self.env._("Only the owner or a pool administrator may unlock %s.", labels[partner.id]))
        partners = partners.filtered(lambda p: p.sudo().pool_locked)
        partners._pool_apply(
            "unlock", {"pool_locked": False}, message=lambda log: _lt("Unlocked by %s", log["user_name"])
        )
        return True

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    def _pool_chosen(self):
        """The customers a wizard was opened on, as the caller may see them: refuse when none is left
        rather than report a move of 0 customers as a success."""
        if not self:
            raise UserError(
                self.env._("None of the chosen customers is one you may open: choose customers from your lists.")
            )
        return self

    def _pool_checked(self):
        """The customers a move was asked for, as a client sent their ids: refuse any that is
        not a record id (a text, a dict, nothing) with a message naming it, before the database
        sees it. Every move starts here, through ``_pool_commercial`` or ``_pool_lock_commercial``."""
        if self._ids:
            check_ids(self.env, list(self._ids), self.env._("Customers"))
        return self

    def _pool_commercial(self):
        self._pool_checked()
        partners = self.sudo().commercial_partner_id.with_env(self.env)
        unmanaged = partners.sudo().filtered(lambda p: not p.pool_state)
        if unmanaged:
            raise UserError(
                self.env._("%s is not managed by a customer pool.", unmanaged._pool_labels()[unmanaged[0].id])
            )
        return partners

    def _pool_check_companies(self):
        """Refuse customers of a pool outside the companies the request acts in (``allowed_company_ids``),
        as Odoo's ``_check_company`` does: acting in company B only, nobody moves a company-A customer.
        Every move passes here when it locks its customers (``_pool_lock_and_read`` reads the pools'
        companies in the same statement)."""
        if self.env.su:
            return
        allowed = self.env.companies
        outside = self.filtered(lambda p: p.sudo().pool_id and p.sudo().pool_id.company_id not in allowed)
        if outside:
            raise UserError(
                self.env._(
                    "%s belongs to a company this request does not act in: switch to its company first.",
                    outside._pool_labels()[outside[0].id],
                )
            )

    def _pool_labels(self):
        """{id: how the current user may call each customer}: its name if they may read it, else its number.

        As the real user even when called in sudo (see ``_pool_names_for_me``).
        """
        return self._pool_names_for_me()

    def _pool_lock_rows(self):
        """Lock the customers' rows so concurrent moves of them serialize; their pool fields are
        read in the same statement, after the lock."""
        if not self:
            return self
        self.flush_recordset()
        self._pool_lock_and_read(SQL("id IN %s", tuple(self.ids)))
        self._pool_check_companies()
        return self

    def _pool_lock_commercial(self, claiming=False, facts_of=None):
        """``_pool_commercial()._pool_lock_rows()`` in one statement: the commercial customers of
        these partners, locked, with their pool fields.

        ``facts_of``: a user whose ``crm.public.pool._pool_user_facts_sql`` is read in the same
        statement; then (customers, the facts' row, None when no row was locked) is returned.

        ``claiming``: a claim does not queue behind a colleague's move of the same customer. It
        takes the lock with ``NOWAIT`` and, when the row is locked, or changed since the claim's
        transaction began (``REPEATABLE READ`` refuses to lock such a row), it refuses at once.
        Waiting would cost the winner's whole transaction, then Odoo's replay of the
        serialization failure after a random sleep: most of a second for every loser of a
        morning rush.
        """
        if not self:
            return (self, None) if facts_of is not None else self
        self._pool_checked()
        extra = None if facts_of is None else self.env["crm.public.pool"]._pool_user_facts_sql(facts_of)
        self.env["res.partner"].flush_model()
        asked = tuple(self.ids)
        where = SQL("id IN (SELECT commercial_partner_id FROM res_partner WHERE id IN %s)", asked)
        if claiming:
            try:
                partners = self._pool_lock_and_read(where, nowait=True, extra=extra)
            except (LockNotAvailable, SerializationFailure) as error:
                self.env.cr.execute("ROLLBACK TO SAVEPOINT pool_claim_lock")
                labels = ", ".join(self._pool_labels().values())
                if isinstance(error, LockNotAvailable):
                    raise UserError(self.env._("Being claimed by a colleague right now: %s.", labels)) from None
                raise UserError(
                    self.env._(
                        "Claimed or changed by a colleague a moment ago: %s. Open it again to see where it stands.",
                        labels,
                    )
                ) from None
        else:
            partners = self._pool_lock_and_read(where, extra=extra)
        extra_value = None
        if extra is not None:
            partners, extra_value = partners
        partners = partners.with_env(self.env)
        if len(partners) < len(set(asked)):
            # Fewer companies than partners asked (contacts of one company), or deleted ids:
            # reading a deleted one raises Odoo's own MissingError, naming it, as it always did.
            missing = self - self.sudo().exists()
            missing.sudo().mapped("commercial_partner_id")
        unmanaged = partners.sudo().filtered(lambda p: not p.pool_state)
        if unmanaged:
            raise UserError(
                self.env._("%s is not managed by a customer pool.", unmanaged._pool_labels()[unmanaged[0].id])
            )
        partners._pool_check_companies()
        return (partners, extra_value) if facts_of is not None else partners

    def _pool_lock_and_read(self, where, nowait=False, extra=None):
        """Lock the rows of res_partner matching ``where`` (ordered by id, so concurrent locks
        cannot deadlock) and put their POOL_LOCK_FIELDS in the cache; return them.

        The same statement tells which of them have no users and no active contacts: for those,
        the empty ``user_ids`` and ``child_ids`` go in the cache too, exactly what the ORM
        would read (so a move's ``write``, which reads both, does not ask again). A customer
        with users or contacts is left to the ORM to read as usual.

        ``nowait``: raise ``LockNotAvailable`` instead of waiting for a lock held by another
        transaction, after a savepoint ``pool_claim_lock`` the caller rolls back to. The savepoint
        rides in the lock's own round trip (and stays until the transaction ends): a claim pays
        no query for it.

        ``extra``: a statement of one value read with the lock, as a sub-query run once (it does
        not depend on the rows); then (customers, its value, None when no row matched) is returned.
        """
        columns = [self._fields[fname] for fname in POOL_LOCK_FIELDS]
        query = SQL(
            """SELECT id, %s,
                      (SELECT pp.company_id FROM crm_public_pool pp WHERE pp.id = res_partner.pool_id),
                      NOT EXISTS (SELECT 1 FROM res_users u WHERE u.partner_id = res_partner.id),
                      NOT EXISTS (SELECT 1 FROM res_partner c WHERE c.parent_id = res_partner.id AND c.active)
                      %s
                 FROM res_partner WHERE %s ORDER BY id FOR NO KEY UPDATE %s""",
            SQL(", ").join(SQL.identifier(field.name) for field in columns),
            SQL(", (%s)", extra) if extra is not None else SQL(),
            where,
            SQL("NOWAIT") if nowait else SQL(),
        )
        if nowait:
            query = SQL("SAVEPOINT pool_claim_lock; %s", query)
        # A refused lock is an answer, not a fault: not logged as a bad query.
        self.env.cr.execute(query, log_exceptions=not nowait)
        rows = self.env.cr.fetchall()
        extra_value = None
        if extra is not None:
            extra_value = rows[0][-1] if rows else None
            rows = [row[:-1] for row in rows]
        partners = self.browse([row[0] for row in rows])
        if rows:
            for field, values in zip(columns, list(zip(*rows, strict=True))[1:-3], strict=True):
                self.env.cache.update(partners, field, values)
            # The pools' companies, which every move checks against the request's (_pool_check_companies).
            Pool = self.env["crm.public.pool"]
            pool_companies = {row[1 + POOL_LOCK_FIELDS.index("pool_id")]: row[-3] for row in rows}
            pool_companies.pop(None, None)
            self.env.cache.insert_missing(
                Pool.browse(list(pool_companies)), Pool._fields["company_id"], list(pool_companies.values())
            )
            for fname, index in (("user_ids", -2), ("child_ids", -1)):
                empty = self.browse([row[0] for row in rows if row[index]])
                self.env.cache.insert_missing(empty, self._fields[fname], [()] * len(empty))
        return (partners, extra_value) if extra is not None else partners

    def _pool_move_to_owner(self, user, action, note=False, reason=None, facts=None):
        """Give (locked) customers to ``user`` within their limit: claim, assign, transfer, departure.

        ``facts`` is ``crm.public.pool._pool_user_facts(user)`` when the caller has it already.
        """
        if not self:
            return
        partners = self.sudo()
        if action in ("claim", "assign"):
            not_pooled = partners.filtered(lambda p: p.pool_state != "pool" or not p.active)
            if not_pooled:
                raise UserError(self.env._("%s is no longer in the pool.", not_pooled._pool_labels()[not_pooled[0].id]))
        for pool in partners.pool_id:
            user._pool_check_receiver(pool, member=action in ("claim", "assign", "decline", "timeout"), facts=facts)
        moving = self.filtered(lambda p: p.sudo().user_id != user)
        now = fields.Datetime.now()
        vals = {
            "user_id": user.id,
            "pool_state": "private",
            "pool_claim_date": now,
            "pool_embargo_until": False,
            "pool_accept_deadline": False,
        }
        messages = {
            "claim": lambda log: _lt("Claimed by %s", log["to_user_name"]),
            "assign": lambda log: _lt("Assigned to %(to)s by %(by)s", to=log["to_user_name"], by=log["user_name"]),
            "transfer": lambda log: _lt(
                "Transferred from %(old)s to %(to)s by %(by)s",
                old=log["from_user_name"],
                to=log["to_user_name"],
                by=log["user_name"],
            ),
            "departure": lambda log: _lt(
                "Handed over from %(old)s to %(to)s (departure)", old=log["from_user_name"], to=log["to_user_name"]
            ),
            "decline": lambda log: _lt(
                "Declined by %(old)s; assigned to %(to)s", old=log["from_user_name"], to=log["to_user_name"]
            ),
            "timeout": lambda log: _lt(
                "Not accepted in time by %(old)s; assigned to %(to)s", old=log["from_user_name"], to=log["to_user_name"]
            ),
        }
        # Read before the move (the row is in cache): who was still to accept the customer.
        offered = moving.filtered(lambda p: p.sudo().pool_accept_deadline)
        # What the request changed before reaches the table now, outside the engine's statements.
        self.env.flush_all()
        with engine_statements(self.env.cr, setting_sent=True):
            # One round trip: the engine's setting, the capacity lock, then the owner's count
            # (counted after the lock, so on current data).
            owned_after = user._pool_check_room(
                moving, first=SQL("%s; %s", engine_setting_sql(), user._pool_lock_capacity_sql())
            )
            moving._pool_apply(action, vals, reason=reason, note=note, message=messages[action])
            offered._pool_drop_accept_todos()
            moving._pool_await_acceptance(user, action)
        return owned_after

    def _pool_departure(self, successor=False):
        """Customers of a departing salesperson go to a successor or back to their pools."""
        if successor:
            self._pool_lock_rows()._pool_move_to_owner(successor, "departure")
            return
        self._pool_lock_rows()._pool_apply(
            "departure",
            {"pool_state": "pool", "pool_enter_date": fields.Datetime.now(), "pool_locked": False},
            message=lambda log: _lt(
                "Returned to pool %(pool)s: %(old)s left", pool=log["pool_name"], old=log["from_user_name"]
            ),
        )

    def _pool_transition(self, action, pool=None):
        """The moves a write of the customer's own fields asks for: another pool, archive, restore.

        Each checks the caller's right on every pool involved, then writes through ``_pool_apply``.
        """
        partners = self._pool_commercial()._pool_lock_rows()
        actor = self.env.user
        now = fields.Datetime.now()
        sources = partners.sudo().pool_id
        if action == "move_pool":
            moving = partners.filtered(lambda p: p.sudo().pool_id != pool)
            if not moving:
                return
            target = pool.sudo()
            if not target.exists() or not target.active:
                raise UserError(self.env._("Pool %s does not exist or is archived.", pool.id))
            (moving.sudo().pool_id | target).with_env(self.env)._check_admin()
            owners = moving.sudo().user_id
            for owner in owners:
                if not (target._is_member(owner) or target._is_admin(owner)):
                    raise UserError(
                        self.env._(
                            "%(user)s is not a member of pool %(pool)s: release or transfer the customer first.",
                            user=owner.name,
                            pool=target.name,
                        )
                    )
            moving._pool_apply(
                "transfer",
                {"pool_id": target.id},
                message=lambda log: _lt(
                    "Moved from pool %(old)s to %(new)s", old=log["from_pool_name"], new=log["pool_name"]
                ),
            )
        elif action == "archive":
            if not actor._is_superuser():
                sources.with_env(self.env)._check_admin()
            partners._pool_apply(
                "cleanup",
                {"active": False, "pool_state": "pool", "pool_enter_date": now, "pool_locked": False},
                message=lambda log: _lt("Archived by %s", log["user_name"]),
            )
        elif action == "restore":
            if not actor._is_superuser():
                sources.with_env(self.env)._check_admin()
            partners._pool_apply(
                "restore",
                {"active": True, "pool_state": "pool", "pool_enter_date": now, "pool_locked": False},
                message=lambda log: _lt(
                    "Restored to pool %(pool)s by %(user)s", pool=log["pool_name"], user=log["user_name"]
                ),
            )
        else:
            raise UserError(self.env._("Unknown pool move %s.", action))

    def _pool_apply(self, action, vals, *, reason=None, note=False, rule=None, message=None):
        """Write one move on locked commercial customers: values, contacts, leads, log, chatter."""
        if not self:
            return
        if len(self) > APPLY_STEP:
            for ids in split_every(APPLY_STEP, self.ids):
                self.browse(ids)._pool_apply(action, vals, reason=reason, note=note, rule=rule, message=message)
            return
        # Every statement of the move is the engine's (engine_token.engine_statements).
        with engine_statements(self.env.cr):
            user = self.env.user
            releasing = vals.get("pool_state") == "pool"
            logs = []
            for partner in self.sudo():
                to_user = self.env["res.users"].browse(vals["user_id"]) if "user_id" in vals else partner.user_id
                if releasing:
                    to_user = self.env["res.users"]
                to_pool = self.env["crm.public.pool"].browse(vals.get("pool_id", partner.pool_id.id))
                logs.append(
                    {
                        "partner": partner,
                        "action": action,
                        "pool_id": to_pool.id,
                        "from_pool_id": partner.pool_id.id if to_pool != partner.pool_id else False,
                        "from_user_id": partner.user_id.id,
                        "to_user_id": to_user.id,
                        "reason_id": reason.id if reason else False,
                        "rule_id": rule.id if rule else False,
                        "note": note or False,
                    }
                )
            previous_owners = defaultdict(lambda: self.browse())
            for partner in self.sudo():
                previous_owners[partner.user_id] |= partner
            # The statements storing the moved customers' recycle dates, which the writes below
            # leave here: sent with the contacts and leads lookup, in its round trip.
            recycle_dates = []
            writer = as_engine(self.sudo().with_context(tracking_disable=True), recycle_dates=recycle_dates)
            for old_owner, partners in previous_owners.items():
                owner_vals = dict(vals)
                if releasing:
                    # As the set-based recycle statement writes it (crm_public_pool_rule._recycle_batch).
                    owner_vals.update(
                        user_id=False,
                        pool_previous_user_id=old_owner.id,
                        pool_recycle_date=False,
                        pool_warned_date=False,
                        pool_accept_deadline=False,
                    )
                elif "user_id" in vals and old_owner and old_owner.id != vals["user_id"]:
                    owner_vals["pool_previous_user_id"] = old_owner.id
                writer.browse(partners.ids).write(owner_vals)
            if "user_id" in vals or releasing:
                self._pool_sync_contacts_and_leads(None if releasing else vals["user_id"], first=recycle_dates)
            elif recycle_dates:
                self.env.cr.execute(SQL("; ").join(recycle_dates))
            if recycle_dates:
                self.env["res.partner"].invalidate_model(["pool_recycle_date"])
            if releasing:
                # The old owner's "returns to the pool" and "accept or return" To-Dos have nothing left
                # to ask (as the set-based recycle statement deletes them).
                self.env["mail.activity"].flush_model()
                self.env.cr.execute(
                    """DELETE FROM mail_activity WHERE res_model = 'res.partner' AND res_id IN %s AND activity_type_id IN %s""",
                    [tuple(self.ids), self.env["crm.public.pool.rule"]._own_activity_type_ids()],
                )
                self.env["mail.activity"].invalidate_model()
            self._pool_log(logs, message, user=user)

    def _pool_sync_contacts_and_leads(self, new_user_id, first=()):
        # Contacts are the partners with a parent under these companies (a NOT IN over the
        # batch's ids would make PostgreSQL compare every row with every id). Every lead of the
        # customer and its contacts follows it by the rules of crm.lead._pool_follow (as the
        # set-based recycle statement moves them). Both are found in one round trip, in SQL
        # written out: on a claim, building it from two domains cost more than running it. Most
        # customers have neither, and then nothing is written.
        self.env["res.partner"].flush_model(["commercial_partner_id", "parent_id"])
        Lead = self.env["crm.lead"]
        query = SQL(
            """
            SELECT 'res.partner', c.id, NULL::boolean, NULL::int, NULL::boolean FROM res_partner c
             WHERE c.commercial_partner_id IN %s AND c.parent_id IS NOT NULL
             UNION ALL
            SELECT 'crm.lead', leads.* FROM (%s) leads
            """,
            tuple(self.ids),
            Lead._pool_follow_rows_sql(self.ids),
        )
        if first:
            # Statements of the move sent ahead in the same round trip; the rows are the lookup's.
            query = SQL("%s; %s", SQL("; ").join(first), query)
        rows = self.env.execute_query(query)
        contacts = self.env["res.partner"].sudo().browse([row[1] for row in rows if row[0] == "res.partner"])
        if contacts:
            as_engine(contacts.with_context(tracking_disable=True)).write({"user_id": new_user_id or False})
        Lead._pool_follow([row[1:] for row in rows if row[0] == "crm.lead"], new_user_id)

    def _pool_log(self, logs, message=None, user=None):
        """Write audit rows and chatter lines for ``logs`` (dicts with a ``partner`` key)."""
        if not logs:
            return
        user = user or self.env.user
        Users = self.env["res.users"].sudo()
        Pools = self.env["crm.public.pool"].sudo()
        rows = []
        bodies = {}
        payloads = {}
        for log in logs:
            partner = log.pop("partner").sudo()
            row = {
                "partner_id": partner.id,
                "partner_name": partner.name,
                "user_id": user.id,
                "company_id": partner.company_id.id or self.env.company.id,
                **log,
            }
            if pool_text.is_pool_text(row.get("note")):
                # A note the pool wrote: stored in the actor's words and rendered for each reader.
                note = row["note"]
                row["note"] = pool_text.in_language(note, self.env.lang, self.env)
                row["note_message"] = pool_text.to_payload(note)
            rows.append(row)
            if message:
                # Each message names only some of these: the others are never read.
                names = _LazyNames(
                    {
                        "user_name": lambda: user.name,
                        "from_user_name": lambda row=row: Users.browse(row.get("from_user_id")).name or "",
                        "to_user_name": lambda row=row: Users.browse(row.get("to_user_id")).name or "",
                        "to_user_id": lambda row=row: row.get("to_user_id"),
                        "pool_name": lambda row=row: Pools.browse(row.get("pool_id")).name or "",
                        "from_pool_name": lambda row=row: Pools.browse(row.get("from_pool_id")).name or "",
                    }
                )
                body = message(names)
                if pool_text.is_pool_text(body):
                    payload = payloads[partner.id] = pool_text.to_payload(
                        body, row.get("note_message") or row.get("note")
                    )
                    body = pool_text.render_body(payload, self.env.lang, self.env)
                elif row.get("note"):
                    body = Markup("%s<br/>%s") % (body, row["note"])
                bodies[partner.id] = body
        self.env["crm.public.pool.log"]._log_moves(rows)
        if bodies:
            as_engine(self.browse(list(bodies)).sudo(), pool_messages=payloads)._message_log_batch(
                bodies=bodies, author_id=user.partner_id.id
            )

    def _pool_notification(self, message):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "message": message,
                "type": "success",
                "sticky": False,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }
