"""Every model's copies of a customer, found in the registry, hidden on that model's read paths.

Odoo computes related fields (and stored computed ones) as superuser: a record the caller may
read that carries a customer's phone shows it whatever the customer's own rules say. The fields
whose value comes from a ``res.partner`` field outside the masking allow-list (related fields,
computed fields through their declared dependencies, stored copies) are found here from the
loaded registry, so a module installed tomorrow is covered without anyone listing it; what was
decided for each is in ``logic/partner_copies.py``. A field decided ``mask``, and any field
nobody decided yet (deny by default), is hidden from a caller who may not see its customer
whole on read, ``search_read``, ``web_read``, export, search, group-by and onchange. Setting a
relation decided ``link`` (attendees, orders, invoices...) to such a customer is refused.
"""

from odoo import api, models, tools
from odoo.osv import expression

from ..logic.partner_copies import MASK, NAME, OWN, SHOWN, decision, link_fields, stored_copies

PARTNER = "res.partner"
NUMERIC_TYPES = ("integer", "float", "monetary")


def _allowed_partner_fields(env):
    return env[PARTNER]._pool_visible_fields


class _DependencyWalk:
    """Follows declared dependencies from the fields of a model to the customer's fields."""

    def __init__(self, env):
        self.env = env
        self.allowed = _allowed_partner_fields(env)
        self.memo = {}

    def resolve(self, model, path, computed):
        """{(relation path, customer field)} that ``path`` (read from ``model``) reaches."""
        found = set()
        prefix = ()
        current = model
        for name in path.split("."):
            field = self.env[current]._fields.get(name)
            if field is None:
                return found
            if current == PARTNER:
                if name not in self.allowed:
                    found.add((prefix, name))
                    return found
            else:
                # The field may itself be a copy of a customer's field.
                found.update((prefix + sub, fname) for sub, fname in self.of_field(current, name))
            if not field.relational:
                return found
            prefix += (name,)
            current = field.comodel_name
        if current == PARTNER and computed:
            found.add((prefix, "*"))
        return found

    def of_field(self, model, fname, root=False):
        if not root:
            decided = decision(model, fname)
            if decided is not None and decided[0] in (OWN, SHOWN):
                # Decided to carry nothing of a customer: what depends on it carries nothing either.
                return set()
        key = (model, fname)
        if key not in self.memo:
            self.memo[key] = set()  # a dependency cycle adds nothing
            self.memo[key] = self._walk(model, fname)
        return self.memo[key]

    def _walk(self, model, fname):
        if model == PARTNER or model not in self.env.registry:
            return set()
        field = self.env[model]._fields.get(fname)
        if field is None:
            return set()
        computed = bool(field.compute) and not field.related
        paths = list(self.env.registry.field_depends[field])
        if field.related:
            paths.append(".".join(field.related))
        found = set()
        for path in paths:
            if path != fname:
                found |= self.resolve(model, path, computed)
        return found


def partner_dependencies(env, model_name):
    """{field name: {(relation path to the customer, customer field or "*")}} of ``model_name``.

    ``"*"``: a computed field depends on the customer record itself, so its method may read
    any of its fields. Dependencies on fields of the same or other models that are themselves
    copies are followed, except through fields decided to carry nothing of a customer.
    """
    if model_name == PARTNER:
        return {}
    walk = _DependencyWalk(env)
    result = {}
    for fname in env[model_name]._fields:
        deps = walk.of_field(model_name, fname, root=True)
        if deps:
            result[fname] = deps
    return result


def _empty(field):
    if field.type in ("one2many", "many2many", "properties"):
        return []
    if field.type in NUMERIC_TYPES:
        return 0
    return False


