"""Regenerate every addon's i18n/zh_TW.po from its zh_CN.po.

Every msgstr of the simplified Chinese translation is converted with OpenCC's ``s2twp``
configuration (traditional characters with Taiwan's vocabulary: 軟體, 資訊, 預設, ...);
msgids, comments, references and placeholders (%s, %(name)s, {name}, markup) are copied
unchanged, and the header's ``Language`` becomes zh_TW. Run it with the Python that has the
addon's requirements (``opencc``), e.g. Odoo's:

    /opt/odoo/.venv/bin/python scripts/make_zh_tw.py

Edit zh_CN.po, not zh_TW.po: this script overwrites zh_TW.po.
"""

import re
import sys
from pathlib import Path

import opencc

PROJECT = Path(__file__).resolve().parent.parent
# A placeholder is copied as it is, never handed to OpenCC.
PLACEHOLDER = re.compile(r"%\([^)]*\)[a-z]|%[a-z%]|\{[A-Za-z_][A-Za-z0-9_]*\}")


def convert_text(converter, text):
    parts = PLACEHOLDER.split(text)
    placeholders = PLACEHOLDER.findall(text)
    converted = [converter.convert(part) for part in parts]
    return "".join(part + holder for part, holder in zip(converted, placeholders + [""], strict=False))


def convert_po(source, converter):
    """Convert the quoted strings of msgstr blocks; keep every other line as it is."""
    out = []
    in_msgstr = False
    for line in source.splitlines(keepends=True):
        if line.startswith("msgstr"):
            in_msgstr = True
        elif not line.startswith('"'):
            in_msgstr = False
        if in_msgstr:
            head, quote, rest = line.partition('"')
            line = head + quote + convert_text(converter, rest)
        out.append(line)
    text = "".join(out)
    return text.replace('"Language: zh_CN\\n"', '"Language: zh_TW\\n"', 1)


def main():
    converter = opencc.OpenCC("s2twp")
    for source_path in sorted(PROJECT.glob("*/i18n/zh_CN.po")):
        target = convert_po(source_path.read_text(encoding="utf-8"), converter)
        if '"Language: zh_TW\\n"' not in target:
            sys.exit("%s has no 'Language: zh_CN' header line" % source_path)
        target_path = source_path.with_name("zh_TW.po")
        target_path.write_text(target, encoding="utf-8")
        print("wrote %s" % target_path)


if __name__ == "__main__":
    main()
