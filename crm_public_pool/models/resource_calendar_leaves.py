from odoo import api, models


class ResourceCalendarLeaves(models.Model):
    """A public holiday (a leave of the whole calendar) moves the recycle dates of rules counting
    working days; a leave without a calendar is a holiday of every calendar."""

    _inherit = "resource.calendar.leaves"

    def _pool_changed_calendars(self):
        public = self.filtered(lambda leave: not leave.resource_id)
        if not public:
            return self.env["resource.calendar"]
        if not all(public.mapped("calendar_id")):
            return None
        return public.calendar_id

    def _pool_notify(self, calendars):
        if calendars is None or calendars:
            self.env["crm.public.pool.workday"]._workday_calendars_changed(calendars)

    @api.model_create_multi
    def create(self, vals_list):
        leaves = super().create(vals_list)
        self._pool_notify(leaves._pool_changed_calendars())
        return leaves

    def write(self, vals):
        before = self._pool_changed_calendars()
        res = super().write(vals)
        after = self._pool_changed_calendars()
        self._pool_notify(None if before is None or after is None else before | after)
        return res

    def unlink(self):
        calendars = self._pool_changed_calendars()
        res = super().unlink()
        self._pool_notify(calendars)
        return res
