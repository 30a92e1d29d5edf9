"""One way to name a record in a message, a lookup answer, a wizard or a preview."""

from odoo import models


class Base(models.AbstractModel):
    _inherit = "base"  # pylint: disable=consider-merging-classes-inherited

    def _pool_names_for_me(self):
        """{id: name} of these records as the current user may know them.

        The display name of a record they may read (a customer masked to them is its name
        alone); "Customer #id" for a partner they may not read, "<Model> #id" for any other
        record. Computed as the real user even when the caller runs as superuser, so that no
        message composed in sudo names what its reader may not see.
        """
        records = self.with_env(self.env(su=False)).browse([rid for rid in self._ids if isinstance(rid, int)])
        readable = records._filtered_access("read")
        names = {record.id: record.display_name for record in readable}
        label = self.env["ir.model"].sudo()._get(self._name).name or self._description
        for rid in records._ids:
            if rid not in names:
                names[rid] = (
                    self.env._("Customer #%s", rid)
                    if self._name == "res.partner"
                    else self.env._("%(model)s #%(id)s", model=label, id=rid)
                )
        return names

    def _pool_name_for_me(self):
        """The name of one record as the current user may know it (empty for no record)."""
        if not self:
            return ""
        self.ensure_one()
        return self._pool_names_for_me()[self.id]
