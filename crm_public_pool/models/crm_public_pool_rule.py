from collections import defaultdict
from datetime import timedelta

from odoo import SUPERUSER_ID, api, fields, models, tools
from odoo.exceptions import ValidationError
from odoo.tools import SQL
from odoo.tools.safe_eval import datetime as safe_datetime
from odoo.tools.safe_eval import dateutil, safe_eval

from ..logic.bounds import SETTING_BOUNDS
from ..logic.recycle import level_days, positional_template, shortest_days
from .checks import check_bounds, check_integers
from .engine_token import engine_fetchall

RULE_TYPES = [
    ("no_followup", "No Follow-up"),
    ("no_opportunity", "No New Opportunity"),
    ("not_won", "Not Won"),
    ("low_revenue", "Low Revenue"),
    ("domain", "Custom Filter"),
]
DATE_RULE_TYPES = ("no_followup", "no_opportunity", "not_won", "low_revenue")
# Rows moved per statement: large enough to amortise a round trip, small enough to commit often.
RECYCLE_BATCH_SIZE = 5000


# The customer columns the recycle statements read (``p.*`` in the SQL below and in the bridges).
RECYCLE_PARTNER_FIELDS = [
    "active",
    "commercial_partner_id",
    "company_id",
    "is_company",
    "parent_id",
    "pool_claim_date",
    "pool_id",
    "pool_last_followup_date",
    "pool_level",
    "pool_locked",
    "pool_recycle_date",
    "pool_state",
    "pool_warned_date",
    "user_id",
]


