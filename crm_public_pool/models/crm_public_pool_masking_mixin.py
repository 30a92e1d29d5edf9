"""Masking by allow-list: on a customer masked to the caller, every field is hidden but a few.

A customer is masked to a user when it sits in a pool that masks (one with masked fields)
and the user is neither its owner nor an administrator of that pool. On such a customer only
the fields of ``_pool_visible_fields`` show (its name, pool, level, city, ...), minus the ones
the pool names in its masked fields; those and every other field, stored or computed, present
or added later by another addon, come back hidden through every read path: read and
search_read, web_read with nested specifications, export, searching or sorting or grouping
on them, onchange, and the display name. A hidden text field the pool names keeps its shape
(``138****8000``); any other hidden field is empty.
"""

from odoo import api, models
from odoo.osv import expression

from ..logic.masking import mask_value

NUMERIC_TYPES = ("integer", "float", "monetary")


class CrmPublicPoolMaskingMixin(models.AbstractModel):
    _name = "crm.public.pool.masking.mixin"
    _description = "Customer Pool Masking"

    # Fields shown on a masked record (before the pool's own masked fields are taken out).
    _pool_visible_fields = frozenset({"id"})

    # ------------------------------------------------------------------
    # What is hidden
    # ------------------------------------------------------------------

    def _pool_masked_pools(self):
        """{id of a record in self that is masked to the caller: id of the pool masking it}."""
        return {}

    @api.model
    def _pool_masking(self):
        """{pool id: field names the pool names as masked} of the pools masking for the caller."""
        return dict(self.env["crm.public.pool"]._pool_masking())

    @api.model
    def _pool_hidden_in(self, fname, masking):
        """Ids of the pools of ``masking`` that hide ``fname``."""
        if fname not in self._pool_visible_fields:
            return tuple(masking)
        return tuple(pool_id for pool_id, named in masking.items() if fname in named)

    @api.model
    def _pool_hidden_value(self, fname, value, named):
        field = self._fields.get(fname)
        if field is None:
            return value
        if field.type in ("char", "text") and fname in named:
            return mask_value(value)
        if field.type in ("one2many", "many2many", "properties"):
            return []
        if field.type in NUMERIC_TYPES:
            return 0
        return False

    @api.model
    def _pool_unmasked_domain(self, pool_ids):
        """Records on which the pools ``pool_ids`` hide nothing."""
        return expression.TRUE_DOMAIN

    # ------------------------------------------------------------------
    # Read paths
    # ------------------------------------------------------------------

    def _read_format(self, fnames, load="_classic_read"):
        result = super()._read_format(fnames, load=load)
        masked = self._pool_masked_pools()
        if not masked:
            return result
        masking = self._pool_masking()
        for vals in result:
            pool_id = masked.get(vals["id"])
            if pool_id is None:
                continue
            named = masking.get(pool_id, ())
            for fname in vals:
                if fname != "id" and pool_id in self._pool_hidden_in(fname, masking):
                    vals[fname] = self._pool_hidden_value(fname, vals[fname], named)
        return result

    def web_read(self, specification):
        masked = self._pool_masked_pools()
        if not masked:
            return super().web_read(specification)
        # A masked record is read with the specification of its shown fields only, so that no
        # related record behind a hidden field is read or named; the hidden ones are then
        # filled in as empty (or shaped, for the texts the pool names).
        masking = self._pool_masking()
        by_id = {}
        plain = self.browse([rid for rid in self._ids if rid not in masked])
        if plain:
            by_id.update((vals["id"], vals) for vals in super(CrmPublicPoolMaskingMixin, plain).web_read(specification))
        for pool_id in set(masked.values()):
            records = self.browse([rid for rid in self._ids if masked.get(rid) == pool_id])
            named = masking.get(pool_id, ())
            hidden = {fname for fname in specification if pool_id in self._pool_hidden_in(fname, masking)}
            shaped = {
                fname
                for fname in hidden
                if self._fields.get(fname) is not None
                and self._fields[fname].type in ("char", "text")
                and fname in named
            }
            spec = {fname: sub for fname, sub in specification.items() if fname not in hidden or fname in shaped}
            for vals in super(CrmPublicPoolMaskingMixin, records).web_read(spec):
                for fname in hidden - shaped:
                    vals[fname] = self._pool_hidden_value(fname, False, named)
                by_id[vals["id"]] = vals
        return [by_id[rid] for rid in self._ids if rid in by_id]

    def _export_rows(self, fields, *, _is_toplevel_call=True):
        masked = self._pool_masked_pools()
        if not masked:
            return super()._export_rows(fields, _is_toplevel_call=_is_toplevel_call)
        if _is_toplevel_call:
            # Masking reads the rows as superuser, which fills the cache the export then reads
            # from without the access check that reading them as the user does.
            self.check_access("read")
        masking = self._pool_masking()
        names = {path[0] for path in fields if path and path[0] not in (".id", "id")}
        touched = set()
        self.flush_recordset([fname for fname in names if fname in self._fields])
        try:
            # All hidden values first, then into the cache: a computed field read after another
            # was emptied would be computed from the empty value.
            hidden = []
            for record in self.browse(list(masked)):
                pool_id = masked[record.id]
                named = masking.get(pool_id, ())
                for fname in names:
                    if fname not in self._fields or pool_id not in self._pool_hidden_in(fname, masking):
                        continue
                    field = self._fields[fname]
                    shaped = field.type in ("char", "text") and fname in named
                    hidden.append(
                        (record, field, self._pool_hidden_value(fname, record[fname] if shaped else False, named))
                    )
            for record, field, value in hidden:
                self.env.cache.set(record, field, field.convert_to_cache(value, record))
                touched.add(field.name)
            return super()._export_rows(fields, _is_toplevel_call=_is_toplevel_call)
        finally:
            # Everything: fields computed during the export from the hidden values are wrong too.
            if touched:
                self.invalidate_recordset()

    def onchange(self, values, field_names, fields_spec):
        result = super().onchange(values, field_names, fields_spec)
        # Values an onchange derives from a masked record (the record itself, or the company
        # of a new contact) are dropped: the client keeps what it sent.
        sources = self.browse(self._ids)
        for fname in ("parent_id", "commercial_partner_id", "partner_id"):
            value = values.get(fname)
            if fname in self._fields and self._fields[fname].comodel_name == self._name and isinstance(value, int):
                sources |= self.browse(value)
        masked = sources._pool_masked_pools()
        if masked and isinstance(result.get("value"), dict):
            masking = self._pool_masking()
            hidden_somewhere = {
                fname for fname in result["value"] if set(self._pool_hidden_in(fname, masking)) & set(masked.values())
            }
            for fname in hidden_somewhere:
                result["value"].pop(fname, None)
        return result

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        # A search on ids alone (the ORM's own reads of records by id, name reads included)
        # has nothing to mask: it costs no lookup of the pools, so records outside any pool
        # are read as they are without this addon.
        masking = self._pool_searches_fields(domain, order) and self._pool_masking()
        if masking:
            domain = self._pool_mask_domain(domain, masking)
            order = self._pool_unmasked_order(order, masking)
        return super()._search(domain, offset=offset, limit=limit, order=order)

    @api.model
    def _read_group(self, domain, groupby=(), aggregates=(), having=(), offset=0, limit=None, order=None):
        masking = self._pool_masking()
        if masking:
            # A group's label or aggregate would show a hidden value: records hiding it stay out.
            specs = {spec.split(":")[0].split(".")[0] for spec in list(groupby) + list(aggregates)} - {"__count"}
            hidden = {pool_id for fname in specs for pool_id in self._pool_hidden_in(fname, masking)}
            if hidden:
                domain = expression.AND([domain or [], self._pool_unmasked_domain(hidden)])
        return super()._read_group(
            domain, groupby=groupby, aggregates=aggregates, having=having, offset=offset, limit=limit, order=order
        )

    @api.model
    def _pool_searches_fields(self, domain, order):
        """Whether ``domain`` or ``order`` name a field other than ``id``, which no pool hides."""
        for item in domain or []:
            if isinstance(item, (list, tuple)) and expression.is_leaf(item) and isinstance(item[0], str):
                if item[0].split(".", 1)[0] != "id":
                    return True
        return any(term.strip().split(" ")[0] not in ("", "id") for term in (order or "").split(","))

    @api.model
    def _pool_mask_domain(self, domain, masking):
        """Make a leaf on a hidden field false on the records it is hidden on.

        A leaf's truth then never depends on a hidden value, so no combination of leaves
        (negations included) can reveal it.
        """
        result = []
        for item in expression.normalize_domain(domain or []):
            if not (isinstance(item, (list, tuple)) and expression.is_leaf(item) and isinstance(item[0], str)):
                result.append(item)
                continue
            hidden = self._pool_hidden_in(item[0].split(".", 1)[0], masking)
            if hidden:
                result.extend(["&", item, *self._pool_unmasked_domain(hidden)])
            else:
                result.append(item)
        return result

    @api.model
    def _pool_unmasked_order(self, order, masking):
        """``order`` without its terms on hidden fields: sorting by them would rank hidden values."""
        if not order:
            return order
        terms = [term for term in order.split(",") if not self._pool_hidden_in(term.strip().split(" ")[0], masking)]
        return ",".join(terms) or None
