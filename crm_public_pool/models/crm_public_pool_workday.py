from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models, tools
from odoo.tools import SQL

from ..logic.workdays import day_index

# The table covers this many days around today; anchors and deadlines outside it count calendar days.
WORKDAY_DAYS_BEFORE = 400
WORKDAY_DAYS_AFTER = 800
# Regenerated when today comes closer than this to either end of the table.
WORKDAY_MARGIN = 60
# First key of the advisory lock taken while a calendar's table is built (the second is its id).
WORKDAY_LOCK = 23_0001


class CrmPublicPoolWorkday(models.Model):
    """One calendar day of a working calendar with the running count of its working days.

    A recycle rule counting working days finds "N working days after the claim" in SQL with two
    index lookups per customer: the day of the claim gives its index, the working day with the
    index plus N is the deadline. The rows are derived from the calendar (its attendances,
    dated attendances for moved working days, its global leaves for public holidays) and
    rebuilt whenever one of them changes.
    """

    _name = "crm.public.pool.workday"
    _description = "Working Day Index of a Calendar"
    _order = "calendar_id, day"
    _log_access = False

    calendar_id = fields.Many2one("resource.calendar", required=True, ondelete="cascade", readonly=True)
    day = fields.Date(required=True, readonly=True)
    day_index = fields.Integer(required=True, readonly=True, help="Working days up to and including this day.")
    working = fields.Boolean(readonly=True)

    _sql_constraints = [
        ("calendar_day_unique", "UNIQUE(calendar_id, day)", "A calendar has one row per day."),
    ]

    def init(self):
        tools.create_index(
            self.env.cr,
            "crm_public_pool_workday_calendar_index_working",
            self._table,
            ["calendar_id", "day_index"],
            where="working",
        )

    @api.model
    def _workday_rows(self, calendar):
        """[(day, index, working)] of the calendar's table by day.

        Read each time (about 1,200 rows of an index): a cache would outlive a rolled-back build.
        """
        self.env.cr.execute(
            SQL(
                "SELECT day, day_index, working FROM crm_public_pool_workday WHERE calendar_id = %s ORDER BY day",
                calendar.id,
            )
        )
        return self.env.cr.fetchall()

    @api.model
    def _workday_table(self, calendar):
        """(first day, index of each day from it, the working day of each index from 1) of the calendar,
        built when missing or when today nears one of its ends: what the SQL below looks days up in."""
        # The server's day is close enough to pick the table's span (a 60-day margin).
        today = fields.Date.today()
        rows = self._workday_rows(calendar)
        if not self._workday_covers(rows, today):
            # Two transactions building the same table at once would collide on its unique key.
            self.env.cr.execute(SQL("SELECT pg_advisory_xact_lock(%s, %s)", WORKDAY_LOCK, calendar.id))
            rows = self._workday_rows(calendar)
            if not self._workday_covers(rows, today):
                rows = self._workday_build(calendar, today - timedelta(days=WORKDAY_DAYS_BEFORE))
        return rows[0][0], [row[1] for row in rows], [row[0] for row in rows if row[2]]

    @api.model
    def _workday_covers(self, rows, today):
        return bool(
            rows
            and rows[0][0] <= today - timedelta(days=WORKDAY_DAYS_BEFORE - WORKDAY_MARGIN)
            and rows[-1][0] >= today + timedelta(days=WORKDAY_DAYS_AFTER - WORKDAY_MARGIN)
        )

    @api.model
    def _workday_build(self, calendar, first_day):
        """Compute the calendar's working days from its own work intervals, store and return the rows."""
        calendar = calendar.sudo()
        span = WORKDAY_DAYS_BEFORE + WORKDAY_DAYS_AFTER
        tz = pytz.timezone(calendar.tz or "UTC")
        start = tz.localize(datetime.combine(first_day, time.min))
        end = tz.localize(datetime.combine(first_day + timedelta(days=span), time.min))
        intervals = calendar._work_intervals_batch(start, end)[False]
        working_days = {begin.date() for begin, stop, _records in intervals if stop > begin}
        rows = day_index(first_day, working_days, span)
        self.env.cr.execute(SQL("DELETE FROM crm_public_pool_workday WHERE calendar_id = %s", calendar.id))
        self.env.cr.execute(
            SQL(
                """INSERT INTO crm_public_pool_workday (calendar_id, day, day_index, working)
                   SELECT %s, day, day_index, working
                     FROM unnest(%s::date[], %s::int[], %s::bool[]) AS t(day, day_index, working)""",
                calendar.id,
                [row[0] for row in rows],
                [row[1] for row in rows],
                [row[2] for row in rows],
            )
        )
        return rows

    @api.model
    def _workday_forget(self, calendars):
        """Drop the tables of calendars whose working time changed; the next use rebuilds them."""
        if not calendars:
            return
        self.env.cr.execute(SQL("DELETE FROM crm_public_pool_workday WHERE calendar_id IN %s", tuple(calendars.ids)))

    # ------------------------------------------------------------------
    # SQL building blocks: working days of ``calendar`` on timestamps (UTC, naive). The table
    # goes into the statement as two arrays, so each customer costs two array subscripts, not
    # two index lookups.
    # ------------------------------------------------------------------

    @api.model
    def _workday_local_sql(self, tz, moment):
        return SQL("((%s) AT TIME ZONE 'UTC' AT TIME ZONE %s)", moment, tz)

    @api.model
    def _workday_index_sql(self, tz, table, moment):
        """The working-day index of the (local) day of ``moment``: NULL outside the table."""
        first, indexes, _working_days = table
        return SQL(
            "(%s::int[])[%s::date - %s::date + 1]",
            indexes,
            self._workday_local_sql(tz, moment),
            first,
        )

    @api.model
    def _workday_add_sql(self, tz, table, moment, days):
        """``moment`` plus ``days`` working days (minus, when negative), at the same local time of day.

        Outside the table (a claim older than it, a deadline beyond it) the days count as
        calendar days: never sooner than the working days would be.
        """
        _first, _indexes, working_days = table
        local = self._workday_local_sql(tz, moment)
        return SQL(
            """coalesce(
                 ((%(working_days)s::date[])[%(index)s + %(days)s] + %(local)s::time)
                     AT TIME ZONE %(tz)s AT TIME ZONE 'UTC',
                 (%(moment)s) + make_interval(days => %(days)s))""",
            working_days=working_days,
            index=self._workday_index_sql(tz, table, moment),
            days=days,
            local=local,
            tz=tz,
            moment=moment,
        )

    @api.model
    def _workday_calendars_changed(self, calendars=None):
        """The working time of ``calendars`` (None: possibly all) changed: rebuild their tables on
        next use and move the recycle dates of the pools counting working days on them."""
        Rule = self.env["crm.public.pool.rule"]
        if calendars is None:
            self.env.cr.execute("DELETE FROM crm_public_pool_workday")
        else:
            self._workday_forget(calendars)
        by_pool = Rule._recycle_working_calendar_by_pool()
        pool_ids = [
            pool_id
            for pool_id, (calendar_id, _tz) in by_pool.items()
            if calendars is None or calendar_id in calendars.ids
        ]
        if pool_ids:
            self.env["crm.public.pool"].sudo().browse(pool_ids)._recycle_refresh_dates()
