from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, LazyTranslate, format_date

from ..logic.bounds import SETTING_BOUNDS
from . import pool_text
from .checks import check_bounds, check_integers
from .engine_token import engine_fact
from .res_partner import COMMERCIAL_DOMAIN

_lt = LazyTranslate(__name__)

# Writes that may make a user's own partner a customer of a pool: another partner, or its pool.
OWN_PARTNER_FIELDS = {"partner_id", "pool_id", "parent_id"}


class ResUsers(models.Model):
    _inherit = "res.users"

    pool_max_customers = fields.Integer(
        string="Max Owned Customers",
        default=0,
        help="Customers this salesperson may own (0 = the company default from Settings).",
    )
    pool_max_locked = fields.Integer(
        string="Max Locked Customers",
        default=0,
        help="Key customers this salesperson may lock (0 = the company default from Settings).",
    )
    pool_customer_count = fields.Integer(string="Owned Customers", compute="_compute_pool_customer_count")
    pool_locked_count = fields.Integer(string="Locked Customers", compute="_compute_pool_customer_count")
    pool_effective_max_customers = fields.Integer(
        string="Owned Customers Limit", compute="_compute_pool_customer_count"
    )
    pool_capacity_used = fields.Float(string="Capacity Used (%)", compute="_compute_pool_customer_count")
    pool_paused = fields.Boolean(
        string="Intake Paused",
        copy=False,
        help="No distribution, escalation or assignment gives this person customers while paused.",
    )
    pool_paused_until = fields.Date(
        string="Paused Until",
        copy=False,
        help="Last day of the pause; it lifts by itself the day after. Empty: until resumed.",
    )
    # Day the last recycle digest went to this user: one digest per recipient and day.
    pool_digest_date = fields.Date(copy=False, groups="base.group_system")
    # Bumped by every move that changes what a user owns: updating the row makes
    # concurrent moves for the same user serialize (see _pool_lock_capacity).
    pool_lock_version = fields.Integer(copy=False, groups="base.group_system")

    @property
    def SELF_READABLE_FIELDS(self):
        return super().SELF_READABLE_FIELDS + [
            "pool_max_customers",
            "pool_max_locked",
            "pool_customer_count",
            "pool_locked_count",
            "pool_effective_max_customers",
            "pool_capacity_used",
            "pool_paused",
            "pool_paused_until",
        ]

    @property
    def SELF_WRITEABLE_FIELDS(self):
        # A salesperson may pause their own intake; write() checks who pauses whom.
        return super().SELF_WRITEABLE_FIELDS + ["pool_paused", "pool_paused_until"]

    @api.constrains(*SETTING_BOUNDS["res.users"])
    def _check_setting_bounds(self):
        check_bounds(self)

    def init(self):
        # Capacity is counted per company (_pool_owned_counts): the owner's customers in the pools of
        # one company, found by an index-only scan (pool_id included), as the claim counts them.
        self.env.cr.execute(
            """
            CREATE INDEX IF NOT EXISTS res_partner_pool_owned_pool_idx
                ON res_partner (user_id) INCLUDE (pool_locked, pool_id)
             WHERE pool_state = 'private' AND active AND (is_company OR parent_id IS NULL)
            """
        )
        return super().init()

    @api.depends_context("company")
    def _compute_pool_customer_count(self):
        # Shown for the company the screen acts in: its limit, and the customers of its pools.
        counts = self._pool_owned_counts(self.env.company)
        for user in self:
            owned, locked = counts.get(user.id, (0, 0))
            max_owned, _max_locked = user._pool_limits(self.env.company)
            user.pool_customer_count = owned
            user.pool_locked_count = locked
            user.pool_effective_max_customers = max_owned
            user.pool_capacity_used = 100.0 * owned / max_owned if max_owned else 0.0

    def _pool_limits(self, company):
        """Return (max owned, max locked) in force for this user in ``company``, 0 meaning unlimited.

        ``company`` is the company of the pool and the customers a move is about: its settings
        apply, never those of the user's own default company, which every user may change for
        themselves. A limit set on the user (by a manager) applies in every company.
        """
        self.ensure_one()
        company = company.sudo()
        return (
            self.sudo().pool_max_customers or company.pool_max_customers,
            self.sudo().pool_max_locked or company.pool_max_locked,
        )

    def _pool_lock_capacity(self):
        """Serialize every move that adds customers to these users.

        Under REPEATABLE READ a plain SELECT ... FOR UPDATE lets a waiting
        transaction count customers from its stale snapshot. Updating the row
        instead makes the second transaction fail with a serialization error
        (retried by Odoo) as soon as the first one commits, so capacity is
        always counted on fresh data.
        """
        if not self:
            return
        self.env.cr.execute(self._pool_lock_capacity_sql())

    def _pool_lock_capacity_sql(self):
        """The statement of ``_pool_lock_capacity``, for a caller that sends it with another one."""
        return SQL(
            """
            UPDATE res_users u
               SET pool_lock_version = COALESCE(u.pool_lock_version, 0) + 1
              FROM (SELECT id FROM res_users WHERE id IN %s ORDER BY id FOR NO KEY UPDATE) l
             WHERE u.id = l.id
            """,
            tuple(self.ids),
        )

    @api.model_create_multi
    def create(self, vals_list):
        check_integers(self, vals_list)
        users = super().create(vals_list)
        users._pool_check_own_partner()
        return users

    def write(self, vals):
        check_integers(self, [vals])
        if {"pool_paused", "pool_paused_until"} & set(vals):
            self._pool_check_may_pause()
        departing = self.browse()
        if vals.get("active") is False and not engine_fact(self.env, "departure_done"):
            departing = self.filtered("active")
        res = super().write(vals)
        if departing:
            # Archiving a salesperson must never strand their customers.
            self.env["res.partner"].sudo().search(
                [("user_id", "in", departing.ids), ("pool_state", "=", "private"), *COMMERCIAL_DOMAIN]
            )._pool_departure(successor=False)
        if OWN_PARTNER_FIELDS & set(vals):
            self._pool_check_own_partner()
        return res

    def _pool_check_own_partner(self):
        """A user's own partner is never a customer of a pool (see ``_pool_check_not_own_contact``)."""
        self.env["res.partner"]._pool_check_not_own_contact(
            self.sudo().with_context(active_test=False).partner_id.ids, self.env._("a user")
        )

    def action_pool_my_customers(self):
        return self.env["ir.actions.act_window"]._for_xml_id("crm_public_pool.action_pool_my_customers")

    # ------------------------------------------------------------------
    # Capacity: who may be given customers, and how many
    # ------------------------------------------------------------------

    def _pool_check_receiver(self, pool, member=False, facts=None):
        """Refuse to give customers of ``pool`` to this user unless they can work them.

        One check for every way a customer gets an owner (claim, assign, transfer, departure,
        registration, distribution): an archived, portal or outside user, or a user of another
        company would hold a customer nobody works. Claims and assignments from a pool also
        need the receiver to be a member of it (``member``). ``facts`` is
        ``crm.public.pool._pool_user_facts(self)`` when the caller has it already: the same
        facts, read in one statement.
        """
        self.ensure_one()
        user = self.sudo()
        if facts is None:
            if not user.exists():
                raise UserError(self.env._("User #%s does not exist.", self.id))
            active, share = user.active, user.share
            works_for = pool.company_id in user.company_ids
            is_member = member and pool._is_member(user)
        else:
            active, share = facts["active"], facts["share"]
            # The facts hold the active pools of the user's companies; others are looked up.
            works_for = pool.id in facts["pools"] or pool.company_id.id in facts["company_ids"]
            is_member = member and facts["pools"].get(pool.id, {}).get("member", False)
        # Texts of the pool: a distribution that stores the refusal as why a customer stayed in the
        # pool (res_partner_accept.py) keeps them for each reader's language (pool_text).
        problem = None
        if not active:
            problem = _lt("%s is archived", user.name)
        elif share:
            problem = _lt("%s is not an internal user", user.name)
        elif not user.has_group("crm_public_pool.group_pool_user"):
            problem = _lt("%s has no salesperson rights", user.name)
        elif not works_for:
            problem = _lt("%(user)s does not work for %(company)s", user=user.name, company=pool.company_id.name)
        elif member and not is_member:
            problem = _lt("%(user)s is not a member of pool %(pool)s", user=user.name, pool=pool.name)
        if problem:
            raise pool_text.PoolTextError(
                self.env,
                _lt("Customers of pool %(pool)s cannot go to this user: %(problem)s.", pool=pool.name, problem=problem),
            )

    # ------------------------------------------------------------------
    # Availability: who may receive customers today
    # ------------------------------------------------------------------

    def _pool_check_may_pause(self):
        """Anyone may pause or resume themselves; pausing someone else takes an administrator of their pool."""
        actor = self.env.user
        others = self - actor
        if not others or actor._is_superuser():
            return
        admin_pools = (
            self.env["crm.public.pool"]
            .sudo()
            .search([("company_id", "in", actor.sudo().company_ids.ids)])
            .filtered(lambda pool: pool._is_admin(actor))
        )
        members = admin_pools.member_all_user_ids
        strangers = others - members
        if strangers:
            raise AccessError(
                self.env._(
                    "Only an administrator of their pool may pause or resume someone else's intake (%s).",
                    ", ".join(strangers.sudo().mapped("name")),
                )
            )

    def pool_pause(self, until=False):
        """Pause these users' intake, through ``until`` (a date, inclusive) or until resumed."""
        self._pool_check_may_pause()
        until = self._pool_pause_last_day(until)
        today = fields.Date.context_today(self)
        if until and until < today:
            raise ValidationError(
                self.env._(
                    "A pause must end today or later, not on %(until)s (today is %(today)s).",
                    until=format_date(self.env, until),
                    today=format_date(self.env, today),
                )
            )
        self.sudo().write({"pool_paused": True, "pool_paused_until": until})
        return True

    @api.model
    def _pool_pause_last_day(self, until):
        """``until`` as a date (False: until resumed); anything else a client sends is refused."""
        if not until:
            return False
        try:
            return fields.Date.to_date(until)
        except (TypeError, ValueError) as error:
            raise UserError(
                self.env._("The last day of a pause must be a date (YYYY-MM-DD), not %r.", until)
            ) from error

    def pool_resume(self):
        """Lift the pause of these users now."""
        self._pool_check_may_pause()
        self.sudo().write({"pool_paused": False, "pool_paused_until": False})
        return True

    def action_pool_pause(self, until=False):
        """Pause these users' intake through ``until`` (a date) or until resumed: allowed to the
        users themselves and to an administrator of a pool they are members of."""
        until = self._pool_pause_last_day(until)
        self.pool_pause(until)
        return self.env["res.partner"]._pool_notification(
            self.env._(
                "Intake paused for %(names)s until %(until)s.",
                names=", ".join(self.sudo().mapped("name")),
                until=until or self.env._("resumed"),
            )
        )

    def action_pool_resume(self):
        """Lift the pause of these users now (themselves, or an administrator of their pool)."""
        self.pool_resume()
        return self.env["res.partner"]._pool_notification(
            self.env._("Intake resumed for %s.", ", ".join(self.sudo().mapped("name")))
        )

    def action_pool_pause_wizard(self):
        """Open the pause form for these users, to choose the last day of the pause."""
        self._pool_check_may_pause()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_public_pool.action_pool_pause_wizard")
        action["context"] = {"default_user_ids": self.ids}
        return action

    def _pool_absences(self, day=None):
        """{user id: why} for these users who cannot take customers on ``day`` (default today).

        Archived and paused users; bridge addons add people on leave.
        """
        day = day or fields.Date.context_today(self)
        absences = {}
        for user in self.sudo().with_context(active_test=False):
            if not user.active:
                absences[user.id] = _lt("%s is archived", user.name)
            elif user.pool_paused and (not user.pool_paused_until or user.pool_paused_until >= day):
                absences[user.id] = (
                    _lt(
                        "%(user)s has paused their intake until %(until)s",
                        user=user.name,
                        until=pool_text.Day(user.pool_paused_until),
                    )
                    if user.pool_paused_until
                    else _lt("%s has paused their intake", user.name)
                )
        return absences

    def _pool_check_available(self):
        """Refuse, naming the reason, to give customers to someone who cannot work them."""
        absences = self._pool_absences()
        if absences:
            raise pool_text.PoolTextError(
                self.env,
                _lt(
                    "Customers cannot be given to someone who is not there: %s.",
                    pool_text.Joined(absences.values(), sep="; "),
                ),
            )

    @api.model
    def _cron_pool_lift_pauses(self):
        """Pauses whose last day has passed lift by themselves."""
        today = fields.Date.context_today(self)
        self.sudo().with_context(active_test=False).search(
            [("pool_paused", "=", True), ("pool_paused_until", "!=", False), ("pool_paused_until", "<", today)]
        ).write({"pool_paused": False, "pool_paused_until": False})

    # ------------------------------------------------------------------
    # Capacity: how many customers a user owns against their limit
    # ------------------------------------------------------------------

    def _pool_check_room(self, incoming, company=None, first=None):
        """Refuse before moving anything when ``incoming`` would take this user past their limit.

        ``incoming`` is the customers about to be given, or their number for new ones of
        ``company``. Customers count against the limit of the company their pool belongs to, each
        company's customers against its own limit. Call it after ``_pool_lock_capacity()`` so the
        count is current, or pass that lock as ``first``: statements (``SQL``) sent ahead of the
        count in its round trip, or alone when nothing is counted. Returns how many customers
        count against the limit once they are given (of the last company checked), or None when
        it did not count.
        """
        self.ensure_one()
        if isinstance(incoming, int):
            if first is not None:
                self.env.cr.execute(first)
            return self._pool_check_company_room(company, incoming)
        owned_after = None
        for pool_company, group in incoming.sudo().grouped(lambda p: p.pool_id.company_id).items():
            owned_after = self._pool_check_company_room(pool_company, group.with_env(incoming.env), first)
            first = None
        if first is not None:
            self.env.cr.execute(first)
        return owned_after

    def _pool_check_company_room(self, company, incoming, first=None):
        max_owned = self._pool_limits(company)[0]
        if not max_owned:
            if first is not None:
                self.env.cr.execute(first)
            return None
        if isinstance(incoming, int):
            count = incoming
            owned = self._pool_owned_counts(company).get(self.id, (0, 0))[0] if count else 0
        else:
            # The owner's count and which incoming customers are exempt, in one round trip (with
            # ``first`` ahead of them).
            owned, exempt = self._pool_owned_and_exempt(incoming.ids, company, first)
            count = len(incoming) - len(exempt)
        if not count:
            return None
        if owned + count > max_owned:
            raise pool_text.PoolTextError(self.env, self._pool_capacity_refusal(count, owned, max_owned))
        return owned + count

    def _pool_capacity_refusal(self, count, owned, limit):
        """Why this user may not take ``count`` more customers (a text of the pool): to them in the second
        person, with plurals."""
        values = {"user": self.name, "count": count, "owned": owned, "limit": limit}
        if self == self.env.user:
            if count == 1:
                return _lt(
                    "You cannot take 1 more customer: limit reached, you own %(owned)s of %(limit)s allowed.", **values
                )
            return _lt(
                "You cannot take %(count)s more customers: limit reached, you own %(owned)s of %(limit)s allowed.",
                **values,
            )
        if count == 1:
            return _lt(
                "%(user)s cannot take 1 more customer: limit reached, they own %(owned)s of %(limit)s allowed.",
                **values,
            )
        return _lt(
            "%(user)s cannot take %(count)s more customers: limit reached, they own %(owned)s of %(limit)s allowed.",
            **values,
        )

    def _pool_owned_counts(self, company):
        """{user id: (owned customers counting against the limit, locked customers)} of these users
        in the pools of ``company``."""
        if not self:
            return {}
        self.env.cr.execute(self._pool_owned_counts_sql(company))
        return {user_id: (owned, locked) for user_id, owned, locked in self.env.cr.fetchall()}

    def _pool_owned_counts_sql(self, company):
        """The statement of ``_pool_owned_counts``: rows (user id, owned counting, locked)."""
        self.env["res.partner"].flush_model(
            ["user_id", "pool_state", "pool_locked", "active", "parent_id", "is_company", "pool_id"]
        )
        self.env["crm.public.pool"].flush_model(["company_id"])
        exempt_won = SQL("false")
        if not company.sudo().pool_count_won:
            self.env["crm.lead"].flush_model(["partner_id", "stage_id", "active"])
            exempt_won = SQL("""EXISTS (SELECT 1 FROM crm_lead l JOIN crm_stage s ON s.id = l.stage_id
                                         WHERE l.partner_id = p.id AND l.active AND s.is_won)""")
        return SQL(
            """
            SELECT p.user_id,
                   count(*) FILTER (WHERE NOT %s),
                   count(*) FILTER (WHERE p.pool_locked)
              FROM res_partner p
             WHERE p.user_id IN %s AND p.pool_state = 'private' AND p.active
               AND (p.is_company OR p.parent_id IS NULL)
               AND p.pool_id = ANY(ARRAY(SELECT pp.id FROM crm_public_pool pp WHERE pp.company_id = %s))
             GROUP BY p.user_id
            """,
            exempt_won,
            tuple(self.ids),
            company.id,
        )

    def _pool_owned_and_exempt(self, partner_ids, company, first=None):
        """(customers of ``company``'s pools this user owns that count against the limit, ids among
        ``partner_ids`` that would not count: won ones, when won customers do not count), in one statement
        (after the statements ``first`` in the same round trip)."""
        self.ensure_one()
        exempt = SQL("ARRAY[]::int[]")
        if partner_ids and not company.sudo().pool_count_won:
            self.env["crm.lead"].flush_model(["partner_id", "stage_id", "active"])
            exempt = SQL(
                """ARRAY(SELECT DISTINCT l.partner_id FROM crm_lead l JOIN crm_stage s ON s.id = l.stage_id
                          WHERE l.partner_id IN %s AND l.active AND s.is_won)""",
                tuple(partner_ids),
            )
        query = SQL(
            "SELECT (SELECT c.owned FROM (%s) c(user_id, owned, locked)), %s",
            self._pool_owned_counts_sql(company),
            exempt,
        )
        # Several statements in one round trip: the cursor returns the last one's rows.
        self.env.cr.execute(SQL("%s; %s", first, query) if first is not None else query)
        owned, exempt_ids = self.env.cr.fetchone()
        return owned or 0, set(exempt_ids)

    @api.depends_context("pool_show_load")
    def _compute_display_name(self):
        """In the receiver pickers of the pool wizards: each person's load against their limit."""
        super()._compute_display_name()
        if not self.env.context.get("pool_show_load"):
            return
        users = self.filtered("id")
        company = self.env.company
        counts = users.sudo()._pool_owned_counts(company)
        for user in users:
            owned = counts.get(user.id, (0, 0))[0]
            limit = user._pool_limits(company)[0]
            user.display_name = self.env._(
                "%(name)s (%(owned)s of %(limit)s)",
                name=user.display_name,
                owned=owned,
                limit=limit or self.env._("no limit"),
            )
