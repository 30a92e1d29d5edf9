"""Masked reads shared by the customer and its leads.

Both models provide ``_pool_masked_records(fnames)``: {field name: ids of the records in self
whose value the current user may not see}.
"""

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
