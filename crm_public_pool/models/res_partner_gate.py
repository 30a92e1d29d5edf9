from odoo import api, models

from .checks import refuse_text_problem, text_field_problem


class ResPartner(models.Model):
    """The text gate (logic.text_gate) on the partner's own fields, before anything else reads them.

    A managed customer and its contacts hold no control character (tab and line breaks excepted) in
    any text field: refused with a message naming the field. Other partners keep Odoo's behaviour
    (Odoo's own tests store a control character in a user's name), but for NUL, which PostgreSQL
    refuses for every partner: refused with the same message instead of a database error.
    """

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            found = text_field_problem(self, vals)
            if found and (found[1] == "U+0000" or self._pool_gate_creates_managed(vals)):
                refuse_text_problem(self, found)
            found = found and text_field_problem(self, vals, nul_only=True)
            if found:
                refuse_text_problem(self, found)
        return super().create(vals_list)

    def write(self, vals):
        found = text_field_problem(self, vals)
        if found and (found[1] == "U+0000" or vals.get("pool_id") or self.sudo().filtered("pool_state")):
            refuse_text_problem(self, found)
        found = found and text_field_problem(self, vals, nul_only=True)
        if found:
            refuse_text_problem(self, found)
        return super().write(vals)

    def _pool_gate_creates_managed(self, vals):
        """True when ``vals`` create a managed customer or a contact of one."""
        if self._pool_should_manage(vals):
            return True
        parent = vals.get("parent_id")
        return isinstance(parent, int) and bool(self.browse(parent).sudo().exists().commercial_partner_id.pool_state)
