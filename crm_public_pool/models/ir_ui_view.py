from odoo import models

POOL_MODEL_PREFIX = "crm.public.pool"


class IrUiView(models.Model):
    """The pool's moments are read to the minute: its datetime fields show no seconds."""

    _inherit = "ir.ui.view"

    def _postprocess_tag_field(self, node, name_manager, node_info):
        field = name_manager.model._fields.get(node.get("name") or "")
        if field and field.type == "datetime" and _is_pool_field(field):
            options = (node.get("options") or "").strip()
            if "show_seconds" not in options:
                if not options or options == "{}":
                    node.set("options", "{'show_seconds': False}")
                elif options.startswith("{"):
                    node.set("options", "{'show_seconds': False, " + options[1:])
        return super()._postprocess_tag_field(node, name_manager, node_info)


def _is_pool_field(field):
    return field.model_name.startswith(POOL_MODEL_PREFIX) or field.name.startswith("pool_")
