"""Texts of the pool stored as what happened, and rendered for whoever reads them.

A chatter line or an audit note written by the pool is stored twice: as text in the language
of the person who made the move (what e-mails, searches and other addons read), and as its
message and values (``_lt("Released to pool %(pool)s by %(user)s: %(reason)s", ...)``), from
which the screens render it in the reader's language when it is read, as Odoo renders its
tracking values and activity types.
"""

from markupsafe import Markup, escape

from odoo.tools.translate import LazyGettext, get_translation


def is_pool_text(value):
    return isinstance(value, LazyGettext)


def to_payload(text, note=None):
    """The JSON-storable form of a lazy text (``_lt(...)``) and the note that follows it."""
    args = text._args
    args = {key: _plain(value) for key, value in args.items()} if isinstance(args, dict) else list(map(_plain, args))
    payload = {"module": text._module, "source": text._source, "args": args}
    if note:
        payload["note"] = to_payload(note) if is_pool_text(note) else str(note)
    return payload


def render(payload, lang):
    """The text of ``payload`` in ``lang``."""
    args = payload.get("args") or ()
    args = tuple(args) if isinstance(args, list) else args
    return get_translation(payload["module"], lang or "en_US", payload["source"], args)


def render_note(note, lang):
    return render(note, lang) if isinstance(note, dict) else note


def render_body(payload, lang):
    """The chatter body of ``payload`` in ``lang``: the text, then its note on a line of its own."""
    text = render(payload, lang)
    note = payload.get("note")
    if note:
        return Markup("%s<br/>%s") % (text, render_note(note, lang))
    return escape(text)


def in_language(value, lang):
    """A lazy text in ``lang``; anything else as it is."""
    return render(to_payload(value), lang) if is_pool_text(value) else value


def _plain(value):
    if is_pool_text(value):
        return str(value._source)
    return value if isinstance(value, (int, float, bool)) or value is None else str(value)
