import io
from pathlib import Path

import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import trans_export

I18N = Path(__file__).resolve().parent.parent / "i18n"


@tagged("post_install", "-at_install")
class TestTranslations(TransactionCase):
    """The template is current and every string of the addon has a zh_CN and a zh_TW translation."""

    def _current_template(self):
        buffer = io.BytesIO()
        trans_export(None, ["crm_public_pool"], buffer, "po", self.env.cr)
        return polib.pofile(buffer.getvalue().decode())

    def test_pot_is_current(self):
        current = {entry.msgid for entry in self._current_template()}
        committed = {entry.msgid for entry in polib.pofile(str(I18N / "crm_public_pool.pot"))}
        self.assertFalse(
            current - committed,
            "crm_public_pool.pot is out of date; export it again (odoo-bin --i18n-export). Missing: %s"
            % sorted(current - committed)[:20],
        )

    def _assert_every_string_translated(self, lang):
        translated = {
            entry.msgid for entry in polib.pofile(str(I18N / f"{lang}.po")) if entry.msgstr.strip() and not entry.obsolete
        }
        missing = sorted(entry.msgid for entry in self._current_template() if entry.msgid not in translated)
        self.assertFalse(missing, "%s strings have no %s translation, e.g. %s" % (len(missing), lang, missing[:20]))

    def test_every_string_has_a_zh_cn_translation(self):
        self._assert_every_string_translated("zh_CN")

    def test_every_string_has_a_zh_tw_translation(self):
        # zh_TW.po is generated from zh_CN.po by scripts/make_zh_tw.py.
        self._assert_every_string_translated("zh_TW")
