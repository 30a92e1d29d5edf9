from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, LazyTranslate, format_date

from ..logic import contacts, matching
from . import pool_text
from .checks import check_texts, has_words
from .engine_token import as_engine
from .res_partner import POOL_LEVELS

_lt = LazyTranslate(__name__)

OPEN_STATES = ("registered", "appealed", "approved")

# Written only by the registration actions.
REGISTRATION_RESULT_FIELDS = {
    "state",
    "partner_id",
    "match_ids",
    "protected_until",
    "registered_date",
    "reviewer_id",
    "review_note",
    "appeal_reason",
    "result_message",
    "result_payload",
}


class CrmPublicPoolRegistration(models.Model):
    """A salesperson's registration (报备) of a prospect: checked for duplicates, then protected."""

    _name = "crm.public.pool.registration"
    _description = "Customer Registration"
    _inherit = ["mail.thread", "mail.activity.mixin", "crm.public.pool.gate.mixin"]
    _order = "create_date desc, id desc"

    name = fields.Char(string="Company Name", required=True, tracking=True)
    vat = fields.Char(string="USCC / VAT")
    phone = fields.Char()
    email = fields.Char(string="E-mail")
    website = fields.Char()
    contact_name = fields.Char(string="Contact")
    level = fields.Selection(POOL_LEVELS, required=True, default="c")
    user_id = fields.Many2one(
        "res.users",
        string="Registrant",
        required=True,
        readonly=True,
        index=True,
        default=lambda self: self.env.user,
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, default=lambda self: self.env.company)
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("registered", "Registered"),
            ("duplicate", "Duplicate"),
            ("appealed", "Appealed"),
            ("approved", "Approved"),
            ("rejected", "Rejected"),
            ("expired", "Expired"),
        ],
        default="draft",
        required=True,
        readonly=True,
        index=True,
        tracking=True,
        copy=False,
    )
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True, index="btree_not_null", copy=False)
    match_ids = fields.Many2many("res.partner", string="Possible Duplicates", readonly=True, copy=False)
    result_message = fields.Text(string="Result", readonly=True, copy=False)
    result_payload = fields.Json(
        readonly=True, copy=False, help="The result as its message and values: rendered for each reader."
    )
    registered_date = fields.Datetime(readonly=True, copy=False)
    protected_until = fields.Datetime(readonly=True, copy=False, index="btree_not_null")
    appeal_reason = fields.Text(readonly=True, copy=False)
    reviewer_id = fields.Many2one("res.users", string="Reviewed By", readonly=True, copy=False)
    review_note = fields.Text(readonly=True, copy=False)
    pool_id = fields.Many2one(related="partner_id.pool_id", string="Customer Pool")
    pool_state = fields.Selection(related="partner_id.pool_state", string="Customer Status")
    can_appeal = fields.Boolean(compute="_compute_can_appeal")
    can_review = fields.Boolean(
        compute="_compute_can_review", help="Whether the current user may approve or reject this appeal."
    )
    partner_readable = fields.Boolean(compute="_compute_partner_readable")
    comparison_html = fields.Html(
        string="Comparison",
        compute="_compute_comparison_html",
        sanitize=False,
        help="The registration beside the customer it disputes, for the reviewer.",
    )

    @api.depends_context("uid")
    @api.depends("partner_id")
    def _compute_partner_readable(self):
        for registration in self:
            partner = registration.sudo().partner_id
            registration.partner_readable = bool(partner) and bool(partner.with_env(self.env)._filtered_access("read"))

    @api.depends_context("uid")
    @api.depends("state", "partner_id", "name", "vat", "phone", "email", "website", "contact_name")
    def _compute_comparison_html(self):
        for registration in self:
            partner = registration.sudo().partner_id.with_env(self.env)
            if registration.state != "appealed" or not partner or not partner._filtered_access("read"):
                registration.comparison_html = False
                continue
            registration.comparison_html = registration._comparison_table(partner)

    def _comparison_table(self, partner):
        """Rows of what the registrant typed beside what the disputed customer holds."""
        values = partner.read(["name", "vat", "phone", "email", "website", "user_id", "pool_id"])[0]
        rows = [
            (self.env._("Company Name"), self.name, values["name"]),
            (self.env._("USCC / VAT"), self.vat, values["vat"]),
            (self.env._("Phone"), self.phone, values["phone"]),
            (self.env._("E-mail"), self.email, values["email"]),
            (self.env._("Website"), self.website, values["website"]),
            (self.env._("Owner"), self.user_id.name, values["user_id"] and values["user_id"][1]),
            (self.env._("Customer Pool"), False, values["pool_id"] and values["pool_id"][1]),
        ]
        body = Markup("").join(
            Markup("<tr%s><th>%s</th><td>%s</td><td>%s</td></tr>")
            % (
                Markup(' class="table-warning"') if (mine or "") == (theirs or "") and mine else "",
                label,
                mine or "",
                theirs or "",
            )
            for label, mine, theirs in rows
        )
        return Markup(
            '<table class="table table-sm o_pool_comparison"><thead><tr><th></th><th>%s</th><th>%s</th></tr></thead>'
            "<tbody>%s</tbody></table>"
        ) % (self.env._("This registration"), self.env._("Disputed customer"), body)

    @api.depends("state", "match_ids", "partner_id")
    def _compute_can_appeal(self):
        for registration in self:
            target = registration.sudo()._appeal_target()
            registration.can_appeal = (
                registration.state == "duplicate" and bool(target) and not registration._is_exact_copy(target)
            )

    @api.depends_context("uid")
    @api.depends("state", "partner_id")
    def _compute_can_review(self):
        for registration in self:
            # The check action_approve and action_reject make (_check_reviewable).
            registration.can_review = registration.state == "appealed" and registration._reviewable_by(self.env.user)

    @api.constrains("name")
    def _check_name(self):
        if any(not has_words(registration.name) for registration in self):
            raise ValidationError(self.env._("A registration needs the company name of the prospect."))

    @api.constrains("vat")
    def _check_vat(self):
        for registration in self:
            looks_like_uscc = registration.vat and len(contacts.normalize_vat(registration.vat)) == 18
            if looks_like_uscc and not contacts.normalize_uscc(registration.vat):
                raise ValidationError(
                    self.env._(
                        "%s is not a valid unified social credit code: its check digit is wrong.", registration.vat
                    )
                )

    @api.constrains("phone", "email")
    def _check_contact_details(self):
        # What cannot be dialled or written to protects nothing, and matches no customer.
        for registration in self:
            if registration.phone and not contacts.extract_phones(registration.phone):
                raise ValidationError(
                    self.env._("%s is not a phone number: write it with its area or country code.", registration.phone)
                )
            if registration.email and not contacts.normalize_email(registration.email):
                raise ValidationError(
                    self.env._("%s is not an e-mail address such as name@example.com.", registration.email)
                )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            for vals in vals_list:
                forbidden = (REGISTRATION_RESULT_FIELDS | {"user_id"}) & set(vals)
                if forbidden:
                    raise AccessError(
                        self.env._(
                            "Registration fields (%s) are set by the registration actions.",
                            ", ".join(sorted(forbidden)),
                        )
                    )
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            forbidden = (REGISTRATION_RESULT_FIELDS | {"user_id", "company_id"}) & set(vals)
            if forbidden:
                raise AccessError(
                    self.env._(
                        "Registration fields (%s) are set by the registration actions.", ", ".join(sorted(forbidden))
                    )
                )
            submitted = self.filtered(lambda r: r.state != "draft")
            if submitted:
                raise UserError(
                    self.env._("Registration %s was submitted and can no longer be edited.", submitted[0].name)
                )
        return super().write(vals)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_submit(self):
        """Check the prospect for duplicates; register it when it is new."""
        self.ensure_one()
        if self.state != "draft":
            raise UserError(self.env._("Registration %s was already submitted.", self.name))
        if self.user_id != self.env.user and not self.env.su:
            raise AccessError(self.env._("Only %s may submit this registration.", self.user_id.name))
        self._check_required_fields()
        self._check_registration_cap()
        self._lock_prospect_keys()
        found = self.env["res.partner"]._pool_find_duplicates(self._prospect(), self.company_id)
        exact = [partner for partner, verdict, _reasons in found if verdict == matching.EXACT]
        near = [partner for partner, verdict, _reasons in found if verdict == matching.NEAR]
        if exact:
            return self._resolve_exact(exact[0])
        appealed = self._open_appeal_conflict()
        if appealed:
            if self.company_id.sudo().pool_show_owner_to_registrant:
                message = _lt(
                    "%(name)s is already under review: %(user)s's registration of %(other)s awaits a pool administrator.",
                    name=self.name,
                    user=appealed.user_id.name,
                    other=appealed.name,
                )
            else:
                message = _lt(
                    "%s is already under review: another salesperson's registration of it awaits a pool administrator.",
                    self.name,
                )
            return self._set_result("duplicate", message, "warning", partner=appealed.partner_id)
        if near and self._near_matches_allowed(near):
            return self._register_new()
        if near:
            partners = self.env["res.partner"].browse([p.id for p in near])
            if len(partners) == 1:
                message = _lt(
                    "%s resembles an existing customer; appeal to a pool administrator if it is a different company.",
                    self.name,
                )
            else:
                message = _lt(
                    "%(name)s resembles %(count)s existing customers; appeal to a pool administrator if it is "
                    "a different company.",
                    name=self.name,
                    count=len(partners),
                )
            return self._set_result("duplicate", message, "warning", matches=partners)
        return self._register_new()

    def action_claim(self):
        """Claim the pooled customer this registration matched."""
        self.ensure_one()
        partner = self.sudo().partner_id
        if self.state != "duplicate" or partner.pool_state != "pool":
            raise UserError(self.env._("Registration %s has no pooled customer to claim.", self.name))
        result = partner.with_env(self.env).action_pool_claim()
        if partner.user_id == self.user_id:
            self._protect(partner)
        return result

    def action_appeal(self, reason):
        """Ask the admins of the matched customer's pool to decide (near or disputed matches)."""
        self.ensure_one()
        if self.user_id != self.env.user and not self.env.su:
            raise AccessError(self.env._("Only %s may appeal this registration.", self.user_id.name))
        check_texts(self.env, reason=reason)
        if not has_words(reason):
            raise UserError(self.env._("Say why %s is a different company: an appeal needs a reason.", self.name))
        target = self.sudo()._appeal_target()
        if self.state != "duplicate" or not target:
            raise UserError(
                self.env._("Only a duplicate registration matching another customer can be appealed (%s).", self.name)
            )
        if self._is_exact_copy(target):
            raise UserError(
                self.env._(
                    "%s has the same name or USCC as the customer it matches: it is that company, and an appeal "
                    "cannot make it another one.",
                    self.name,
                )
            )
        pending = self.sudo().search_count(
            [("state", "=", "appealed"), ("partner_id", "=", target.id), ("id", "!=", self.id)], limit=1
        )
        if pending:
            raise UserError(
                self.env._(
                    "An appeal about the customer %s matches already awaits a pool administrator: one appeal at "
                    "a time.",
                    self.name,
                )
            )
        reviewers = self._appeal_reviewers(target.pool_id)
        if not reviewers:
            raise UserError(
                self.env._(
                    "Pool %s has no administrator to review the appeal; ask a pool manager.", target.pool_id.name
                )
            )
        self.sudo().write(
            {
                "state": "appealed",
                "partner_id": target.id,
                "appeal_reason": reason,
                "result_message": False,
                "result_payload": False,
            }
        )
        # The To-Do reads as its type and the note below, each in its reader's language.
        note = pool_text.Joined(
            [_lt("Appeal: %(user)s registers %(name)s", user=self.user_id.name, name=self.name), reason]
        )
        self.sudo()._pool_schedule_todo(reviewers, note)
        target._pool_log(
            [
                {
                    "partner": target,
                    "action": "appeal",
                    "pool_id": target.pool_id.id,
                    "to_user_id": self.user_id.id,
                    "note": reason,
                }
            ],
            lambda log: _lt("%(user)s appealed a registration of %(name)s", user=log["to_user_name"], name=self.name),
        )
        return self.env["res.partner"]._pool_notification(
            self.env._("Appeal sent to %s: you are told when it is decided.", ", ".join(reviewers.mapped("name")))
        )

    def action_approve(self, note=False):
        """Give the disputed customer to the registrant (pool admins; capacity applies).

        Taking a customer from a colleague is confirmed with a note: without one, nothing moves
        and the confirmation (who loses it, who gets it) opens instead.
        """
        check_texts(self.env, note=note)
        self._check_reviewable()
        transfers = self.sudo()._appeal_transfers()
        if transfers and not has_words(note):
            return {
                "type": "ir.actions.act_window",
                "name": self.env._("Approve the Appeal"),
                "res_model": "crm.public.pool.appeal.approve.wizard",
                "view_mode": "form",
                "target": "new",
                "context": {"default_registration_ids": self.ids},
            }
        moved = []
        for registration in self:
            partner = registration.sudo().partner_id._pool_lock_rows()
            previous_owner = partner.user_id
            if previous_owner == registration.user_id:
                # The registrant's own look-alike: the reviewer agrees it is another company.
                registration._register_new(state="approved")
                continue
            log_note = (
                _lt("Registration appeal approved by %(user)s: %(note)s", user=self.env.user.name, note=note)
                if note
                else _lt("Registration appeal approved by %s", self.env.user.name)
            )
            if previous_owner != registration.user_id:
                action = "transfer" if partner.pool_state == "private" else "assign"
                partner.with_env(self.env).sudo()._pool_move_to_owner(registration.user_id, action, note=log_note)
            if previous_owner and previous_owner != registration.user_id:
                moved.append(
                    self.env._(
                        "%(customer)s moved from %(owner)s to %(registrant)s.",
                        customer=partner.name,
                        owner=previous_owner.name,
                        registrant=registration.user_id.name,
                    )
                )
                partner._pool_notify_text(
                    previous_owner,
                    _lt("%s was given to another salesperson", partner.name),
                    _lt(
                        "A pool administrator approved %(user)s's registration of %(name)s: the customer is theirs "
                        "now. Note: %(note)s",
                        user=registration.user_id.name,
                        name=partner.name,
                        note=note or "-",
                    ),
                )
            registration._protect(partner, state="approved")
        self._close_review()
        message = (
            self.env._("1 appeal approved: the registrant is told.")
            if len(self) == 1
            else self.env._("%s appeals approved: the registrants are told.", len(self))
        )
        return self.env["res.partner"]._pool_notification(" ".join([message, *moved]))

    def _appeal_transfers(self):
        """The appealed registrations whose approval takes a customer from another salesperson."""
        return self.filtered(
            lambda r: r.state == "appealed" and r.partner_id.user_id and r.partner_id.user_id != r.user_id
        )

    def action_reject(self, note=False):
        """Refuse the appeal (pool admins)."""
        check_texts(self.env, note=note)
        self._check_reviewable()
        for registration in self:
            partner = registration.sudo().partner_id
            registration.sudo().write({"state": "rejected", "reviewer_id": self.env.uid, "review_note": note or False})
            partner._pool_log(
                [
                    {
                        "partner": partner,
                        "action": "appeal",
                        "pool_id": partner.pool_id.id,
                        "to_user_id": registration.user_id.id,
                        "note": note or False,
                    }
                ],
                lambda log, name=registration.name: _lt(
                    "Appeal of %(user)s's registration of %(name)s rejected", user=log["to_user_name"], name=name
                ),
            )
        self._close_review()
        return self.env["res.partner"]._pool_notification(
            self.env._("1 appeal rejected: the registrant is told why.")
            if len(self) == 1
            else self.env._("%s appeals rejected: the registrants are told why.", len(self))
        )

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    def init(self):
        # One row per prospect key ever registered: upserting them serializes simultaneous
        # registrations of the same company (see _lock_prospect_keys).
        self.env.cr.execute(
            """
            CREATE TABLE IF NOT EXISTS crm_public_pool_registration_key (
                key varchar PRIMARY KEY,
                touched timestamp NOT NULL DEFAULT (now() at time zone 'utc')
            )
            """
        )
        return super().init()

    def _lock_prospect_keys(self):
        """Make two registrations of the same prospect at the same moment collide.

        The duplicate check reads a REPEATABLE READ snapshot, so two transactions could
        both find nothing. Both upsert the prospect's exact keys first: the second waits
        for the first and then fails with a serialization error (Odoo retries the request),
        and its retry sees the customer the first one registered.

        Near matches share no exact key, so every registration also upserts its company's
        row: registrations of one company are checked one after the other. They are typed
        by people, so the wait is that of one short transaction.
        """
        probe = matching.fingerprint(self._prospect())
        values = [
            ("name", probe["name_norm"]),
            *(("phone", phone) for phone in probe["phones"]),
            ("email", probe["email"]),
            ("domain", probe["domain"]),
            ("vat", probe["vat"]),
        ]
        values.append(("company", "any registration"))
        keys = sorted({f"{self.company_id.id}:{kind}:{value}" for kind, value in values if value})
        if keys:
            self.env.cr.execute(
                """
                INSERT INTO crm_public_pool_registration_key (key)
                SELECT unnest(%s::varchar[])
                ON CONFLICT (key) DO UPDATE SET touched = now() at time zone 'utc'
                """,
                [keys],
            )

    def _prospect(self):
        return {
            "name": self.name or "",
            "phone": self.phone or "",
            "email": self.email or "",
            "website": self.website or "",
            "vat": self.vat or "",
        }

    def _check_required_fields(self):
        company = self.company_id.sudo()
        required = [
            (company.pool_register_require_vat, "vat"),
            (company.pool_register_require_phone, "phone"),
            (company.pool_register_require_email, "email"),
            (company.pool_register_require_contact, "contact_name"),
        ]
        missing = [
            self._fields[fname].get_description(self.env)["string"]
            for needed, fname in required
            if needed and not self[fname]
        ]
        if missing:
            raise ValidationError(
                self.env._(
                    "Registration %(name)s lacks 1 required field: %(fields)s.", name=self.name, fields=missing[0]
                )
                if len(missing) == 1
                else self.env._(
                    "Registration %(name)s lacks %(count)s required fields: %(fields)s.",
                    name=self.name,
                    count=len(missing),
                    fields=", ".join(missing),
                )
            )

    def _check_registration_cap(self):
        limit = self.company_id.sudo().pool_max_registrations
        if not limit:
            return
        self.user_id._pool_lock_capacity()
        active = self.sudo().search_count(
            [("user_id", "=", self.user_id.id), ("state", "in", OPEN_STATES), ("company_id", "=", self.company_id.id)]
        )
        if active >= limit:
            raise UserError(
                self.env._(
                    "%(user)s cannot register more customers: limit reached, %(active)s of %(limit)s active "
                    "registrations.",
                    user=self.user_id.name,
                    active=active,
                    limit=limit,
                )
            )

    def _resolve_exact(self, partner):
        user = self.user_id
        if partner.pool_state == "pool":
            if partner.pool_id._is_member(user):
                message = _lt(
                    "%(name)s is already a customer in pool %(pool)s: claim it instead of registering it.",
                    name=self.name,
                    pool=partner.pool_id.name,
                )
            else:
                message = _lt(
                    "%s is already a customer in a pool you are not a member of: ask its pool administrator for it.",
                    self.name,
                )
            return self._set_result("duplicate", message, "warning", partner=partner)
        if partner.user_id == user:
            return self._set_result(
                "duplicate", _lt("%s is already your customer.", partner.name), "info", partner=partner
            )
        if self.company_id.sudo().pool_show_owner_to_registrant:
            message = _lt(
                "%(name)s is already a customer of %(owner)s: registration refused.",
                name=self.name,
                owner=partner.user_id.name,
            )
        else:
            message = _lt("%s is a protected customer of another salesperson: registration refused.", self.name)
        result = self._set_result("duplicate", message, "danger", partner=partner)
        partner._pool_notify_text(
            partner.user_id,
            _lt("Registration collided with your customer %s", partner.name),
            _lt("%(user)s tried to register %(name)s, which is your customer.", user=user.name, name=self.name),
        )
        return result

    def _open_appeal_conflict(self):
        """Another salesperson's appeal under review for the same prospect, if any."""
        probe = matching.fingerprint(self._prospect())
        threshold = self.company_id.sudo().pool_name_similarity or 0.8
        pending = self.sudo().search(
            [("state", "=", "appealed"), ("company_id", "=", self.company_id.id), ("user_id", "!=", self.user_id.id)]
        )
        for other in pending:
            verdict, _reasons = matching.score_candidate(probe, matching.fingerprint(other._prospect()), threshold)
            if verdict == matching.EXACT:
                return other
        return self.browse()

    def _register_new(self, state="registered"):
        pool = self.env["crm.public.pool"]._get_default_pool(self.company_id)
        if not pool:
            raise UserError(
                self.env._("Company %s has no default customer pool to register customers in.", self.company_id.name)
            )
        Partner = as_engine(
            self.env["res.partner"].with_user(self.user_id).with_context(tracking_disable=True), register=True
        )
        partner = Partner.create(
            {
                "name": self.name,
                "is_company": True,
                "vat": self.vat,
                "phone": self.phone,
                "email": self.email,
                "website": self.website,
                "pool_id": pool.id,
                "pool_level": self.level,
                "user_id": self.user_id.id,
                "company_id": self.company_id.id,
            }
        )
        if self.contact_name:
            Partner.create({"name": self.contact_name, "parent_id": partner.id, "type": "contact"})
        self._protect(partner, state=state)
        message = _lt(
            "%(name)s is registered to you until %(until)s.", name=self.name, until=self._protected_until_day()
        )
        return self._set_result(state, message, "success", post=False)

    def _protected_until_day(self):
        """The last day of the protection in the registrant's time zone, as each reader writes days."""
        if not self.protected_until:
            return "-"
        tz_env = self.with_context(tz=self.user_id.sudo().tz or "UTC")
        return pool_text.Day(fields.Date.context_today(tz_env, self.protected_until))

    def _protected_until_text(self, lang=None):
        """The last day of the protection, as the registrant reads it: the day, in their zone and language."""
        if not self.protected_until:
            return "-"
        user = self.user_id.sudo()
        env = self.with_user(user).with_context(lang=lang or self.env.lang, tz=user.tz or "UTC").env
        return format_date(env, fields.Date.context_today(self.with_env(env), self.protected_until))

    def _protect(self, partner, state="registered"):
        days = self.company_id.sudo()[f"pool_protect_days_{self.level}"]
        now = fields.Datetime.now()
        self.sudo().write(
            {
                "state": state,
                "partner_id": partner.id,
                "registered_date": now,
                "protected_until": now + timedelta(days=days) if days else False,
            }
        )

    def _set_result(self, state, message, kind, partner=None, matches=None, post=True):
        """Store the result ``message`` (a lazy text) for each reader, tell it to the registrant, and
        return the notification that shows it to the actor."""
        payload = pool_text.to_payload(message)
        lang = self.user_id.sudo().lang or self.env.lang
        vals = {
            "state": state,
            "result_message": pool_text.render(payload, lang, self.env),
            "result_payload": payload,
        }
        if partner:
            vals["partner_id"] = partner.id
        if matches:
            vals["match_ids"] = [(6, 0, matches.ids)]
        self.sudo().write(vals)
        if post:
            self._pool_post_text(message, lang=lang)
        return self._notification(pool_text.render(payload, self.env.lang, self.env), kind)

    def _read_format(self, fnames, load="_classic_read"):
        # The result, read in the reader's language (see pool_text).
        result = super()._read_format(fnames, load=load)
        if "result_message" not in fnames:
            return result
        payloads = {r.id: r.result_payload for r in self.sudo().browse([vals["id"] for vals in result])}
        for vals in result:
            payload = payloads.get(vals["id"])
            if payload and vals.get("result_message"):
                vals["result_message"] = pool_text.render(payload, self.env.lang, self.env)
        return result

    def _appeal_target(self):
        """The customer an appeal disputes: a colleague's exact match, else the first near match.

        An exact match in a pool is claimed, not appealed. A near match of the registrant's own
        customer is appealed too: approving it registers the prospect as a separate company.
        """
        if self.partner_id:
            owned_by_other = self.partner_id.pool_state == "private" and self.partner_id.user_id != self.user_id
            return self.partner_id if owned_by_other else self.partner_id.browse()
        if not isinstance(self.id, int):  # a registration being edited, not yet saved
            others = self.match_ids.filtered(lambda p: p.user_id != self.user_id)
            return (others or self.match_ids)[:1]
        # From the table, not the cache: a registrant's own read of match_ids leaves in the cache
        # only the matches they may read, and a colleague's customer is not one of them.
        field = self._fields["match_ids"]
        self.flush_recordset(["match_ids", "user_id"])
        self.env["res.partner"].flush_model(["user_id", "complete_name"])
        self.env.cr.execute(
            SQL(
                """SELECT p.id FROM %s r JOIN res_partner p ON p.id = r.%s
                    WHERE r.%s = %s
                    ORDER BY p.user_id IS NOT DISTINCT FROM %s, p.complete_name, p.id DESC LIMIT 1""",
                SQL.identifier(field.relation),
                SQL.identifier(field.column2),
                SQL.identifier(field.column1),
                self.id,
                self.user_id.id or None,
            )
        )
        return self.env["res.partner"].browse([row[0] for row in self.env.cr.fetchall()])

    def _near_matches_allowed(self, near):
        """Whether a prospect that only resembles customers may still be registered: its pool's
        duplicate policy is Allow and none of them is a prospect a colleague registered and protects.
        Warn and Block keep the appeal: a registration is a claim to the company, decided before it saves."""
        pool = self.env["crm.public.pool"].sudo()._get_default_pool(self.company_id)
        if not pool or pool.duplicate_policy != "allow":
            return False
        return not self.env["res.partner"]._pool_protected_by_colleague(near, self.user_id)

    def _is_exact_copy(self, partner):
        """Whether this registration is ``partner`` itself: the same normalised name or the same USCC / VAT."""
        probe = matching.fingerprint(self._prospect())
        partner = partner.sudo()
        same_name = bool(probe["name_norm"]) and probe["name_norm"] == partner.pool_name_key
        same_vat = bool(probe["vat"]) and probe["vat"] == partner.pool_vat_key
        return same_name or same_vat

    @api.model
    def _appeal_reviewers(self, pool):
        """Who decides an appeal: the pool's administrators, else the company's pool managers."""
        admins = pool.sudo().admin_user_ids.filtered(lambda u: u.active and pool._is_admin(u))
        if admins:
            return admins
        managers = self.env.ref("crm_public_pool.group_pool_manager").sudo().users
        return managers.filtered(
            lambda u: u.active and not u.share and not u._is_superuser() and pool.company_id in u.company_ids
        )

    def _check_reviewable(self):
        for registration in self:
            if registration.state != "appealed":
                raise UserError(
                    self.env._(
                        "Registration %(name)s is not awaiting review (it is %(state)s).",
                        name=registration.name,
                        state=dict(self._fields["state"]._description_selection(self.env))[registration.state],
                    )
                )
            if not registration._reviewable_by(self.env.user):
                pool = registration.sudo().partner_id.pool_id
                if pool:
                    pool.with_env(self.env)._check_admin()
                raise UserError(
                    self.env._(
                        "Only a pool manager may review the appeal of %s: its customer is in no pool.",
                        registration.name,
                    )
                )

    def _reviewable_by(self, user):
        """Whether ``user`` decides this appeal: an administrator of the disputed customer's pool
        (a pool manager when it is in none), as ``_appeal_reviewers`` asks them."""
        self.ensure_one()
        pool = self.sudo().partner_id.pool_id
        if pool:
            return pool._is_admin(user)
        return user._is_superuser() or user.has_group("crm_public_pool.group_pool_manager")

    def _close_review(self):
        self.sudo().write({"reviewer_id": self.env.uid})
        self.sudo().activity_unlink(["mail.mail_activity_data_todo"])
        for registration in self.sudo():
            # Told to the registrant: in their language.
            registration._pool_post_text(
                _lt(
                    "Appeal %(state)s by %(user)s.",
                    state=pool_text.Choice(self._name, "state", registration.state),
                    user=self.env.user.name,
                ),
                lang=registration.user_id.lang or self.env.lang,
                partner_ids=registration.user_id.partner_id.ids,
            )

    def _notification(self, message, kind):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "message": message,
                "type": kind,
                "sticky": kind in ("warning", "danger"),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    # ------------------------------------------------------------------
    # Crons
    # ------------------------------------------------------------------

    @api.model
    def _cron_expire(self, batch_size=1000):
        """Return customers whose registration protection ran out without a follow-up to their pool."""
        now = fields.Datetime.now()
        self.flush_model(["state", "protected_until", "registered_date", "partner_id", "user_id"])
        self.env["res.partner"].flush_model(["user_id", "pool_state", "pool_last_followup_date", "pool_locked"])
        # A customer followed up since registering, locked, or no longer the registrant's stays put.
        self.env.cr.execute(
            """
            SELECT r.id, p.id,
                   p.pool_state = 'private' AND p.user_id = r.user_id AND NOT COALESCE(p.pool_locked, FALSE)
                   AND (p.pool_last_followup_date IS NULL OR p.pool_last_followup_date <= r.registered_date)
              FROM crm_public_pool_registration r
              JOIN res_partner p ON p.id = r.partner_id
             WHERE r.state IN ('registered', 'approved') AND r.protected_until < %s
             ORDER BY r.id
            """,
            [now],
        )
        rows = self.env.cr.fetchall()
        batch, rest = rows[:batch_size], rows[batch_size:]
        expired = self.browse([row[0] for row in batch])
        partners = self.env["res.partner"].sudo().browse([row[1] for row in batch if row[2]])
        if partners:
            partners._pool_lock_rows()._pool_apply(
                "recycle",
                {"pool_state": "pool", "pool_enter_date": now, "pool_locked": False},
                note=_lt("registration protection expired"),
                message=lambda log: _lt("Returned to pool %s: registration protection expired", log["pool_name"]),
            )
        expired.sudo().write({"state": "expired"})
        self.env["ir.cron"]._notify_progress(done=len(batch), remaining=len(rest))
        return len(partners)
