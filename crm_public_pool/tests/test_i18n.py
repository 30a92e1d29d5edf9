import io
from pathlib import Path

import polib

from odoo.modules.module import get_module_path
from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import trans_export


@tagged("post_install", "-at_install")
class TestTranslations(TransactionCase):
    """The template is current and every string of the addon has a zh_CN and a zh_TW translation.

    Bridge addons run the same checks on their own strings by subclassing with their ``MODULE``.
    """

    MODULE = "crm_public_pool"

    def _i18n(self):
        return Path(get_module_path(self.MODULE)) / "i18n"

    def _current_template(self):
        buffer = io.BytesIO()
        trans_export(None, [self.MODULE], buffer, "po", self.env.cr)
        return polib.pofile(buffer.getvalue().decode())

    def test_pot_is_current(self):
        current = {entry.msgid for entry in self._current_template()}
        committed = {entry.msgid for entry in polib.pofile(str(self._i18n() / f"{self.MODULE}.pot"))}
        self.assertFalse(
            current - committed,
            "%s.pot is out of date; export it again (scripts/update_i18n.sh). Missing: %s"
            % (self.MODULE, sorted(current - committed)[:20]),
        )

    def _assert_every_string_translated(self, lang):
        translated = {
            entry.msgid
            for entry in polib.pofile(str(self._i18n() / f"{lang}.po"))
            if entry.msgstr.strip() and not entry.obsolete
        }
        missing = sorted(entry.msgid for entry in self._current_template() if entry.msgid not in translated)
        self.assertFalse(missing, "%s strings have no %s translation, e.g. %s" % (len(missing), lang, missing[:20]))

    def test_every_string_has_a_zh_cn_translation(self):
        self._assert_every_string_translated("zh_CN")

    def test_every_string_has_a_zh_tw_translation(self):
        # zh_TW.po is generated from zh_CN.po by scripts/make_zh_tw.py.
        self._assert_every_string_translated("zh_TW")
