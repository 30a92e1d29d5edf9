from datetime import timedelta

from odoo import api, fields, models
from odoo.osv import expression
from odoo.tools import SQL


class ResPartner(models.Model):
    """Countdowns in working days for customers of pools whose rules count working days."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    pool_recycle_day_unit = fields.Selection(
        [("calendar", "days"), ("working", "working days")],
        string="Days Left In",
        compute="_compute_pool_recycle_days",
        help="What the countdown counts: days, or working days when the pool's rules count working days.",
    )

    @api.depends("pool_recycle_date")
    def _compute_pool_recycle_days(self):
        res = super()._compute_pool_recycle_days()
        calendars = self.env["crm.public.pool.rule"]._recycle_working_calendar_by_pool()
        warn_days = self.env["crm.public.pool.rule"]._recycle_warn_days_by_pool()
        working = self.filtered(lambda partner: partner.pool_id.id in calendars)
        for partner in self - working:
            partner.pool_recycle_day_unit = "calendar"
        left = working.filtered("pool_recycle_date")._pool_working_days_left(calendars)
        for partner in working:
            partner.pool_recycle_day_unit = "working"
            if partner.id in left:
                partner.pool_recycle_days = left[partner.id]
                partner.pool_recycle_warning = left[partner.id] <= warn_days.get(partner.pool_id.id, 0)
        return res

    def _pool_working_days_left(self, calendars):
        """{partner id: working days from today to the recycle date} for saved customers."""
        Workday = self.env["crm.public.pool.workday"]
        Calendar = self.env["resource.calendar"].sudo()
        now = fields.Datetime.now()
        left = {}
        saved = self.filtered("id")
        for (calendar_id, tz), partners in saved.grouped(lambda partner: calendars[partner.pool_id.id]).items():
            calendar = Calendar.browse(calendar_id)
            table = Workday._workday_table(calendar)
            partners.flush_recordset(["pool_recycle_date"])
            rows = self.env.execute_query(
                SQL(
                    "SELECT p.id, %s - %s FROM res_partner p WHERE p.id IN %s",
                    Workday._workday_index_sql(tz, table, SQL("p.pool_recycle_date")),
                    Workday._workday_index_sql(tz, table, SQL("%s::timestamp", now)),
                    tuple(partners.ids),
                )
            )
            left.update({partner_id: days for partner_id, days in rows if days is not None})
        return left

    @api.model
    def _search_pool_recycle_warning(self, operator, value):
        calendars = self.env["crm.public.pool.rule"]._recycle_working_calendar_by_pool()
        if not calendars or operator not in ("=", "!=") or not isinstance(value, bool):
            return super()._search_pool_recycle_warning(operator, value)
        # As _compute_pool_recycle_days counts: the end of the last day of each pool's warning
        # window, that many working days ahead for pools counting working days.
        today = fields.Date.context_today(self)
        soon = []
        for pool_id, days in self.env["crm.public.pool.rule"]._recycle_warn_days_by_pool().items():
            last_day = today + timedelta(days=days)
            if pool_id in calendars:
                last_day = self._pool_last_working_window_day(calendars[pool_id][0], today, days) or last_day
            soon.append(
                [
                    "&",
                    ("pool_id", "=", pool_id),
                    ("pool_recycle_date", "<", fields.Datetime.to_datetime(last_day + timedelta(days=1))),
                ]
            )
        domain = expression.AND([[("pool_state", "=", "private")], expression.OR(soon)])
        return domain if (operator == "=") == value else ["!", *expression.normalize_domain(domain)]

    @api.model
    def _pool_last_working_window_day(self, calendar_id, day, days):
        """The last day of a window of ``days`` working days after ``day``: the eve of the next
        working day (a window ending on a Friday runs through the weekend). None outside the table."""
        calendar = self.env["resource.calendar"].sudo().browse(calendar_id)
        first, indexes, working_days = self.env["crm.public.pool.workday"]._workday_table(calendar)
        offset = (day - first).days
        if not 0 <= offset < len(indexes):
            return None
        following = indexes[offset] + days + 1
        if not 1 <= following <= len(working_days):
            return None
        return working_days[following - 1] - timedelta(days=1)
