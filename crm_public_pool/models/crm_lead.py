from odoo import api, models

from .masking import export_masked, group_domain, mask_domain, mask_read, unmasked_order

# Lead fields that copy a masked contact field of the customer.
LEAD_MASKED_FIELDS = {
    "phone": "phone",
    "mobile": "mobile",
    "email_from": "email",
    "email_normalized": "email",
    "phone_sanitized": "phone",
}


class CrmLead(models.Model):
    _inherit = "crm.lead"

    def _create_customer(self):
        # Customers created from a lead are pool customers, owned by the lead's salesperson.
        return super(CrmLead, self.with_context(pool_manage=True))._create_customer()

    # ------------------------------------------------------------------
    # Masking: a lead of a pooled customer must not show what the pool masks on the customer
    # ------------------------------------------------------------------

    @api.model
    def _pool_lead_masking(self, fnames=None):
        """{lead field: ids of the pools that mask its source field for the current user}."""
        masking = self.env["crm.public.pool"]._masking_pools_by_field()
        return {
            fname: masking[source]
            for fname, source in LEAD_MASKED_FIELDS.items()
            if source in masking and (fnames is None or fname in fnames)
        }

    def _pool_masked_records(self, fnames):
        """{field name: ids of leads in self whose value the user may not see}."""
        relevant = self._pool_lead_masking(fnames)
        if not relevant:
            return {}
        # Only the fields needed: prefetching whole rows as superuser would put values in the
        # cache that the user's own reads then take without their access check.
        leads = self.sudo()
        leads.fetch(["partner_id"])
        partners = leads.partner_id
        partners.fetch(["pool_state", "pool_id"])
        result = {}
        for fname, pool_ids in relevant.items():
            ids = {lead.id for lead in leads if lead.partner_id.pool_state == "pool" and lead.partner_id.pool_id.id in pool_ids}
            if ids:
                result[fname] = ids
        return result

    def _read_format(self, fnames, load="_classic_read"):
        return mask_read(self, super()._read_format(fnames, load=load), fnames)

    def _export_rows(self, fields, *, _is_toplevel_call=True):
        return export_masked(
            self, fields, _is_toplevel_call, lambda: super(CrmLead, self)._export_rows(fields, _is_toplevel_call=_is_toplevel_call)
        )

    @api.model
    def _pool_unmasked_domain(self, pool_ids):
        """Leads on which ``pool_ids`` hide nothing: their customer is not pooled in one of them."""
        hidden = self.env["res.partner"].sudo().with_context(active_test=False)._search(
            [("pool_state", "=", "pool"), ("pool_id", "in", list(pool_ids))]
        )
        return ["|", ("partner_id", "=", False), ("partner_id", "not in", hidden)]

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        masking = self._pool_lead_masking()
        if masking:
            domain = mask_domain(domain, masking, self._pool_unmasked_domain)
            order = unmasked_order(order, masking)
        return super()._search(domain, offset=offset, limit=limit, order=order)

    @api.model
    def _read_group(self, domain, groupby=(), aggregates=(), having=(), offset=0, limit=None, order=None):
        masking = self._pool_lead_masking()
        if masking:
            domain = group_domain(domain, groupby, aggregates, masking, self._pool_unmasked_domain)
        return super()._read_group(
            domain, groupby=groupby, aggregates=aggregates, having=having, offset=offset, limit=limit, order=order
        )
