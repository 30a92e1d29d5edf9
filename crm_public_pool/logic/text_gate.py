"""One gate for the text the addon reads: arguments of its methods and values of its fields.

``text_problem`` names the first character no text of the addon may hold: NUL (PostgreSQL
refuses it halfway through a move) and the other control characters, tab and line breaks
excepted. ``strip_format_characters`` drops the invisible Unicode format characters
(zero-width spaces and joiners, direction marks, the byte-order mark, soft hyphens) that make
two spellings of one name, e-mail or phone look equal and compare different; normalisation
removes them before it compares anything. ``literal_domain`` reads a filter that must be a
domain written out, never a Python expression to run.
"""

import ast
import unicodedata

# Control characters a note or an address may hold.
ALLOWED_CONTROLS = frozenset("\t\n\r")
DOMAIN_OPERATORS = frozenset({"&", "|", "!"})


def text_problem(text):
    """The code point (``'U+0000'``) of the first control character in ``text``, or None."""
    if not isinstance(text, str):
        return None
    for char in text:
        if char not in ALLOWED_CONTROLS and unicodedata.category(char) in ("Cc", "Cs"):
            return f"U+{ord(char):04X}"
    return None


def strip_format_characters(text):
    """``text`` without Unicode format characters (category Cf: U+200B, U+200E, U+FEFF, ...)."""
    if not text or not isinstance(text, str):
        return text
    return "".join(char for char in text if unicodedata.category(char) != "Cf")


def literal_domain(text):
    """The domain written in ``text`` (``"[('city', '=', 'Shanghai')]"``) as a list.

    Only literals are read: names, calls and arithmetic are refused with ``ValueError``, as
    is anything that is not a list of conditions (3-item lists or tuples) and the operators
    ``&``, ``|`` and ``!``.
    """
    if not text or not text.strip():
        return []
    try:
        value = ast.literal_eval(text.strip())
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError) as error:
        raise ValueError(f"not a list of conditions written out: {text!r}") from error
    if not isinstance(value, (list, tuple)):
        raise ValueError(f"not a list of conditions: {text!r}")
    for item in value:
        if isinstance(item, str) and item in DOMAIN_OPERATORS:
            continue
        if not (isinstance(item, (list, tuple)) and len(item) == 3 and isinstance(item[0], str)):
            raise ValueError(f"{item!r} is neither a condition (field, operator, value) nor &, | or !")
        if not isinstance(item[1], str):
            raise ValueError(f"the operator of {item!r} is not text")
    return [tuple(item) if isinstance(item, list) else item for item in value]
