from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression
from odoo.tools import split_every

from .checks import check_ids
from .masking import export_masked, group_domain, mask_domain, mask_read, unmasked_order

COMMERCIAL_DOMAIN = ["|", ("is_company", "=", True), ("parent_id", "=", False)]
# Customers written per step of one move: the ORM's work on one recordset grows faster than
# its size, so a move of 100,000 customers is done as steps of this many, in one transaction.
APPLY_STEP = 1000

POOL_LEVELS = [("a", "A"), ("b", "B"), ("c", "C"), ("d", "D")]

# Written only through the pool actions (claim, release, assign, ...).
POOL_PROTECTED_FIELDS = {
    "pool_state",
    "pool_enter_date",
    "pool_claim_date",
    "pool_previous_user_id",
    "pool_last_followup_date",
    "pool_recycle_date",
    "pool_warned_date",
    "pool_unplaced_reason",
}

# Changes that move a customer's recycle date.
RECYCLE_INPUT_FIELDS = {
    "pool_last_followup_date",
    "pool_claim_date",
    "pool_level",
    "pool_locked",
    "pool_state",
    "pool_id",
    "user_id",
    "active",
}

POOL_STATE_FIELDS = [
    "pool_id",
    "pool_state",
    "user_id",
    "pool_locked",
    "pool_enter_date",
    "pool_claim_date",
    "pool_previous_user_id",
    "company_id",
    "name",
]


