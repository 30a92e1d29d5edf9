from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models, tools
from odoo.exceptions import AccessError
from odoo.osv import expression
from odoo.tools import SQL

from ..logic.fairness import SUMMARY_AGGREGATES, groupby_by_month, order_by_summary, period_leaf_by_month

FAIRNESS_KINDS = [
    ("passback", "Passed Back"),
    ("claim_no_followup", "Claimed, Not Followed Up"),
    ("clock_notes", "Note Only to Restart the Clock"),
    ("held_at_limit", "Held Stale at the Limit"),
    ("after_recycle", "Claimed After Recycle"),
]
# Defaults of the settings (ir.config_parameter crm_public_pool.fairness_*): what counts as gaming.
FAIRNESS_DEFAULTS = {
    # A release and a claim of the same customer by someone else this many hours apart: a pass.
    "passback_hours": 72,
    # A claim not followed up for this many days.
    "followup_days": 7,
    # A note this short (characters of text) by the owner within this many days of a warning.
    "note_chars": 30,
    "note_days": 3,
    # A customer not worked for this many days, held by someone at their limit.
    "stale_days": 30,
}

# Counts over the last FAIRNESS_WINDOW_DAYS days at or above these make the managers' daily digest
# (ir.config_parameter crm_public_pool.fairness_threshold_<kind>).
FAIRNESS_WINDOW_DAYS = 30
FAIRNESS_THRESHOLDS = {
    "passback": 3,
    "claim_no_followup": 10,
    "clock_notes": 3,
    "held_at_limit": 10,
    "after_recycle": 3,
}


