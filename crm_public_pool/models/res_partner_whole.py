from odoo import api, models
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression

# What mail's res.partner._to_store sends when no fields are asked for.
STORE_DEFAULT_FIELDS = ("active", "email", "im_status", "is_company", "name", "user", "write_date")


class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Seeing a customer whole: what other models' copies of it follow
    # ------------------------------------------------------------------

    @api.model
    def _pool_whole_domain(self):
        """Customers on which nothing is hidden from the caller (record rules apply by themselves)."""
        masking = self._pool_masking()
        if not masking:
            return []
        return self._pool_unmasked_domain(tuple(masking))

    def _pool_not_whole(self, exporting=False):
        """The managed customers of ``self`` the caller may not see whole.

        One they may not read, one masked to them, or one of a pool limiting their daily views
        they have not opened today; when ``exporting``, also one of a pool that forbids its
        members to export its customers (unless it is theirs). Partners no pool manages keep
        Odoo's own rules (never here).
        """
        ids = [rid for rid in self._ids if isinstance(rid, int)]
        if self.env.su or not ids:
            return self.browse()
        partners = self.sudo().browse(ids)
        # Only these fields as superuser: a whole row in the cache would be read back unchecked.
        partners.fetch(["pool_state", "pool_id", "user_id"])
        # Owners see their customers whole; pool managers those of their companies' pools (never
        # masked nor limited for them): no query for the usual cases.
        uid = self.env.uid
        managed = [partner.id for partner in partners if partner.pool_state and partner.user_id.id != uid]
        if managed and self.env.user.has_group("crm_public_pool.group_pool_manager") and not self._pool_masking():
            companies = set(self.env.companies.ids)
            managed = [rid for rid in managed if partners.browse(rid).pool_id.company_id.id not in companies]
        if not managed:
            return self.browse()
        domain = expression.AND([[("id", "in", managed)], self._pool_whole_domain()])
        whole = set(self.with_context(active_test=False)._search(domain))
        if exporting:
            forbidden = self.env["crm.public.pool"]._pool_export_forbidden()
            if forbidden:
                whole -= {
                    partner.id
                    for partner in partners
                    if partner.pool_id.id in forbidden and partner.user_id.id != self.env.uid
                }
        return self.browse([rid for rid in managed if rid not in whole])

    @api.depends_context("uid")
    @api.depends("vat", "company_id", "company_registry")
    def _compute_same_vat_partner_id(self):
        # Odoo looks the Tax ID and the registry number up as superuser and names the partner
        # that has them on the new partner's form: typing a number would tell whose it is. A
        # customer the caller may not see whole (one they may not read, or masked to them: its
        # Tax ID is hidden) is not pointed at; the form's duplicate banner
        # (pool_duplicate_warning) tells of it as they may know it, as the gate's lookup does.
        super()._compute_same_vat_partner_id()
        found = (self.same_vat_partner_id | self.same_company_registry_partner_id).with_env(self.env)
        hidden = found._pool_not_whole()
        if not hidden:
            return
        for partner in self:
            if partner.same_vat_partner_id.id in hidden._ids:
                partner.same_vat_partner_id = False
            if partner.same_company_registry_partner_id.id in hidden._ids:
                partner.same_company_registry_partner_id = False

    def _to_store(self, store, /, *, fields=None, **kwargs):
        # Discuss reads partners as superuser (channel members, authors, followers) and sends
        # their e-mail to every internal user: what the real user may not see whole stays out.
        super()._to_store(store, fields=fields, **kwargs)
        hidden = self.with_env(self.env(su=False))._pool_not_whole()
        if not hidden:
            return
        sent = STORE_DEFAULT_FIELDS if fields is None else fields
        names = [
            fname
            for fname in sent
            if fname in self._fields and fname not in self._pool_visible_fields and fname != "im_status"
        ]
        # One the real user may not read at all is not named either (as a many2one to it is not).
        labels = hidden._pool_names_for_me() if "name" in sent else {}
        for partner in hidden.with_env(self.env):
            values = {fname: False for fname in names}
            if labels:
                values["name"] = labels[partner.id]
            store.add(partner, values)

    def _pool_names_for_me(self):
        # A customer the caller may read is called by its name (on the masking allow-list).
        ids = [rid for rid in self._ids if isinstance(rid, int)]
        readable = set(self.with_env(self.env(su=False)).browse(ids)._filtered_access("read")._ids)
        return {
            partner.id: partner.name or "" if partner.id in readable else self.env._("Customer #%s", partner.id)
            for partner in self.sudo().browse(ids)
        }

    @api.model
    def _pool_check_linkable(self, partner_ids, what):
        """Refuse to put into ``what`` (a label) customers the caller may not see whole.

        As OCA's access-aware duplicate banner does, the message names only the customers the
        caller may read and counts the others.
        """
        hidden = self.browse(sorted(partner_ids))._pool_not_whole()
        if not hidden:
            return
        raise AccessError(
            self.env._(
                "%(count)s of the %(total)s contacts you chose for %(what)s are customers you may not see whole "
                "(%(names)s): claim them, or ask their owner, before adding them.",
                count=len(hidden),
                total=len(set(partner_ids)),
                what=what,
                names=hidden._pool_listed_names(),
            )
        )

    def _pool_listed_names(self):
        """These partners for a message: up to three names the caller may read, the rest counted."""
        readable = self.with_env(self.env(su=False))._filtered_access("read")
        names = readable._pool_names_for_me()
        readable = [names[rid] for rid in readable._ids]
        others = len(self) - len(readable)
        shown = readable[:3]
        if len(readable) > 3:
            others += len(readable) - 3
        listed = ", ".join(shown)
        if others:
            listed = (
                self.env._("%(names)s and %(count)s more", names=listed, count=others)
                if listed
                else self.env._("%s you may not read", others)
            )
        return listed

    @api.model
    def _pool_check_not_own_contact(self, partner_ids, what):
        """Refuse managed customers (or their contacts) as ``what``, a user's or an employee's own contact.

        Odoo shows a user's or an employee's own contact (``res.users`` inherits its partner; an
        employee's work contact and work address fill its public work phone and e-mail) to every
        internal user, outside the customer's rules and masking: a customer of a pool is never one,
        whoever asks (the portal wizard creates its users as superuser).
        """
        ids = sorted({rid for rid in partner_ids if isinstance(rid, int) and rid})
        if not ids:
            return
        managed = self.sudo().with_context(active_test=False).browse(ids).filtered("pool_state")
        if not managed:
            return
        raise UserError(
            self.env._(
                "%(count)s of the %(total)s contacts you chose for %(what)s are customers of a pool (%(names)s): "
                "a pool's customer cannot be a user's or an employee's own contact, which every user may read.",
                count=len(managed),
                total=len(ids),
                what=what,
                names=managed.with_env(self.env)._pool_listed_names(),
            )
        )