class ResPartner(models.Model):
    _inherit = ["res.partner", "crm.public.pool.duplicate.mixin"]
    _name = "res.partner"

    pool_id = fields.Many2one(
        "crm.public.pool",
        string="Customer Pool",
        index="btree_not_null",
        ondelete="restrict",
        help="Where the customer sits while public, and where it returns when released.",
    )
    pool_state = fields.Selection(
        [("pool", "In Pool"), ("private", "Owned")],
        string="Pool Status",
        index=True,
        copy=False,
        readonly=True,
    )
    pool_locked = fields.Boolean(
        string="Key Customer (Locked)",
        copy=False,
        help="Locked customers are never recycled to the pool.",
    )
    pool_level = fields.Selection(POOL_LEVELS, string="Customer Level")
    pool_enter_date = fields.Datetime(string="Entered Pool", copy=False, readonly=True)
    pool_claim_date = fields.Datetime(string="Claimed On", copy=False, readonly=True)
    pool_last_followup_date = fields.Datetime(string="Last Follow-up", copy=False, readonly=True)
    pool_previous_user_id = fields.Many2one(
        "res.users", string="Previous Owner", copy=False, readonly=True, index="btree_not_null"
    )
    source_id = fields.Many2one("utm.source", index="btree_not_null")
    pool_log_ids = fields.One2many("crm.public.pool.log", "partner_id", string="Pool History")
    pool_is_mine = fields.Boolean(compute="_compute_pool_is_mine")
    pool_is_admin = fields.Boolean(compute="_compute_pool_is_mine")
    pool_days_in_pool = fields.Integer(string="Days in Pool", compute="_compute_pool_days_in_pool")
    pool_recycle_date = fields.Datetime(
        string="Returns to Pool On",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="When the pool's recycle rules return this customer to the pool if nothing happens.",
    )
    pool_warned_date = fields.Datetime(string="Recycle Warning Sent", copy=False, readonly=True)
    pool_recycle_days = fields.Integer(string="Days Left", compute="_compute_pool_recycle_days")
    pool_recycle_warning = fields.Boolean(
        string="Inside Warning Window", compute="_compute_pool_recycle_days", search="_search_pool_recycle_warning"
    )
    pool_claimable = fields.Boolean(
        string="Claimable Now",
        compute="_compute_pool_claimable",
        search="_search_pool_claimable",
        help="In a pool you are a member of, past its entry lock and your re-claim cool-down.",
    )
    pool_recycle_reason = fields.Char(string="Recycle Reason", compute="_compute_pool_recycle_reason")
    pool_invalid = fields.Boolean(
        string="Marked Invalid",
        copy=False,
        help="Wrong or defunct customer: the pool's clean-up archives it while it sits in the pool.",
    )

    def init(self):
        # Capacity is counted on every claim and assignment (_pool_owned_counts): an index-only
        # scan of the owner's customers, where a plain index on user_id visits a heap page per
        # customer (14 ms for an owner of 4,000 among 1,000,000 customers, against 0.6 ms).
        self.env.cr.execute(
            """
            CREATE INDEX IF NOT EXISTS res_partner_pool_owned_idx
                ON res_partner (user_id) INCLUDE (pool_locked)
             WHERE pool_state = 'private' AND active AND (is_company OR parent_id IS NULL)
            """
        )
        # The daily recycle finds customers without follow-up through this index (FACTS: 26 ms for 100k of 1M).
        self.env.cr.execute(
            """
            CREATE INDEX IF NOT EXISTS res_partner_pool_followup_anchor_idx
                ON res_partner ((greatest(pool_last_followup_date, pool_claim_date)))
             WHERE pool_state = 'private' AND pool_locked IS NOT TRUE
            """
        )
        return super().init()

    # ------------------------------------------------------------------
    # Compute
    # ------------------------------------------------------------------

    @api.depends_context("uid")
    @api.depends("user_id", "pool_id")
    def _compute_pool_is_mine(self):
        user = self.env.user
        admin_pools = {}
        for partner in self:
            partner.pool_is_mine = partner.user_id == user
            pool = partner.sudo().pool_id
            if pool.id not in admin_pools:
                admin_pools[pool.id] = bool(pool) and pool._is_admin(user)
            partner.pool_is_admin = admin_pools[pool.id]

    @api.depends("pool_enter_date", "pool_state")
    def _compute_pool_days_in_pool(self):
        now = fields.Datetime.now()
        for partner in self:
            if partner.pool_state == "pool" and partner.pool_enter_date:
                partner.pool_days_in_pool = (now - partner.pool_enter_date).days
            else:
                partner.pool_days_in_pool = 0

    @api.depends("pool_recycle_date")
    def _compute_pool_recycle_days(self):
        today = fields.Date.context_today(self)
        warn_days = self.env["crm.public.pool.rule"]._recycle_warn_days_by_pool()
        for partner in self:
            if partner.pool_recycle_date:
                days = (fields.Date.context_today(self, partner.pool_recycle_date) - today).days
                partner.pool_recycle_days = days
                partner.pool_recycle_warning = days <= warn_days.get(partner.pool_id.id, 0)
            else:
                partner.pool_recycle_days = 0
                partner.pool_recycle_warning = False

    @api.model
    def _search_pool_recycle_warning(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on %(field)s: %(operator)s %(value)r", field="pool_recycle_warning", operator=operator, value=value))
        # Today's end plus each pool's longest warning window, as _compute_pool_recycle_days counts.
        today = fields.Date.context_today(self)
        soon = [
            ["&", ("pool_id", "=", pool_id), ("pool_recycle_date", "<", fields.Datetime.to_datetime(today + timedelta(days=days + 1)))]
            for pool_id, days in self.env["crm.public.pool.rule"]._recycle_warn_days_by_pool().items()
        ]
        domain = expression.AND([[("pool_state", "=", "private")], expression.OR(soon)]) if soon else expression.FALSE_DOMAIN
        return domain if (operator == "=") == value else ["!", *expression.normalize_domain(domain)]

    @api.model
    def _pool_claimable_domain(self):
        """Pooled customers the current user may claim now, by the entry lock and the cool-down of their pool."""
        user = self.env.user
        now = fields.Datetime.now()
        pools = self.env["crm.public.pool"].sudo().search([("active", "=", True)])
        branches = []
        for pool in pools.filtered(lambda p: p._is_member(user)):
            branch = [("pool_id", "=", pool.id)]
            if pool.entry_lock_hours and not pool._is_admin(user):
                branch = expression.AND([branch, ["|", ("pool_enter_date", "=", False),
                                                  ("pool_enter_date", "<=", now - timedelta(hours=pool.entry_lock_hours))]])
            if pool.reclaim_cooldown_days:
                branch = expression.AND([branch, ["|", "|", ("pool_previous_user_id", "!=", user.id),
                                                  ("pool_previous_user_id", "=", False),
                                                  ("pool_enter_date", "<=", now - timedelta(days=pool.reclaim_cooldown_days))]])
            branches.append(branch)
        if not branches:
            return expression.FALSE_DOMAIN
        return expression.AND([[("pool_state", "=", "pool")], expression.OR(branches)])

    @api.depends_context("uid")
    def _compute_pool_claimable(self):
        claimable = self.filtered_domain(self._pool_claimable_domain())
        for partner in self:
            partner.pool_claimable = partner in claimable

    @api.model
    def _search_pool_claimable(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on %(field)s: %(operator)s %(value)r", field="pool_claimable", operator=operator, value=value))
        domain = self._pool_claimable_domain()
        return domain if (operator == "=") == value else ["!", *expression.normalize_domain(domain)]

    def _compute_pool_recycle_reason(self):
        now = fields.Datetime.now()
        reasons = {}
        for pool, partners in self.filtered("pool_recycle_date").sudo().grouped("pool_id").items():
            earliest = {}
            for rule in pool._recycle_rules():
                for partner_id, (date, note) in rule._recycle_explain(partners.ids, now).items():
                    if partner_id not in earliest or date < earliest[partner_id][0]:
                        earliest[partner_id] = (date, note)
            reasons.update({partner_id: note for partner_id, (_date, note) in earliest.items()})
        for partner in self:
            partner.pool_recycle_reason = reasons.get(partner.id, False)

    @api.model
    def _commercial_fields(self):
        # A company's contacts follow the company's pool.
        return super()._commercial_fields() + ["pool_id", "pool_state", "pool_locked", "pool_level"]

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            for vals in vals_list:
                forbidden = POOL_PROTECTED_FIELDS & set(vals)
                if forbidden:
                    raise AccessError(
                        self.env._("Pool fields (%s) are set by the pool actions, not directly.", ", ".join(sorted(forbidden)))
                    )
        now = fields.Datetime.now()
        managed_indexes = []
        new_by_owner = defaultdict(int)
        for index, vals in enumerate(vals_list):
            if not self._pool_should_manage(vals):
                continue
            pool = self.env["crm.public.pool"].sudo().browse(vals.get("pool_id"))
            if not pool:
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                pool = self.env["crm.public.pool"]._get_default_pool(company)
                if not pool:
                    raise UserError(
                        self.env._(
                            "Company %s has no default customer pool: create one in "
                            "CRM > Configuration > Customer Pools.",
                            company.name,
                        )
                    )
            vals["pool_id"] = pool.id
            owner = vals.get("user_id", self.env.context.get("default_user_id"))
            if owner and owner != self.env.uid and not self._pool_is_privileged():
                raise AccessError(
                    self.env._(
                        "Only pool administrators may create customers owned by someone else (%s).",
                        self.env["res.users"].browse(owner).name,
                    )
                )
            if owner:
                vals.update(user_id=owner, pool_state="private", pool_claim_date=now)
                new_by_owner[owner] += 1
            else:
                vals.update(pool_state="pool", pool_enter_date=now)
            managed_indexes.append(index)
        if new_by_owner:
            owners = self.env["res.users"].browse(list(new_by_owner))
            owners._pool_lock_capacity()
            for owner in owners:
                owner._pool_check_room(new_by_owner[owner.id])
        partners = super().create(vals_list)
        managed = self.browse([partners[i].id for i in managed_indexes])
        managed._pool_after_create()
        managed._pool_recycle_after_write({"pool_state"})
        contacts = partners.filtered(lambda p: p.parent_id and p.commercial_partner_id.pool_state)
        for contact in contacts.sudo():
            if contact.user_id != contact.commercial_partner_id.user_id:
                contact.with_context(pool_transition=True).user_id = contact.commercial_partner_id.user_id
        return partners

    @api.model
    def _pool_should_manage(self, vals):
        if vals.get("parent_id") and not vals.get("is_company"):
            return False
        if vals.get("pool_id"):
            return True
        ctx = self.env.context
        return bool(ctx.get("pool_manage") or ctx.get("default_pool_id"))

    @api.model
    def _pool_is_privileged(self):
        return self.env.su or self.env.user.has_group("crm_public_pool.group_pool_admin")

    def _pool_after_create(self):
        if not self:
            return
        registering = self.env.context.get("pool_register")
        self._pool_log(
            [
                {
                    "partner": partner,
                    "action": "register" if registering else "create",
                    "pool_id": partner.pool_id.id,
                    "to_user_id": partner.user_id.id,
                }
                for partner in self
            ],
            lambda log: self.env._("Registered by %s", log["to_user_name"]) if registering
            else self.env._("Created in pool %s", log["pool_name"]) if not log["to_user_id"]
            else self.env._("Created, owned by %s", log["to_user_name"]),
        )
        # Customers entering a pool unowned go out at once by the pool's distribution rules.
        self.env["crm.public.pool.distribution"]._distribute_entering(self)

    def write(self, vals):
        if self.env.su or self.env.context.get("pool_transition"):
            res = super().write(vals)
            self._pool_recycle_after_write(vals)
            return res
        # Pool moves below bypass super().write(): check the caller may write these records at all.
        self.check_access("write")
        forbidden = POOL_PROTECTED_FIELDS & set(vals)
        if forbidden:
            raise AccessError(
                self.env._("Pool fields (%s) are set by the pool actions, not directly.", ", ".join(sorted(forbidden)))
            )
        managed = self.sudo().filtered("pool_state").with_env(self.env)
        moves = {}
        if managed:
            for fname in ("user_id", "pool_id", "pool_locked"):
                if fname in vals:
                    moves[fname] = vals.pop(fname)
        entering = self.browse()
        if vals.get("pool_id") and not managed:
            entering = self.filtered(lambda p: p.commercial_partner_id == p)
        res = super().write(vals) if vals else True
        self._pool_recycle_after_write(vals)
        if "pool_id" in moves:
            managed._pool_change_pool(moves["pool_id"])
        if "user_id" in moves:
            managed._pool_write_owner(moves["user_id"])
        if "pool_locked" in moves:
            if moves["pool_locked"]:
                managed.filtered(lambda p: not p.pool_locked).action_pool_lock()
            else:
                managed.filtered("pool_locked").action_pool_unlock()
        if entering:
            entering._pool_enter()
        return res

    def _pool_recycle_after_write(self, vals):
        """Keep the recycle date of touched customers current; a follow-up or a claim clears the warning."""
        if not RECYCLE_INPUT_FIELDS & set(vals):
            return
        pools_with_rules = self.env["crm.public.pool.rule"]._recycle_warn_days_by_pool()
        if not pools_with_rules:
            return
        partners = self.sudo().filtered(lambda p: p.pool_id.id in pools_with_rules and (p.is_company or not p.parent_id))
        if not partners:
            return
        if {"pool_last_followup_date", "pool_claim_date"} & set(vals):
            # The warning To-Do itself goes with the next daily run.
            warned = partners.filtered("pool_warned_date")
            if warned:
                warned.with_context(pool_transition=True).write({"pool_warned_date": False})
        partners.pool_id._recycle_refresh_dates(partners.ids)

    def _pool_write_owner(self, user_id):
        """A direct write of the Salesperson on managed customers is a transfer."""
        user = self.env["res.users"].browse(user_id)
        changed = self.filtered(lambda p: p.user_id != user)
        if not changed:
            return
        if not user:
            raise UserError(
                self.env._("Use Release to return %s to the pool: it asks for a reason.", changed[0].display_name)
            )
        pooled = changed.filtered(lambda p: p.pool_state == "pool")
        if pooled:
            for pool, partners in pooled.grouped("pool_id").items():
                pool.pool_assign(partners.ids, user.id)
        (changed - pooled).pool_transfer(user.id)

    def _pool_enter(self):
        """Put unmanaged partners under pool management (pool given explicitly)."""
        now = fields.Datetime.now()
        for pool, partners in self.sudo().grouped("pool_id").items():
            if not (pool._is_member(self.env.user) or pool._is_admin(self.env.user)):
                raise AccessError(self.env._("You are not a member of pool %s.", pool.name))
            owned = partners.filtered("user_id")
            owned.user_id._pool_lock_capacity()
            for owner, group in owned.grouped("user_id").items():
                owner._pool_check_room(group)
            if owned:
                owned.with_context(pool_transition=True).write({"pool_state": "private", "pool_claim_date": now})
            pooled = partners - owned
            if pooled:
                pooled.with_context(pool_transition=True).write({"pool_state": "pool", "pool_enter_date": now})
        self.with_env(self.env)._pool_after_create()

    def _pool_change_pool(self, pool_id):
        pool = self.env["crm.public.pool"].browse(pool_id)
        if not pool:
            raise UserError(self.env._("A managed customer always belongs to a pool."))
        moving = self.filtered(lambda p: p.pool_id != pool)
        if not moving:
            return
        (moving.pool_id | pool)._check_admin()
        moving = moving._pool_lock_rows()
        moving._pool_apply(
            "transfer",
            {"pool_id": pool.id},
            message=lambda log: self.env._("Moved from pool %(old)s to %(new)s", old=log["from_pool_name"], new=log["pool_name"]),
        )

    # ------------------------------------------------------------------
    # Masking: non-owner members see masked contact fields in every read path
    # ------------------------------------------------------------------

    def _pool_masked_records(self, fnames):
        """{field name: ids of records in self whose value the user may not see}."""
        masking = self.env["crm.public.pool"]._masking_pools_by_field()
        relevant = {f: set(masking[f]) for f in fnames if f in masking}
        if not relevant:
            return {}
        result = defaultdict(set)
        partners = self.sudo()
        # Only the two fields: prefetching whole rows as superuser would put values in the cache
        # that the user's own reads then take without their access check.
        partners.fetch(["pool_state", "pool_id"])
        for partner in partners:
            if partner.pool_state != "pool":
                continue
            for fname, pool_ids in relevant.items():
                if partner.pool_id.id in pool_ids:
                    result[fname].add(partner.id)
        return result

    def _read_format(self, fnames, load="_classic_read"):
        return mask_read(self, super()._read_format(fnames, load=load), fnames)

    def _export_rows(self, fields, *, _is_toplevel_call=True):
        return export_masked(
            self, fields, _is_toplevel_call, lambda: super(ResPartner, self)._export_rows(fields, _is_toplevel_call=_is_toplevel_call)
        )

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        # Record rules read pool membership in SQL: pending membership changes must be visible.
        self.env["crm.public.pool"].flush_model(["member_all_user_ids", "admin_user_ids"])
        masking = self.env["crm.public.pool"]._masking_pools_by_field()
        if masking:
            domain = mask_domain(domain, masking, self._pool_unmasked_domain)
            order = unmasked_order(order, masking)
        return super()._search(domain, offset=offset, limit=limit, order=order)

    @api.model
    def _pool_unmasked_domain(self, pool_ids):
        """Customers on which ``pool_ids`` hide nothing: not pooled, or pooled elsewhere."""
        return ["|", ("pool_state", "in", [False, "private"]), ("pool_id", "not in", list(pool_ids))]

    @api.model
    def _search_display_name(self, operator, value):
        # The domain searches e-mail (``_rec_names_search``) and is parsed without going
        # through ``_search``: name_search and display_name leaves must be masked too.
        domain = super()._search_display_name(operator, value)
        masking = self.env["crm.public.pool"]._masking_pools_by_field()
        if masking:
            domain = mask_domain(domain, masking, self._pool_unmasked_domain)
        return domain

    @api.model
    def _read_group(self, domain, groupby=(), aggregates=(), having=(), offset=0, limit=None, order=None):
        masking = self.env["crm.public.pool"]._masking_pools_by_field()
        if masking:
            domain = group_domain(domain, groupby, aggregates, masking, self._pool_unmasked_domain)
        return super()._read_group(
            domain, groupby=groupby, aggregates=aggregates, having=having, offset=offset, limit=limit, order=order
        )

    @api.depends_context("show_email", "show_address", "partner_show_db_id", "show_vat", "uid")
    def _compute_display_name(self):
        res = super()._compute_display_name()
        ctx = self.env.context
        revealing = [f for f, key in (("email", "show_email"), ("street", "show_address"), ("vat", "show_vat")) if ctx.get(key)]
        if revealing:
            # Odoo computes display names in sudo (name_search, many2one values of web_read):
            # mask for the real user all the same.
            masked = self.with_env(self.env(su=False))._pool_masked_records(revealing)
            hidden_ids = set().union(*masked.values()) if masked else set()
            for partner in self:
                if partner.id in hidden_ids:
                    partner.display_name = partner.name or ""
        return res

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_pool_claim(self):
        """The current user claims these pooled customers (or requests them)."""
        partners = self._pool_commercial()._pool_lock_rows()
        user = self.env.user
        partners.sudo()._check_claim_allowed(user)
        direct = self.browse()
        requested = self.browse()
        for pool, group in partners.grouped("pool_id").items():
            if pool.claim_requires_approval and not pool._is_admin(user):
                requested |= group
            else:
                direct |= group
        owned = None
        if direct:
            owned = direct._pool_move_to_owner(user, "claim")
        if requested:
            requested._pool_request_claim(user)
        if direct and not requested:
            if owned is None:  # no limit, nothing was counted
                owned = user.pool_customer_count
            message = self.env._("%(count)s customers claimed: you now own %(owned)s.", count=len(direct), owned=owned)
        elif requested and not direct:
            message = self.env._("Claim requested for %s customers: a pool administrator will review it.", len(requested))
        else:
            message = self.env._("%(claimed)s customers claimed, %(requested)s requested.", claimed=len(direct), requested=len(requested))
        return self._pool_notification(message)

    def _check_claim_allowed(self, user):
        """Raise with every reason that blocks ``user`` from claiming ``self``."""
        now = fields.Datetime.now()
        problems = []
        for partner in self:
            pool = partner.pool_id
            if partner.pool_state != "pool":
                readable = partner.with_user(user).sudo(False)._filtered_access("read")
                problems.append(
                    self.env._("%s is no longer in the pool.", partner.name if readable else self.env._("Customer #%s", partner.id))
                )
                continue
            if not pool._is_member(user):
                # The user may not read it: name neither the customer nor its pool.
                problems.append(self.env._("Customer #%s is not in a pool you are a member of.", partner.id))
                continue
            is_admin = pool._is_admin(user)
            if partner.pool_previous_user_id == user and pool.reclaim_cooldown_days and partner.pool_enter_date:
                until = partner.pool_enter_date + timedelta(days=pool.reclaim_cooldown_days)
                if until > now:
                    problems.append(
                        self.env._(
                            "%(partner)s: you released it; you may claim it again from %(until)s "
                            "(cool-down %(days)s days).",
                            partner=partner.name,
                            until=fields.Datetime.to_string(until),
                            days=pool.reclaim_cooldown_days,
                        )
                    )
            if pool.entry_lock_hours and partner.pool_enter_date and not is_admin:
                until = partner.pool_enter_date + timedelta(hours=pool.entry_lock_hours)
                if until > now:
                    problems.append(
                        self.env._(
                            "%(partner)s entered the pool recently; it can be claimed from %(until)s "
                            "(entry lock %(hours)s hours).",
                            partner=partner.name,
                            until=fields.Datetime.to_string(until),
                            hours=pool.entry_lock_hours,
                        )
                    )
        limited = self.pool_id.filtered("daily_claim_limit")
        if limited and not problems:
            user._pool_lock_capacity()
            claimed_today = self._pool_claims_today(user, limited)
            for pool, group in self.grouped("pool_id").items():
                if not pool.daily_claim_limit or pool._is_admin(user):
                    continue
                done = claimed_today.get(pool.id, 0)
                if done + len(group) > pool.daily_claim_limit:
                    problems.append(
                        self.env._(
                            "Daily claim limit of pool %(pool)s reached: %(done)s of %(limit)s claimed today, "
                            "%(asked)s more asked.",
                            pool=pool.name,
                            done=done,
                            limit=pool.daily_claim_limit,
                            asked=len(group),
                        )
                    )
        if problems:
            raise UserError("\n".join(problems))

    @api.model
    def _pool_claims_today(self, user, pools):
        tz_today = fields.Datetime.to_datetime(fields.Date.context_today(self))
        self.env["crm.public.pool.log"].flush_model()
        self.env.cr.execute(
            """
            SELECT pool_id, count(*) FROM crm_public_pool_log
             WHERE to_user_id = %s AND action IN ('claim', 'request') AND pool_id IN %s AND date >= %s
             GROUP BY pool_id
            """,
            [user.id, tuple(pools.ids), tz_today],
        )
        return dict(self.env.cr.fetchall())

    def _pool_request_claim(self, user):
        Request = self.env["crm.public.pool.claim.request"].sudo()
        pending = Request.search(
            [("partner_id", "in", self.ids), ("user_id", "=", user.id), ("state", "=", "pending")]
        )
        if pending:
            raise UserError(self.env._("You already asked for %s; wait for the pool administrator.", pending[0].partner_id.name))
        requests = Request.create([{"partner_id": p.id, "pool_id": p.pool_id.id, "user_id": user.id} for p in self])
        for request in requests:
            for admin in request.pool_id.admin_user_ids:
                request.activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=admin.id,
                    summary=self.env._("Claim request: %(user)s asks for %(partner)s", user=user.name, partner=request.partner_id.name),
                )
        self._pool_log(
            [{"partner": p, "action": "request", "pool_id": p.pool_id.id, "to_user_id": user.id} for p in self],
            lambda log: self.env._("%(user)s asked to claim this customer", user=log["user_name"]),
        )

    def pool_release(self, reason_code, note=False, pool_id=False):
        """Return owned customers to their pool (owner or pool admin), with a reason."""
        reason = self.env["crm.public.pool.reason"].search([("code", "=", reason_code)], limit=1)
        if not reason:
            codes = self.env["crm.public.pool.reason"].search([], limit=50).mapped("code")
            raise UserError(
                self.env._("Unknown release reason %(code)r; use one of: %(codes)s.", code=reason_code, codes=", ".join(codes))
            )
        if reason.note_required and not note:
            raise UserError(self.env._("The release reason %s needs a note.", reason.name))
        target = self.env["crm.public.pool"].browse(pool_id)
        if pool_id and not target.exists():
            raise UserError(self.env._("Pool %s does not exist.", pool_id))
        partners = self._pool_commercial()._pool_lock_rows()
        user = self.env.user
        problems = []
        for partner in partners:
            if partner.pool_state != "private":
                problems.append(self.env._("%s is not owned by anyone: only owned customers can be released.", partner.name))
            elif partner.user_id != user and not partner.pool_id._is_admin(user):
                problems.append(self.env._("%(partner)s is owned by %(owner)s: only the owner or a pool administrator may release it.",
                                  partner=partner.name, owner=partner.user_id.name))
        if target and not (target._is_member(user) or target._is_admin(user)):
            problems.append(self.env._("You may not release customers into pool %s.", target.name))
        if problems:
            raise UserError("\n".join(problems))
        vals = {
            "pool_state": "pool",
            "pool_enter_date": fields.Datetime.now(),
            "pool_locked": False,
        }
        if target:
            vals["pool_id"] = target.id
        partners._pool_apply(
            "release",
            vals,
            reason=reason,
            note=note,
            message=lambda log: self.env._("Released to pool %(pool)s by %(user)s: %(reason)s",
                                  pool=log["pool_name"], user=log["user_name"], reason=reason.name),
        )
        return True

    def pool_transfer(self, user_id):
        """Move owned customers to another owner (pool admins and managers)."""
        user = self.env["res.users"].browse(check_ids(self.env, user_id, self.env._("The user")))
        if not user.exists() or not user.active or user.share:
            raise UserError(self.env._("User %s does not exist or is not an active internal user.", user_id))
        partners = self._pool_commercial()._pool_lock_rows()
        not_owned = partners.filtered(lambda p: p.pool_state != "private")
        if not_owned:
            raise UserError(self.env._("%s is in the pool: assign it instead of transferring it.", not_owned[0].name))
        partners.pool_id._check_admin()
        partners._pool_move_to_owner(user, "transfer")
        return True

    def action_pool_lock(self):
        partners = self._pool_commercial()._pool_lock_rows()
        user = self.env.user
        for partner in partners:
            if partner.pool_state != "private":
                raise UserError(self.env._("%s is not owned: only owned customers can be locked.", partner.name))
            if partner.user_id != user and not partner.pool_id._is_admin(user):
                raise UserError(self.env._("Only the owner or a pool administrator may lock %s.", partner.name))
        partners = partners.filtered(lambda p: not p.pool_locked)
        partners.user_id._pool_lock_capacity()
        counts = partners.user_id._pool_owned_counts()
        for owner, group in partners.grouped("user_id").items():
            max_locked = owner._pool_limits()[1]
            locked = counts.get(owner.id, (0, 0))[1]
            if max_locked and locked + len(group) > max_locked:
                raise UserError(
                    self.env._(
                        "%(user)s cannot lock %(asked)s more customers: they have locked %(locked)s of %(limit)s allowed.",
                        user=owner.name,
                        asked=len(group),
                        locked=locked,
                        limit=max_locked,
                    )
                )
        partners._pool_apply("lock", {"pool_locked": True}, message=lambda log: self.env._("Locked as a key customer by %s", log["user_name"]))
        return True

    def action_pool_unlock(self):
        partners = self._pool_commercial()._pool_lock_rows()
        user = self.env.user
        for partner in partners:
            if partner.user_id != user and not partner.pool_id._is_admin(user):
                raise UserError(self.env._("Only the owner or a pool administrator may unlock %s.", partner.name))
        partners = partners.filtered("pool_locked")
        partners._pool_apply("unlock", {"pool_locked": False}, message=lambda log: self.env._("Unlocked by %s", log["user_name"]))
        return True

    def action_pool_release_wizard(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.public.pool.release.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_ids": self.ids},
            "name": self.env._("Release to Pool"),
        }

    def action_pool_transfer_wizard(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.public.pool.transfer.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_ids": self.ids},
            "name": self.env._("Assign / Transfer"),
        }

    def action_pool_history(self):
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_public_pool.action_pool_log")
        action["domain"] = [("partner_id", "in", self.ids)]
        action["context"] = {}
        return action

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    def _pool_commercial(self):
        partners = self.sudo().commercial_partner_id.with_env(self.env)
        unmanaged = partners.sudo().filtered(lambda p: not p.pool_state)
        if unmanaged:
            raise UserError(self.env._("%s is not managed by a customer pool.", unmanaged[0].display_name))
        return partners

    def _pool_lock_rows(self):
        """Lock the customers' rows so concurrent moves of them serialize."""
        if not self:
            return self
        self.flush_recordset()
        self.env.cr.execute(
            "SELECT id FROM res_partner WHERE id IN %s ORDER BY id FOR NO KEY UPDATE",
            [tuple(self.ids)],
        )
        self.invalidate_recordset(POOL_STATE_FIELDS)
        return self

    def _pool_move_to_owner(self, user, action, note=False):
        """Give (locked) customers to ``user`` within their limit: claim, assign, transfer."""
        if not self:
            return
        if action in ("claim", "assign"):
            not_pooled = self.filtered(lambda p: p.pool_state != "pool")
            if not_pooled:
                raise UserError(self.env._("%s is no longer in the pool.", not_pooled[0].name))
            strangers = self.filtered(lambda p: not p.pool_id._is_member(user))
            if strangers:
                raise UserError(
                    self.env._("%(user)s is not a member of pool %(pool)s.", user=user.name, pool=strangers[0].pool_id.name)
                )
        user._pool_lock_capacity()
        moving = self.filtered(lambda p: p.user_id != user)
        owned_after = user._pool_check_room(moving)
        now = fields.Datetime.now()
        vals = {"user_id": user.id, "pool_state": "private", "pool_claim_date": now}
        messages = {
            "claim": lambda log: self.env._("Claimed by %s", log["to_user_name"]),
            "assign": lambda log: self.env._("Assigned to %(to)s by %(by)s", to=log["to_user_name"], by=log["user_name"]),
            "transfer": lambda log: self.env._("Transferred from %(old)s to %(to)s by %(by)s",
                                      old=log["from_user_name"], to=log["to_user_name"], by=log["user_name"]),
            "departure": lambda log: self.env._("Handed over from %(old)s to %(to)s (departure)",
                                       old=log["from_user_name"], to=log["to_user_name"]),
        }
        moving._pool_apply(action, vals, note=note, message=messages[action])
        return owned_after

    def _pool_departure(self, successor=False):
        """Customers of a departing salesperson go to a successor or back to their pools."""
        if successor:
            self._pool_lock_rows()._pool_move_to_owner(successor, "departure")
            return
        self._pool_lock_rows()._pool_apply(
            "departure",
            {"pool_state": "pool", "pool_enter_date": fields.Datetime.now(), "pool_locked": False},
            message=lambda log: self.env._("Returned to pool %(pool)s: %(old)s left", pool=log["pool_name"], old=log["from_user_name"]),
        )

    def _pool_apply(self, action, vals, *, reason=None, note=False, rule=None, message=None):
        """Write one move on locked commercial customers: values, contacts, leads, log, chatter."""
        if not self:
            return
        if len(self) > APPLY_STEP:
            for ids in split_every(APPLY_STEP, self.ids):
                self.browse(ids)._pool_apply(action, vals, reason=reason, note=note, rule=rule, message=message)
            return
        user = self.env.user
        releasing = vals.get("pool_state") == "pool"
        logs = []
        for partner in self:
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
        for partner in self:
            previous_owners[partner.user_id] |= partner
        writer = self.sudo().with_context(pool_transition=True, tracking_disable=True)
        for old_owner, partners in previous_owners.items():
            owner_vals = dict(vals)
            if releasing:
                owner_vals.update(user_id=False, pool_previous_user_id=old_owner.id)
            elif "user_id" in vals and old_owner and old_owner.id != vals["user_id"]:
                owner_vals["pool_previous_user_id"] = old_owner.id
            writer.browse(partners.ids).write(owner_vals)
        if "user_id" in vals or releasing:
            self._pool_sync_contacts_and_leads(previous_owners, None if releasing else vals["user_id"])
        self._pool_log(logs, message, user=user)

    def _pool_sync_contacts_and_leads(self, previous_owners, new_user_id):
        # Contacts are the partners with a parent under these companies (a NOT IN over the
        # batch's ids would make PostgreSQL compare every row with every id).
        contacts = self.sudo().with_context(active_test=False).search(
            [("commercial_partner_id", "in", self.ids), ("parent_id", "!=", False)]
        )
        if contacts:
            contacts.with_context(pool_transition=True, tracking_disable=True).write({"user_id": new_user_id or False})
        # Open opportunities follow the customer, so the next owner inherits its history.
        old_owner_ids = [u.id for u in previous_owners if u]
        leads = self.env["crm.lead"].sudo().search(
            [
                ("partner_id", "child_of", self.ids),
                ("stage_id.is_won", "=", False),
                "|", ("user_id", "=", False), ("user_id", "in", old_owner_ids),
            ]
        )
        if leads:
            leads.with_context(tracking_disable=True).write({"user_id": new_user_id or False})

    def _pool_log(self, logs, message=None, user=None):
        """Write audit rows and chatter lines for ``logs`` (dicts with a ``partner`` key)."""
        if not logs:
            return
        user = user or self.env.user
        Users = self.env["res.users"].sudo()
        Pools = self.env["crm.public.pool"].sudo()
        rows = []
        bodies = {}
        for log in logs:
            partner = log.pop("partner")
            row = {
                "partner_id": partner.id,
                "partner_name": partner.name,
                "user_id": user.id,
                "company_id": partner.company_id.id or self.env.company.id,
                **log,
            }
            rows.append(row)
            if message:
                names = {
                    "user_name": user.name,
                    "from_user_name": Users.browse(row.get("from_user_id")).name or "",
                    "to_user_name": Users.browse(row.get("to_user_id")).name or "",
                    "to_user_id": row.get("to_user_id"),
                    "pool_name": Pools.browse(row.get("pool_id")).name or "",
                    "from_pool_name": Pools.browse(row.get("from_pool_id")).name or "",
                }
                body = message(names)
                if row.get("note"):
                    body = Markup("%s<br/>%s") % (body, row["note"])
                bodies[partner.id] = body
        self.env["crm.public.pool.log"]._log_moves(rows)
        if bodies:
            self.browse(list(bodies)).sudo()._message_log_batch(bodies=bodies, author_id=user.partner_id.id)

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
