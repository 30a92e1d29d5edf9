from odoo import models


class ResourceCalendar(models.Model):
    _inherit = "resource.calendar"

    def write(self, vals):
        res = super().write(vals)
        if "tz" in vals:
            # Rules counting working days keep each calendar's time zone in a cache.
            self.env.registry.clear_cache()
        if {"tz", "attendance_ids", "leave_ids", "two_weeks_calendar"} & set(vals):
            self.env["crm.public.pool.workday"]._workday_calendars_changed(self)
        return res
