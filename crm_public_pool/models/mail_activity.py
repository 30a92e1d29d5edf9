from markupsafe import Markup

from odoo import api, fields, models

from . import pool_text
from .engine_token import in_engine
from .masking_access import without_masked_documents


class MailActivity(models.Model):
    _inherit = "mail.activity"

    pool_note = fields.Json(
        readonly=True,
        copy=False,
        help="The note the pool wrote, as its message and values: rendered for each reader.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        # Only the pool writes what it noted (a client's value would pass for the pool's words).
        if not in_engine(self.env):
            for vals in vals_list:
                vals.pop("pool_note", None)
        activities = super().create(vals_list)
        activities._pool_customers()._pool_refresh_recycle_date()
        return activities

    def write(self, vals):
        if "pool_note" in vals and not in_engine(self.env):
            vals = {key: value for key, value in vals.items() if key != "pool_note"}
        return super().write(vals)

    def unlink(self):
        # Marking an activity done posts the follow-up, then deletes the activity: only now is the
        # customer free of planned activities, so its countdown is computed again here.
        customers = self._pool_customers()
        res = super().unlink()
        customers._pool_refresh_recycle_date()
        return res

    def _action_done(self, feedback=False, attachment_ids=None):
        # "Mark done" on an "Accept or return" To-Do accepts the customer (as its owner), and the
        # acceptance replaces the To-Do: it is no follow-up, so no message is posted for it.
        accept_type_id = self.env["crm.public.pool.rule"]._accept_activity_type_id()
        accepting = self.filtered(lambda a: a.res_model == "res.partner" and a.activity_type_id.id == accept_type_id)
        waiting = (
            self.env["res.partner"].sudo().browse(accepting.mapped("res_id")).exists().filtered("pool_accept_deadline")
        )
        accepting = accepting.filtered(lambda a: a.res_id in waiting.ids)
        if accepting:
            waiting.with_env(self.env).action_pool_accept()
        rest = self.exists() if accepting else self
        return super(MailActivity, rest)._action_done(feedback=feedback, attachment_ids=attachment_ids)

    @api.depends("res_model", "res_id", "user_id")
    def _compute_res_name(self):
        # Stored once, in sudo, as whoever wrote the activity knew the customer: a To-Do handed on
        # by one who may no longer read it was "Customer #id" to its new owner. Named instead as
        # the assignee knows it, who alone may read the activity without reading the customer
        # (an export and the assignment e-mail read the stored name; screens name it per reader).
        customers = self._pool_customer_activities().filtered("user_id")
        res = super(MailActivity, self - customers)._compute_res_name()
        for user, activities in customers.grouped("user_id").items():
            names = activities._pool_customer_names(user)
            for activity in activities:
                activity.res_name = names[activity.res_id]
        return res

    def _read_format(self, fnames, load="_classic_read"):
        result = super()._read_format(fnames, load=load)
        activities = self.sudo().browse([vals["id"] for vals in result])
        if "note" in fnames:
            # The pool's notes, read in the reader's language and time zone (see pool_text).
            payloads = {activity.id: activity.pool_note for activity in activities}
            for vals in result:
                payload = payloads.get(vals["id"])
                if payload:
                    vals["note"] = self._pool_note_html(payload)
        if "res_name" in fnames and not self.env.user._is_superuser():
            # The stored name was right for its assignee when written; the customer has changed
            # hands since, and another reader may know it otherwise.
            customers = activities._pool_customer_activities()
            names = customers._pool_customer_names(self.env.user)
            for vals in result:
                activity = activities.browse(vals["id"])
                if activity in customers:
                    vals["res_name"] = names[activity.res_id]
        return result

    def _pool_customer_activities(self):
        """These activities that are on a customer a pool manages: other partners are named as
        Odoo names them."""
        on_partners = self.filtered(lambda a: a.res_model == "res.partner" and a.res_id)
        managed = set(
            self.env["res.partner"].sudo().browse({a.res_id for a in on_partners}).exists().filtered("pool_state").ids
        )
        return on_partners.filtered(lambda a: a.res_id in managed)

    def _pool_customer_names(self, user):
        """{customer id: name} of these activities' customers as ``user`` may know them, in any of
        their companies: the display name of one they may read, "Customer #id" of another."""
        partners = (
            self.env["res.partner"]
            .with_user(user)
            .with_context(allowed_company_ids=user.company_ids.ids)
            .browse({activity.res_id for activity in self})
            .exists()
        )
        readable = partners._filtered_access("read")
        names = {partner.id: partner.display_name for partner in readable}
        return {
            activity.res_id: names[activity.res_id]
            if activity.res_id in names
            else self.env._("Customer #%s", activity.res_id)
            for activity in self
        }

    @api.model
    def _pool_note_html(self, payload, lang=None):
        """A note of the pool as ``lang`` (the reader's by default) reads it: each text a paragraph."""
        lang = lang or self.env.lang
        parts = payload["join"] if "join" in payload else [payload]
        return Markup("").join(Markup("<p>%s</p>") % pool_text.render_value(part, lang, self.env) for part in parts)

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        # Activities of a customer masked to the caller are hidden with its fields.
        query = super()._search(domain, offset=offset, limit=limit, order=order)
        return without_masked_documents(self, query, order)

    def _check_access(self, operation):
        return without_masked_documents.check(self, super()._check_access(operation), operation)

    def _pool_customers(self):
        """Owned customers whose recycle date a planned activity holds (the pool's own To-Dos do not)."""
        own_type_ids = self.env["crm.public.pool.rule"]._own_activity_type_ids()
        ids = {a.res_id for a in self if a.res_model == "res.partner" and a.activity_type_id.id not in own_type_ids}
        Partner = self.env["res.partner"].sudo()
        if not ids:
            return Partner
        return Partner.browse(ids).exists().filtered(lambda p: p.pool_state == "private")
