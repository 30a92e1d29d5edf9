from odoo import api, fields, models, tools
from odoo.exceptions import UserError, ValidationError

# Fields that reveal a masked field's value under another name.
MASK_ALIASES = {
    "phone_sanitized": ("phone", "mobile"),
    "phone_mobile_search": ("phone", "mobile"),
    "email_normalized": ("email",),
    "email_formatted": ("email",),
}


class CrmPublicPool(models.Model):
    _name = "crm.public.pool"
    _description = "Customer Pool"
    _inherit = ["mail.thread"]
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    active = fields.Boolean(default=True, tracking=True)
    sequence = fields.Integer(default=10)
    color = fields.Integer()
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
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
    daily_claim_limit = fields.Integer(
        help="Customers one member may claim from this pool per day (0 = no limit)."
    )
    reclaim_cooldown_days = fields.Integer(
        string="Re-claim Cool-down (days)",
        help="Days before the previous owner may claim a customer back.",
    )
    entry_lock_hours = fields.Integer(
        help="Hours a customer stays locked after entering the pool (admins are exempt)."
    )
    claim_requires_approval = fields.Boolean(
        help="Claims become requests that a pool administrator approves."
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
    partner_ids = fields.One2many("res.partner", "pool_id", string="Pool Customers")
    partner_count = fields.Integer(string="Customers", compute="_compute_partner_counts")
    pooled_count = fields.Integer(string="In Pool", compute="_compute_partner_counts")
    owned_count = fields.Integer(string="Owned", compute="_compute_partner_counts")
    request_count = fields.Integer(string="Claim Requests", compute="_compute_request_count")

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
        groups = self.env["res.partner"].sudo()._read_group(
            [("pool_id", "in", self.ids), ("pool_state", "!=", False),
             "|", ("is_company", "=", True), ("parent_id", "=", False)],
            ["pool_id", "pool_state"],
            ["__count"],
        )
        counts = {}
        for pool, state, count in groups:
            counts.setdefault(pool.id, {})[state] = count
        for pool in self:
            by_state = counts.get(pool.id, {})
            pool.pooled_count = by_state.get("pool", 0)
            pool.owned_count = by_state.get("private", 0)
            pool.partner_count = pool.pooled_count + pool.owned_count

    def _compute_request_count(self):
        groups = self.env["crm.public.pool.claim.request"].sudo()._read_group(
            [("pool_id", "in", self.ids), ("state", "=", "pending")], ["pool_id"], ["__count"]
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
        for vals in vals_list:
            if vals.get("is_default") and vals.get("active", True):
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                self._check_no_other_default(company, vals.get("name"))
        pools = super().create(vals_list)
        self.env.registry.clear_cache()
        return pools

    def write(self, vals):
        if vals.get("is_default"):
            for pool in self:
                company = self.env["res.company"].browse(vals.get("company_id")) or pool.company_id
                self._check_no_other_default(company, vals.get("name", pool.name), exclude=pool)
        if vals.get("active") is False:
            self._check_empty(self.env._("archived"))
        res = super().write(vals)
        if {"masked_field_ids", "admin_user_ids", "active", "company_id"} & set(vals):
            self.env.registry.clear_cache()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_holding_customers(self):
        self._check_empty(self.env._("deleted"))

    def _check_empty(self, what):
        for pool in self:
            count = self.env["res.partner"].sudo().with_context(active_test=False).search_count(
                [("pool_id", "=", pool.id), ("pool_state", "!=", False)]
            )
            if count:
                raise UserError(
                    self.env._(
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
        action["context"] = {
            "default_pool_id": self.id,
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
        partners = self.env["res.partner"].browse(partner_ids)
        user = self.env["res.users"].browse(user_id)
        if not user.exists():
            raise UserError(self.env._("User %s does not exist.", user_id))
        self._check_admin()
        strangers = partners.filtered(lambda p: p.sudo().pool_id != self)
        if strangers:
            raise UserError(
                self.env._(
                    "%(count)s customers are not in pool %(pool)s: %(names)s",
                    count=len(strangers),
                    pool=self.name,
                    names=", ".join(strangers.sudo().mapped("display_name")[:5]),
                )
            )
        partners._pool_move_to_owner(user, "assign")
        return True

    def _is_member(self, user):
        self.ensure_one()
        return user in self.sudo().member_all_user_ids or self._is_admin(user)

    def _is_admin(self, user):
        self.ensure_one()
        if user._is_superuser() or user.has_group("crm_public_pool.group_pool_manager"):
            return True
        return user in self.sudo().admin_user_ids and user.has_group("crm_public_pool.group_pool_admin")

    def _check_admin(self):
        user = self.env.user
        for pool in self:
            if not pool._is_admin(user):
                raise UserError(
                    self.env._("Only administrators of pool %(pool)s may do this, and %(user)s is not one.",
                      pool=pool.name, user=user.name)
                )

    @api.model
    def _get_default_pool(self, company=None):
        company = company or self.env.company
        return self.sudo().search(
            [("company_id", "=", company.id), ("is_default", "=", True)], limit=1
        )

    @api.model
    @tools.ormcache("self.env.uid", "self.env.su")
    def _masking_pools_by_field(self):
        """{field name: ids of pools masking it for the current user}.

        Empty for managers and the superuser; pools the user administers do not
        mask. Cached per user; pool writes clear the cache.
        """
        user = self.env.user
        if self.env.su or user.has_group("crm_public_pool.group_pool_manager"):
            return {}
        result = {}
        for pool in self.sudo().with_context(active_test=False).search([("masked_field_ids", "!=", False)]):
            if pool._is_admin(user):
                continue
            for fname in pool.masked_field_ids.mapped("name"):
                result.setdefault(fname, set()).add(pool.id)
        for alias, sources in MASK_ALIASES.items():
            pools = set().union(*(result.get(src, set()) for src in sources))
            if pools:
                result[alias] = pools
        return {fname: tuple(sorted(ids)) for fname, ids in result.items()}
