"""Which customers of a pool with a daily view limit a member opened, per day.

Only facts about views, not about ownership: they are not audit rows. The counting engine
(``_pool_open``) is one SQL statement per request and the only writer; the rows are read-only
to everyone through the ORM, and the daily cron drops them after ``VIEW_KEEP_DAYS``.
"""

import logging
from datetime import timedelta

from psycopg2.errors import ReadOnlySqlTransaction

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

VIEW_KEEP_DAYS = 30

_logger = logging.getLogger(__name__)


class OpeningNeedsPrimary(ReadOnlySqlTransaction):
    """A read-only request opens a customer of a limited pool for the first time today.

    Reads run on a read-only cursor, which Odoo sends to the replica when there is one; the
    opening must be recorded on the primary. Raising this makes Odoo replay the request on a
    read/write cursor (``odoo.http``, ``_transactioning``): only such first openings pay for the
    primary, every other read of every pool stays on the replica.
    """


class QuietOpeningReplay(logging.Filter):
    """Odoo logs every replay of a read-only request as a warning with its traceback; this one
    is the design (the first opening of a customer of a limited pool each day), not a fault."""

    def filter(self, record):
        return not (record.exc_info and isinstance(record.exc_info[1], OpeningNeedsPrimary))


logging.getLogger("odoo.http").addFilter(QuietOpeningReplay())


