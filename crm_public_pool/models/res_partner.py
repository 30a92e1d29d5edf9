from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression
from odoo.tools import LazyTranslate, clean_context

from ..logic import claim_rules
from .checks import check_id, optional_id
from .engine_token import as_engine, engine_fact, engine_statements, in_engine, without_client_defaults

_lt = LazyTranslate(__name__)

COMMERCIAL_DOMAIN = ["|", ("is_company", "=", True), ("parent_id", "=", False)]

POOL_LEVELS = [("a", "A"), ("b", "B"), ("c", "C"), ("d", "D")]

# Written by the transition engine alone (res_partner_moves.py, under engine_token.py's token); a client's value is refused.
POOL_ENGINE_FIELDS = {
    "pool_state",
    "pool_enter_date",
    "pool_claim_date",
    "pool_previous_user_id",
    "pool_last_followup_date",
    "pool_recycle_date",
    "pool_warned_date",
    "pool_embargo_until",
    "pool_accept_deadline",
    "pool_unplaced_reason",
    "pool_unplaced_message",
}
# The name earlier versions exported.
POOL_PROTECTED_FIELDS = POOL_ENGINE_FIELDS

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

# What a customer masked to a member still shows (see crm_public_pool_masking_mixin.py): who
# it is and where, never how to reach it. Every other field, added by any addon, is hidden.
PARTNER_VISIBLE_FIELDS = frozenset(
    {
        "id",
        "display_name",
        "name",
        "complete_name",
        "is_company",
        "company_type",
        "type",
        "active",
        "company_id",
        "commercial_partner_id",
        "parent_id",
        "city",
        "state_id",
        "country_id",
        "country_code",
        "industry_id",
        "source_id",
        "user_id",
        "create_date",
        "write_date",
        "pool_id",
        "pool_state",
        "pool_level",
        "pool_locked",
        "pool_enter_date",
        "pool_days_in_pool",
        "pool_claimable",
        "pool_claim_blocker",
        "pool_is_mine",
        "pool_is_admin",
        "pool_previous_user_id",
        "pool_embargo_until",
        "pool_invalid",
        "pool_recycle_date",
        "pool_recycle_days",
        "pool_recycle_warning",
        "pool_recycle_reason",
        "pool_claim_date",
        "pool_last_followup_date",
        "pool_accept_deadline",
        "pool_unplaced_reason",
    }
)


