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

    def _read_format(self, fnames, load="_classic_read"):
        # The pool's notes, read in the reader's language and time zone (see pool_text).
        result = super()._read_format(fnames, load=load)
        if "note" not in fnames:
            return result
        payloads = {activity.id: activity.pool_note for activity in self.sudo().browse([vals["id"] for vals in result])}
        for vals in result:
            payload = payloads.get(vals["id"])
            if payload:
                vals["note"] = self._pool_note_html(payload)
        return result

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