class CrmPublicPoolFairnessReport(models.Model):
    """How a pool is gamed, from the audit log: one row per suspicious event, for pivots and graphs.

    Computed as a materialized view (the audit log of a large pool has millions of rows, and
    finding pass-backs takes a look at each claim's previous release), refreshed by the daily
    digest and by the manager's "Refresh" action; ``refreshed_at`` says when.
    """

    _name = "crm.public.pool.fairness.report"
    _description = "Pool Fairness Analysis"
    _auto = False
    _order = "period desc, id"

    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    other_user_id = fields.Many2one("res.users", string="Other Salesperson", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    pool_id = fields.Many2one("crm.public.pool", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    period = fields.Date(readonly=True, help="Day of the event.")
    kind = fields.Selection(FAIRNESS_KINDS, readonly=True)
    count = fields.Integer(readonly=True)

    @api.model
    def _fairness_setting(self, key):
        value = self.env["ir.config_parameter"].sudo().get_param(f"crm_public_pool.fairness_{key}")
        try:
            return max(int(value), 0) if value else FAIRNESS_DEFAULTS[key]
        except ValueError:
            return FAIRNESS_DEFAULTS[key]

    def _fairness_query(self):
        team = SQL("(SELECT u.sale_team_id FROM res_users u WHERE u.id = %s)", SQL.identifier("e", "user_id"))
        events = SQL(
            """
            -- A release followed by someone else's claim of the same customer soon after.
            SELECT 'passback' AS kind, r.user_id, c.user_id AS other_user_id, c.partner_id, c.pool_id,
                   c.company_id, c.date
              FROM crm_public_pool_log c
              JOIN LATERAL (SELECT l.user_id, l.date FROM crm_public_pool_log l
                             WHERE l.partner_id = c.partner_id AND l.action = 'release'
                               AND (l.date, l.id) < (c.date, c.id)
                             ORDER BY l.date DESC, l.id DESC LIMIT 1) r ON TRUE
             WHERE c.action = 'claim' AND r.user_id <> c.user_id
               AND r.date >= c.date - make_interval(hours => %(passback_hours)s)
            UNION ALL
            -- Claimed and still held, with no follow-up since the claim.
            SELECT 'claim_no_followup', p.user_id, NULL, p.id, p.pool_id, p.company_id, p.pool_claim_date
              FROM res_partner p
             WHERE p.pool_state = 'private' AND p.user_id IS NOT NULL
               AND p.pool_claim_date < now() AT TIME ZONE 'UTC' - make_interval(days => %(followup_days)s)
               AND (p.pool_last_followup_date IS NULL OR p.pool_last_followup_date < p.pool_claim_date)
            UNION ALL
            -- A short note by the owner right after a recycle warning: the clock restarts, nothing happened.
            SELECT 'clock_notes', w.from_user_id, NULL, w.partner_id, w.pool_id, w.company_id, m.date
              FROM crm_public_pool_log w
              JOIN res_users owner ON owner.id = w.from_user_id
              JOIN mail_message m ON m.model = 'res.partner' AND m.res_id = w.partner_id
                                 AND m.author_id = owner.partner_id AND m.message_type = 'comment'
                                 AND m.date >= w.date AND m.date < w.date + make_interval(days => %(note_days)s)
             WHERE w.action = 'warn'
               AND length(regexp_replace(coalesce(m.body, ''), '<[^>]*>', '', 'g')) < %(note_chars)s
            UNION ALL
            -- Customers not worked for long, held by someone who has reached their limit.
            SELECT 'held_at_limit', p.user_id, NULL, p.id, p.pool_id, p.company_id, (now() AT TIME ZONE 'UTC')
              FROM res_partner p
              JOIN res_users u ON u.id = p.user_id
              JOIN res_company company ON company.id = u.company_id
              JOIN (SELECT user_id, count(*) AS owned FROM res_partner
                     WHERE pool_state = 'private' AND (is_company OR parent_id IS NULL) GROUP BY user_id) held
                ON held.user_id = p.user_id
             WHERE p.pool_state = 'private' AND (p.is_company OR p.parent_id IS NULL)
               AND coalesce(nullif(u.pool_max_customers, 0), nullif(company.pool_max_customers, 0)) <= held.owned
               AND greatest(p.pool_claim_date, p.pool_last_followup_date)
                   < now() AT TIME ZONE 'UTC' - make_interval(days => %(stale_days)s)
            UNION ALL
            -- Where a recycled customer went next: the previous owner and whoever took it.
            SELECT 'after_recycle', r.from_user_id, n.to_user_id, r.partner_id, n.pool_id, n.company_id, n.date
              FROM crm_public_pool_log r
              JOIN LATERAL (SELECT l.to_user_id, l.pool_id, l.company_id, l.date FROM crm_public_pool_log l
                             WHERE l.partner_id = r.partner_id AND l.action IN ('claim', 'assign')
                               AND (l.date, l.id) > (r.date, r.id)
                             ORDER BY l.date, l.id LIMIT 1) n ON TRUE
             WHERE r.action = 'recycle'
            """,
            **{key: self._fairness_setting(key) for key in FAIRNESS_DEFAULTS},
        )
        return SQL(
            """SELECT row_number() OVER (ORDER BY e.kind, e.date, e.partner_id, e.user_id) AS id,
                      e.kind, e.user_id, e.other_user_id, e.partner_id, e.pool_id, e.company_id,
                      %s AS team_id, e.date::date AS period, 1 AS count
                 FROM (%s) e""",
            team,
            events,
        )

    def init(self):
        # CASCADE: the monthly summary is computed from this view; it is recreated below.
        self.env.cr.execute(SQL("DROP MATERIALIZED VIEW IF EXISTS %s CASCADE", SQL.identifier(self._table)))
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL("CREATE MATERIALIZED VIEW %s AS %s", SQL.identifier(self._table), self._fairness_query())
        )
        self.env.cr.execute(SQL("CREATE UNIQUE INDEX ON %s (id)", SQL.identifier(self._table)))
        self.env.cr.execute(SQL("CREATE INDEX ON %s (period)", SQL.identifier(self._table)))
        self.env["crm.public.pool.fairness.summary"]._fairness_summary_create()
        self.env["ir.config_parameter"].sudo().set_param(
            "crm_public_pool.fairness_refreshed_at", fields.Datetime.to_string(fields.Datetime.now())
        )

    @api.model
    def _fairness_refresh(self):
        """Recompute the report from the audit log, then its monthly summary from the report, in one
        transaction; readers keep the previous rows of both meanwhile."""
        self.env.flush_all()
        for table in (self._table, self.env["crm.public.pool.fairness.summary"]._table):
            self.env.cr.execute(SQL("REFRESH MATERIALIZED VIEW CONCURRENTLY %s", SQL.identifier(table)))
        self.env["ir.config_parameter"].sudo().set_param(
            "crm_public_pool.fairness_refreshed_at", fields.Datetime.to_string(fields.Datetime.now())
        )
        self.env.invalidate_all()

    def _read_group(self, domain, groupby=(), aggregates=(), having=(), offset=0, limit=None, order=None):
        """Counts the pivot and the graph ask for, from the monthly summary when it has them.

        The events are tens of thousands of rows on a large pool and the pivot groups them six
        times; their counts per month are a few thousand. The summary answers when every grouping,
        filter and order is on a field it keeps and cuts at month boundaries, and the measures are
        counts; drilling down still opens the events, whose domain the groups carry. Its access
        rules are the events' own, applied to it as the same user.
        """
        summary_order = order_by_summary(order, groupby)
        if not having and summary_order is not None and self._fairness_summary_answers(domain, groupby, aggregates):
            self.browse().check_access("read")
            return self.env["crm.public.pool.fairness.summary"]._read_group(
                domain,
                groupby,
                [SUMMARY_AGGREGATES[spec] for spec in aggregates],
                offset=offset,
                limit=limit,
                order=summary_order,
            )
        return super()._read_group(domain, groupby, aggregates, having, offset, limit, order)

    @api.model
    def _fairness_summary_answers(self, domain, groupby, aggregates):
        """Whether the monthly summary holds what grouping the events by ``groupby`` would count."""
        kept = set(self.env["crm.public.pool.fairness.summary"]._fairness_summary_fields())
        if not all(spec in SUMMARY_AGGREGATES for spec in aggregates):
            return False
        if not all(groupby_by_month(spec, kept) for spec in groupby):
            return False
        for leaf in expression.normalize_domain(domain or []):
            if not expression.is_leaf(leaf) or tuple(leaf) in (expression.TRUE_LEAF, expression.FALSE_LEAF):
                continue
            path, operator, value = leaf
            name = path.split(".", 1)[0] if isinstance(path, str) else None
            if name not in kept or (name == "period" and not period_leaf_by_month(operator, value)):
                return False
        return True

    @api.model
    def action_fairness_refresh(self):
        """Manager's button: recompute now and reopen the report."""
        if not self.env.user.has_group("crm_public_pool.group_pool_manager"):
            raise AccessError(self.env._("Only pool managers may recompute the fairness report."))
        self._fairness_refresh()
        return self.env["ir.actions.act_window"]._for_xml_id("crm_public_pool.action_pool_fairness_report")

    @api.model
    def _fairness_crossings(self, days=FAIRNESS_WINDOW_DAYS):
        """[(kind, user, other user, count)] of the last ``days`` days at or above each kind's threshold.

        Pass-backs and recycled customers count per pair of people (a pair who trade customers),
        the others per salesperson.
        """
        since = fields.Date.context_today(self) - timedelta(days=days)
        rows = []
        for kind, _label in FAIRNESS_KINDS:
            threshold = self._fairness_threshold(kind)
            pair = SQL("other_user_id") if kind in ("passback", "after_recycle") else SQL("NULL::int")
            rows += self.env.execute_query(
                SQL(
                    """SELECT kind, user_id, %(pair)s, sum(count) FROM %(table)s
                        WHERE kind = %(kind)s AND period >= %(since)s AND user_id IS NOT NULL
                        GROUP BY kind, user_id, 3 HAVING sum(count) >= %(threshold)s
                        ORDER BY sum(count) DESC, user_id""",
                    pair=pair,
                    table=SQL.identifier(self._table),
                    kind=kind,
                    since=since,
                    threshold=threshold,
                )
            )
        return rows

    @api.model
    def _fairness_threshold(self, kind):
        value = self.env["ir.config_parameter"].sudo().get_param(f"crm_public_pool.fairness_threshold_{kind}")
        try:
            return max(int(value), 1) if value else FAIRNESS_THRESHOLDS[kind]
        except ValueError:
            return FAIRNESS_THRESHOLDS[kind]

    @api.model
    def _cron_fairness_digest(self):
        """Daily: refresh the report and tell each pool manager what crossed a threshold in the last 30 days."""
        self._fairness_refresh()
        crossings = self._fairness_crossings()
        if not crossings:
            return
        managers = (
            self.env.ref("crm_public_pool.group_pool_manager")
            .sudo()
            .users.filtered(lambda user: user.active and not user.share)
        )
        Users = self.env["res.users"].sudo()
        for lang, group in managers.grouped(lambda user: user.lang or "en_US").items():
            env = self.with_context(lang=lang).env
            labels = dict(self.with_context(lang=lang)._fields["kind"]._description_selection(env))
            lines = []
            for kind, user_id, other_user_id, count in crossings:
                people = Users.browse(user_id).name
                if other_user_id:
                    people = env._("%(user)s → %(other)s", user=people, other=Users.browse(other_user_id).name)
                lines.append(Markup("<li>%s: %s (%s)</li>") % (labels[kind], people, count))
            body = Markup("<p>%s</p><ul>%s</ul>") % (
                env._(
                    "In the last %s days, these crossed the fairness thresholds of the customer pools:",
                    FAIRNESS_WINDOW_DAYS,
                ),
                Markup("").join(lines),
            )
            env["mail.thread"].sudo().message_notify(
                partner_ids=group.partner_id.ids,
                subject=env._("Customer pool fairness: 1 finding")
                if len(crossings) == 1
                else env._("Customer pool fairness: %s findings", len(crossings)),
                body=body,
                model_description=env._("Pool Fairness Analysis"),
                email_layout_xmlid="mail.mail_notification_light",
            )
