import io
from pathlib import Path

import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import trans_export

I18N = Path(__file__).resolve().parent.parent / "i18n"


@tagged("post_install", "-at_install")
class TestTranslations(TransactionCase):
    """Every string of the bridge has a zh_CN and a zh_TW translation."""

    def test_every_string_translated(self):
        buffer = io.BytesIO()
        trans_export(None, ["crm_public_pool_queue"], buffer, "po", self.env.cr)
        current = {entry.msgid for entry in polib.pofile(buffer.getvalue().decode())}
        for lang in ("zh_CN", "zh_TW"):
            translated = {
                e.msgid for e in polib.pofile(str(I18N / f"{lang}.po")) if e.msgstr.strip() and not e.obsolete
            }
            self.assertFalse(sorted(current - translated), f"strings without a {lang} translation")
