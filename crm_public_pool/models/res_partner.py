from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression
from odoo.tools import SQL, LazyTranslate, format_datetime, split_every

from ..logic import claim_rules
from . import pool_text
from .checks import check_id, check_ids, check_texts, has_words, optional_id
from .engine import as_engine, engine_fact, in_engine, without_client_defaults

_lt = LazyTranslate(__name__)

COMMERCIAL_DOMAIN = ["|", ("is_company", "=", True), ("parent_id", "=", False)]
# Customers written per step of one move: the ORM's work on one recordset grows faster than
# its size, so a move of 100,000 customers is done as steps of this many, in one transaction.
APPLY_STEP = 1000

POOL_LEVELS = [("a", "A"), ("b", "B"), ("c", "C"), ("d", "D")]

# Written by the transition engine alone (see engine.py); a client's value is refused.
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
        if claim_rules.owned_room_left(user._pool_limits()[0], user.pool_customer_count) == 0:
            return expression.FALSE_DOMAIN
        facts = self.env["crm.public.pool"]._pool_user_facts(user)
        rules = self._pool_claim_rules(user, now, facts)
        claimed_today = self._pool_claims_today(user, self.env["crm.public.pool"].union(*rules)) if rules else {}
        branches = []
        for pool, pool_rules in rules.items():
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
        if not in_engine(self.env):
            for vals in vals_list:
                self._pool_refuse_engine_fields(vals)
            self._pool_check_relations(vals_list)
            model = without_client_defaults(self, POOL_ENGINE_FIELDS | {"pool_locked", "active", "pool_id"})
        managed_indexes = model._pool_prepare_create(vals_list)
        # The values were decided above: the ORM writes them as the engine.
        partners = super(ResPartner, as_engine(model)).create(vals_list).with_env(self.env)
        managed = partners.browse([partners[i].id for i in managed_indexes])
        managed._pool_after_create()
        managed._pool_recycle_after_write({"pool_state"}, fresh=True)
        contacts = partners.sudo().filtered(lambda p: p.parent_id and p.commercial_partner_id.pool_state)
        for contact in contacts:
            if contact.user_id != contact.commercial_partner_id.user_id:
                as_engine(contact).user_id = contact.commercial_partner_id.user_id
        return partners

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
                if vals.get("active", True) is False or vals.get("pool_locked"):
                    raise UserError(
                        self.env._(
                            "%s: a pool customer is created active and unlocked; lock or archive it afterwards.",
                            vals.get("name") or self.env._("New customer"),
                        )
                    )
            if not engine and not pool.is_default and not pool._is_member(actor):
                raise AccessError(self.env._("You are not a member of pool %s.", pool.name))
            vals["pool_id"] = pool.id
            if vals.get("company_id") and vals["company_id"] != pool.company_id.id:
                raise UserError(
                    self.env._(
                        "%(name)s cannot belong to company #%(company)s and sit in pool %(pool)s of %(pool_company)s.",
                        name=vals.get("name") or "-",
                        company=vals["company_id"],
                        pool=pool.name,
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
                        pool=pool.name,
                        user=owner.sudo().name,
                    )
                )
            if owner:
                owner._pool_check_receiver(pool)
                vals.update(user_id=owner.id, pool_state="private", pool_claim_date=now)
                new_by_owner[owner] += 1
            else:
                if not engine and pool.is_default and not pool._is_member(actor):
                    raise AccessError(self.env._("You are not a member of pool %s.", pool.name))
                vals.update(user_id=False, pool_state="pool", pool_enter_date=now)
            managed_indexes.append(index)
        if new_by_owner:
            owners = self.env["res.users"].union(*new_by_owner)
            owners._pool_lock_capacity()
            for owner in owners:
                owner._pool_check_room(new_by_owner[owner])
        return managed_indexes

    @api.model
    def _pool_refuse_engine_fields(self, vals):
        forbidden = POOL_ENGINE_FIELDS & set(vals)
        if forbidden:
            raise AccessError(
                self.env._("Pool fields (%s) are set by the pool actions, not directly.", ", ".join(sorted(forbidden)))
            )

    @api.model
    def _pool_target_pool(self, vals):
        """The pool a new customer enters: the one given, else its company's default pool."""
        Pool = self.env["crm.public.pool"].sudo()
        if vals.get("pool_id"):
            pool = Pool.browse(check_id(self.env, vals["pool_id"], self.env._("The pool")))
            if not pool.exists() or not pool.active:
                raise UserError(self.env._("Pool %s does not exist or is archived.", vals["pool_id"]))
            if not in_engine(self.env) and pool.company_id not in self.env.user.company_ids:
                raise AccessError(self.env._("Pool %s belongs to a company you do not work for.", pool.id))
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
                        partner=self.sudo().filtered_domain([("pool_id", "=", pool.id)])[0].name,
                    )
                )

    def _pool_check_contact_write(self, vals):
        """A managed company's contacts follow its owner, pool and lock: they are not moved one by one."""
        following = {"user_id", "pool_id", "pool_locked"} & set(vals)
        if self and following:
            raise UserError(
                self.env._(
                    "%(contact)s follows its company's %(fields)s: move the company instead.",
                    contact=self.sudo()[0].display_name,
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
                        partner=managed.filtered_domain([("pool_id", "=", pool.id)])[0].name,
                        pool=pool.name,
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
                        "note": self.env._("deleted"),
                    }
                    for partner in managed
                ],
                lambda log: _lt("Deleted by %s", log["user_name"]),
            )

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
        for pool, partners in self.sudo().grouped("pool_id").items():
            if not (pool._is_member(actor) or pool._is_admin(actor)):
                raise AccessError(self.env._("You are not a member of pool %s.", pool.name))
            owned = partners.filtered("user_id")
            strangers = owned.filtered(lambda p: p.user_id != actor)
            if strangers and not pool._is_admin(actor):
                raise AccessError(
                    self.env._(
                        "Only administrators of pool %(pool)s may put %(partner)s there for %(user)s.",
                        pool=pool.name,
                        partner=strangers[0].name,
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
    # Actions
    # ------------------------------------------------------------------

    def action_pool_claim(self):
        """The current user claims these pooled customers (or requests them)."""
        partners = self._pool_lock_commercial()
        user = self.env.user
        facts = self.env["crm.public.pool"]._pool_user_facts(user)
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
            message = self.env._(
                "Claim requested for %s customers: a pool administrator will review it.", len(requested)
            )
        else:
            message = self.env._(
                "%(claimed)s customers claimed, %(requested)s requested.", claimed=len(direct), requested=len(requested)
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
                readable = set(self.with_user(user).sudo(False)._filtered_access("read").ids)
            return partner.name if partner.id in readable else self.env._("Customer #%s", partner.id)

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
                            pool=pool.name,
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
                self.env._("You already asked for %s; wait for the pool administrator.", pending[0].partner_id.name)
            )
        requests = Request.create([{"partner_id": p.id, "pool_id": p.pool_id.id, "user_id": user.id} for p in self])
        for request in requests:
            for admin in request.pool_id.admin_user_ids:
                # The To-Do is the administrator's: in their language.
                reader = self.with_context(lang=admin.lang or self.env.lang).env
                request.activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=admin.id,
                    summary=reader._(
                        "Claim request: %(user)s asks for %(partner)s", user=user.name, partner=request.partner_id.name
                    ),
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
            if partner.pool_state != "private" or not partner.active:
                problems.append(
                    self.env._("%s is not owned by anyone: only owned customers can be released.", labels[partner.id])
                )
            elif partner.user_id != user and not partner.pool_id._is_admin(user):
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
        counts = owners._pool_owned_counts()
        for owner, group in partners.sudo().grouped("user_id").items():
            max_locked = owner._pool_limits()[1]
            locked = counts.get(owner.id, (0, 0))[1]
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

    def _pool_labels(self):
        """{id: how the current user may call each customer}: its name if they may read it, else its number."""
        readable = (
            set(self.with_env(self.env(su=False))._filtered_access("read").ids) if not self.env.su else set(self.ids)
        )
        return {
            partner.id: partner.name if partner.id in readable else self.env._("Customer #%s", partner.id)
            for partner in self.sudo()
        }

    def _pool_lock_rows(self):
        """Lock the customers' rows so concurrent moves of them serialize; their pool fields are
        read in the same statement, after the lock."""
        if not self:
            return self
        self.flush_recordset()
        self._pool_lock_and_read(SQL("id IN %s", tuple(self.ids)))
        return self

    def _pool_lock_commercial(self):
        """``_pool_commercial()._pool_lock_rows()`` in one statement: the commercial customers of
        these partners, locked, with their pool fields."""
        if not self:
            return self
        self._pool_checked()
        self.env["res.partner"].flush_model()
        asked = tuple(self.ids)
        partners = self._pool_lock_and_read(
            SQL("id IN (SELECT commercial_partner_id FROM res_partner WHERE id IN %s)", asked)
        ).with_env(self.env)
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
        return partners

    def _pool_lock_and_read(self, where):
        """Lock the rows of res_partner matching ``where`` (ordered by id, so concurrent locks
        cannot deadlock) and put their POOL_LOCK_FIELDS in the cache; return them.

        The same statement tells which of them have no users and no active contacts: for those,
        the empty ``user_ids`` and ``child_ids`` go in the cache too, exactly what the ORM
        would read (so a move's ``write``, which reads both, does not ask again). A customer
        with users or contacts is left to the ORM to read as usual.
        """
        columns = [self._fields[fname] for fname in POOL_LOCK_FIELDS]
        self.env.cr.execute(
            SQL(
                """SELECT id, %s,
                          NOT EXISTS (SELECT 1 FROM res_users u WHERE u.partner_id = res_partner.id),
                          NOT EXISTS (SELECT 1 FROM res_partner c WHERE c.parent_id = res_partner.id AND c.active)
                     FROM res_partner WHERE %s ORDER BY id FOR NO KEY UPDATE""",
                SQL(", ").join(SQL.identifier(field.name) for field in columns),
                where,
            )
        )
        rows = self.env.cr.fetchall()
        partners = self.browse([row[0] for row in rows])
        if rows:
            for field, values in zip(columns, list(zip(*rows, strict=True))[1:-2], strict=True):
                self.env.cache.update(partners, field, values)
            for fname, index in (("user_ids", -2), ("child_ids", -1)):
                empty = self.browse([row[0] for row in rows if row[index]])
                self.env.cache.insert_missing(empty, self._fields[fname], [()] * len(empty))
        return partners

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
        user._pool_lock_capacity()
        moving = self.filtered(lambda p: p.sudo().user_id != user)
        owned_after = user._pool_check_room(moving)
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
        writer = as_engine(self.sudo().with_context(tracking_disable=True))
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
            self._pool_sync_contacts_and_leads(previous_owners, None if releasing else vals["user_id"])
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

    def _pool_sync_contacts_and_leads(self, previous_owners, new_user_id):
        # Contacts are the partners with a parent under these companies (a NOT IN over the
        # batch's ids would make PostgreSQL compare every row with every id). Open
        # opportunities of the customer and its contacts, unassigned or the old owner's, follow
        # it, so the next owner inherits its history (as the set-based recycle statement moves
        # them). Both are found in one round trip, in SQL written out: on a claim, building it
        # from two domains cost more than running it. Most customers have neither, and then
        # nothing is written.
        old_owner_ids = tuple(u.id for u in previous_owners if u) or (None,)
        self.env["res.partner"].flush_model(["commercial_partner_id", "parent_id"])
        self.env["crm.lead"].flush_model(["active", "user_id", "partner_id", "stage_id"])
        self.env["crm.stage"].flush_model(["is_won"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT 'res.partner', c.id FROM res_partner c
                 WHERE c.commercial_partner_id IN %(ids)s AND c.parent_id IS NOT NULL
                 UNION ALL
                SELECT 'crm.lead', l.id FROM crm_lead l
                 WHERE l.active
                   AND (l.user_id IS NULL OR l.user_id IN %(owners)s)
                   AND l.partner_id IN (SELECT lp.id FROM res_partner lp WHERE lp.commercial_partner_id IN %(ids)s)
                   AND l.stage_id IN (SELECT s.id FROM crm_stage s WHERE s.is_won IS NOT TRUE)
                """,
                ids=tuple(self.ids),
                owners=old_owner_ids,
            )
        )
        found = defaultdict(list)
        for model, record_id in rows:
            found[model].append(record_id)
        contacts = self.env["res.partner"].sudo().browse(found["res.partner"])
        if contacts:
            as_engine(contacts.with_context(tracking_disable=True)).write({"user_id": new_user_id or False})
        leads = self.env["crm.lead"].sudo().browse(found["crm.lead"])
        if leads:
            as_engine(leads.with_context(tracking_disable=True)).write({"user_id": new_user_id or False})

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
                row["note"] = pool_text.in_language(note, self.env.lang)
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
                    body = pool_text.render_body(payload, self.env.lang)
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