class CrmPublicPoolView(models.Model):
    _name = "crm.public.pool.view"
    _description = "Customer Opened Today"
    _order = "day desc, id desc"
    _log_access = False

    user_id = fields.Many2one("res.users", string="Member", required=True, readonly=True, ondelete="cascade")
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, readonly=True, ondelete="cascade")
    pool_id = fields.Many2one("crm.public.pool", required=True, readonly=True, ondelete="cascade")
    day = fields.Date(required=True, readonly=True)

    _sql_constraints = [
        ("user_partner_day_uniq", "UNIQUE (user_id, partner_id, day)", "A customer is opened once a day per member."),
    ]

    @api.model_create_multi
    def create(self, vals_list):  # pylint: disable=method-required-super
        # Only the counting statement inserts rows (in SQL): through the ORM, nobody may.
        raise UserError(self.env._("Views of customers are recorded by the pool itself, never entered by hand."))

    def write(self, vals):  # pylint: disable=method-required-super
        raise UserError(self.env._("Views of customers are recorded by the pool itself, never entered by hand."))

    @api.model
    def _pool_open(self, partner_ids, limits, day):
        """Record that the current user opens ``partner_ids`` today, within each pool's limit.

        ``limits``: {pool id: daily view limit} of the pools limiting the user. One statement:
        it finds which of the customers sit in such a pool (a contact counts as its company),
        inserts the ones not opened today and adds them to the day's tally, only if no pool
        would pass its limit; otherwise it changes nothing and the request is refused with the
        pool's figures. Returns {id: pool id} of the ``partner_ids`` the limits apply to.

        Two requests of one user at once: Odoo's transactions see a snapshot taken at their
        first statement (REPEATABLE READ), so a lock taken here could not make one see what the
        other inserted. Both instead write the same tally row (user, pool, day); PostgreSQL
        refuses the second writer with a serialization failure, and Odoo replays that request,
        which then counts what the first one opened.
        """
        if not partner_ids or not limits:
            return {}
        self.env["res.partner"].flush_model(["pool_state", "pool_id", "commercial_partner_id"])
        uid = self.env.uid
        pool_ids = sorted(limits)
        params = {
            "partner_ids": list(partner_ids),
            "uid": uid,
            "day": day,
            "pool_ids": pool_ids,
            "limit_values": [limits[pool_id] for pool_id in pool_ids],
        }
        facts = """
            WITH requested AS (
                SELECT p.id, p.commercial_partner_id, p.pool_id
                  FROM res_partner p
                 WHERE p.id = ANY(%(partner_ids)s) AND p.pool_state = 'pool' AND p.pool_id = ANY(%(pool_ids)s)
            ), target AS (
                SELECT DISTINCT commercial_partner_id AS partner_id, pool_id FROM requested
            ), seen AS (
                SELECT v.partner_id, v.pool_id
                  FROM crm_public_pool_view v
                 WHERE v.user_id = %(uid)s AND v.day = %(day)s AND v.pool_id = ANY(%(pool_ids)s)
            ), fresh AS (
                SELECT t.partner_id, t.pool_id FROM target t
                 WHERE NOT EXISTS (SELECT 1 FROM seen s WHERE s.partner_id = t.partner_id)
            )"""
        if self.env.cr.readonly:
            # Read-only requests (web_read, read, search_read... on the replica when there is
            # one): the same statement without its writes. Nothing new opened: done. Else the
            # request is replayed on a read/write cursor, on the primary, where it is counted.
            self.env.cr.execute(
                SQL(
                    facts
                    + " SELECT (SELECT array_agg(ARRAY[id, pool_id]) FROM requested), EXISTS (SELECT 1 FROM fresh)",
                    **params,
                )
            )
            limited, has_fresh = self.env.cr.fetchone()
            if has_fresh:
                _logger.debug("opening customers of a limited pool: replayed on a read/write cursor")
                raise OpeningNeedsPrimary("cannot record the customers opened in a read-only transaction")
            return dict(limited or [])
        self.env.cr.execute(
            SQL(
                facts
                + """, tally AS (
                SELECT l.pool_id, l.view_limit,
                       (SELECT count(*) FROM seen s WHERE s.pool_id = l.pool_id) AS opened,
                       (SELECT count(*) FROM fresh f WHERE f.pool_id = l.pool_id) AS fresh_count
                  FROM unnest(%(pool_ids)s::int[], %(limit_values)s::int[]) AS l(pool_id, view_limit)
            ), allowed AS (
                SELECT NOT EXISTS (
                    SELECT 1 FROM tally WHERE fresh_count > 0 AND opened + fresh_count > view_limit
                ) AS ok
            ), inserted AS (
                INSERT INTO crm_public_pool_view (user_id, partner_id, pool_id, day)
                SELECT %(uid)s, f.partner_id, f.pool_id, %(day)s
                  FROM fresh f, allowed a
                 WHERE a.ok
                RETURNING pool_id
            ), counted AS (
                INSERT INTO crm_public_pool_view_day
                       (user_id, pool_id, day, opened_count, view_limit, limit_reached, company_id)
                SELECT %(uid)s, t.pool_id, %(day)s, t.opened + t.fresh_count, t.view_limit,
                       t.opened + t.fresh_count >= t.view_limit, p.company_id
                  FROM tally t JOIN crm_public_pool p ON p.id = t.pool_id, allowed a
                 WHERE a.ok AND t.fresh_count > 0
                ON CONFLICT (user_id, pool_id, day) DO UPDATE
                   SET opened_count = EXCLUDED.opened_count,
                       view_limit = EXCLUDED.view_limit,
                       limit_reached = EXCLUDED.limit_reached
                RETURNING pool_id
            )
            SELECT a.ok,
                   (SELECT array_agg(ARRAY[id, pool_id]) FROM requested),
                   (SELECT array_agg(ARRAY[pool_id, opened, view_limit] ORDER BY pool_id)
                      FROM tally WHERE fresh_count > 0 AND opened + fresh_count > view_limit),
                   (SELECT count(*) FROM inserted) + (SELECT count(*) FROM counted)
              FROM allowed a
            """,
                **params,
            )
        )
        ok, limited, over, __ = self.env.cr.fetchone()
        if not ok:
            pool_id, opened, view_limit = over[0]
            pool = self.env["crm.public.pool"].sudo().browse(pool_id)
            raise UserError(
                self.env._(
                    "You have opened %(count)s customers of pool %(pool)s today, its daily limit is %(limit)s. "
                    "Reopen one you opened today, or ask the pool administrator.",
                    count=opened,
                    pool=pool.display_name,
                    limit=view_limit,
                )
            )
        return dict(limited or [])

    @api.model
    def _pool_opened_today(self, partner_ids, day):
        """Ids among ``partner_ids`` the current user opened on ``day``."""
        if not partner_ids:
            return set()
        self.env.cr.execute(
            SQL(
                "SELECT partner_id FROM crm_public_pool_view WHERE user_id = %s AND day = %s AND partner_id = ANY(%s)",
                self.env.uid,
                day,
                list(partner_ids),
            )
        )
        return {row[0] for row in self.env.cr.fetchall()}

    @api.model
    def _pool_opened_today_query(self, day):
        """SQL selecting the customers the current user opened on ``day`` (for domains)."""
        return SQL(
            "(SELECT partner_id FROM crm_public_pool_view WHERE user_id = %s AND day = %s)",
            self.env.uid,
            day,
        )

    @api.model
    def _cron_purge(self):
        """Views older than ``VIEW_KEEP_DAYS`` days say nothing any limit needs."""
        before = fields.Date.today() - timedelta(days=VIEW_KEEP_DAYS)
        self.env.cr.execute(SQL("DELETE FROM crm_public_pool_view WHERE day < %s", before))
        self.env.cr.execute(SQL("DELETE FROM crm_public_pool_view_day WHERE day < %s", before))
