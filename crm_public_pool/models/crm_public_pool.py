from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models, tools
from odoo.exceptions import UserError, ValidationError
from odoo.modules import module as odoo_module
from odoo.tools import SQL, LazyTranslate, format_date

from ..logic.bounds import SETTING_BOUNDS
from . import pool_text
from .checks import check_bounds, check_id, check_ids, check_integers
from .crm_public_pool_rule import RECYCLE_BATCH_SIZE, RECYCLE_PARTNER_FIELDS
from .engine_token import as_engine, engine_execute, engine_fact

_lt = LazyTranslate(__name__)

# Read with a user's pool facts (_pool_user_facts), in this order.
USER_PREFETCH = ["company_id", "partner_id", "pool_max_customers", "pool_max_locked"]
# The company's alias domain: the chatter line's reply-to (mail's ``_notify_get_reply_to``) reads it.
COMPANY_PREFETCH = ["pool_max_customers", "pool_max_locked", "pool_count_won", "alias_domain_id"]


class CrmPublicPool(models.Model):
    _name = "crm.public.pool"
    _description = "Customer Pool"
    _inherit = ["mail.thread", "crm.public.pool.gate.mixin"]
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    active = fields.Boolean(default=True, tracking=True)
    sequence = fields.Integer(default=10)
    color = fields.Integer()
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    is_default = fields.Boolean(
        string="Default Pool",
        tracking=True,
        help="New customers without an owner land in the company's default pool.",
    )
    pool_type = fields.Selection(
        [("company", "Company"), ("department", "Department"), ("dealer", "Dealer")],
        string="Type",
        required=True,
        default="company",
        tracking=True,
    )
    member_user_ids = fields.Many2many(
        "res.users",
        "crm_public_pool_member_user_rel",
        "pool_id",
        "user_id",
        string="Member Users",
        domain=[("share", "=", False)],
    )
    member_team_ids = fields.Many2many(
        "crm.team",
        "crm_public_pool_member_team_rel",
        "pool_id",
        "team_id",
        string="Member Sales Teams",
        help="Leaders and members of these sales teams are members of the pool.",
    )
    dealer_partner_id = fields.Many2one(
        "res.partner",
        string="Dealer",
        help="Channel partner whose people share this pool.",
    )
    admin_user_ids = fields.Many2many(
        "res.users",
        "crm_public_pool_admin_user_rel",
        "pool_id",
        "user_id",
        string="Pool Administrators",
        domain=lambda self: [("groups_id", "in", self.env.ref("crm_public_pool.group_pool_admin").id)],
    )
    member_all_user_ids = fields.Many2many(
        "res.users",
        "crm_public_pool_member_all_rel",
        "pool_id",
        "user_id",
        string="All Members",
        compute="_compute_member_all_user_ids",
        store=True,
        help="Everyone who may see and claim this pool's customers, whatever way they are named.",
    )
    daily_claim_limit = fields.Integer(help="Customers one member may claim from this pool per day (0 = no limit).")
    reclaim_cooldown_days = fields.Integer(
        string="Re-claim Cool-down (days)",
        help="Days before the previous owner may claim a customer back.",
    )
    entry_lock_hours = fields.Integer(help="Hours a customer stays locked after entering the pool (admins are exempt).")
    claim_requires_approval = fields.Boolean(help="Claims become requests that a pool administrator approves.")
    accept_hours = fields.Integer(
        string="Acceptance Window (hours)",
        help="Customers assigned from this pool (by an administrator, a distribution rule or escalation) "
        "wait this many hours for their new owner to accept them; declined or not accepted in time, they go "
        "to the next candidate of the strategy that placed them, else back to the pool (0 = no acceptance).",
    )
    daily_view_limit = fields.Integer(
        help="Distinct customers of this pool one member may open per day (0 = no limit). Opening means "
        "reading any detail beyond what the pool list shows: the form, a contact field, an export. "
        "Reopening one already opened today is free; the pool's administrators, the managers and the "
        "customers' owners are not counted.",
    )
    export_allowed = fields.Boolean(
        string="Members May Export",
        default=True,
        help="When off, members may not export this pool's customers (their own customers excepted); "
        "the pool's administrators and the managers still may.",
    )
    duplicate_policy = fields.Selection(
        [("allow", "Allow"), ("warn", "Warn"), ("block", "Block")],
        string="Duplicates",
        required=True,
        default="warn",
        help="What creating a customer of this pool that matches an existing one does, on every path (the "
        "form, an import, a lead's new customer, the API): Allow saves it; Warn shows the matches and saves "
        "it; Block refuses it (a different company is registered and appealed instead). A prospect another "
        "salesperson registered and still protects is refused whatever this says.",
    )
    masked_field_ids = fields.Many2many(
        "ir.model.fields",
        "crm_public_pool_masked_field_rel",
        "pool_id",
        "field_id",
        string="Masked Fields",
        domain=[
            ("model", "=", "res.partner"),
            ("ttype", "in", ("char", "text", "html")),
            ("store", "=", True),
        ],
        help="Contact fields shown masked to members until they own the customer.",
    )
    rule_ids = fields.One2many("crm.public.pool.rule", "pool_id", string="Recycle Rules")
    distribution_ids = fields.One2many("crm.public.pool.distribution", "pool_id", string="Distribution Rules")
    region_ids = fields.One2many("crm.public.pool.region", "pool_id", string="Region Map")
    rr_last_user_id = fields.Many2one(
        "res.users",
        string="Round-robin Cursor",
        copy=False,
        help="Last member served by round-robin: the next distribution continues after them.",
    )
    rr_owed_user_ids = fields.Many2many(
        "res.users",
        "crm_public_pool_rr_owed_rel",
        "pool_id",
        "user_id",
        string="Round-robin Turns Owed",
        copy=False,
        help="Members who were away when their round-robin turn came: served first once back.",
    )
    unplaced_count = fields.Integer(string="Unplaced", compute="_compute_unplaced_count")
    performance_period_days = fields.Integer(
        string="Performance Period (days)", default=7, help="Performance is measured over these last days."
    )
    performance_weight_revenue = fields.Float(string="Weight: Won Revenue", default=1.0)
    performance_weight_won = fields.Float(string="Weight: Won Deals", default=1.0)
    performance_weight_inquiries = fields.Float(string="Weight: Inquiries Handled", default=0.0)
    partner_ids = fields.One2many("res.partner", "pool_id", string="Pool Customers")
    partner_count = fields.Integer(string="Customers", compute="_compute_partner_counts")
    pooled_count = fields.Integer(string="In Pool", compute="_compute_partner_counts")
    owned_count = fields.Integer(string="Owned", compute="_compute_partner_counts")
    request_count = fields.Integer(string="Claim Requests", compute="_compute_request_count")
    unclaimed_days = fields.Integer(
        string="Escalate Unclaimed After (days)",
        help="Customers nobody claimed for this many days are escalated by the daily job (0 = never).",
    )
    unclaimed_action = fields.Selection(
        [("assign", "Assign round-robin to members"), ("move", "Move to another pool")],
        string="Escalation",
        default="assign",
        required=True,
    )
    unclaimed_pool_id = fields.Many2one("crm.public.pool", string="Move Unclaimed To")

    _sql_constraints = [
        (
            "limits_positive",
            "CHECK(daily_claim_limit >= 0 AND reclaim_cooldown_days >= 0 AND entry_lock_hours >= 0)",
            "Claim limits, cool-down days and entry-lock hours cannot be negative.",
        ),
    ]

    def init(self):
        # The one-default-per-company rule must hold under concurrent edits too.
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS crm_public_pool_one_default_per_company
                ON crm_public_pool (company_id) WHERE is_default AND active
            """
        )

    # ------------------------------------------------------------------
    # Compute
    # ------------------------------------------------------------------

    @api.depends(
        "member_user_ids",
        "member_team_ids.user_id",
        "member_team_ids.crm_team_member_ids.user_id",
        "member_team_ids.crm_team_member_ids.active",
        "dealer_partner_id",
    )
    def _compute_member_all_user_ids(self):
        for pool in self:
            pool.member_all_user_ids = pool._collect_member_users()

    def _collect_member_users(self):
        """Users named by any membership path; extended by bridge addons."""
        self.ensure_one()
        teams = self.member_team_ids.with_context(active_test=True)
        users = self.member_user_ids | teams.user_id | teams.crm_team_member_ids.user_id
        if self.pool_type == "dealer" and self.dealer_partner_id:
            users |= (
                self.env["res.users"]
                .sudo()
                .search([("partner_id", "child_of", self.dealer_partner_id.commercial_partner_id.id)])
            )
        return users

    def _compute_partner_counts(self):
        groups = (
            self.env["res.partner"]
            .sudo()
            ._read_group(
                [
                    ("pool_id", "in", self.ids),
                    ("pool_state", "!=", False),
                    "|",
                    ("is_company", "=", True),
                    ("parent_id", "=", False),
                ],
                ["pool_id", "pool_state"],
                ["__count"],
            )
        )
        counts = {}
        for pool, state, count in groups:
            counts.setdefault(pool.id, {})[state] = count
        for pool in self:
            by_state = counts.get(pool.id, {})
            pool.pooled_count = by_state.get("pool", 0)
            pool.owned_count = by_state.get("private", 0)
            pool.partner_count = pool.pooled_count + pool.owned_count

    def _compute_unplaced_count(self):
        groups = (
            self.env["res.partner"]
            .sudo()
            ._read_group(
                [("pool_id", "in", self.ids), ("pool_state", "=", "pool"), ("pool_unplaced_reason", "!=", False)],
                ["pool_id"],
                ["__count"],
            )
        )
        counts = {pool.id: count for pool, count in groups}
        for pool in self:
            pool.unplaced_count = counts.get(pool.id, 0)

    def _compute_request_count(self):
        groups = (
            self.env["crm.public.pool.claim.request"]
            .sudo()
            ._read_group([("pool_id", "in", self.ids), ("state", "=", "pending")], ["pool_id"], ["__count"])
        )
        counts = {pool.id: count for pool, count in groups}
        for pool in self:
            pool.request_count = counts.get(pool.id, 0)

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------

    @api.model
    def _check_no_other_default(self, company, name, exclude=None):
        # Checked before writing: the unique index would only give a raw SQL error.
        domain = [("company_id", "=", company.id), ("is_default", "=", True)]
        if exclude:
            domain.append(("id", "not in", exclude.ids))
        other = self.sudo().search(domain, limit=1)
        if other:
            raise ValidationError(
                self.env._(
                    "Company %(company)s already has a default pool (%(pool)s); "
                    "unset it before making %(new)s the default.",
                    company=company.name,
                    pool=other.name,
                    new=name,
                )
            )

    @api.constrains(*SETTING_BOUNDS["crm.public.pool"])
    def _check_setting_bounds(self):
        check_bounds(self)

    @api.constrains("unclaimed_days", "unclaimed_action", "unclaimed_pool_id")
    def _check_unclaimed_escalation(self):
        for pool in self.filtered(lambda p: p.unclaimed_days and p.unclaimed_action == "move"):
            if not pool.unclaimed_pool_id or pool.unclaimed_pool_id == pool:
                raise ValidationError(
                    self.env._("Pool %s moves unclaimed customers: choose another pool to move them to.", pool.name)
                )

    @api.constrains("pool_type", "dealer_partner_id")
    def _check_dealer(self):
        for pool in self:
            if pool.pool_type == "dealer" and not pool.dealer_partner_id:
                raise ValidationError(self.env._("Dealer pool %s needs a dealer.", pool.name))

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        check_integers(self, vals_list)
        for vals in vals_list:
            if vals.get("is_default") and vals.get("active", True):
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                self._check_no_other_default(company, vals.get("name"))
        pools = super().create(vals_list)
        self.env.registry.clear_cache()
        return pools

    def write(self, vals):
        check_integers(self, [vals])
        if vals.get("is_default"):
            for pool in self:
                company = self.env["res.company"].browse(vals.get("company_id")) or pool.company_id
                self._check_no_other_default(company, vals.get("name", pool.name), exclude=pool)
        if vals.get("active") is False:
            self._check_empty(self.env._("archived"))
        res = super().write(vals)
        if {
            "masked_field_ids",
            "admin_user_ids",
            "active",
            "company_id",
            "daily_view_limit",
            "export_allowed",
            "is_default",
        } & set(vals):
            self.env.registry.clear_cache()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_holding_customers(self):
        self._check_empty(self.env._("deleted"))

    def unlink(self):
        res = super().unlink()
        # The pools' rules went with them (ondelete cascade, in the database): the cached rule
        # ids and warning windows must not name them any more.
        self.env.registry.clear_cache()
        return res

    def _check_empty(self, what):
        for pool in self:
            count = (
                self.env["res.partner"]
                .sudo()
                .with_context(active_test=False)
                .search_count([("pool_id", "=", pool.id), ("pool_state", "!=", False)])
            )
            if count:
                raise UserError(
                    self.env._(
                        "Pool %(pool)s still holds 1 customer and cannot be %(what)s: move it to another pool first.",
                        pool=pool.name,
                        what=what,
                    )
                    if count == 1
                    else self.env._(
                        "Pool %(pool)s still holds %(count)s customers and cannot be %(what)s: "
                        "move them to another pool first.",
                        pool=pool.name,
                        count=count,
                        what=what,
                    )
                )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_open_customers(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_public_pool.action_pool_customers")
        action["domain"] = [("pool_id", "=", self.id)]
        # As Pool Customers' own context, with this pool for the customers created from the list.
        action["context"] = {
            "default_pool_id": self.id,
            "default_is_company": True,
            "pool_manage": True,
            "search_default_filter_pooled": 1,
        }
        action["display_name"] = self.name
        return action

    def action_open_requests(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_public_pool.action_pool_claim_requests")
        action["domain"] = [("pool_id", "=", self.id)]
        return action

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    def pool_assign(self, partner_ids, user_id):
        """Assign pooled customers of this pool to a member (pool admins)."""
        self.ensure_one()
        partners = self.env["res.partner"].browse(check_ids(self.env, partner_ids, self.env._("Customers")))
        user = self.env["res.users"].browse(check_id(self.env, user_id, self.env._("The user")))
        if not user.exists():
            raise UserError(self.env._("User %s does not exist.", user_id))
        self._check_admin()
        user._pool_check_available()
        partners = partners._pool_lock_rows()
        strangers = partners.filtered(lambda p: p.sudo().pool_id != self)
        if strangers:
            raise UserError(
                self.env._(
                    "Customers not in pool %(pool)s (%(count)s): %(names)s",
                    count=len(strangers),
                    pool=self.name,
                    names=", ".join(list(strangers._pool_labels().values())[:5]),
                )
            )
        partners._pool_move_to_owner(user, "assign")
        return True

    def action_open_assign_wizard(self):
        """Distribute this pool's pooled customers."""
        self.ensure_one()
        self._check_admin()
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.public.pool.assign.wizard",
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Distribute Customers"),
            "context": {"default_pool_id": self.id},
        }

    def action_apply_distribution_rules(self):
        """Apply the distribution rules to the customers waiting in the pool now."""
        self.ensure_one()
        self._check_admin()
        pooled = self.env["res.partner"].sudo().search([("pool_id", "=", self.id), ("pool_state", "=", "pool")])
        rules = self.distribution_ids.filtered("active")
        if not rules:
            raise UserError(self.env._("Pool %s has no active distribution rule.", self.name))
        left = rules.with_env(self.env)._distribute(pooled.with_env(self.env))
        message = self.env._(
            "Distribution rules applied to the pool's customers: %(count)s; still in the pool: %(left)s.",
            count=len(pooled),
            left=sum(left.values()),
        )
        return self.env["res.partner"]._pool_notification(message)

    def action_pool_retry_unplaced(self):
        """Distribute again the customers distribution left in the pool, now that things may have changed.

        Customers a distribution rule of the pool matches go by that rule; the others round-robin
        among the members who are there. Those still left keep (a refreshed) reason.
        """
        self._check_admin()
        placed = left = 0
        for pool in self:
            partners = (
                self.env["res.partner"]
                .sudo()
                .search(
                    [("pool_id", "=", pool.id), ("pool_state", "=", "pool"), ("pool_unplaced_reason", "!=", False)],
                    order="id",
                )
            )
            rules = pool.sudo().distribution_ids.filtered("active")
            matched = partners.browse()
            for rule in rules:
                matched |= rule._select(partners - matched)
            if matched:
                rules._distribute(matched)
            rest = partners - matched
            if rest:
                pool._escalate_assign(rest)
            still = partners.filtered(lambda p: p.pool_state == "pool")
            placed += len(partners) - len(still)
            left += len(still)
        message = self.env._(
            "Unplaced customers distributed: %(placed)s; still in the pool: %(left)s.", placed=placed, left=left
        )
        return self.env["res.partner"]._pool_notification(message)

    def action_open_unplaced(self):
        self.ensure_one()
        action = self.action_open_customers()
        action["context"] = dict(action["context"], search_default_filter_pooled=0, search_default_filter_unplaced=1)
        return action

    def _performance_weights(self):
        self.ensure_one()
        return {
            "won_revenue": self.performance_weight_revenue,
            "won_count": self.performance_weight_won,
            "inquiries": self.performance_weight_inquiries,
        }

    def _is_member(self, user):
        self.ensure_one()
        return user in self.sudo().member_all_user_ids or self._is_admin(user)

    def _is_admin(self, user):
        self.ensure_one()
        if self._is_manager(user):
            return True
        pool = self.sudo()
        return (
            user in pool.admin_user_ids
            and user.has_group("crm_public_pool.group_pool_admin")
            and pool.company_id in user.sudo().company_ids
        )

    def _is_manager(self, user):
        """Pool managers manage the pools of the companies they work for, not the others'."""
        self.ensure_one()
        if user._is_superuser():
            return True
        return (
            user.has_group("crm_public_pool.group_pool_manager") and self.sudo().company_id in user.sudo().company_ids
        )

    @api.model
    def _pool_user_facts(self, user, row=None):
        """What ``user`` is and may do in the active pools of their companies, read in one statement.

        The set form of ``_is_member`` / ``_is_admin`` (and the receiver facts of
        ``res.users._pool_check_receiver``) for the claim path, which would otherwise read the
        companies, pools, members and administrators one by one. Read fresh from the database on
        every call (no process state), so it needs no invalidation; a test holds it to
        ``_is_member`` and ``_is_admin`` for every user and pool. Returns None when the user
        does not exist, else ``{"active", "share", "company_ids", "pools": {id: {...}}}`` where
        each pool has ``company_id``, its claim settings, ``member`` and ``admin``.

        ``row``: the value of ``_pool_user_facts_sql(user)`` when the caller read it in a
        statement of its own (a claim reads it with its row lock, in the same round trip).
        """
        if row is None:
            rows = self.env.execute_query(self._pool_user_facts_sql(user))
            row = rows[0][0] if rows else None
        return self._pool_user_facts_from_row(user, row)

    @api.model
    def _pool_user_facts_sql(self, user):
        """The statement of ``_pool_user_facts``: one JSON value (NULL when the user does not exist),
        also usable as a sub-query; what it reads is flushed first."""
        self.flush_model(
            [
                "active",
                "company_id",
                "member_all_user_ids",
                "admin_user_ids",
                "daily_claim_limit",
                "reclaim_cooldown_days",
                "entry_lock_hours",
                "claim_requires_approval",
            ]
        )
        self.env["res.users"].flush_model(["active", "share", "company_ids", *USER_PREFETCH])
        self.env["res.company"].flush_model(COMPANY_PREFETCH)
        self.env["res.partner"].flush_model(["name", "email"])
        return SQL(
            """
            SELECT json_build_array(
                   u.active, u.share, ARRAY(SELECT cid FROM res_company_users_rel WHERE user_id = u.id),
                   json_build_array(u.company_id, u.partner_id, u.pool_max_customers, u.pool_max_locked),
                   json_build_array(c.pool_max_customers, c.pool_max_locked, c.pool_count_won, c.alias_domain_id),
                   up.name, up.email,
                   (SELECT coalesce(json_agg(json_build_array(
                               p.id, p.company_id, p.daily_claim_limit, p.reclaim_cooldown_days, p.entry_lock_hours,
                               p.claim_requires_approval,
                               EXISTS (SELECT 1 FROM crm_public_pool_member_all_rel r JOIN res_users m ON m.id = r.user_id
                                        WHERE r.pool_id = p.id AND r.user_id = u.id AND m.active),
                               EXISTS (SELECT 1 FROM crm_public_pool_admin_user_rel r JOIN res_users m ON m.id = r.user_id
                                        WHERE r.pool_id = p.id AND r.user_id = u.id AND m.active)
                           ) ORDER BY p.sequence, p.id), '[]')
                      FROM crm_public_pool p
                     WHERE p.active AND p.company_id IN (SELECT cid FROM res_company_users_rel WHERE user_id = u.id)))
              FROM res_users u
              JOIN res_company c ON c.id = u.company_id
              JOIN res_partner up ON up.id = u.partner_id
             WHERE u.id = %s
            """,
            user.id,
        )

    @api.model
    def _pool_user_facts_from_row(self, user, row):
        if not row:
            return None
        active, share, company_ids, user_values, company_values, partner_name, partner_email, pools = row
        # The user's limits, company and name, read here rather than one record at a time by
        # _pool_limits and the chatter line; values already in the cache are kept.
        cache = self.env.cache
        users, Users = user.sudo(), self.env["res.users"]
        for fname, value in zip(USER_PREFETCH, user_values, strict=False):
            cache.insert_missing(users, Users._fields[fname], [value])
        Companies = self.env["res.company"]
        for fname, value in zip(COMPANY_PREFETCH, company_values, strict=False):
            cache.insert_missing(Companies.browse(user_values[0]), Companies._fields[fname], [value])
        # The user's name and e-mail sign the chatter line (its author).
        partner = self.env["res.partner"].browse(user_values[1])
        cache.insert_missing(partner, partner._fields["name"], [partner_name])
        cache.insert_missing(partner, partner._fields["email"], [partner_email])
        user = user.sudo()
        manager = user._is_superuser() or user.has_group("crm_public_pool.group_pool_manager")
        admin_group = user.has_group("crm_public_pool.group_pool_admin")
        facts = {"active": active, "share": share, "company_ids": set(company_ids), "pools": {}}
        for pool_id, company_id, limit, cooldown, entry_lock, approval, listed_member, listed_admin in pools:
            # As _is_manager and _is_admin: the pools here all belong to one of the user's companies.
            admin = manager or (listed_admin and admin_group)
            facts["pools"][pool_id] = {
                "id": pool_id,
                "company_id": company_id,
                "daily_claim_limit": limit or 0,
                "reclaim_cooldown_days": cooldown or 0,
                "entry_lock_hours": entry_lock or 0,
                "claim_requires_approval": bool(approval),
                "member": bool(listed_member) or admin,
                "admin": admin,
            }
        return facts

    def _check_admin(self):
        user = self.env.user
        for pool in self:
            if not pool._is_admin(user):
                raise UserError(
                    self.env._(
                        "Only administrators of pool %(pool)s may do this, and %(user)s is not one.",
                        pool=pool._pool_name_for_me(),
                        user=user.name,
                    )
                )

    @api.model
    def _get_default_pool(self, company=None):
        company = company or self.env.company
        return self.sudo().browse(self._default_pool_id(company.id))

    @api.model
    @tools.ormcache("company_id")
    def _default_pool_id(self, company_id):
        """The id of the company's default pool (or ()), cached: every new customer looks it up,
        twice (its pool, the duplicate gate). Pool creations, deletions and writes of the fields
        it depends on clear it, as Odoo clears record rules."""
        pool = self.sudo().search([("company_id", "=", company_id), ("is_default", "=", True)], limit=1)
        return pool.id or ()

    @api.model
    @tools.ormcache("self.env.uid", "self.env.su")
    def _pool_restrictions(self):
        """(masking, view limits, export bans) of the pools that restrict the current user, in one statement.

        Every pool restricts everyone but its administrators (``_is_admin``: the pool managers of
        its company, and its named administrators who hold the pool administrator group and work
        for its company). Superuser code and sudo are never restricted. Cached per user, the way
        Odoo caches record rules: pool writes, and user writes of groups and companies, clear it.
        A read of the pools in the ORM costs ten queries on a cold cache (the administrators'
        field domain, the masked fields' names, each pool search); any read of a customer needs
        these facts first.
        """
        user = self.env.user
        if self.env.su or user._is_superuser():
            return (), (), frozenset()
        is_manager = user.has_group("crm_public_pool.group_pool_manager")
        is_admin = user.has_group("crm_public_pool.group_pool_admin")
        self.flush_model(["active", "company_id", "daily_view_limit", "export_allowed", "masked_field_ids"])
        self.flush_model(["admin_user_ids", "sequence"])
        self.env["res.users"].flush_model(["company_ids"])
        self.env.cr.execute(
            SQL(
                """
                SELECT p.id, p.active, p.daily_view_limit, p.export_allowed,
                       EXISTS (SELECT 1 FROM crm_public_pool_masked_field_rel m WHERE m.pool_id = p.id),
                       ARRAY(SELECT f.name
                               FROM crm_public_pool_masked_field_rel m
                               JOIN ir_model_fields f ON f.id = m.field_id
                              WHERE m.pool_id = p.id AND f.model = 'res.partner' AND f.store
                                AND f.ttype IN ('char', 'text', 'html')),
                       p.company_id IN (SELECT r.cid
                                          FROM res_company_users_rel r
                                          JOIN res_company c ON c.id = r.cid
                                         WHERE r.user_id = %(uid)s AND c.active),
                       EXISTS (SELECT 1 FROM crm_public_pool_admin_user_rel a
                                WHERE a.pool_id = p.id AND a.user_id = %(uid)s)
                  FROM crm_public_pool p
                 ORDER BY p.sequence, p.id
                """,
                uid=user.id,
            )
        )
        masking, limits, export_forbidden = [], [], set()
        for pool_id, active, view_limit, export_allowed, masks, names, in_company, admin in self.env.cr.fetchall():
            if in_company and (is_manager or (admin and is_admin)):
                continue
            if masks:
                masking.append((pool_id, frozenset(names)))
            if active and view_limit and view_limit > 0:
                limits.append((pool_id, view_limit))
            if not export_allowed:
                export_forbidden.add(pool_id)
        return tuple(masking), tuple(limits), frozenset(export_forbidden)

    @api.model
    def _pool_masking(self):
        """((pool id, field names it masks), ...) of the pools that mask customers for the current user.

        A pool masks when it names masked fields; it masks for everyone but its administrators
        and the managers of its company (archived pools too).
        """
        return self._pool_restrictions()[0]

    @api.model
    def _pool_view_limits(self):
        """((pool id, daily view limit), ...) of the active pools limiting the current user's views.

        Superuser code and sudo do not count: only the real user's own reads do. Administrators
        of a pool and managers of its company are exempt.
        """
        return self._pool_restrictions()[1]

    @api.model
    def _pool_export_forbidden(self):
        """Ids of the pools whose customers the current user may not export."""
        return self._pool_restrictions()[2]

    def action_open_view_days(self):
        """Who opened how many customers of this pool per day, and who reached its limit (managers)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_public_pool.action_pool_view_days")
        action["domain"] = [("pool_id", "=", self.id)]
        action["context"] = {"search_default_filter_limit_reached": 1}
        return action

    # ------------------------------------------------------------------
    # Recycling
    # ------------------------------------------------------------------

    def action_recycle_preview(self):
        """List what the rules would recycle today and why, changing nothing (pool administrators)."""
        self._check_admin()
        lines = self._recycle_preview()
        previews = self.env["crm.public.pool.recycle.preview"].create(lines)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Recycle Preview: %s", ", ".join(self.mapped("name"))),
            "res_model": "crm.public.pool.recycle.preview",
            "view_mode": "list",
            "domain": [("id", "in", previews.ids)],
            "target": "current",
        }

    def action_recycle_now(self):
        """Run today's recycle of these pools at once, as the daily job would (pool administrators)."""
        self._check_admin()
        moved = self.sudo()._recycle_run()
        return self.env["res.partner"]._pool_notification(
            self.env._(
                "1 customer returned to the pool by the rules of %(pools)s.", pools=", ".join(self.mapped("name"))
            )
            if moved == 1
            else self.env._(
                "%(count)s customers returned to the pool by the rules of %(pools)s.",
                count=moved,
                pools=", ".join(self.mapped("name")),
            )
        )

    def action_pool_cleanup(self):
        """Archive the pooled customers marked invalid (pool administrators)."""
        self._check_admin()
        partners = (
            self.env["res.partner"]
            .sudo()
            .search(
                [
                    ("pool_id", "in", self.ids),
                    ("pool_state", "=", "pool"),
                    ("pool_invalid", "=", True),
                    "|",
                    ("is_company", "=", True),
                    ("parent_id", "=", False),
                ]
            )
        )
        partners = partners._pool_lock_rows()
        partners.with_context(tracking_disable=True)._pool_apply(
            "cleanup",
            {"active": False},
            message=lambda log: _lt("Archived by the clean-up of pool %(pool)s: marked invalid", pool=log["pool_name"]),
        )
        return self.env["res.partner"]._pool_notification(
            self.env._("1 invalid customer archived.")
            if len(partners) == 1
            else self.env._("%s invalid customers archived.", len(partners))
        )

    def _recycle_rules(self):
        """The active recycle rules of these pools, by pool, sequence and id."""
        return self.env["crm.public.pool.rule"]._recycle_active_rules(self.ids)

    def _recycle_preview(self, now=None):
        """[{partner_id, rule_id, user_id, pool_id, target_pool_id, note}] the rules would recycle at ``now``."""
        now = now or fields.Datetime.now()
        lines = []
        seen = set()
        for rule in self._recycle_rules():
            for partner_id, user_id, note in rule._recycle_preview_rows(now, exclude_ids=seen):
                seen.add(partner_id)
                lines.append(
                    {
                        "partner_id": partner_id,
                        "rule_id": rule.id,
                        "user_id": user_id,
                        "pool_id": rule.pool_id.id,
                        "target_pool_id": (rule.target_pool_id or rule.pool_id).id,
                        "note": note,
                    }
                )
        return lines

    @api.model
    def _cron_recycle(self):
        """Daily job: recycle due customers, warn owners, refresh recycle dates, escalate unclaimed ones."""
        pools = self.sudo().search([("active", "=", True)])
        # Tests run inside one transaction that a commit would break.
        pools._recycle_run(commit=not odoo_module.current_test)

    def _recycle_run(self, now=None, batch_size=RECYCLE_BATCH_SIZE, commit=False):
        """Recycle every due customer of these pools in batches; return how many moved.

        Due customers are selected from current data, so a run that stopped half-way (a
        crash, a timeout) is finished by the next one and nothing is moved or logged twice.
        """
        if not self:
            return 0
        now = now or fields.Datetime.now()
        rules = self._recycle_rules()
        Cron = self.env["ir.cron"]
        self._recycle_without_jit()
        done = total = 0
        for rule in rules:
            # The due customers are split once into disjoint id ranges of ``batch_size`` (as the
            # jobs of crm_public_pool_queue are): each batch reads its own range through the
            # primary key. Asking "the next batch_size due customers by id" instead walks past
            # every customer the earlier batches moved, each time: quadratic in the pool's size
            # (2.0x the one-statement floor at 10,000,000 customers against 1.4x at 1,000,000).
            bounds, due = rule._recycle_ranges(now, batch_size)
            total += due
            for low, high in zip(bounds, [*bounds[1:], None], strict=False):
                while True:
                    rows = rule._recycle_batch(now, batch_size, id_range=(low, high))
                    done += len(rows)
                    self._recycle_invalidate()
                    if commit:
                        self.env.cr.commit()  # pylint: disable=invalid-commit
                        self._recycle_without_jit()
                    Cron._notify_progress(done=done, remaining=max(total - done, 0))
                    # A range holds batch_size due customers when it was cut; only the last one
                    # (open-ended) can hold more, those that became due since.
                    if high is not None or len(rows) < batch_size:
                        break
        self._recycle_warn_owners(now, rules)
        self._escalate_unclaimed(now)
        # The total is an estimate (a customer due under two rules counts twice, a claim may
        # take a due one): once every rule is exhausted the job is done, or ir.cron would run
        # the whole daily job again at once.
        Cron._notify_progress(done=done, remaining=0)
        if commit:
            self.env.cr.commit()  # pylint: disable=invalid-commit
        return done

    def _recycle_warn_owners(self, now, rules=None):
        """After the recycle: refresh the stored recycle dates, drop stale warnings, warn owners."""
        self._recycle_refresh_dates()
        self._recycle_drop_stale_warnings()
        warnings, manager_warnings, followup_ids, notes = [], [], set(), {}
        for rule in self._recycle_rules() if rules is None else rules:
            rows = rule._recycle_warn(now)
            rule_warnings = [row[:4] for row in rows]
            # "<rule>: <why>", each part read in the reader's language.
            rule_name = pool_text.Name(rule.with_context(lang="en_US")).to_json()
            notes.update({row[0]: {"join": [rule_name, row[4]], "sep": ": "} for row in rows if row[4]})
            warnings.extend(rule_warnings)
            if rule.warn_manager:
                manager_warnings.extend(rule_warnings)
            if rule.rule_type == "no_followup":
                followup_ids.update(warning[0] for warning in rule_warnings)
        self._recycle_notify_owners(warnings, now, manager_warnings, followup_ids=followup_ids, notes=notes)

    def _recycle_without_jit(self):
        # The rules' sub-queries make the planner's estimates high enough to JIT-compile every
        # statement: measured 4.5 s of compiling for a 0.1 s refresh of 20,000 customers.
        self.env.cr.execute("SET LOCAL jit = off")

    def _recycle_invalidate(self):
        # The batch statement changed partners, leads, activities and the log behind the ORM's back.
        self.env["res.partner"].invalidate_model()
        self.env["crm.lead"].invalidate_model(["user_id"])
        self.env["mail.activity"].invalidate_model()
        self.env["crm.public.pool.log"].invalidate_model()

    def _recycle_refresh_dates(self, partner_ids=None, fresh=False, written=False):
        """Store on owned customers when the rules will recycle them; in SQL, for the whole pools or ``partner_ids``.

        ``fresh``: the customers were created in this very call, so no lead, activity or order can
        point at them yet: only their own rows need to be in the database. Flushing everything
        instead would force every pending write and recomputation of the transaction at each
        create, which costs a flow that creates customers one by one (crm's mass conversion)
        a dozen queries per customer. A rule with a free filter may read anything: all is flushed.

        ``written``: the rows of ``partner_ids`` were just written (and locked) by this
        transaction, so they are updated as they are, in a statement half as costly to plan as
        the one that compares each stored date first (which keeps unchanged rows unwritten and
        unlocked: whole pools, and customers whose leads or activities changed). Both are a
        single-table UPDATE.
        """
        if not self:
            return
        now = fields.Datetime.now()
        rules = self._recycle_rules()
        rules_by_pool = rules.grouped("pool_id")
        if fresh and partner_ids and "domain" not in rules.mapped("rule_type"):
            # Only a fresh customer itself has it as its commercial entity, and its pending
            # commercial_partner_id is left to the next flush (a create that linked existing
            # contacts flushes theirs first: res.partner.create).
            self.env["res.partner"].flush_model([f for f in RECYCLE_PARTNER_FIELDS if f != "commercial_partner_id"])
        else:
            self.env.flush_all()
        subset = SQL("AND p.id IN %s", tuple(partner_ids)) if partner_ids else SQL()
        for pool in self:
            dates = [rule._recycle_date_sql(now) for rule in rules_by_pool.get(pool, [])]
            recycle_date = SQL("LEAST(NULL::timestamp, %s)", SQL(", ").join(dates)) if dates else SQL("NULL::timestamp")
            if written and partner_ids:
                query = SQL(
                    """UPDATE res_partner p SET pool_recycle_date = %s
                        WHERE p.pool_id = %s AND (p.is_company OR p.parent_id IS NULL) %s""",
                    recycle_date,
                    pool.id,
                    subset,
                )
                pending = engine_fact(self.env, "recycle_dates")
                if pending is not None:
                    # A move writing these customers sends it in its next round trip, under the
                    # engine's setting, and invalidates the dates then (res.partner._pool_apply).
                    pending.append(query)
                    continue
                engine_execute(self.env.cr, query)
                continue
            # One pass over the table: joining it to itself instead (to compute each date once)
            # hashed every customer of the pool, 68 s against 20 s at 10,000,000 customers.
            engine_execute(
                self.env.cr,
                SQL(
                    """
                    UPDATE res_partner p SET pool_recycle_date = %(recycle_date)s
                     WHERE p.pool_id = %(pool_id)s AND (p.is_company OR p.parent_id IS NULL) %(subset)s
                       AND p.pool_recycle_date IS DISTINCT FROM %(recycle_date)s
                    """,
                    recycle_date=recycle_date,
                    pool_id=pool.id,
                    subset=subset,
                ),
            )
        self.env["res.partner"].invalidate_model(["pool_recycle_date"])

    def _recycle_drop_stale_warnings(self):
        """Remove warning To-Dos of customers followed up (or claimed again) since they were warned."""
        self.env.flush_all()
        self.env.cr.execute(
            """
            DELETE FROM mail_activity a USING res_partner p
             WHERE a.res_model = 'res.partner' AND a.res_id = p.id AND a.activity_type_id = %s
               AND p.pool_id IN %s AND p.pool_warned_date IS NULL
            """,
            [self.env["crm.public.pool.rule"]._warning_activity_type_id(), tuple(self.ids)],
        )
        self.env["mail.activity"].invalidate_model()

    def _recycle_notify_owners(self, warnings, now, manager_warnings=(), followup_ids=frozenset(), notes=None):
        """One To-Do per warned customer for its owner, and one digest e-mail per recipient and day.

        ``manager_warnings`` (from rules that warn the manager) also go to the leader of the
        owner's sales team, in the same digest as the leader's own customers. ``notes``: why each
        customer is warned, as stored messages (pool_text), for the To-Do each reader reads.

        The To-Do stores no summary: it reads as its type ("Returns to Pool") and its due day
        in each reader's language, and its note is rendered for each reader (mail_activity.py).
        """
        if not warnings:
            return
        activity_type_id = self.env["crm.public.pool.rule"]._warning_activity_type_id()
        model_id = self.env["ir.model"]._get_id("res.partner")
        texts = self._recycle_warning_texts(warnings, followup_ids, notes)
        # The digest replaces the per-activity notification e-mails.
        as_engine(self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True)).create(
            [
                {
                    "res_model_id": model_id,
                    "res_id": partner_id,
                    "activity_type_id": activity_type_id,
                    "user_id": owner_id,
                    "date_deadline": texts[partner_id]["day"],
                    "summary": False,
                    "note": texts[partner_id]["note_html"],
                    "pool_note": texts[partner_id]["pool_note"],
                }
                for partner_id, owner_id, _deadline, _note in warnings
            ]
        )
        Users = self.env["res.users"].sudo()
        names = dict(self.env["res.partner"].sudo().browse([w[0] for w in warnings]).mapped(lambda p: (p.id, p.name)))
        by_recipient = defaultdict(list)
        for partner_id, owner_id, _deadline, _note in warnings:
            by_recipient[owner_id].append(
                (names[partner_id], texts[partner_id]["date"], texts[partner_id]["note"], False)
            )
        owners = Users.browse({w[1] for w in manager_warnings})
        leaders = {owner.id: owner.sale_team_id.user_id for owner in owners}
        told_leaders = [
            (partner_id, leaders[owner_id].id, deadline, note, owner_id)
            for partner_id, owner_id, deadline, note in manager_warnings
            if leaders[owner_id] and leaders[owner_id].id != owner_id and leaders[owner_id].active
        ]
        # The leader reads the lines in the leader's own language.
        leader_texts = (
            self._recycle_warning_texts([line[:4] for line in told_leaders], followup_ids) if told_leaders else {}
        )
        names.update(
            self.env["res.partner"].sudo().browse([line[0] for line in told_leaders]).mapped(lambda p: (p.id, p.name))
        )
        for partner_id, leader_id, _deadline, _note, owner_id in told_leaders:
            text = leader_texts[partner_id]
            by_recipient[leader_id].append((names[partner_id], text["date"], text["note"], Users.browse(owner_id).name))
        today = fields.Date.context_today(self)
        recipients = Users.browse(by_recipient).filtered(lambda u: u.pool_digest_date != today)
        if not recipients:
            return
        template = self.env.ref("crm_public_pool.mail_template_pool_recycle_digest")
        for recipient in recipients:
            template.sudo().with_context(pool_warnings=tuple(by_recipient[recipient.id])).send_mail(recipient.id)
        recipients.write({"pool_digest_date": today})

    def _recycle_warning_texts(self, warnings, followup_ids=frozenset(), notes=None):
        """{partner id: day, date, note, pool_note, note_html} of each warning, in its owner's language and time zone.

        The daily job runs as the superuser in the server's language; its digest is read by the
        owners, its To-Dos by whoever opens them (``pool_note``, rendered for each reader;
        ``note_html`` as the owner reads it). Only customers warned by a no-follow-up rule
        (``followup_ids``) are told that a follow-up keeps them: no follow-up stops the other rules.
        """
        notes = notes or {}
        Activity = self.env["mail.activity"]
        owners = self.env["res.users"].sudo().browse({owner_id for _p, owner_id, _d, _n in warnings})
        by_owner = {owner.id: owner for owner in owners}
        texts = {}
        for (lang, tz), group in tools.groupby(
            warnings, lambda w: (by_owner[w[1]].lang or "en_US", by_owner[w[1]].tz or "UTC")
        ):
            env = self.with_context(lang=lang, tz=tz).env
            partners = env["res.partner"].sudo().browse([w[0] for w in group])
            reasons = {partner.id: partner.pool_recycle_reason for partner in partners}
            for partner_id, _owner_id, deadline, note in group:
                day = fields.Date.context_today(partners, deadline)
                date = format_date(env, day, lang_code=lang)
                when = (
                    _lt("Returns to the pool on %s unless followed up", pool_text.Day(day))
                    if partner_id in followup_ids
                    else _lt("Returns to the pool on %s", pool_text.Day(day))
                )
                pool_note = pool_text.to_payload(pool_text.Joined([when]))
                if notes.get(partner_id):
                    pool_note["join"].append(notes[partner_id])
                texts[partner_id] = {
                    "day": day,
                    "date": date,
                    "note": reasons.get(partner_id) or note,
                    "pool_note": pool_note,
                    "note_html": Activity.with_env(env)._pool_note_html(pool_note, lang),
                }
        return texts

    def _escalate_unclaimed(self, now):
        """Customers left unclaimed too long are assigned round-robin or moved to another pool."""
        Partner = self.env["res.partner"].sudo()
        for pool in self.filtered("unclaimed_days"):
            partners = Partner.search(
                [
                    ("pool_id", "=", pool.id),
                    ("pool_state", "=", "pool"),
                    ("pool_enter_date", "<=", now - timedelta(days=pool.unclaimed_days)),
                    "|",
                    ("is_company", "=", True),
                    ("parent_id", "=", False),
                ],
                order="id",
            )
            if not partners:
                continue
            note = _lt("unclaimed for more than %(days)s days", days=pool.unclaimed_days)
            if pool.unclaimed_action == "move":
                partners._pool_lock_rows()._pool_apply(
                    "transfer", {"pool_id": pool.unclaimed_pool_id.id, "pool_enter_date": now}, note=note
                )
            else:
                pool._escalate_assign(partners, note)

    def _escalate_assign(self, partners, note=None):
        """Round-robin among the members who are there, continuing the pool's rotation; the rest say why."""
        self.ensure_one()
        Engine = self.env["crm.public.pool.distribution"]
        plan, _scores = Engine._plan(self, partners, "round_robin")
        Engine._apply_plan(
            self,
            [(p, u) for p, u, _r in plan.assignments],
            "round_robin",
            last_user_id=plan.last_user_id,
            owed_user_ids=plan.owed_user_ids,
            note=note,
        )
        Engine._record_unplaced(plan)
