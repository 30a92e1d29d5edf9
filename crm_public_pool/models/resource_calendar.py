from odoo import models


class ResourceCalendar(models.Model):
    _inherit = "resource.calendar"

    def write(self, vals):
        res = super().write(vals)
        if {"tz", "attendance_ids", "leave_ids", "two_weeks_calendar"} & set(vals):
            self.env["crm.public.pool.workday"]._workday_calendars_changed(self)
        return res
