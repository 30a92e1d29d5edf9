from odoo import api, fields, models
from odoo.exceptions import UserError

from .engine_token import in_engine

# What a new customer is compared by (logic/matching.Prospect).
PROSPECT_FIELDS = ("name", "phone", "mobile", "email", "website", "vat")
GATE_SCREENED_KEY = "crm_public_pool_gate_screened"


class GateScreened:
    """Marks creations whose rows the import screened already, one by one, through the gate.

    An object, not a flag: a client can put any JSON in a context, never a Python object.
    """

    __slots__ = ()


# Kept apart from res_partner.py: the duplicate gate is one concern, shared by every way in.
class ResPartner(models.Model):
    """The duplicate gate: every new pool customer (the form, an import, a lead's new customer, the
    API) is compared with the existing ones and its pool's ``duplicate_policy`` applies; a prospect
    another salesperson registered and still protects is never created again, managed or not."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    pool_duplicate_warning = fields.Char(
        string="Possible Duplicates",
        compute="_compute_pool_duplicate_warning",
        help="Shown on a new customer's form: the existing customers it matches, as you may know them, and what "
        "saving it will do under its pool's duplicate policy.",
    )
    pool_duplicate_outcome = fields.Selection(
        [("allow", "Saved"), ("warn", "Saved with a Warning"), ("reject", "Refused")],
        string="On Saving",
        compute="_compute_pool_duplicate_warning",
        help="What saving this new customer will do, as the duplicate gate decides it: the banner's colour.",
    )

    @api.depends_context("uid", "pool_manage", "default_pool_id", "default_user_id")
    @api.depends(
        "name",
        "phone",
        "mobile",
        "email",
        "website",
        "vat",
        "pool_id",
        "user_id",
        "is_company",
        "parent_id",
        "company_id",
    )
    def _compute_pool_duplicate_warning(self):
        # Only a customer being created, alone on its form: the banner costs a lookup.
        for partner in self:
            partner.pool_duplicate_warning = False
            partner.pool_duplicate_outcome = False
        if len(self) != 1 or self.id or not self.name or (self.parent_id and not self.is_company):
            return
        # The values saving the form sends, judged by the gate itself (_pool_gate_outcomes): the banner
        # says what saving will do, under the policy of the pool the customer will enter. A pool that is
        # only the client's default (the list of that pool) is where create puts the customer
        # (_pool_take_default_pool).
        pool_id = self.pool_id.id or self.env.context.get("default_pool_id") or False
        vals = {fname: self[fname] or False for fname in PROSPECT_FIELDS}
        vals.update(
            {
                "is_company": self.is_company,
                "parent_id": self.parent_id.id,
                "company_id": self.company_id.id,
                "pool_id": pool_id,
                "user_id": self.user_id.id or self.env.context.get("default_user_id") or False,
            }
        )
        managed = self._pool_should_manage(vals)
        outcome = self._pool_gate_outcomes([vals], [managed], inform=True)[0]
        if outcome:
            self.pool_duplicate_outcome, self.pool_duplicate_warning = outcome

    @api.model
    def _pool_prepare_create(self, vals_list):
        managed_indexes = super()._pool_prepare_create(vals_list)
        if self.env.su or in_engine(self.env) or isinstance(self.env.context.get(GATE_SCREENED_KEY), GateScreened):
            return managed_indexes
        self._pool_duplicate_gate(vals_list, set(managed_indexes))
        return managed_indexes

    @api.model
    def _pool_duplicate_gate(self, vals_list, managed_indexes):
        """Refuse the first new partner the gate blocks; return {index: warning} for those it warns of."""
        outcomes = self._pool_gate_outcomes(vals_list, [index in managed_indexes for index in range(len(vals_list))])
        for outcome in outcomes:
            if outcome and outcome[0] == "reject":
                raise UserError(outcome[1])
        return {index: outcome[1] for index, outcome in enumerate(outcomes) if outcome}

    @api.model
    def _pool_gate_outcomes(self, vals_list, managed_flags, inform=False):
        """[('reject' | 'warn', message) or None] per new partner's values: None when the gate lets it pass
        (with ``inform``, ('allow', message) when it lets a duplicate pass under an Allow policy).

        A managed customer (its values hold its ``pool_id``) meets its pool's policy; an unmanaged
        company a salesperson creates meets only the registrations' protection
        (``_pool_gate_checks_unmanaged``). The lookups of all of them are one statement per company.
        """
        checks = {}
        for index, (vals, managed) in enumerate(zip(vals_list, managed_flags, strict=True)):
            check = self._pool_gate_check(vals, managed)
            if check:
                checks[index] = check
        by_company = {}
        for index, (prospect, pool, _owner, _managed) in checks.items():
            by_company.setdefault(pool.company_id, []).append((index, prospect))
        found = {}
        registrants = {}
        for company, items in by_company.items():
            results = self._pool_find_duplicates_many(
                [prospect for _index, prospect in items], company, registrants=registrants
            )
            for (index, _prospect), matches in zip(items, results, strict=True):
                found[index] = [partner for partner, _verdict, _reasons in matches]
        partners = self.browse({partner.id for matches in found.values() for partner in matches})
        readable = set(partners._filtered_access("read").ids)
        outcomes = [None] * len(vals_list)
        for index, (prospect, pool, owner, managed) in checks.items():
            verdict = self._pool_duplicate_verdict(
                prospect, pool, owner, found=found.get(index, []), registrants=registrants, readable=readable
            )
            if verdict["protected"]:
                outcomes[index] = ("reject", verdict["protected_message"])
            elif managed and verdict["found"] and pool.duplicate_policy == "block":
                outcomes[index] = ("reject", verdict["block_message"])
            elif managed and verdict["found"] and pool.duplicate_policy == "warn":
                outcomes[index] = ("warn", verdict["warn_message"])
            elif managed and verdict["found"] and inform:
                outcomes[index] = ("allow", verdict["allow_message"])
        return outcomes

    @api.model
    def _pool_gate_check(self, vals, managed):
        """``(prospect, pool, owner, managed)`` the gate checks a new partner's values as, or None."""
        if not managed and not self._pool_gate_checks_unmanaged(vals):
            return None
        prospect = {fname: vals.get(fname) for fname in PROSPECT_FIELDS}
        if not any(isinstance(value, str) and value.strip() for value in prospect.values()):
            return None
        prospect = {fname: value if isinstance(value, str) else "" for fname, value in prospect.items()}
        Pool = self.env["crm.public.pool"].sudo()
        pool_id = vals.get("pool_id") if managed else False
        if isinstance(pool_id, int) and not isinstance(pool_id, bool):
            pool = Pool.browse(pool_id)
        else:
            pool = Pool._get_default_pool(self._pool_gate_company(vals))
        if not pool:
            return None
        user_id = vals.get("user_id") if managed else False
        owner = self.env["res.users"].browse(user_id if isinstance(user_id, int) and user_id else [])
        return prospect, pool, owner, managed

    @api.model
    def _pool_gate_company(self, vals):
        company_id = vals.get("company_id")
        company = self.env["res.company"].browse(company_id if isinstance(company_id, int) and company_id else [])
        return company.sudo().exists() or self.env.company

    @api.model
    def _pool_gate_checks_unmanaged(self, vals):
        """Whether a partner no pool manages is still checked against protected registrations.

        Only a company a salesperson creates by hand: never the partners Odoo creates itself (a
        user's, an e-mail sender's, a portal sign-up's, which are not companies), nor a vendor.
        """
        context = self.env.context
        if not vals.get("is_company") or vals.get("parent_id"):
            return False
        if vals.get("supplier_rank") or context.get("default_supplier_rank"):
            return False
        if context.get("res_partner_search_mode") == "supplier":
            return False
        return self.env.user.has_group("crm_public_pool.group_pool_user")

    @api.model
    def _pool_duplicate_verdict(self, prospect, pool, owner, found=None, registrants=None, readable=None):
        """What the gate knows of a new customer of ``pool`` owned by ``owner`` (may be empty).

        ``found``: the matching customers; ``protected``: those another salesperson registered and
        still protects; a message per outcome, naming matches only as the current user may know them.
        ``found``, ``registrants`` and ``readable`` are looked up when not given.
        """
        name = prospect.get("name") or self.env._("This customer")
        if found is None:
            found = [partner for partner, _verdict, _reasons in self._pool_find_duplicates(prospect, pool.company_id)]
        if registrants is None:
            registrants = self._pool_protected_registrants(self.browse([partner.id for partner in found]))
        allowed = self.env.user | owner
        protected = [
            partner for partner in found if partner.id in registrants and registrants[partner.id] not in allowed
        ]
        described = self._pool_describe_matches(found, readable)
        return {
            "found": found,
            "protected": protected,
            "protected_message": self.env._(
                "%(name)s matches %(matches)s, a prospect another salesperson registered and still protects: it "
                "cannot be created again. If it is a different company, register it and appeal.",
                name=name,
                matches=self._pool_describe_matches(protected, readable),
            ),
            "block_message": self.env._(
                "%(name)s duplicates %(matches)s: pool %(pool)s refuses duplicates, so it cannot be saved. If it is "
                "a different company, register it and appeal.",
                name=name,
                matches=described,
                pool=pool.name,
            ),
            "warn_message": self.env._(
                "%(name)s may duplicate %(matches)s: pool %(pool)s warns of duplicates, so it is saved all the same, "
                "with this warning. Check before saving.",
                name=name,
                matches=described,
                pool=pool.name,
            ),
            "allow_message": self.env._(
                "%(name)s may duplicate %(matches)s: pool %(pool)s allows duplicates, so it is saved as it is.",
                name=name,
                matches=described,
                pool=pool.name,
            ),
        }

    @api.model
    def _pool_protected_registrants(self, partners):
        """{customer id: registrant} of the ``partners`` a registration still protects for the
        salesperson who registered them (and owns them still), in one search."""
        if not partners:
            return {}
        registrations = (
            self.env["crm.public.pool.registration"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", partners.ids),
                    ("state", "in", ("registered", "approved")),
                    "|",
                    ("protected_until", "=", False),
                    ("protected_until", ">", fields.Datetime.now()),
                ]
            )
        )
        return {
            registration.partner_id.id: registration.user_id
            for registration in registrations
            if registration.partner_id.pool_state == "private"
            and registration.partner_id.user_id == registration.user_id
        }

    @api.model
    def _pool_protected_by_colleague(self, partners, owner):
        """The ``partners`` under a registration's protection held by someone other than the current
        user and ``owner``: a colleague's protected prospect."""
        registrants = self._pool_protected_registrants(self.browse([partner.id for partner in partners]))
        allowed = self.env.user | owner
        return [partner for partner in partners if partner.id in registrants and registrants[partner.id] not in allowed]

    @api.model
    def _pool_describe_matches(self, partners, readable=None):
        """'A, B and 2 customers you may not open': names only what the current user may read
        (``readable``: the ids they may, when known)."""
        if not partners:
            return ""
        if readable is None:
            readable = set(self.browse([partner.id for partner in partners])._filtered_access("read").ids)
        names = [partner.display_name for partner in partners if partner.id in readable]
        hidden = len(partners) - len(names)
        if hidden:
            names.append(
                self.env._("a customer you may not open")
                if hidden == 1
                else self.env._("%s customers you may not open", hidden)
            )
        return ", ".join(names)
