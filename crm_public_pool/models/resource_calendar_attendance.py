from odoo import api, models


class ResourceCalendarAttendance(models.Model):
    """A change of working hours, or a moved working day (调休: a dated attendance), moves the
    recycle dates of rules counting working days."""

    _inherit = "resource.calendar.attendance"

    @api.model_create_multi
    def create(self, vals_list):
        attendances = super().create(vals_list)
        self.env["crm.public.pool.workday"]._workday_calendars_changed(attendances.calendar_id)
        return attendances

    def write(self, vals):
        calendars = self.calendar_id
        res = super().write(vals)
        self.env["crm.public.pool.workday"]._workday_calendars_changed(calendars | self.calendar_id)
        return res

    def unlink(self):
        calendars = self.calendar_id
        res = super().unlink()
        self.env["crm.public.pool.workday"]._workday_calendars_changed(calendars)
        return res
