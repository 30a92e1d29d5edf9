from odoo import api, fields, models
from odoo.exceptions import UserError

from ..logic import when
from . import pool_text
from .engine_token import in_engine


class ResPartner(models.Model):
    """What the customer screens need to show each user only what they may do."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    pool_may_write = fields.Boolean(
        compute="_compute_pool_may_write",
        help="The current user may edit this customer; the form is read-only otherwise.",
    )

    pool_can_release = fields.Boolean(
        string="Releasable by Me",
        compute="_compute_pool_can_release",
        help="Owned, active, and yours or in a pool you administer: the check Release makes.",
    )

    pool_recycle_when = fields.Char(
        string="Returns",
        compute="_compute_pool_recycle_when",
        help="When the customer returns to the pool, from today, in your language.",
    )

    pool_claim_blocker = fields.Char(
        string="Why Not Claimable",
        compute="_compute_pool_claim_blocker",
        help="In the pool but not claimable by you now: the reason the Claim button would give.",
    )

    pool_recycle_progress = fields.Integer(
        string="Time Left (%)",
        compute="_compute_pool_recycle_progress",
        help="Share of the time between the last follow-up (or the claim) and the return to the pool still left.",
    )

    @api.depends("pool_recycle_date", "pool_last_followup_date", "pool_claim_date")
    def _compute_pool_recycle_progress(self):
        now = fields.Datetime.now()
        for partner in self:
            start = max(filter(None, [partner.pool_last_followup_date, partner.pool_claim_date]), default=None)
            end = partner.pool_recycle_date
            if not end or not start or end <= start:
                partner.pool_recycle_progress = 0
                continue
            left = max((end - now).total_seconds(), 0)
            partner.pool_recycle_progress = round(100 * left / (end - start).total_seconds())

    @api.depends_context("uid")
    @api.depends("user_id", "pool_state", "pool_id")
    def _compute_pool_may_write(self):
        saved = self.filtered("id")
        writable = saved._filtered_access("write") if saved else saved
        for partner in self:
            partner.pool_may_write = not partner.id or partner in writable

    @api.depends_context("lang")
    @api.depends("pool_recycle_date")
    def _compute_pool_recycle_when(self):
        locale = when.babel_locale(self.env.lang)
        for partner in self:
            if not partner.pool_recycle_date:
                partner.pool_recycle_when = False
                continue
            days = partner.pool_recycle_days
            partner.pool_recycle_when = when.relative_days(days, locale) or self.env._("today")

    @api.depends_context("uid")
    @api.depends("user_id", "pool_state", "pool_id", "active")
    def _compute_pool_can_release(self):
        user = self.env.user
        for partner in self:
            partner.pool_can_release = not partner._pool_release_blocker(user)

    def _pool_release_blocker(self, user):
        """Why ``user`` may not release this customer (False if they may): Release checks the same."""
        self.ensure_one()
        partner = self.sudo()
        if partner.pool_state != "private" or not partner.active:
            return "not_owned"
        if partner.user_id != user and not partner.pool_id._is_admin(user):
            return "not_yours"
        return False

    @api.depends_context("uid")
    @api.depends("pool_state", "pool_id", "pool_enter_date", "pool_embargo_until")
    def _compute_pool_claim_blocker(self):
        user = self.env.user
        now = fields.Datetime.now()
        pooled = self.filtered(lambda p: p.pool_state == "pool" and not p.pool_claimable)
        rules = self._pool_claim_rules(user, now) if pooled else {}
        for partner in self:
            if partner not in pooled:
                partner.pool_claim_blocker = False
                continue
            pool_rules = rules.get(partner.sudo().pool_id)
            if pool_rules is None:
                partner.pool_claim_blocker = self.env._("You are not a member of its pool.")
                continue
            failed = next((code for code, domain in pool_rules if not partner.sudo().filtered_domain(domain)), None)
            partner.pool_claim_blocker = (
                partner.sudo()._pool_claim_refusal(failed, partner.name, user, now)
                if failed
                else self.env._("You have reached your customer limit or the daily claim limit of its pool.")
            )

    def _read_format(self, fnames, load="_classic_read"):
        result = super()._read_format(fnames, load=load)
        if "pool_unplaced_reason" in fnames:
            # Stored as its message and values (res_partner_rules.py): read in the reader's language.
            lang = self.env.lang or "en_US"
            # A value the masking shaped (a pool may mask the field) is not the stored one: left as shaped.
            stored = {
                partner.id: (partner.pool_unplaced_reason, partner.pool_unplaced_message)
                for partner in self.sudo().browse([vals["id"] for vals in result if vals.get("pool_unplaced_reason")])
            }
            for vals in result:
                text, payload = stored.get(vals["id"], (False, False))
                if payload and vals["pool_unplaced_reason"] == text:
                    vals["pool_unplaced_reason"] = pool_text.render(payload, lang, self.env)
        return result

    @api.model
    def get_views(self, views, options=None):
        """Mark the contextual actions that write the records (Odoo's vCard download runs only on
        customers the user may write): the pool screens offer them only on such customers."""
        if (
            not isinstance(views, (list, tuple))
            or not all(
                isinstance(view, (list, tuple)) and len(view) == 2 and isinstance(view[1], str) for view in views
            )
            or not isinstance(options, (dict, type(None)))
        ):
            raise UserError(self.env._("The views to load must be a list of (view id, view type) pairs."))
        result = super().get_views(views, options)
        vcard = self.env.ref("web.download_contact", raise_if_not_found=False)
        if not vcard:
            return result
        for view in result["views"].values():
            actions = view.get("toolbar", {}).get("action")
            if actions:
                view["toolbar"]["action"] = [
                    dict(action, pool_needs_write=True) if action["id"] == vcard.id else action for action in actions
                ]
        return result

    @api.model
    def _get_view(self, view_id=None, view_type="form", **options):
        """A customer the user may not write opens read-only, instead of failing on Save."""
        arch, view = super()._get_view(view_id, view_type, **options)
        if view_type != "form":
            return arch, view
        sheet = arch.find(".//sheet")
        if sheet is None:
            return arch, view
        for node in arch.iter("field"):
            if node.get("name") == "pool_may_write" or _inside_subview(node, arch):
                continue
            readonly = (node.get("readonly") or "").strip()
            field = self._fields.get(node.get("name"))
            if readonly in ("1", "True", "true") or (not readonly and (not field or field.readonly)):
                continue
            node.set(
                "readonly",
                f"({readonly}) or not pool_may_write"
                if readonly and readonly not in ("0", "False", "false")
                else "not pool_may_write",
            )
        flag = arch.makeelement("field", {"name": "pool_may_write", "invisible": "1"})
        sheet.insert(0, flag)
        return arch, view

    @api.model_create_multi
    def create(self, vals_list):
        self._pool_check_create_pool(vals_list)
        if self.env.su or in_engine(self.env):
            return super().create(vals_list)
        # Odoo writes the values of fields with an inverse (an EDI format, a pricelist, a credit
        # limit) after the insert, as a write: the creator of a customer that goes straight to a
        # pool may no longer write it. They are the creator's values for a record they may create:
        # set them on it once it exists, as the creator.
        inverse = [self._pool_pop_inverse_values(vals) for vals in vals_list]
        partners = super().create(vals_list)
        for partner, vals in zip(partners, inverse, strict=True):
            if vals:
                (partner if partner.pool_may_write else partner.sudo()).write(vals)
        return partners

    def _pool_pop_inverse_values(self, vals):
        """Take out of ``vals`` the values of the partner's own inverse fields (not related ones)."""
        return {
            fname: vals.pop(fname)
            for fname in list(vals)
            if fname != "company_type"
            and (field := self._fields.get(fname))
            and field.inverse
            and not field.store
            and not field.related
            and field.type not in ("one2many", "many2many")
        }

    def _write_company_type(self):
        # The form sends the company type with every new record: writing it back unchanged would
        # need write access, which the creator of a customer that goes straight to a pool lacks.
        for partner in self:
            is_company = partner.company_type == "company"
            if partner.is_company != is_company:
                partner.is_company = is_company

    @api.model
    def _pool_check_create_pool(self, vals_list):
        """Say which pool refuses a new customer and what to do instead, before the engine refuses."""
        if self.env.su or in_engine(self.env):
            return
        user = self.env.user
        for vals in vals_list:
            if not self._pool_should_manage(vals) or vals.get("user_id") or self.env.context.get("default_user_id"):
                continue
            pool = self._pool_target_pool(vals)
            if not (pool._is_member(user) or pool._is_admin(user)):
                raise UserError(
                    self.env._(
                        "You are not a member of pool %s, so a customer you create there would be out of "
                        "your reach: create it from My Customers (it becomes yours) or choose one of your pools.",
                        pool._pool_name_for_me(),
                    )
                )

    def action_pool_lock(self):
        result = super().action_pool_lock()
        return (
            self._pool_notification(
                self.env._("1 customer locked: the recycle rules leave it with its owner.")
                if len(self) == 1
                else self.env._("%s customers locked: the recycle rules leave them with their owner.", len(self))
            )
            if result is True
            else result
        )

    def action_pool_unlock(self):
        result = super().action_pool_unlock()
        return (
            self._pool_notification(
                self.env._("1 customer unlocked: the recycle rules apply to it again.")
                if len(self) == 1
                else self.env._("%s customers unlocked: the recycle rules apply to them again.", len(self))
            )
            if result is True
            else result
        )

    def action_pool_log_followup(self):
        """Open the chatter's log-note composer on the customer, as a follow-up."""
        if len(self._pool_checked()) != 1:
            raise UserError(self.env._("Log a follow-up on one customer at a time, not %s.", len(self)))
        if not self.pool_may_write:
            raise UserError(
                self.env._("%s is not yours: claim it before logging a follow-up.", self._pool_name_for_me())
            )
        return {
            "type": "ir.actions.act_window",
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Log a Follow-up"),
            "context": {
                "default_model": "res.partner",
                "default_res_ids": self.ids,
                "default_subtype_xmlid": "mail.mt_note",
                "default_composition_mode": "comment",
                "default_message_type": "comment",
            },
        }


def _inside_subview(node, root):
    """Whether ``node`` belongs to the list or form of an x2many field (another record)."""
    parent = node.getparent()
    while parent is not None and parent is not root:
        if parent.tag == "field":
            return True
        parent = parent.getparent()
    return False