class ResPartner(models.Model):
    _inherit = ["res.partner", "crm.public.pool.duplicate.mixin", "crm.public.pool.masking.mixin"]
    _name = "res.partner"

    _pool_visible_fields = PARTNER_VISIBLE_FIELDS

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
    pool_embargo_until = fields.Datetime(
        string="Embargoed Until",
        copy=False,
        readonly=True,
        help="Released with a reason that carries an embargo: nobody may claim it before this moment "
        "(pool administrators may still assign it).",
    )
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
            raise UserError(
                self.env._(
                    "Unsupported search on %(field)s: %(operator)s %(value)r",
                    field="pool_recycle_warning",
                    operator=operator,
                    value=value,
                )
            )
        # Today's end plus each pool's longest warning window, as _compute_pool_recycle_days counts.
        today = fields.Date.context_today(self)
        soon = [
            [
                "&",
                ("pool_id", "=", pool_id),
                ("pool_recycle_date", "<", fields.Datetime.to_datetime(today + timedelta(days=days + 1))),
            ]
            for pool_id, days in self.env["crm.public.pool.rule"]._recycle_warn_days_by_pool().items()
        ]
        domain = (
            expression.AND([[("pool_state", "=", "private")], expression.OR(soon)]) if soon else expression.FALSE_DOMAIN
        )
        return domain if (operator == "=") == value else ["!", *expression.normalize_domain(domain)]

    @api.model
    def _pool_claim_rules(self, user, now, facts=None):
        """{pool: [(code, domain)]} of the active pools ``user`` may claim from (logic/claim_rules.py).

        ``facts`` is ``crm.public.pool._pool_user_facts(user)`` when the caller has it already.
        """
        if facts is None:
            facts = self.env["crm.public.pool"]._pool_user_facts(user)
        Pool = self.env["crm.public.pool"].sudo()
        return {
            Pool.browse(pool["id"]): claim_rules.pool_claim_rules(pool, user.id, pool["admin"], now)
            for pool in (facts["pools"].values() if facts else ())
            if pool["member"]
        }

    @api.model
    def _pool_claimable_domain(self):
        """Customers the current user may claim now: the claim rules of their pools, and room in the limits."""
        user = self.env.user
        now = fields.Datetime.now()
        facts = self.env["crm.public.pool"]._pool_user_facts(user)
        rules = self._pool_claim_rules(user, now, facts)
        claimed_today = self._pool_claims_today(user, self.env["crm.public.pool"].union(*rules)) if rules else {}
        # Room is counted per company: the limit of the pool's company, its customers (res.users._pool_limits).
        full = {}
        for company in self.env["res.company"].browse({facts["pools"][pool.id]["company_id"] for pool in rules}):
            owned = user._pool_owned_counts(company).get(user.id, (0, 0))[0]
            full[company.id] = claim_rules.owned_room_left(user._pool_limits(company)[0], owned) == 0
        branches = []
        for pool, pool_rules in rules.items():
            if full[facts["pools"][pool.id]["company_id"]]:
                continue
            limit = facts["pools"][pool.id]["daily_claim_limit"]
            if facts["pools"][pool.id]["admin"]:
                limit = 0
            if claim_rules.daily_limit_left(limit, claimed_today.get(pool.id, 0)) == 0:
                continue
            branches.append(expression.AND([domain for _code, domain in pool_rules]))
        return expression.OR(branches) if branches else expression.FALSE_DOMAIN

    @api.depends_context("uid")
    def _compute_pool_claimable(self):
        claimable = self.filtered_domain(self._pool_claimable_domain())
        for partner in self:
            partner.pool_claimable = partner in claimable

    @api.model
    def _search_pool_claimable(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(
                self.env._(
                    "Unsupported search on %(field)s: %(operator)s %(value)r",
                    field="pool_claimable",
                    operator=operator,
                    value=value,
                )
            )
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
    # CRUD: what a client writes never moves a customer by itself
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        model = self
        client_relations = []
        if not in_engine(self.env):
            self._pool_take_default_pool(vals_list)
            for vals in vals_list:
                self._pool_refuse_engine_fields(vals)
            self._pool_check_relations(vals_list)
            model = without_client_defaults(self, POOL_ENGINE_FIELDS | {"pool_locked", "pool_id"})
            client_relations = [self._pool_split_relations(vals) for vals in vals_list]
        managed_indexes = model._pool_prepare_create(vals_list)
        # The values were decided above: the ORM writes them as the engine. The client's
        # one2many and many2many commands are not among them (see _pool_apply_client_relations).
        engine_model = super(ResPartner, as_engine(model))
        if managed_indexes or in_engine(self.env):
            with engine_statements(self.env.cr):
                partners = engine_model.create(vals_list).with_env(self.env)
        else:
            partners = engine_model.create(vals_list).with_env(self.env)
        if any(client_relations):
            partners._pool_apply_client_relations(client_relations)
            # Contacts linked by these commands bring their leads and activities to the recycle
            # date the fresh customers get below (crm.public.pool._recycle_refresh_dates).
            self.env["res.partner"].flush_model(["commercial_partner_id"])
        managed = partners.browse([partners[i].id for i in managed_indexes])
        managed._pool_after_create()
        managed._pool_recycle_after_write({"pool_state"}, fresh=True)
        contacts = partners.sudo().filtered(lambda p: p.parent_id and p.commercial_partner_id.pool_state)
        for contact in contacts:
            if contact.user_id != contact.commercial_partner_id.user_id:
                as_engine(contact).user_id = contact.commercial_partner_id.user_id
        return partners

    @api.model
    def _pool_split_relations(self, vals):
        """Take the client's one2many and many2many commands out of ``vals`` (returned apart)."""
        return {
            fname: vals.pop(fname)
            for fname in list(vals)
            if fname in self._fields and self._fields[fname].type in ("one2many", "many2many")
        }

    def _pool_apply_client_relations(self, relations):
        """Apply each new partner's one2many and many2many commands as the client's own, with the
        client's rights and outside the engine's token, as Odoo's create applies them: a nested
        command creates, writes or links records as the client would one by one."""
        fnames = sorted({fname for values in relations for fname in values}, key=lambda f: self._fields[f]._sequence)
        partners = self.with_context(clean_context(self.env.context))
        for fname in fnames:
            self._fields[fname].create(
                [
                    (partner, values[fname])
                    for partner, values in zip(partners, relations, strict=True)
                    if fname in values
                ]
            )
        self.modified(fnames, create=True)
        self._validate_fields(fnames)

    @api.model
    def _pool_prepare_create(self, vals_list):
        """Decide the pool, owner and dates of the managed ones among new partners; return their indexes."""
        engine = in_engine(self.env)
        actor = self.env.user
        now = fields.Datetime.now()
        managed_indexes = []
        new_by_owner = defaultdict(int)
        for index, vals in enumerate(vals_list):
            if not self._pool_should_manage(vals):
                continue
            pool = self._pool_target_pool(vals)
            if not engine:
                # A client's default_active applies to partners no pool manages, never to a customer.
                vals.setdefault("active", True)
                if vals.get("active", True) is False or vals.get("pool_locked"):
                    raise UserError(
                        self.env._(
                            "%s: a pool customer is created active and unlocked; lock or archive it afterwards.",
                            vals.get("name") or self.env._("New customer"),
                        )
                    )
            if not engine and not pool.is_default and not pool._is_member(actor):
                raise AccessError(self.env._("You are not a member of pool %s.", pool._pool_name_for_me()))
            vals["pool_id"] = pool.id
            if vals.get("company_id") and vals["company_id"] != pool.company_id.id:
                raise UserError(
                    self.env._(
                        "%(name)s cannot belong to company #%(company)s and sit in pool %(pool)s of %(pool_company)s.",
                        name=vals.get("name") or "-",
                        company=vals["company_id"],
                        pool=pool._pool_name_for_me(),
                        pool_company=pool.company_id.name,
                    )
                )
            owner = self.env["res.users"].browse(
                optional_id(
                    self.env,
                    vals.get("user_id") or self.env.context.get("default_user_id"),
                    self.env._("The salesperson"),
                )
            )
            if owner and not engine and owner != actor and not pool._is_admin(actor):
                raise AccessError(
                    self.env._(
                        "Only administrators of pool %(pool)s may create customers owned by someone else (%(user)s).",
                        pool=pool._pool_name_for_me(),
                        user=owner.sudo().name,
                    )
                )
            if owner:
                owner._pool_check_receiver(pool)
                vals.update(user_id=owner.id, pool_state="private", pool_claim_date=now)
                new_by_owner[owner, pool.company_id] += 1
            else:
                if not engine and pool.is_default and not pool._is_member(actor):
                    raise AccessError(self.env._("You are not a member of pool %s.", pool._pool_name_for_me()))
                vals.update(user_id=False, pool_state="pool", pool_enter_date=now)
            managed_indexes.append(index)
        if new_by_owner:
            owners = self.env["res.users"].union(*(owner for owner, _company in new_by_owner))
            owners._pool_lock_capacity()
            for (owner, company), count in new_by_owner.items():
                owner._pool_check_room(count, company)
        return managed_indexes

    @api.model
    def _pool_take_default_pool(self, vals_list):
        """Give the customers created from a pool's list that pool (``default_pool_id``).

        The default is moved into the values before create drops the client's defaults
        (``without_client_defaults``), so that it meets every check an explicit ``pool_id`` meets:
        the pool must exist, be active, belong to a company the request acts in, and take
        customers from the creating user (``_pool_prepare_create``). A default the user may not
        use is refused with the pool's name rather than ignored: ignoring it put the customer
        into the company's default pool, not the one whose list the user was in.
        """
        default = self.env.context.get("default_pool_id")
        if not default:
            return
        for vals in vals_list:
            if "pool_id" not in vals and self._pool_should_manage(vals):
                vals["pool_id"] = default

    @api.model
    def _pool_refuse_engine_fields(self, vals):
        forbidden = POOL_ENGINE_FIELDS & set(vals)
        if forbidden:
            raise AccessError(
                self.env._("Pool fields (%s) are set by the pool actions, not directly.", ", ".join(sorted(forbidden)))
            )

    @api.model
    def _pool_target_pool(self, vals):
        """The pool a new customer enters: the one given (or the list's, ``default_pool_id``), else
        its company's default pool."""
        Pool = self.env["crm.public.pool"].sudo()
        pool_id = vals.get("pool_id") or self.env.context.get("default_pool_id")
        if pool_id:
            pool = Pool.browse(check_id(self.env, pool_id, self.env._("The pool")))
            if not pool.exists() or not pool.active:
                raise UserError(self.env._("Pool %s does not exist or is archived.", pool_id))
            if not in_engine(self.env) and pool.company_id not in self.env.user.company_ids:
                raise AccessError(self.env._("Pool %s belongs to a company you do not work for.", pool.id))
            if not in_engine(self.env) and pool.company_id not in self.env.companies:
                raise AccessError(
                    self.env._(
                        "Pool %(pool)s belongs to %(company)s, which is not among the companies you are "
                        "working in now: select it in the company switcher to add customers to this pool.",
                        pool=pool._pool_name_for_me(),
                        company=pool.company_id.name,
                    )
                )
            return pool
        company = (
            self.env["res.company"].browse(optional_id(self.env, vals.get("company_id"), self.env._("The company")))
            or self.env.company
        )
        pool = Pool._get_default_pool(company)
        if not pool:
            raise UserError(
                self.env._(
                    "Company %s has no default customer pool: create one in CRM > Configuration > Customer Pools.",
                    company.name,
                )
            )
        return pool

    @api.model
    def _pool_should_manage(self, vals):
        if vals.get("parent_id") and not vals.get("is_company"):
            return False
        if vals.get("pool_id"):
            return True
        ctx = self.env.context
        return bool(ctx.get("pool_manage") or ctx.get("default_pool_id"))

    def _pool_after_create(self):
        if not self:
            return
        registering = engine_fact(self.env, "register", False)
        self._pool_log(
            [
                {
                    "partner": partner,
                    "action": "register" if registering else "create",
                    "pool_id": partner.pool_id.id,
                    "to_user_id": partner.user_id.id,
                }
                for partner in self.sudo()
            ],
            lambda log: _lt("Registered by %s", log["to_user_name"])
            if registering
            else _lt("Created in pool %s", log["pool_name"])
            if not log["to_user_id"]
            else _lt("Created, owned by %s", log["to_user_name"]),
        )
        # Customers entering a pool unowned go out at once by the pool's distribution rules.
        self.env["crm.public.pool.distribution"]._distribute_entering(self)

    def write(self, vals):
        if in_engine(self.env):
            res = super().write(vals)
            self._pool_recycle_after_write(vals)
            return res
        self._pool_refuse_engine_fields(vals)
        # Pool moves below bypass super().write(): check the caller may write these records at all.
        self.check_access("write")
        self._pool_check_relations([vals])
        managed = self.sudo().filtered("pool_state").with_env(self.env)
        commercial = managed.filtered(lambda p: p.is_company or not p.sudo().parent_id)
        (managed - commercial)._pool_check_contact_write(vals)
        commercial._pool_check_structure(vals)
        commercial._pool_check_level(vals)
        moves = {
            fname: vals.pop(fname)
            for fname in ("user_id", "pool_id", "pool_locked", "active")
            if commercial and fname in vals
        }
        entering = self.browse()
        if vals.get("pool_id") and not managed:
            entering = self.filtered(lambda p: p.sudo().commercial_partner_id == p)
        if moves.get("active"):
            commercial.filtered(lambda p: not p.sudo().active)._pool_transition("restore")
        res = super().write(vals) if vals else True
        self._pool_recycle_after_write(vals)
        if "pool_id" in moves:
            commercial._pool_change_pool(moves["pool_id"])
        if "user_id" in moves:
            commercial._pool_write_owner(moves["user_id"])
        if "pool_locked" in moves:
            if moves["pool_locked"]:
                commercial.filtered(lambda p: not p.sudo().pool_locked).action_pool_lock()
            else:
                commercial.filtered(lambda p: p.sudo().pool_locked).action_pool_unlock()
        if "active" in moves and not moves["active"]:
            commercial.filtered(lambda p: p.sudo().active)._pool_transition("archive")
        if entering:
            entering._pool_enter()
        if vals.get("parent_id"):
            # A contact of a customer is managed with it: a user's own partner never becomes one.
            users = (
                self.env["res.users"].sudo().with_context(active_test=False).search([("partner_id", "in", self.ids)])
            )
            self._pool_check_not_own_contact(users.partner_id.ids, self.env._("a user"))
        return res

    def _pool_check_structure(self, vals):
        """Who a managed customer is (a company, whose contact, of which company) is a manager's call.

        Making a customer another company's contact, or moving it to another company, would
        take it out of its owner's count and out of the recycle rules without a move.
        """
        if not self:
            return
        changing = set()
        for fname in {"parent_id", "is_company", "company_type", "company_id"} & set(vals):
            field = self._fields[fname]
            for partner in self.sudo():
                current = partner[fname].id if field.type == "many2one" else partner[fname]
                if (vals[fname] or False) != (current or False):
                    changing.add(fname)
        if not changing:
            return
        for pool in self.sudo().pool_id:
            if not pool._is_manager(self.env.user):
                raise UserError(
                    self.env._(
                        "Only a pool manager may change %(fields)s of a pool customer such as %(partner)s.",
                        fields=", ".join(sorted(changing)),
                        partner=self.sudo().filtered_domain([("pool_id", "=", pool.id)])[:1]._pool_name_for_me(),
                    )
                )

    def _pool_check_level(self, vals):
        """The level of a managed customer sets how long the recycle rules leave it with its owner
        (days per level): changing it is for an administrator of its pool, or the owner would
        lengthen their own protection. The level given when a customer is created or registered stays."""
        if "pool_level" not in vals or self.env.su:
            return
        changing = self.sudo().filtered(lambda p: (p.pool_level or False) != (vals["pool_level"] or False))
        for pool, partners in changing.grouped("pool_id").items():
            if pool and not pool._is_admin(self.env.user):
                raise UserError(
                    self.env._(
                        "Only an administrator of its pool may change the level of %(partner)s: the level sets how "
                        "long the pool's rules leave it with its owner.",
                        partner=partners[:1].with_env(self.env)._pool_name_for_me(),
                    )
                )

    def _pool_check_contact_write(self, vals):
        """A managed company's contacts follow its owner, pool and lock: they are not moved one by one."""
        following = {"user_id", "pool_id", "pool_locked"} & set(vals)
        if self and following:
            raise UserError(
                self.env._(
                    "%(contact)s follows its company's %(fields)s: move the company instead.",
                    contact=self.sudo()[:1]._pool_name_for_me(),
                    fields=", ".join(sorted(following)),
                )
            )

    @api.model
    def _pool_check_relations(self, vals_list):
        """A partner may be attached only to a company the caller may change (its contacts follow it)."""
        for vals in vals_list:
            if not vals.get("parent_id"):
                continue
            parent = self.browse(check_id(self.env, vals["parent_id"], self.env._("The related company")))
            if not parent.sudo().exists():
                raise UserError(self.env._("Contact %s does not exist.", vals["parent_id"]))
            if parent.sudo().pool_state and not parent._filtered_access("write"):
                raise AccessError(self.env._("Only the owner of customer #%s may add contacts to it.", parent.id))
            if not parent._filtered_access("read"):
                raise AccessError(self.env._("You may not read contact #%s.", parent.id))

    def _commercial_sync_from_company(self):
        # Contacts take their company's pool, status and lock: derived values, written by the engine.
        return super(ResPartner, as_engine(self))._commercial_sync_from_company()

    def _commercial_sync_to_children(self, fields_to_sync=None):
        return super(ResPartner, as_engine(self))._commercial_sync_to_children(fields_to_sync)

    def copy(self, default=None):
        # A copy carries the customer's data: only whoever may change it may duplicate it.
        managed = self.sudo().filtered("pool_state")
        if managed and not in_engine(self.env):
            managed.with_env(self.env).check_access("write")
        return super().copy(default)

    @api.ondelete(at_uninstall=False)
    def _unlink_pool_customers(self):
        if in_engine(self.env):
            return
        managed = self.sudo().filtered(lambda p: p.pool_state and (p.is_company or not p.parent_id))
        for pool in managed.pool_id:
            if not pool._is_manager(self.env.user):
                raise UserError(
                    self.env._(
                        "%(partner)s is a customer of pool %(pool)s: release or archive it instead of deleting it; "
                        "only a pool manager may delete pool customers.",
                        partner=managed.filtered_domain([("pool_id", "=", pool.id)])[:1]._pool_name_for_me(),
                        pool=pool._pool_name_for_me(),
                    )
                )
        if managed:
            managed._pool_log(
                [
                    {
                        "partner": partner,
                        "action": "cleanup",
                        "pool_id": partner.pool_id.id,
                        "from_user_id": partner.user_id.id,
                        "note": _lt("deleted"),
                    }
                    for partner in managed
                ],
                lambda log: _lt("Deleted by %s", log["user_name"]),
            )

    # ------------------------------------------------------------------
    # Masking (crm.public.pool.masking.mixin): what a pooled customer shows to a member
    # ------------------------------------------------------------------

    def _pool_masked_pools(self):
        masking = self._pool_masking()
        if not masking or not self._ids:
            return {}
        # Only the two fields: prefetching whole rows as superuser would put values in the cache
        # that the user's own reads then take without their access check.
        partners = self.sudo().browse([rid for rid in self._ids if isinstance(rid, int)])
        partners.fetch(["pool_state", "pool_id"])
        return {
            partner.id: partner.pool_id.id
            for partner in partners
            if partner.pool_state == "pool" and partner.pool_id.id in masking
        }

    @api.model
    def _pool_unmasked_domain(self, pool_ids):
        """Customers on which ``pool_ids`` hide nothing: not pooled, or pooled elsewhere."""
        return ["|", ("pool_state", "in", [False, "private"]), ("pool_id", "not in", list(pool_ids))]

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        # Record rules read pool membership in SQL: pending membership changes must be visible.
        self.env["crm.public.pool"].flush_model(["member_all_user_ids", "admin_user_ids"])
        return super()._search(domain, offset=offset, limit=limit, order=order)

    @api.model
    def _search_display_name(self, operator, value):
        # The domain searches e-mail, reference and VAT (``_rec_names_search``) and is parsed
        # without going through ``_search``: its leaves are masked here.
        domain = super()._search_display_name(operator, value)
        masking = self._pool_masking()
        if masking:
            domain = self._pool_mask_domain(domain, masking)
        return domain

    @api.depends_context("show_email", "show_address", "partner_show_db_id", "show_vat", "uid")
    def _compute_display_name(self):
        res = super()._compute_display_name()
        if self.env.user._is_superuser():
            return res
        user_env = self.env(su=False)
        managed = self.sudo().filtered(lambda p: isinstance(p.id, int) and p.pool_state)
        if not managed:
            return res
        # Odoo names many2one values in sudo (web_read, name_search): a managed customer the
        # user may not read is never named, and one masked to them shows its name alone.
        readable = managed.with_env(user_env)._filtered_access("read") if self.env.su else managed.with_env(user_env)
        masked = readable._pool_masked_pools()
        for partner in self:
            if partner.id not in managed._ids:
                continue
            if partner.id not in readable._ids:
                partner.display_name = self.env._("Customer #%s", partner.id)
            elif partner.id in masked:
                partner.display_name = partner.sudo().name or ""
        return res

    # ------------------------------------------------------------------
    # Actions: the moves themselves are in res_partner_moves.py
    # ------------------------------------------------------------------

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
