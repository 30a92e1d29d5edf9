"""Records that belong to a customer (activities, attachments) are hidden when the customer is masked."""


class _WithoutMaskedDocuments:
    """Filters records whose ``res_model``/``res_id`` point at a customer masked to the caller."""

    def forbidden(self, records):
        records = records.browse(records._ids)
        if records.env.su or not records.env["res.partner"]._pool_masking():
            return records.browse()
        rows = records.sudo().read(["res_model", "res_id"])
        partner_ids = {row["res_id"] for row in rows if row["res_model"] == "res.partner" and row["res_id"]}
        masked = records.env["res.partner"].browse(list(partner_ids))._pool_masked_pools()
        return records.browse(
            [row["id"] for row in rows if row["res_model"] == "res.partner" and row["res_id"] in masked]
        )

    def __call__(self, model, query, order):
        if model.env.su or not model.env["res.partner"]._pool_masking():
            return query
        records = model.browse(query)
        forbidden = self.forbidden(records)
        if not forbidden:
            return query
        return (records - forbidden)._as_query(order)

    def check(self, records, result, operation):
        """Add the masked customers' records to ``_check_access``'s forbidden ones."""
        if operation != "read" or not records:
            return result
        allowed = records - result[0] if result else records
        forbidden = self.forbidden(allowed)
        if not forbidden:
            return result
        if result:
            return (result[0] + forbidden, result[1])
        return (forbidden, lambda: records.env["ir.rule"]._make_access_error(operation, forbidden))


without_masked_documents = _WithoutMaskedDocuments()