class CrmPublicPoolRule(models.Model):
    """A recycle rule: customers matching any active rule of their pool return to it."""

    _name = "crm.public.pool.rule"
    _description = "Customer Pool Recycle Rule"
    _inherit = ["crm.public.pool.gate.mixin"]
    _order = "sequence, id"

    pool_id = fields.Many2one("crm.public.pool", required=True, ondelete="cascade", index=True)
    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(related="pool_id.company_id", store=True)
    rule_type = fields.Selection(RULE_TYPES, required=True, default="no_followup")
    days = fields.Integer(default=30, help="Days without the event before the customer is recycled.")
    day_basis = fields.Selection(
        [("calendar", "Calendar Days"), ("working", "Working Days")],
        string="Count",
        default="calendar",
        required=True,
        help="Working days: the days worked in the working hours of the pool's company (Settings > Working"
        " Hours), without its public holidays and with its moved working days (调休). The warning window"
        " counts the same days.",
    )
    days_a = fields.Integer(string="Days (level A)", help="0 = use Days.")
    days_b = fields.Integer(string="Days (level B)", help="0 = use Days.")
    days_c = fields.Integer(string="Days (level C)", help="0 = use Days.")
    days_d = fields.Integer(string="Days (level D)", help="0 = use Days.")
    amount = fields.Monetary(currency_field="currency_id", help="Low revenue: revenue below this amount.")
    revenue_source = fields.Selection(
        [("opportunity", "Won Opportunities")],
        default="opportunity",
        required=True,
        help="Low revenue: what counts as revenue in the period, in the company currency.",
    )
    warn_manager = fields.Boolean(
        string="Warn the Team Leader Too",
        help="The leader of the owner's sales team gets the warning in the same daily digest.",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    domain = fields.Char(default="[]", help="Custom filter: customers matching it are recycled.")
    include_won = fields.Boolean(
        string="Recycle Won Customers Too",
        help="Not won: when unchecked, customers with a won opportunity are exempt.",
    )
    include_open_opportunities = fields.Boolean(
        string="Recycle With Open Opportunities",
        help="When unchecked, a customer with an open opportunity or a planned activity is never recycled.",
    )
    warn_days = fields.Integer(default=3, help="Days before recycling when the owner is warned.")
    target_pool_id = fields.Many2one("crm.public.pool", string="Recycle Into", help="Empty = the customer's own pool.")

    _sql_constraints = [
        (
            "days_positive",
            "CHECK(days >= 0 AND days_a >= 0 AND days_b >= 0 AND days_c >= 0 AND days_d >= 0 AND warn_days >= 0)",
            "Recycle days cannot be negative.",
        ),
    ]

    # ------------------------------------------------------------------
    # Constraints and CRUD
    # ------------------------------------------------------------------

    @api.constrains(*SETTING_BOUNDS["crm.public.pool.rule"])
    def _check_setting_bounds(self):
        check_bounds(self)

    @api.constrains("rule_type", "domain")
    def _check_domain(self):
        for rule in self.filtered(lambda r: r.rule_type == "domain"):
            try:
                domain = rule._parsed_domain()
            except Exception as error:  # noqa: BLE001 - any parse error is the user's to fix
                raise ValidationError(
                    self.env._("The filter of rule %(rule)s cannot be read: %(error)s", rule=rule.name, error=error)
                ) from error
            if not isinstance(domain, list):
                raise ValidationError(
                    self.env._(
                        "The filter of rule %(rule)s must be a list of conditions, not %(value)s.",
                        rule=rule.name,
                        value=rule.domain,
                    )
                )
            try:
                with self.env.cr.savepoint():
                    self.env["res.partner"].sudo().search(domain, limit=1)
            except Exception as error:  # noqa: BLE001 - the search reports what is wrong
                raise ValidationError(
                    self.env._(
                        "The filter of rule %(rule)s is not valid on customers: %(error)s", rule=rule.name, error=error
                    )
                ) from error

    @api.model_create_multi
    def create(self, vals_list):
        check_integers(self, vals_list)
        rules = super().create(vals_list)
        self.env.registry.clear_cache()
        rules.pool_id._recycle_refresh_dates()
        return rules

    def write(self, vals):
        check_integers(self, [vals])
        pools = self.pool_id
        res = super().write(vals)
        self.env.registry.clear_cache()
        (pools | self.pool_id)._recycle_refresh_dates()
        return res

    def unlink(self):
        pools = self.pool_id
        res = super().unlink()
        self.env.registry.clear_cache()
        pools._recycle_refresh_dates()
        return res

    # ------------------------------------------------------------------
    # Recycle engine: every rule is a SQL condition on ``res_partner p``
    # ------------------------------------------------------------------

    @api.model
    @tools.ormcache()
    def _recycle_warn_days_by_pool(self):
        """{pool id: longest warning window} of pools with active rules; empty pools are skipped cheaply."""
        result = {}
        for rule in self.sudo().search([("active", "=", True)]):
            result[rule.pool_id.id] = max(result.get(rule.pool_id.id, 0), rule.warn_days)
        return result

    @api.model
    @tools.ormcache()
    def _recycle_rule_rows(self):
        """The active rules as the ORM fetches them, kept by the registry: ({pool id: (rule ids by
        sequence, id)}, the column names, {rule id: the row's values}). Every claim and follow-up
        plans a recycle date with the rules; reading them again would cost each one a query.

        The columns are those the ORM fetches together on the first read of a rule's field, in its
        cache's formats: a translated name as its JSON of every language. Rule changes clear the
        cache (create, write, unlink; a translation ends in a write), and so do the pool's company (the stored
        ``company_id``) and the pool's deletion (its rules go with it).
        """
        self.flush_model()
        columns = tuple(
            name
            for name, field in self._fields.items()
            if field.store and field.column_type and field.prefetch is True and name != "id"
        )
        rows = self.env.execute_query(
            SQL(
                "SELECT id, %s FROM crm_public_pool_rule WHERE active ORDER BY pool_id, sequence, id",
                SQL(", ").join(SQL.identifier(name) for name in columns),
            )
        )
        pool_index = columns.index("pool_id")
        ids_by_pool = defaultdict(tuple)
        for row in rows:
            ids_by_pool[row[1 + pool_index]] += (row[0],)
        return dict(ids_by_pool), columns, {row[0]: tuple(row[1:]) for row in rows}

    @api.model
    def _recycle_rule_ids_by_pool(self):
        """{pool id: (active rule ids by sequence, id)}."""
        return self._recycle_rule_rows()[0]

    @api.model
    def _recycle_active_rules(self, pool_ids):
        """The active rules of these pools (sudo), by pool, sequence and id, their fields put in the
        cache from the registry's copy as a fetch of the database would put them: no query. What
        the cache holds already (a value this transaction wrote) is kept."""
        ids_by_pool, columns, values = self._recycle_rule_rows()
        rules = self.sudo().browse(
            [rule_id for pool_id in sorted(pool_ids) for rule_id in ids_by_pool.get(pool_id, ())]
        )
        if not rules:
            return rules
        lang = rules.env.lang or "en_US"
        for name, column in zip(columns, zip(*(values[rule_id] for rule_id in rules.ids), strict=True), strict=True):
            field = self._fields[name]
            if field.translate:
                # As the ORM's read in the current language: the language's text, else the English one.
                column = [None if texts is None else texts.get(lang, texts.get("en_US")) for texts in column]
            self.env.cache.insert_missing(rules, field, column)
        return rules

    @api.model
    @tools.ormcache()
    def _recycle_working_calendar_by_pool(self):
        """{pool id: (resource.calendar id, its time zone)} of pools with an active rule counting
        working days: the company's calendar (rule and company changes clear the cache)."""
        result = {}
        for rule in self.sudo().search([("active", "=", True), ("day_basis", "=", "working")]):
            calendar = (rule.pool_id.company_id or self.env.company).resource_calendar_id
            if calendar:
                result[rule.pool_id.id] = (calendar.id, calendar.tz or "UTC")
        return result

    def _parsed_domain(self):
        self.ensure_one()
        context = {
            "uid": self.env.uid,
            "datetime": safe_datetime,
            "relativedelta": dateutil.relativedelta.relativedelta,
            "context_today": lambda: fields.Date.context_today(self),
        }
        return safe_eval(self.domain or "[]", context)

    def _days_by_level(self):
        return level_days(self.days, {"a": self.days_a, "b": self.days_b, "c": self.days_c, "d": self.days_d})

    def _days_sql(self):
        by_level = self._days_by_level()
        return SQL(
            "(CASE p.pool_level WHEN 'a' THEN %s WHEN 'b' THEN %s WHEN 'c' THEN %s WHEN 'd' THEN %s ELSE %s END)",
            by_level["a"],
            by_level["b"],
            by_level["c"],
            by_level["d"],
            self.days,
        )

    def _shortest_days(self):
        return shortest_days(self.days, {"a": self.days_a, "b": self.days_b, "c": self.days_c, "d": self.days_d})

    @api.model
    def _warning_activity_type_id(self):
        return (
            self.env["ir.model.data"]._xmlid_to_res_id(
                "crm_public_pool.mail_activity_type_pool_recycle", raise_if_not_found=False
            )
            or None
        )

    @api.model
    def _accept_activity_type_id(self):
        return (
            self.env["ir.model.data"]._xmlid_to_res_id(
                "crm_public_pool.mail_activity_type_pool_accept", raise_if_not_found=False
            )
            or None
        )

    @api.model
    def _own_activity_type_ids(self):
        """The pool's own To-Dos (recycle warning, acceptance): no follow-up plan, gone when the customer returns."""
        return tuple(filter(None, (self._warning_activity_type_id(), self._accept_activity_type_id()))) or (0,)

    def _scope_sql(self, now):
        """Owned, unlocked, active customers of the rule's pool that the rule may recycle."""
        scope = SQL(
            """p.pool_id = %s AND p.pool_state = 'private' AND p.pool_locked IS NOT TRUE AND p.active
               AND p.user_id IS NOT NULL AND (p.is_company OR p.parent_id IS NULL)""",
            self.pool_id.id,
        )
        if self.include_open_opportunities:
            return scope
        # Only the owner's open opportunities and plans hold the customer (a colleague's must not keep
        # it out of the rules), and plans only up to the company's horizon (pool_followup_plan_days).
        # Our own To-Dos are planned activities too: the warning must not stop the recycle it announces.
        scope = SQL(
            """%s
               AND NOT EXISTS (SELECT 1 FROM crm_lead l
                                 JOIN res_partner lp ON lp.id = l.partner_id
                                 LEFT JOIN crm_stage s ON s.id = l.stage_id
                                WHERE lp.commercial_partner_id = p.id AND l.active AND l.type = 'opportunity'
                                  AND (l.user_id IS NULL OR l.user_id = p.user_id)
                                  AND s.is_won IS NOT TRUE)""",
            scope,
        )
        # The horizon is read in the statement itself: no query of its own on the recycle's hot path.
        self.env["res.company"].flush_model(["pool_followup_plan_days"])
        return SQL(
            """%s
               AND NOT EXISTS (SELECT 1 FROM mail_activity a JOIN res_company hc ON hc.id = %s
                                WHERE a.res_model = 'res.partner' AND a.res_id = p.id AND a.user_id = p.user_id
                                  AND hc.pool_followup_plan_days > 0
                                  AND a.date_deadline >= %s
                                  AND a.date_deadline <= %s::date + hc.pool_followup_plan_days
                                  AND (a.activity_type_id IS NULL OR a.activity_type_id NOT IN %s))""",
            scope,
            self.pool_id.company_id.id,
            now.date(),
            now.date(),
            self._own_activity_type_ids(),
        )

    def _won_leads_sql(self, since=None):
        condition = SQL(
            """SELECT 1 FROM crm_lead l JOIN res_partner lp ON lp.id = l.partner_id JOIN crm_stage s ON s.id = l.stage_id
                WHERE lp.commercial_partner_id = p.id AND l.active AND s.is_won"""
        )
        if since is not None:
            condition = SQL("%s AND l.date_closed >= %s", condition, since)
        return condition

    def _working_time(self):
        """(calendar, time zone) a working-day rule counts on; None for calendar days."""
        self.ensure_one()
        if self.day_basis != "working":
            return None
        cached = self._recycle_working_calendar_by_pool().get(self.pool_id.id) if self.active else None
        if cached:
            return self.env["resource.calendar"].sudo().browse(cached[0]), cached[1]
        calendar = (self.pool_id.company_id or self.env.company).sudo().resource_calendar_id
        return (calendar, calendar.tz or "UTC") if calendar else None

    def _day_arithmetic(self, now):
        """(later, elapsed): SQL of a moment plus some days, and of the days from a moment to ``now``,
        in the rule's days: calendar days, or working days of the company's calendar."""
        working_time = self._working_time()
        if not working_time:
            return (
                lambda moment, days: SQL("%s + make_interval(days => %s)", moment, days),
                lambda moment: SQL("floor(extract(epoch FROM %s - %s) / 86400)::int", now, moment),
            )
        calendar, tz = working_time
        workdays = self.env["crm.public.pool.workday"]
        table = workdays._workday_table(calendar)
        return (
            lambda moment, days: workdays._workday_add_sql(tz, table, moment, days),
            lambda moment: SQL(
                "coalesce(%s - %s, floor(extract(epoch FROM %s - %s) / 86400)::int)",
                workdays._workday_index_sql(tz, table, SQL("%s::timestamp", now)),
                workdays._workday_index_sql(tz, table, moment),
                now,
                moment,
            ),
        )

    def _warn_horizon(self, now):
        """The end of the warning window opening at ``now``: ``warn_days`` of the rule's days later."""
        if not self._working_time():
            return now + timedelta(days=self.warn_days)
        later, _elapsed = self._day_arithmetic(now)
        return self.env.execute_query(SQL("SELECT %s", later(SQL("%s::timestamp", now), self.warn_days)))[0][0]

    def _note_text(self, calendar_days, working_days):
        return working_days if self.day_basis == "working" and self._working_time() else calendar_days

    def _criteria(self, now):
        """(deadline, condition, prefilter, note) of the rule as SQL on ``p``.

        ``deadline`` is when a customer meeting ``condition`` becomes due (None: due at once);
        ``prefilter`` is an index-friendly necessary condition of ``deadline <= now``.
        """
        self.ensure_one()
        days = self._days_sql()
        prefix = (self.name or "").replace("%", "%%") + ": "
        later, elapsed = self._day_arithmetic(now)

        def note(template, names, *values):
            if self.env.context.get("pool_note_message"):
                # The same note as the message and values each reader renders (crm_public_pool_log).
                return SQL(
                    "jsonb_build_object('module', %s, 'source', %s, 'args', jsonb_build_object(%s), 'rule', true)",
                    "crm_public_pool",
                    template,
                    SQL(", ").join(SQL("%s, %s", name, value) for name, value in zip(names, values, strict=True)),
                )
            return SQL("format(%s, %s)", prefix + positional_template(template, names), SQL(", ").join(values))

        if self.rule_type == "no_followup":
            anchor = SQL("greatest(p.pool_last_followup_date, p.pool_claim_date)")
            return (
                later(anchor, days),
                SQL("TRUE"),
                SQL("%s <= %s", anchor, now - timedelta(days=self._shortest_days())),
                note(
                    self._note_text(
                        self.env._("no follow-up for %(days)s days, limit %(limit)s"),
                        self.env._("no follow-up for %(days)s working days, limit %(limit)s"),
                    ),
                    ["days", "limit"],
                    elapsed(anchor),
                    days,
                ),
            )
        claim_deadline = later(SQL("p.pool_claim_date"), days)
        claim_prefilter = SQL("p.pool_claim_date <= %s", now - timedelta(days=self._shortest_days()))
        since_claim = elapsed(SQL("p.pool_claim_date"))
        if self.rule_type == "no_opportunity":
            anchor = SQL(
                """greatest(p.pool_claim_date, (SELECT max(l.create_date) FROM crm_lead l JOIN res_partner lp ON lp.id = l.partner_id
                                                 WHERE lp.commercial_partner_id = p.id))"""
            )
            return (
                later(anchor, days),
                SQL("TRUE"),
                claim_prefilter,
                note(
                    self._note_text(
                        self.env._("no new opportunity for %(days)s days, limit %(limit)s"),
                        self.env._("no new opportunity for %(days)s working days, limit %(limit)s"),
                    ),
                    ["days", "limit"],
                    elapsed(anchor),
                    days,
                ),
            )
        if self.rule_type == "not_won":
            won = self._won_leads_sql(None if not self.include_won else SQL("p.pool_claim_date"))
            return (
                claim_deadline,
                SQL("NOT EXISTS (%s)", won),
                claim_prefilter,
                note(
                    self._note_text(
                        self.env._("no opportunity won in %(days)s days since the claim, limit %(limit)s"),
                        self.env._("no opportunity won in %(days)s working days since the claim, limit %(limit)s"),
                    ),
                    ["days", "limit"],
                    since_claim,
                    days,
                ),
            )
        if self.rule_type == "low_revenue":
            revenue, template = self._revenue_sql(later(SQL("%s::timestamp", now), SQL("-%s", days)))
            return (
                claim_deadline,
                SQL("%s < %s", revenue, self.amount),
                claim_prefilter,
                note(template, ["revenue", "days", "limit"], revenue, days, SQL("%s", self.amount)),
            )
        query = self.env["res.partner"].sudo().with_context(active_test=False)._search(self._parsed_domain())
        return (
            None,
            SQL("p.id IN %s", query.subselect()),
            SQL("TRUE"),
            note(self.env._("matches the filter %(domain)s"), ["domain"], SQL("%s", self.domain)),
        )

    def _note_message_sql(self, now):
        """The note of ``_criteria`` as a JSON payload of its English message and values."""
        return self.with_context(lang="en_US", pool_note_message=True)._criteria(now)[3]

    def _revenue_sql(self, since):
        """(revenue of ``p`` since ``since`` as SQL, note template) for the rule's revenue source.

        Bridge addons add sources; each is one correlated sub-query, so the recycle stays one
        statement per batch.
        """
        self.ensure_one()
        return (
            SQL(
                """coalesce((SELECT sum(l.expected_revenue) FROM crm_lead l JOIN res_partner lp ON lp.id = l.partner_id
                              JOIN crm_stage s ON s.id = l.stage_id
                             WHERE lp.commercial_partner_id = p.id AND l.active AND s.is_won
                               AND l.date_closed >= %s), 0)""",
                since,
            ),
            self.env._("won revenue %(revenue)s in the last %(days)s days, below %(limit)s"),
        )

    def _due_where(self, now):
        deadline, condition, prefilter, _note = self._criteria(now)
        where = SQL("%s AND %s AND %s", self._scope_sql(now), prefilter, condition)
        if deadline is not None:
            where = SQL("%s AND %s <= %s", where, deadline, now)
        return where

    def _recycle_preview_rows(self, now, exclude_ids=()):
        """[(partner id, owner id, note)] the rule would recycle at ``now``, without locking."""
        self.ensure_one()
        _deadline, _condition, _prefilter, note = self._criteria(now)
        excluded = SQL("AND p.id NOT IN %s", tuple(exclude_ids)) if exclude_ids else SQL()
        return self.env.execute_query(
            SQL(
                "SELECT p.id, p.user_id, %s FROM res_partner p WHERE %s %s ORDER BY p.id",
                note,
                self._due_where(now),
                excluded,
            )
        )

    def _recycle_explain(self, partner_ids, now):
        """{partner id: (deadline, note)} of the rule for the given customers it would recycle."""
        self.ensure_one()
        deadline, condition, _prefilter, note = self._criteria(now)
        rows = self.env.execute_query(
            SQL(
                "SELECT p.id, %s, %s FROM res_partner p WHERE p.id IN %s AND %s AND %s",
                deadline if deadline is not None else SQL("%s::timestamp", now),
                note,
                tuple(partner_ids),
                self._scope_sql(now),
                condition,
            )
        )
        return {partner_id: (date, text) for partner_id, date, text in rows}

    def _recycle_bounds(self, now, batch_size):
        """Lowest id of each run of ``batch_size`` due customers (by id): the starts of disjoint batches."""
        return self._recycle_ranges(now, batch_size)[0]

    def _recycle_ranges(self, now, batch_size):
        """(starts of the disjoint batches, number of due customers) in one pass over the due ones."""
        self.ensure_one()
        rows = self.env.execute_query(
            SQL(
                """SELECT id, total FROM (SELECT p.id, row_number() OVER (ORDER BY p.id) AS rank,
                                                 count(*) OVER () AS total
                                            FROM res_partner p WHERE %s) due
                    WHERE mod(rank, %s) = 1 ORDER BY id""",
                self._due_where(now),
                batch_size,
            )
        )
        return [row[0] for row in rows], rows[0][1] if rows else 0

    def _recycle_batch(self, now, batch_size, id_range=None):
        """Recycle up to ``batch_size`` due customers in one statement; return their (id, old owner).

        ``id_range`` ``(low, high)`` (``high`` None: no end) keeps the batch to those ids, so
        batches run in parallel never wait for each other's rows.
        """
        self.ensure_one()
        _deadline, _condition, _prefilter, note = self._criteria(now)
        where = self._due_where(now)
        if id_range:
            low, high = id_range
            where = SQL("%s AND p.id >= %s", where, low)
            if high is not None:
                where = SQL("%s AND p.id < %s", where, high)
        self.env.flush_all()
        # Moves and their audit rows in one statement: the engine's (res_partner_guard.py).
        return engine_fetchall(
            self.env.cr,
            SQL(
                """
                WITH due AS (
                    SELECT p.id, p.user_id AS old_user_id, p.pool_id AS old_pool_id, %(note)s AS note,
                           %(note_message)s AS note_message
                      FROM res_partner p
                     WHERE %(where)s
                     ORDER BY p.id
                     LIMIT %(limit)s
                       FOR NO KEY UPDATE OF p SKIP LOCKED
                ), moved AS (
                    UPDATE res_partner p
                       SET pool_state = 'pool', user_id = NULL, pool_previous_user_id = due.old_user_id,
                           pool_id = coalesce(%(target)s, p.pool_id), pool_enter_date = %(now)s,
                           pool_recycle_date = NULL, pool_warned_date = NULL, pool_accept_deadline = NULL,
                           write_uid = %(uid)s, write_date = %(now)s
                      FROM due
                     WHERE p.id = due.id
                 RETURNING p.id, p.name, p.company_id, p.pool_id, due.old_user_id, due.old_pool_id, due.note,
                           due.note_message
                ), contacts AS (
                    UPDATE res_partner c
                       SET user_id = NULL, pool_state = 'pool', pool_id = m.pool_id, write_uid = %(uid)s, write_date = %(now)s
                      FROM moved m
                     WHERE c.commercial_partner_id = m.id AND c.id <> m.id
                ), leads AS (
                    -- As crm.lead._pool_follow on the ORM path: every lead of the customer, archived
                    -- ones included; open ones become unassigned, won and lost ones keep their
                    -- salesperson and are detached from the customer.
                    UPDATE crm_lead l
                       SET user_id = CASE WHEN %(lead_open)s THEN NULL ELSE l.user_id END,
                           pool_detached = NOT (%(lead_open)s), write_uid = %(uid)s, write_date = %(now)s
                      FROM res_partner c JOIN moved m ON m.id = c.commercial_partner_id
                     WHERE l.partner_id = c.id
                ), warnings AS (
                    DELETE FROM mail_activity a USING moved m
                     WHERE a.res_model = 'res.partner' AND a.res_id = m.id AND a.activity_type_id IN %(own_types)s
                )
                INSERT INTO crm_public_pool_log
                       (date, partner_id, partner_name, pool_id, from_pool_id, action, user_id, from_user_id,
                        rule_id, note, note_message, company_id, create_uid, create_date, write_uid, write_date)
                SELECT %(now)s, m.id, m.name, m.pool_id, CASE WHEN m.pool_id <> m.old_pool_id THEN m.old_pool_id END,
                       'recycle', %(uid)s, m.old_user_id, %(rule)s, m.note, m.note_message,
                       coalesce(m.company_id, %(company)s), %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM moved m
             RETURNING partner_id, from_user_id
                """,
                note=note,
                note_message=self._note_message_sql(now),
                where=where,
                limit=batch_size,
                target=self.target_pool_id.id or None,
                now=now,
                uid=SUPERUSER_ID,
                own_types=self._own_activity_type_ids(),
                rule=self.id,
                company=self.company_id.id,
                lead_open=SQL(
                    "l.active AND NOT EXISTS (SELECT 1 FROM crm_stage s WHERE s.id = l.stage_id AND s.is_won)"
                ),
            ),
        )

    def _recycle_warn(self, now):
        """Mark and log customers entering the warning window.

        Returns [(partner id, owner id, deadline, note, note message)]: the note as the job's
        language writes it, and as its message and values for each reader (see pool_text).
        """
        self.ensure_one()
        deadline, condition, _prefilter, note = self._criteria(now)
        if deadline is None or not self.warn_days:
            return []
        horizon = self._warn_horizon(now)
        self.env.flush_all()
        # Moves and their audit rows in one statement: the engine's (res_partner_guard.py).
        return engine_fetchall(
            self.env.cr,
            SQL(
                """
                WITH due AS (
                    SELECT p.id, p.user_id, %(deadline)s AS deadline, %(note)s AS note,
                           %(note_message)s AS note_message
                      FROM res_partner p
                     WHERE %(scope)s AND p.pool_warned_date IS NULL AND %(condition)s
                       AND p.pool_recycle_date <= %(horizon)s
                       AND %(deadline)s <= %(horizon)s AND %(deadline)s > %(now)s
                       FOR NO KEY UPDATE OF p SKIP LOCKED
                ), marked AS (
                    UPDATE res_partner p SET pool_warned_date = %(now)s
                      FROM due WHERE p.id = due.id
                 RETURNING p.id, p.name, p.company_id, p.pool_id, due.user_id, due.deadline, due.note,
                           due.note_message
                ), logged AS (
                    INSERT INTO crm_public_pool_log
                           (date, partner_id, partner_name, pool_id, action, user_id, from_user_id, to_user_id,
                            rule_id, note, note_message, company_id, create_uid, create_date, write_uid, write_date)
                    SELECT %(now)s, m.id, m.name, m.pool_id, 'warn', %(uid)s, m.user_id, m.user_id, %(rule)s,
                           m.note, m.note_message, coalesce(m.company_id, %(company)s), %(uid)s, %(now)s, %(uid)s,
                           %(now)s
                      FROM marked m
                )
                SELECT id, user_id, deadline, note, note_message FROM marked ORDER BY id
                """,
                deadline=deadline,
                note=note,
                note_message=self._note_message_sql(now),
                scope=self._scope_sql(now),
                condition=condition,
                horizon=horizon,
                now=now,
                uid=SUPERUSER_ID,
                rule=self.id,
                company=self.company_id.id,
            ),
        )

    def _recycle_date_sql(self, now):
        """When the rule recycles ``p`` if nothing happens (NULL: never)."""
        deadline, condition, _prefilter, _note = self._criteria(now)
        return SQL(
            "CASE WHEN %s AND %s THEN %s END",
            self._scope_sql(now),
            condition,
            deadline if deadline is not None else SQL("%s::timestamp", now),
        )
