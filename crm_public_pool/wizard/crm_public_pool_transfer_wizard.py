from odoo import fields, models


class CrmPublicPoolTransferWizard(models.TransientModel):
    _name = "crm.public.pool.transfer.wizard"
    _description = "Assign or Transfer Customers"

    partner_ids = fields.Many2many("res.partner", string="Customers", required=True)
    user_id = fields.Many2one("res.users", string="New Owner", required=True, domain=[("share", "=", False)])

    def action_apply(self):
        self.ensure_one()
        self.partner_ids._pool_chosen()
        for pool, pooled in self.partner_ids.filtered(lambda p: p.pool_state == "pool").grouped("pool_id").items():
            pool.pool_assign(pooled.ids, self.user_id.id)
        owned = self.partner_ids.filtered(lambda p: p.pool_state == "private")
        if owned:
            owned.pool_transfer(self.user_id.id)
        return self.env["res.partner"]._pool_notification(
            self.env._("1 customer now belongs to %(user)s.", user=self.user_id.name)
            if len(self.partner_ids) == 1
            else self.env._(
                "%(count)s customers now belong to %(user)s.", count=len(self.partner_ids), user=self.user_id.name
            )
        )
