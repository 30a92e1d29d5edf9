"""Masking shared by the customer and its leads.

Both models provide ``_pool_masked_records(fnames)``: {field name: ids of the records in self
whose value the current user may not see}. ``masking`` below is {field name: ids of the pools
that mask it for the current user}, and ``visible(pool_ids)`` a domain of the records on which
those pools hide nothing.
"""

from odoo.osv import expression

from ..logic.masking import mask_value


def mask_read(records, result, fnames):
    """Mask, in the dicts ``_read_format`` returns, what the user may not see."""
    masked = records._pool_masked_records(fnames)
    for vals in result if masked else ():
        for fname, ids in masked.items():
            if vals["id"] in ids and fname in vals:
                vals[fname] = mask_value(vals[fname])
    return result


def export_masked(records, fields, toplevel, export):
    """Run ``export()`` (the model's ``_export_rows``) with masked values in the cache."""
    if toplevel:
        # Masking reads the rows as superuser, which fills the cache the export then reads
        # from without the access check that reading them as the user does.
        records.check_access("read")
    fnames = {path[0] for path in fields if len(path) == 1 or path[1] in ("id", ".id")}
    masked = records._pool_masked_records(fnames)
    if not masked:
        return export()
    names = list(masked)
    records.flush_recordset(names)
    try:
        for fname, ids in masked.items():
            field = records._fields[fname]
            for record in records.browse(ids):
                records.env.cache.set(record, field, mask_value(record[fname]))
        return export()
    finally:
        records.invalidate_recordset(names)


def mask_domain(domain, masking, visible):
    """Make a leaf on a masked field false on the records it is masked on.

    A leaf's truth then never depends on a hidden value, so no combination of leaves
    (negations included) can reveal it.
    """

    def rewrite(leaf):
        if not expression.is_leaf(leaf) or not isinstance(leaf[0], str):
            return [leaf]
        fname = leaf[0].split(".", 1)[0]
        if fname not in masking:
            return [leaf]
        return ["&", leaf, *visible(masking[fname])]

    result = []
    for item in expression.normalize_domain(domain or []):
        result.extend(rewrite(item) if isinstance(item, (list, tuple)) else [item])
    return result


def unmasked_order(order, masking):
    """``order`` without its terms on masked fields: sorting by them would rank hidden values."""
    if not order:
        return order
    return ",".join(term for term in order.split(",") if term.strip().split(" ")[0] not in masking) or None


def group_domain(domain, groupby, aggregates, masking, visible):
    """``domain`` without the records whose masked values would show as group labels."""
    specs = [spec.split(":")[0].split(".")[0] for spec in list(groupby) + list(aggregates)]
    hidden = {pool for fname in specs if fname in masking for pool in masking[fname]}
    if not hidden:
        return domain
    return expression.AND([domain or [], visible(hidden)])
