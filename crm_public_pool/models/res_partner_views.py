"""Anti-scraping: a pool's daily view limit and its export ban, on the customer's read paths.

Opening a customer is reading anything of it beyond what the pool list shows (the masking
allow-list ``PARTNER_VISIBLE_FIELDS``) for one customer: the form, ``read``/``web_read``/
``search_read`` of one record, an onchange on it. An export opens every customer it exports.
Each distinct customer (its commercial entity: contacts open with their company) counts once a
day, in one SQL statement per request (``crm.public.pool.view._pool_open``); past the pool's
limit the request is refused with the figures and records nothing.

Until a member opens it today, a customer of a limited pool is shown as a masked one is (see
``crm.public.pool.masking.mixin``): a list of several customers, a search, a sort or a group on
a hidden field, its chatter, activities, files and images reveal nothing beyond the list's
fields. So a list costs nothing, and nothing leaks past the limit by another path.
"""

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression

# Put in the context by web_search_read alone: a client cannot send this object over RPC, so it
# cannot pass a read of one customer off as a list's.
LISTING = object()


class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    pool_opened_today = fields.Boolean(
        string="Opened Today",
        compute="_compute_pool_opened_today",
        compute_sudo=True,
        help="You opened this customer today: reopening it does not count against the pool's daily view limit.",
    )

    pool_daily_view_limit = fields.Integer(
        related="pool_id.daily_view_limit",
        string="Daily View Limit of the Pool",
    )

    @api.depends_context("uid")
    def _compute_pool_opened_today(self):
        commercial = {partner.id: partner.commercial_partner_id.id for partner in self if isinstance(partner.id, int)}
        opened = self.env["crm.public.pool.view"]._pool_opened_today(
            set(commercial.values()), fields.Date.context_today(self)
        )
        for partner in self:
            partner.pool_opened_today = commercial.get(partner.id) in opened

    # ------------------------------------------------------------------
    # Opening: what counts against the daily view limit
    # ------------------------------------------------------------------

    @api.model
    def _pool_view_limit_map(self):
        return dict(self.env["crm.public.pool"]._pool_view_limits())

    def _pool_reads_details(self, fnames):
        return any(fname not in self._pool_visible_fields for fname in fnames)

    def _pool_open(self):
        """The caller opens these customers: counted, or refused past a pool's daily limit."""
        limits = self._pool_view_limit_map()
        if not limits:
            return
        field = self._fields["pool_opened_today"]
        unknown = [
            rid
            for rid in self._ids
            if isinstance(rid, int) and self.env.cache.get(self.browse(rid), field, None) is not True
        ]
        if not unknown:
            return
        limited = self.env["crm.public.pool.view"]._pool_open(unknown, limits, fields.Date.context_today(self))
        if not limited:
            return
        # Contacts read before their company was opened were cached as not opened.
        self.env["res.partner"].invalidate_model(["pool_opened_today"], flush=False)
        # What the statement read of them, cached so that masking needs no query of its own.
        state_field, pool_field = self._fields["pool_state"], self._fields["pool_id"]
        for record in self.browse(list(limited)):
            self.env.cache.set(record, field, True)
            self.env.cache.set(record, state_field, "pool")
            self.env.cache.set(record, pool_field, limited[record.id])

    def _pool_opens(self, fnames):
        """Whether this read opens the customer: one record, details asked, not a list's page."""
        return (
            len(self._ids) == 1
            and not self.env.su
            and self.env.context.get("pool_listing") is not LISTING
            and self._pool_reads_details(fnames)
        )

    def _read_format(self, fnames, load="_classic_read"):
        if self._pool_opens(fnames):
            self._pool_open()
        return super()._read_format(fnames, load=load)

    def web_read(self, specification):
        if self._pool_opens(specification):
            self._pool_open()
        return super().web_read(specification)

    # web_read, read and search_read stay read-only requests, as Odoo 18 makes them: served by
    # the replica when there is one. The first opening today of a customer of a limited pool is
    # the one read that writes: crm.public.pool.view._pool_open has Odoo replay it on the primary.

    @api.model
    @api.readonly
    def web_search_read(self, domain, specification, offset=0, limit=None, order=None, count_limit=None):
        # A list opens nobody, even when it shows one customer: its details stay hidden.
        return super(ResPartner, self.with_context(pool_listing=LISTING)).web_search_read(
            domain, specification, offset=offset, limit=limit, order=order, count_limit=count_limit
        )

    def onchange(self, values, field_names, fields_spec):
        if self._pool_opens(fields_spec):
            self._pool_open()
        return super().onchange(values, field_names, fields_spec)

    def _export_rows(self, fields, *, _is_toplevel_call=True):
        if not self.env.su:
            # Also through another record: a pool's customers (partner_ids/phone), a lead's customer.
            self._pool_check_export()
        if _is_toplevel_call and not self.env.su:
            names = {path[0] for path in fields if path and path[0] not in (".id", "id")}
            if self._pool_reads_details(names):
                self._pool_open()
        return super()._export_rows(fields, _is_toplevel_call=_is_toplevel_call)

    def _pool_check_export(self):
        """Members may not export customers of a pool that forbids it, except their own."""
        forbidden = self.env["crm.public.pool"]._pool_export_forbidden()
        if not forbidden:
            return
        partners = self.sudo().browse([rid for rid in self._ids if isinstance(rid, int)])
        partners.fetch(["pool_id", "user_id"])
        blocked = partners.filtered(lambda p: p.pool_id.id in forbidden and p.user_id.id != self.env.uid)
        if blocked:
            raise UserError(
                self.env._(
                    "Pool %(pool)s does not allow its members to export its customers: %(count)s of the "
                    "%(total)s records you chose belong to it. Export only your own customers, or ask the "
                    "pool administrator.",
                    pool=blocked[0].pool_id.display_name,
                    count=len(blocked),
                    total=len(partners),
                )
            )

    # ------------------------------------------------------------------
    # Not opened today: shown as masked
    # ------------------------------------------------------------------

    @api.model
    def _pool_masking(self):
        masking = super()._pool_masking()
        for pool_id in self._pool_view_limit_map():
            masking.setdefault(pool_id, frozenset())
        return masking

    def _pool_masked_pools(self):
        # The pools of _pool_masking() include the limiting ones: keep their customers opened today.
        masked = super()._pool_masked_pools()
        masking = dict(self.env["crm.public.pool"]._pool_masking())
        limited = self.sudo().browse([rid for rid, pool_id in masked.items() if pool_id not in masking])
        if not limited:
            return masked
        # pool_opened_today is computed for all of them in one query (or taken from the cache).
        opened = limited.filtered("pool_opened_today")
        return {rid: pool_id for rid, pool_id in masked.items() if rid not in opened._ids}

    @api.model
    def _pool_unmasked_domain(self, pool_ids):
        limits = self._pool_view_limit_map()
        limited = [pool_id for pool_id in pool_ids if pool_id in limits]
        if not limited:
            return super()._pool_unmasked_domain(pool_ids)
        masking = dict(self.env["crm.public.pool"]._pool_masking())
        masking_ids = [pool_id for pool_id in pool_ids if pool_id in masking]
        opened = self.env["crm.public.pool.view"]._pool_opened_today_query(fields.Date.context_today(self))
        # Customers opened today show their details (but never what a masking pool hides).
        return expression.OR(
            [
                super()._pool_unmasked_domain(pool_ids),
                [("pool_id", "not in", masking_ids), ("commercial_partner_id", "in", opened)],
            ]
        )
