"""What Odoo's own suites demand of every installed addon, checked here on this addon's records.

Odoo's ``base/tests/test_views.py`` (``test_uncommented_invisible_field``) logs an error for
any list or form view with a field always invisible and no comment right after it saying why.
"""

import re

from odoo.tests import TransactionCase, tagged

# The expression of Odoo's test, as it is there.
UNCOMMENTED = r"""(<field [^>]*invisible=['"](True|1)['"][^>]*>)[\s\t\n ]*(.*)"""


@tagged("post_install", "-at_install")
class TestOdooSuites(TransactionCase):
    def test_always_invisible_fields_say_why(self):
        views = self.env["ir.ui.view"].search(
            [
                ("type", "in", ("list", "form")),
                "|",
                ("arch_db", "like", "invisible=_True_"),
                ("arch_db", "like", "invisible=_1_"),
            ]
        )
        ours = views.filtered(lambda view: (view.model_data_id.module or "").startswith("crm_public_pool"))
        self.assertTrue(ours, "the addon has views with fields always invisible")
        unexplained = [
            f"{view.model_data_id.module}.{view.model_data_id.name}: {field}"
            for view in ours
            for field, _value, comment in re.findall(UNCOMMENTED, view.arch_db)
            if not comment.startswith("<!--")
        ]
        self.assertFalse(unexplained, "fields always invisible without a comment saying why")
