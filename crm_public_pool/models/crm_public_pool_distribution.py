import ast
from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models, tools
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression
from odoo.tools import LazyTranslate

from ..logic import distribution
from ..logic.text_gate import literal_domain
from . import pool_text
from .engine_token import as_engine

_lt = LazyTranslate(__name__)

STRATEGIES = [
    ("user", "To One User"),
    ("round_robin", "Round-Robin"),
    ("least_loaded", "Least Loaded"),
    ("region", "By Region"),
    ("performance", "By Performance"),
    ("previous_owner", "Previous Contact First"),
]


class CrmPublicPoolDistribution(models.Model):
    """An automatic distribution rule of a pool: customers of a source go out by a strategy.

    Also holds the distribution engine shared with the Assign wizard: plan with the pure
    strategies of ``logic/distribution.py``, then apply with one move per receiving user.
    """

    _name = "crm.public.pool.distribution"
    _description = "Customer Pool Distribution Rule"
    _inherit = ["crm.public.pool.gate.mixin"]
    _order = "pool_id, sequence, id"

    pool_id = fields.Many2one("crm.public.pool", required=True, index=True, ondelete="cascade")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    source_id = fields.Many2one("utm.source", help="Empty: customers of any source.")
    domain = fields.Char(string="Filter", default="[]", help="Optional: only customers matching this filter.")
    strategy = fields.Selection(STRATEGIES, required=True, default="round_robin")
    user_id = fields.Many2one(
        "res.users", string="Assign To", domain=[("share", "=", False)], help="For the 'To One User' strategy."
    )

    @api.constrains("strategy", "user_id", "domain")
    def _check_rule(self):
        for rule in self:
            if rule.strategy == "user" and not rule.user_id:
                raise ValidationError(
                    self.env._("Distribution rule %s sends customers to one user: choose the user.", rule.display_name)
                )
            try:
                domain = rule._domain()
                self.env["res.partner"].sudo()._where_calc(domain)
            except (ValueError, SyntaxError, KeyError, TypeError, AssertionError) as error:
                raise ValidationError(
                    self.env._(
                        "The filter of distribution rule %(rule)s is invalid: %(error)s",
                        rule=rule.display_name,
                        error=error,
                    )
                ) from error

    @api.depends("pool_id", "source_id", "strategy")
    def _compute_display_name(self):
        labels = dict(self._fields["strategy"]._description_selection(self.env))
        for rule in self:
            source = rule.source_id.name or self.env._("Any source")
            rule.display_name = f"{source} → {labels.get(rule.strategy, '')}"

    def _domain(self):
        """The filter as a domain: written out, never a Python expression to run (logic.text_gate)."""
        self.ensure_one()
        return literal_domain(self.domain)

    # ------------------------------------------------------------------
    # Rules
    # ------------------------------------------------------------------

    @api.model
    def _distribute_entering(self, partners):
        """Apply the rules of their pools to customers that just entered a pool unowned."""
        pooled = partners.sudo().filtered(lambda p: p.pool_state == "pool")
        if not pooled:
            return {}
        rule_ids = self._rule_ids_by_pool()
        result = {}
        for pool, group in pooled.grouped("pool_id").items():
            pool_rules = self.sudo().browse(rule_ids.get(pool.id, ()))
            if pool_rules:
                result.update(pool_rules._distribute(group))
        return result

    @api.model
    @tools.ormcache()
    def _rule_ids_by_pool(self):
        """{pool id: ids of its active rules, in their order}, cached: every customer entering a
        pool unowned needs them. Rule creations, writes and deletions clear it (and the pools'
        deletions, which take their rules)."""
        rule_ids = defaultdict(list)
        for rule in self.sudo().search([("active", "=", True)]):
            rule_ids[rule.pool_id.id].append(rule.id)
        return {pool_id: tuple(ids) for pool_id, ids in rule_ids.items()}

    @api.model_create_multi
    def create(self, vals_list):
        rules = super().create(vals_list)
        self.env.registry.clear_cache()
        return rules

    def write(self, vals):
        res = super().write(vals)
        self.env.registry.clear_cache()
        return res

    def unlink(self):
        res = super().unlink()
        self.env.registry.clear_cache()
        return res

    def _distribute(self, partners):
        """Place pooled ``partners`` by these rules of one pool, first matching rule wins.

        Returns ``{reason code: count}`` of the customers left in the pool.
        """
        left = defaultdict(int)
        remaining = partners.sudo()
        for rule in self.sudo():
            matched = rule._select(remaining)
            if not matched:
                continue
            remaining -= matched
            plan, scores = self._plan(rule.pool_id, matched, rule.strategy, user=rule.user_id)
            self._apply_plan(
                rule.pool_id,
                [(partner_id, user_id) for partner_id, user_id, _reason in plan.assignments],
                rule.strategy,
                scores,
                rule=rule,
                last_user_id=plan.last_user_id,
                owed_user_ids=plan.owed_user_ids,
            )
            self._record_unplaced(plan)
            for code, count in plan.unplaced_counts().items():
                left[code] += count
        return dict(left)

    def _select(self, partners):
        self.ensure_one()
        matched = partners.filtered(lambda p: not self.source_id or p.source_id == self.source_id)
        domain = self._domain()
        if matched and domain:
            matched = matched.search(expression.AND([domain, [("id", "in", matched.ids)]]))
        return matched

    # ------------------------------------------------------------------
    # Engine
    # ------------------------------------------------------------------

    @api.model
    def _plan(self, pool, partners, strategy, user=None, users=None):
        """``(Plan, {user id: score})`` placing ``partners`` among the pool's members.

        ``users`` limits the members; ``user`` is the receiver of the 'user' strategy.
        """
        pool = pool.sudo()
        partners = partners.sudo()
        if strategy == "user":
            member = self._members(user, pool.company_id) if user and pool._is_member(user) else []
            return distribution.assign_to_user(self._items(partners, strategy), member[0] if member else None), {}
        candidates = pool.member_all_user_ids.filtered(lambda u: u.active and not u.share)
        if users:
            candidates &= users
        scores = self._performance_scores(pool, candidates) if strategy == "performance" else {}
        members = self._members(candidates, pool.company_id, scores)
        items = self._items(partners, strategy)
        if strategy == "round_robin":
            plan = distribution.round_robin(items, members, pool.rr_last_user_id.id or None, pool.rr_owed_user_ids.ids)
        elif strategy == "least_loaded":
            plan = distribution.least_loaded(items, members)
        elif strategy == "region":
            plan = distribution.by_region(items, self._region_table(pool), members)
        elif strategy == "performance":
            plan = distribution.by_performance(items, members)
        else:
            plan = distribution.previous_owner_first(items, members, fallback="least_loaded")
        return plan, scores

    @api.model
    def _members(self, users, company, scores=None):
        """The receivers as the strategies see them; loads and limits are those of ``company``'s pools."""
        counts = users._pool_owned_counts(company)
        absences = users._pool_absences()
        members = []
        for user in users:
            max_owned = user._pool_limits(company)[0]
            owned = counts.get(user.id, (0, 0))[0]
            members.append(
                distribution.Member(
                    user_id=user.id,
                    free_capacity=max(max_owned - owned, 0) if max_owned else None,
                    load=owned,
                    score=(scores or {}).get(user.id, 0.0),
                    absent=user.id in absences,
                )
            )
        return members

    @api.model
    def _items(self, partners, strategy):
        previous = self._previous_users(partners) if strategy == "previous_owner" else {}
        if strategy != "region":
            return [distribution.Item(id=pid, previous_user_ids=previous.get(pid, ())) for pid in partners.ids]
        return [
            distribution.Item(id=p.id, region_key=distribution.region_key(p.country_id.id, p.state_id.id, p.city))
            for p in partners
        ]

    @api.model
    def _previous_users(self, partners):
        """{partner id: (user ids)}: the last owner first, then whoever owned or followed it up, latest first."""
        if not partners:
            return {}
        self.env["crm.public.pool.log"].flush_model(["partner_id", "to_user_id", "from_user_id", "date"])
        self.env["crm.lead"].flush_model(["partner_id", "user_id", "write_date"])
        self.env.cr.execute(
            """
            SELECT partner_id, user_id, max(date) AS last
              FROM (SELECT partner_id, to_user_id AS user_id, date FROM crm_public_pool_log
                     WHERE partner_id IN %(ids)s AND to_user_id IS NOT NULL
                    UNION ALL
                    SELECT partner_id, from_user_id, date FROM crm_public_pool_log
                     WHERE partner_id IN %(ids)s AND from_user_id IS NOT NULL
                    UNION ALL
                    SELECT partner_id, user_id, write_date FROM crm_lead
                     WHERE partner_id IN %(ids)s AND user_id IS NOT NULL) contacts
             GROUP BY partner_id, user_id
             ORDER BY partner_id, last DESC, user_id
            """,
            {"ids": tuple(partners.ids)},
        )
        result = defaultdict(list)
        for partner in partners:
            if partner.pool_previous_user_id:
                result[partner.id].append(partner.pool_previous_user_id.id)
        for partner_id, user_id, _last in self.env.cr.fetchall():
            if user_id not in result[partner_id]:
                result[partner_id].append(user_id)
        return {partner_id: tuple(user_ids) for partner_id, user_ids in result.items()}

    @api.model
    def _region_table(self, pool):
        table = defaultdict(set)
        for region in pool.region_ids:
            key = distribution.region_key(region.country_id.id, region.state_id.id, region.city)
            table[key].update(region._user_ids())
        return dict(table)

    @api.model
    def _performance_scores(self, pool, users):
        """Scores in [0, 1] of ``users`` over the pool's period, weighted as the pool says."""
        weights = pool._performance_weights()
        if not any(weights.values()):
            raise UserError(
                self.env._(
                    "Pool %s has no positive performance weight: set one on the pool's Distribution page.", pool.name
                )
            )
        since = fields.Datetime.now() - timedelta(days=pool.performance_period_days)
        Lead = self.env["crm.lead"].sudo().with_context(active_test=False)
        metrics = {user.id: dict.fromkeys(weights, 0.0) for user in users}
        won = Lead._read_group(
            [("user_id", "in", users.ids), ("stage_id.is_won", "=", True), ("date_closed", ">=", since)],
            ["user_id"],
            ["expected_revenue:sum", "__count"],
        )
        for user, revenue, count in won:
            metrics[user.id].update(won_revenue=revenue, won_count=count)
        created = Lead._read_group(
            [("user_id", "in", users.ids), ("create_date", ">=", since)], ["user_id"], ["__count"]
        )
        for user, count in created:
            metrics[user.id]["inquiries"] = count
        return distribution.performance_scores(metrics, weights)

    @api.model
    def _apply_plan(
        self, pool, assignments, strategy, scores=None, rule=None, last_user_id=None, owed_user_ids=None, note=None
    ):
        """Move ``assignments`` ``[(partner id, user id)]``: one move per receiving user.

        Pooled customers are logged 'assign', owned ones 'transfer'; the note and the log's
        distribution fields carry the strategy, the receiver's score and the rule.
        Round-robin keeps its cursor and the turns it owes absent members on the pool. Returns how
        many background jobs do the moves (0 here: done at once; see crm_public_pool_queue).
        """
        if (
            strategy == "round_robin"
            and owed_user_ids is not None
            and set(owed_user_ids) != set(pool.sudo().rr_owed_user_ids.ids)
        ):
            pool.sudo().rr_owed_user_ids = [(6, 0, owed_user_ids)]
        if not assignments:
            return 0
        scores = scores or {}
        by_user = defaultdict(list)
        for partner_id, user_id in assignments:
            by_user[user_id].append(partner_id)
        Partner = self.env["res.partner"]
        Partner.browse([partner_id for partner_id, _user_id in assignments])._pool_lock_rows()
        for user_id in sorted(by_user):
            user = self.env["res.users"].browse(user_id)
            score = scores.get(user_id)
            # Stored as what happened, read in each reader's language (pool_text).
            text = pool_text.Joined(
                [
                    _lt("Distribution: %s", pool_text.Choice(self._name, "strategy", strategy)),
                    _lt(", score %.4f", score) if score is not None else None,
                    _lt(", rule %s", pool_text.Name(rule.with_context(lang="en_US"), "display_name")) if rule else None,
                ],
                sep="",
            )
            if note:
                text = pool_text.Joined([note, text])
            info = {
                "distribution_strategy": strategy,
                "distribution_score": score or 0.0,
                "distribution_id": rule.id if rule else False,
            }
            partners = as_engine(Partner.browse(by_user[user_id]), distribution=info)
            pooled = partners.filtered(lambda p: p.pool_state == "pool")
            pooled._pool_move_to_owner(user, "assign", text)
            (partners - pooled)._pool_move_to_owner(user, "transfer", text)
        if strategy == "round_robin" and last_user_id:
            pool.sudo().rr_last_user_id = last_user_id
        return 0

    @api.model
    def _reason_label(self, strategy, reason):
        """A line's reason for a user, from the strategy's reason code."""
        if reason.startswith("by_region "):
            country_id, state_id, city = ast.literal_eval(reason.split(" ", 1)[1])
            names = [
                self.env["res.country"].browse(country_id).name,
                self.env["res.country.state"].browse(state_id).name if state_id else None,
                city,
            ]
            return self.env._("Region %s", " / ".join(filter(None, names)))
        labels = {
            "assign_to_user": self.env._("Chosen user"),
            "round_robin": self.env._("Round-robin turn"),
            "round_robin_owed": self.env._("Round-robin turn missed while away"),
            "least_loaded": self.env._("Most free capacity"),
            "previous_owner_first": self.env._("Owned or followed it up before"),
        }
        if reason.startswith("by_performance"):
            return (
                self.env._("Share by performance score")
                if "round_robin" not in reason
                else self.env._("All scores 0: round-robin turn")
            )
        label = labels.get(reason, reason)
        if strategy == "previous_owner" and reason == "least_loaded":
            label = self.env._("No previous contact available: most free capacity")
        return label

    @api.model
    def _unplaced_label(self, code):
        return pool_text.in_language(self._unplaced_text(code), self.env.lang, self.env)

    @api.model
    def _unplaced_text(self, code):
        """Why a plan left a customer in the pool, as a text of the pool (stored for every reader)."""
        return {
            distribution.CAPACITY: _lt("every eligible member is at their customer limit"),
            distribution.NO_MEMBER: _lt("no eligible member"),
            distribution.NO_REGION: _lt("no row of the region map matches the address"),
            distribution.NO_PREVIOUS_OWNER: _lt("no previous contact is a member with room"),
            distribution.ABSENT: _lt("every eligible member with room is paused, on leave or archived"),
        }.get(code, code)

    @api.model
    def _record_unplaced(self, plan):
        """Let each customer a plan leaves in the pool say why."""
        self.env["res.partner"]._pool_record_unplaced(
            {partner_id: self._unplaced_text(code) for partner_id, code in plan.unplaced}
        )