class Base(models.AbstractModel):
    _inherit = "base"

    # ------------------------------------------------------------------
    # What is a copy of a customer, and where it is hidden
    # ------------------------------------------------------------------

    @api.model
    @tools.ormcache()
    def _pool_partner_copies(self):
        """{field name: relation paths to the customer} of this model's fields to hide (``mask``)."""
        copies = {}
        for fname, deps in partner_dependencies(self.env, self._name).items():
            decided = decision(self._name, fname)
            if decided is None or decided[0] == MASK:
                copies[fname] = tuple(sorted({prefix for prefix, __ in deps if prefix}))
        for fname, relation in stored_copies(self._name).items():
            if fname in self._fields:
                copies[fname] = tuple(sorted({*copies.get(fname, ()), relation}))
        return copies

    @api.model
    @tools.ormcache()
    def _pool_partner_names(self):
        """{field name: relation paths to the customer} of this model's fields naming it (``name``)."""
        return {
            fname: tuple(sorted({prefix for prefix, __ in deps if prefix}))
            for fname, deps in partner_dependencies(self.env, self._name).items()
            if (decision(self._name, fname) or (None,))[0] == NAME
        }

    def _pool_names_hidden(self, fnames):
        """{field name: {id of ``self``: label}} for the names in ``fnames`` of customers the caller may not read."""
        names = self._pool_partner_names()
        wanted = {fname: names[fname] for fname in fnames if names.get(fname)}
        if self.env.su or not self._ids or not wanted:
            return {}
        records = self.sudo().browse([rid for rid in self._ids if isinstance(rid, int)])
        partners_of = {}
        for prefix in {prefix for prefixes in wanted.values() for prefix in prefixes}:
            for record in records:
                partners_of[prefix, record.id] = record.mapped(".".join(prefix))
        every = self.env[PARTNER].sudo().union(*partners_of.values()) if partners_of else self.env[PARTNER]
        managed = every.filtered("pool_state").with_env(self.env(su=False))
        unreadable = managed - managed._filtered_access("read")
        if not unreadable:
            return {}
        labels = unreadable._pool_names_for_me()
        result = {}
        for fname, prefixes in wanted.items():
            for record in records:
                hidden = [rid for prefix in prefixes for rid in partners_of[prefix, record.id]._ids if rid in labels]
                if hidden:
                    result.setdefault(fname, {})[record.id] = labels[hidden[0]]
        return result

    @api.model
    @tools.ormcache()
    def _pool_partner_link_fields(self):
        """Names of this model's relations to a customer that need reading it whole to be set."""
        return tuple(
            fname
            for fname in link_fields(self._name)
            if fname in self._fields
            and self._fields[fname].type in ("many2one", "many2many")
            and self._fields[fname].comodel_name == PARTNER
        )

    def _pool_copies_hidden(self, fnames, exporting=False):
        """{field name: ids of ``self`` on which it is hidden from the caller} for the copies in ``fnames``."""
        if self.env.su or not self._ids:
            return {}
        copies = self._pool_partner_copies()
        wanted = {fname: copies[fname] for fname in fnames if fname in copies and copies[fname]}
        if not wanted:
            return {}
        records = self.sudo().browse([rid for rid in self._ids if isinstance(rid, int)])
        partners_of = {}
        for prefix in {prefix for prefixes in wanted.values() for prefix in prefixes}:
            path = ".".join(prefix)
            for record in records:
                partners_of[prefix, record.id] = set(record.mapped(path)._ids)
        every = set().union(*partners_of.values()) if partners_of else set()
        hidden = set(self.env[PARTNER].browse(every)._pool_not_whole(exporting=exporting)._ids)
        if not hidden:
            return {}
        result = {}
        for fname, prefixes in wanted.items():
            ids = {
                record.id for record in records if any(partners_of[prefix, record.id] & hidden for prefix in prefixes)
            }
            if ids:
                result[fname] = ids
        return result

    @api.model
    def _pool_copy_domain(self, fnames):
        """Records on which none of the copies ``fnames`` is hidden from the caller (a domain)."""
        copies = self._pool_partner_copies()
        prefixes = {prefix for fname in fnames for prefix in copies.get(fname, ())}
        domains = []
        for prefix in sorted(prefixes):
            fname = prefix[0]
            field = self._fields[fname]
            if len(prefix) > 1 or field.type != "many2one" or not (field.store or field.search):
                # Not searchable as one relation: nothing on which it is hidden is matched.
                return expression.FALSE_DOMAIN
            domains.append(self._pool_partner_visible_domain(fname))
        return expression.AND(domains) if domains else expression.TRUE_DOMAIN

    @api.model
    def _pool_partner_visible_domain(self, fname):
        """Records whose customer ``fname`` (a many2one) is empty, unmanaged, or seen whole by the caller."""
        Partner = self.env[PARTNER]
        unmanaged = Partner.sudo().with_context(active_test=False)._search([("pool_state", "=", False)])
        whole = Partner._pool_whole_domain() or [("id", "!=", False)]
        return ["|", "|", (fname, "=", False), (fname, "in", unmanaged), (fname, "any", whole)]

    @api.model
    def _pool_customers_not_whole(self, res_ids):
        """The customers of these records (the records themselves for partners) the caller may not see whole.

        A report or a mail template renders its records as the caller but reads their customers
        from the cache, outside the masking of the customer's own read paths: what renders the
        customer of a record (its relation, or the source of one of its copies) asks here first.
        """
        if isinstance(res_ids, int):
            res_ids = [res_ids]
        # Ids only: a template renders ``[False]`` when it has no record (a bool is an int too).
        ids = [rid for rid in res_ids or () if type(rid) is int and rid]
        model = self.sudo()
        if not ids:
            return self.env[PARTNER]
        if self._name == PARTNER:
            partners = model.browse(ids)
            # No query where the caller's own request already read them (Odoo's mail tests count
            # a template's queries): the customers' pool fields come from the cache.
            if not all(self.env.cache.contains(partner, model._fields["pool_state"]) for partner in partners):
                partners = partners.exists()
        else:
            fnames = set(model._pool_partner_link_fields())
            fnames |= {prefix[0] for prefixes in model._pool_partner_copies().values() for prefix in prefixes}
            fnames = sorted(
                fname for fname in fnames if fname in model._fields and model._fields[fname].comodel_name == PARTNER
            )
            if not fnames:
                return self.env[PARTNER]
            records = model.browse(ids).exists()
            partners = self.env[PARTNER].sudo()
            for fname in fnames:
                partners |= records.mapped(fname)
        return partners.with_env(self.env)._pool_not_whole()

    # ------------------------------------------------------------------
    # Read paths
    # ------------------------------------------------------------------

    def _read_format(self, fnames, load="_classic_read"):
        result = super()._read_format(fnames, load=load)
        hidden = self._pool_copies_hidden(fnames)
        for fname, ids in hidden.items():
            empty = _empty(self._fields[fname])
            for vals in result:
                if vals["id"] in ids and fname in vals:
                    vals[fname] = empty
        for fname, labels in self._pool_names_hidden(fnames).items():
            for vals in result:
                if vals["id"] in labels and fname in vals:
                    vals[fname] = labels[vals["id"]]
        return result

    def _export_rows(self, fields, *, _is_toplevel_call=True):
        names = {path[0] for path in fields if path and path[0] not in (".id", "id")}
        hidden = self._pool_copies_hidden(names, exporting=True)
        labels = self._pool_names_hidden(names)
        if not hidden and not labels:
            return super()._export_rows(fields, _is_toplevel_call=_is_toplevel_call)
        # Finding the customers read the records as superuser, which fills the cache the export
        # then reads from without the access check that reading them as the user does.
        self.check_access("read")
        self.flush_recordset([fname for fname in {*hidden, *labels} if self._fields[fname].store])
        try:
            for fname, ids in hidden.items():
                field = self._fields[fname]
                for record in self.browse(list(ids)):
                    self.env.cache.set(record, field, field.convert_to_cache(_empty(field), record))
            for fname, by_id in labels.items():
                field = self._fields[fname]
                for rid, label in by_id.items():
                    self.env.cache.set(self.browse(rid), field, field.convert_to_cache(label, self.browse(rid)))
            return super()._export_rows(fields, _is_toplevel_call=_is_toplevel_call)
        finally:
            self.invalidate_recordset()

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        if not self.env.su and domain and self._pool_partner_copies():
            domain = self._pool_copy_mask_domain(domain)
            order = self._pool_copy_unmasked_order(order)
        return super()._search(domain, offset=offset, limit=limit, order=order)

    @api.model
    def _pool_copy_mask_domain(self, domain):
        """A leaf on a copy is false on the records it is hidden on: no search answers about it."""
        copies = self._pool_partner_copies()
        result = []
        for item in expression.normalize_domain(domain):
            if (
                isinstance(item, (list, tuple))
                and expression.is_leaf(item)
                and isinstance(item[0], str)
                and item[0].split(".", 1)[0] in copies
            ):
                result.extend(["&", item, *self._pool_copy_domain([item[0].split(".", 1)[0]])])
            else:
                result.append(item)
        return result

    @api.model
    def _pool_copy_unmasked_order(self, order):
        if not order:
            return order
        copies = self._pool_partner_copies()
        terms = [term for term in order.split(",") if term.strip().split(" ")[0] not in copies]
        return ",".join(terms) or None

    @api.model
    def _read_group(self, domain, groupby=(), aggregates=(), having=(), offset=0, limit=None, order=None):
        if not self.env.su and self._pool_partner_copies():
            copies = self._pool_partner_copies()
            specs = {spec.split(":")[0].split(".")[0] for spec in list(groupby) + list(aggregates)}
            touched = [fname for fname in specs if fname in copies]
            if touched:
                # A group's label or aggregate would show a hidden copy: records hiding it stay out.
                domain = expression.AND([domain or [], self._pool_copy_domain(touched)])
        return super()._read_group(
            domain, groupby=groupby, aggregates=aggregates, having=having, offset=offset, limit=limit, order=order
        )

    def onchange(self, values, field_names, fields_spec):
        result = super().onchange(values, field_names, fields_spec)
        if self.env.su or self._name == PARTNER or not isinstance(result.get("value"), dict):
            return result
        changed = result["value"]
        copies = self._pool_partner_copies()
        relations = {
            fname
            for fname, field in self._fields.items()
            if field.type == "many2one" and field.comodel_name == PARTNER and (fname in changed or fname in values)
        }
        sources = {}
        copied_from = {prefix[0] for copy in changed if copy in copies for prefix in copies[copy]}
        for fname in relations | copied_from:
            ids = {_id_of(values.get(fname)), _id_of(changed.get(fname))}
            if self._ids and fname in self._fields and self._fields[fname].comodel_name == PARTNER:
                ids |= set(self.sudo().browse([rid for rid in self._ids if isinstance(rid, int)]).mapped(fname)._ids)
            sources[fname] = {rid for rid in ids if rid}
        every = set().union(*sources.values()) if sources else set()
        if not every:
            return result
        hidden = set(self.env[PARTNER].browse(every)._pool_not_whole()._ids)
        if not hidden:
            return result
        # The copies a hidden customer fills in are dropped: the client keeps what it sent.
        for fname in list(changed):
            prefixes = copies.get(fname, ())
            if any(sources.get(prefix[0], set()) & hidden for prefix in prefixes):
                changed.pop(fname)
        # A customer named with its fields (a many2one with sub-fields) shows only what it may.
        allowed = _allowed_partner_fields(self.env)
        for fname in relations:
            value = changed.get(fname)
            if isinstance(value, dict) and value.get("id") in hidden:
                changed[fname] = {
                    key: val for key, val in value.items() if key in ("id", "display_name") or key in allowed
                }
        return result

    # ------------------------------------------------------------------
    # Linking needs reading
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        self._pool_check_partner_links(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._pool_check_partner_links([vals])
        return super().write(vals)

    @api.model
    def _pool_check_partner_links(self, vals_list):
        if self.env.su:
            return
        fnames = self._pool_partner_link_fields()
        if not fnames:
            return
        ids = set()
        for vals in vals_list:
            for fname in fnames:
                if fname in vals:
                    ids |= _partner_ids_of(vals[fname])
        if ids:
            self.env[PARTNER]._pool_check_linkable(ids, self._pool_model_label())

    @api.model
    def _pool_model_label(self):
        return self.env["ir.model"].sudo()._get(self._name).name or self._description


def _id_of(value):
    if isinstance(value, dict):
        value = value.get("id")
    if isinstance(value, (list, tuple)) and value:
        value = value[0]
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _partner_ids_of(value):
    """Ids a many2one value or many2many commands put in a relation."""
    if isinstance(value, bool) or value is None:
        return set()
    if isinstance(value, int):
        return {value}
    ids = set()
    if isinstance(value, (list, tuple)):
        for item in value:
            if isinstance(item, int) and not isinstance(item, bool):
                ids.add(item)
            elif isinstance(item, (list, tuple)) and item:
                if item[0] == 6 and len(item) > 2:
                    ids |= {rid for rid in item[2] or () if isinstance(rid, int)}
                elif item[0] == 4 and len(item) > 1 and isinstance(item[1], int):
                    ids.add(item[1])
    return ids
