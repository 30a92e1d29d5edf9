from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from .checks import check_id


class CrmLead(models.Model):
    _inherit = "crm.lead"

    pool_detached = fields.Boolean(
        string="Detached from Customer",
        copy=False,
        readonly=True,
        help="Won or lost by a previous owner of the customer: it keeps their credit, and no longer takes "
        "the customer's phone and e-mail, which are the new owner's.",
    )

    def _get_partner_email_update(self, force_void=True):
        # A detached lead neither takes the customer's later e-mail nor writes its own onto the customer.
        return not self.pool_detached and super()._get_partner_email_update(force_void=force_void)

    def _get_partner_phone_update(self, force_void=True):
        return not self.pool_detached and super()._get_partner_phone_update(force_void=force_void)

    def _create_customer(self):
        # Customers created from a lead are pool customers, owned by the lead's salesperson.
        return super(CrmLead, self.with_context(pool_manage=True))._create_customer()

    @api.model_create_multi
    def create(self, vals_list):
        self._pool_check_customer(vals_list)
        if not self.env.su and any("pool_detached" in vals for vals in vals_list):
            raise AccessError(self.env._("Whether an opportunity follows its customer is decided by the pool moves."))
        return super().create(vals_list)

    def write(self, vals):
        self._pool_check_customer([vals])
        if "pool_detached" in vals and not self.env.su:
            raise AccessError(self.env._("Whether an opportunity follows its customer is decided by the pool moves."))
        return super().write(vals)

    @api.model
    def _pool_check_customer(self, vals_list):
        """A lead copies its customer's contact data: only a customer the caller may see whole may be set.

        Leads of a customer masked to the caller are hidden from them (see the record rule
        "Leads: not of customers hidden from me"); attaching one to a lead of their own would
        copy the hidden phone and e-mail into a record they can read.
        """
        if self.env.su:
            return
        for vals in vals_list:
            if not vals.get("partner_id"):
                continue
            partner = self.env["res.partner"].browse(check_id(self.env, vals["partner_id"], self.env._("The customer")))
            if not partner._filtered_access("read") or partner._pool_masked_pools():
                raise AccessError(
                    self.env._("Customer #%s is not yours: claim it before opening an opportunity for it.", partner.id)
                )

    # ------------------------------------------------------------------
    # Every opportunity follows its customer (see the README, "Opportunities follow their customer")
    # ------------------------------------------------------------------

    @api.model
    def _pool_follow_rows_sql(self, customer_ids):
        """The statement listing every lead of these customers and their contacts, archived ones
        included: rows (lead id, open, salesperson id, detached). Open: active and not won."""
        self.flush_model(["active", "user_id", "partner_id", "stage_id", "pool_detached"])
        self.env["crm.stage"].flush_model(["is_won"])
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        return SQL(
            """SELECT l.id, l.active AND s.is_won IS NOT TRUE, l.user_id, l.pool_detached IS TRUE
                 FROM crm_lead l LEFT JOIN crm_stage s ON s.id = l.stage_id
                WHERE l.partner_id IN (SELECT lp.id FROM res_partner lp WHERE lp.commercial_partner_id IN %s)""",
            tuple(customer_ids),
        )

    @api.model
    def _pool_follow(self, rows, new_user_id):
        """Make the leads of ``rows`` (from ``_pool_follow_rows_sql``) follow customers now owned by
        ``new_user_id`` (False: back in the pool).

        Open leads, whoever had them, go to the new owner (unassigned in the pool). Won and lost
        ones keep the salesperson who won or lost them, and are detached from the customer while
        the customer is someone else's: they no longer take its phone and e-mail. The set-based
        recycle statement writes the same (``crm.public.pool.rule._recycle_batch``).
        """
        new_user_id = new_user_id or False
        to_owner, detach, attach = [], [], []
        for lead_id, is_open, user_id, detached in rows:
            keeps = is_open or (new_user_id and user_id == new_user_id)
            if is_open and (user_id or False) != new_user_id:
                to_owner.append(lead_id)
            if keeps and detached:
                attach.append(lead_id)
            elif not keeps and not detached:
                detach.append(lead_id)
        leads = self.sudo().with_context(tracking_disable=True, active_test=False)
        if to_owner:
            moved = leads.browse(to_owner)
            moved.write({"user_id": new_user_id})
            # What depends on the salesperson (the team, then the team's properties, which Odoo
            # computes as the current user) is computed now, as superuser: at the end of the
            # request the previous owner may no longer read the lead (a masked pool hides it), and
            # the release failed with an access error on it.
            moved.flush_recordset()
        if detach:
            leads.browse(detach).write({"pool_detached": True})
        if attach:
            leads.browse(attach).write({"pool_detached": False})
