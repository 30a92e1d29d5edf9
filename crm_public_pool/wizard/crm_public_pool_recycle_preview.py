from odoo import fields, models


class CrmPublicPoolRecyclePreview(models.TransientModel):
    """One customer the recycle rules would return to the pool today, and why."""

    _name = "crm.public.pool.recycle.preview"
    _description = "Customer Pool Recycle Preview"
    _order = "pool_id, user_id, partner_id"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True, ondelete="cascade")
    rule_id = fields.Many2one("crm.public.pool.rule", ondelete="cascade")
    user_id = fields.Many2one("res.users", string="Owner")
    pool_id = fields.Many2one("crm.public.pool")
    target_pool_id = fields.Many2one("crm.public.pool", string="Recycled Into")
    note = fields.Char(string="Why")
