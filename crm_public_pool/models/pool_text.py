"""Texts of the pool stored as what happened, and rendered for whoever reads them.

A chatter line, an audit note, a To-Do's note or a registration's result written by the pool is
stored twice: as text in the language of the person it was written for (what e-mails, searches
and other addons read), and as its message and values (``_lt("Released to pool %(pool)s by
%(user)s: %(reason)s", ...)``), from which the screens render it in the reader's language and
time zone when it is read, as Odoo renders its tracking values and activity types.

Values that read differently per reader are stored as what they are: a day (``Day``), a
selection's value (``Choice``), a record's translatable name (``Name``), another text of the
pool (a nested ``_lt``), and texts joined one after the other (``Joined``).
"""

from datetime import date

from markupsafe import Markup, escape

from odoo import fields
from odoo.exceptions import MissingError, UserError
from odoo.tools import format_date
from odoo.tools.translate import LazyGettext, get_translation


class Value:
    """A value of a stored text that each reader reads in their own language."""

    def to_json(self):
        raise NotImplementedError

    def __str__(self):
        return str(render_value(self.to_json(), "en_US"))


class Day(Value):
    """A day, written as each reader writes dates (12/09/2026, 2026年12月9日)."""

    def __init__(self, day):
        self.day = fields.Date.to_date(day)

    def to_json(self):
        return {"date": fields.Date.to_string(self.day)}


class Choice(Value):
    """The label of a selection field's value, in the reader's language."""

    def __init__(self, model, fname, value):
        self.model, self.fname, self.value = model, fname, value

    def to_json(self):
        return {"selection": [self.model, self.fname, self.value]}


class Name(Value):
    """A record's (translatable) name, in the reader's language."""

    def __init__(self, record, fname="name"):
        self.model, self.id, self.fname, self.name = record._name, record.id, fname, record[fname]

    def to_json(self):
        return {"record": [self.model, self.id, self.fname], "name": self.name}


# The punctuation between joined texts where a language writes it differently: Chinese puts
# full-width marks, with no space after them, between its clauses (张三已暂停接收，李四已休假).
SEPARATORS = {"zh": {", ": "，", "; ": "；", ": ": "："}}


def separator(sep, lang):
    """``sep`` (as English writes it) as ``lang`` writes it."""
    return SEPARATORS.get((lang or "en_US").split("_")[0], {}).get(sep, sep)


class Joined:
    """Texts of the pool read one after the other (``sep`` between them)."""

    def __init__(self, parts, sep=", "):
        self.parts = [part for part in parts if part]
        self.sep = sep

    def __str__(self):
        return self.sep.join(map(str, self.parts))


class PoolTextError(UserError):
    """A refusal whose text is a text of the pool: the actor reads it in their language, and who
    stores why it happened keeps its message and values (``pool_text``) for each later reader."""

    def __init__(self, env, text):
        super().__init__(in_language(text, env.lang, env))
        self.pool_text = text


def error_text(error):
    """What ``error`` said, as a text of the pool when it kept one, else as the actor read it."""
    return getattr(error, "pool_text", None) or error.args[0]


def is_pool_text(value):
    return isinstance(value, (LazyGettext, Joined))


def to_payload(text, note=None):
    """The JSON-storable form of a lazy text (``_lt(...)``, ``Joined``) and the note that follows it."""
    if isinstance(text, Joined):
        payload = {"join": [_plain(part) for part in text.parts], "sep": text.sep}
    else:
        args = text._args
        args = (
            {key: _plain(value) for key, value in args.items()} if isinstance(args, dict) else list(map(_plain, args))
        )
        payload = {"module": text._module, "source": text._source, "args": args}
    if note:
        payload["note"] = to_payload(note) if is_pool_text(note) else note if isinstance(note, dict) else str(note)
    return payload


def render(payload, lang, env=None):
    """The text of ``payload`` in ``lang`` (days, choices and names need ``env``)."""
    lang = lang or "en_US"
    if "join" in payload:
        sep = separator(payload.get("sep", ", "), lang)
        return sep.join(str(render_value(part, lang, env)) for part in payload["join"])
    args = payload.get("args") or ()
    if isinstance(args, dict):
        args = {key: render_value(value, lang, env) for key, value in args.items()}
    else:
        args = tuple(render_value(value, lang, env) for value in args)
    return get_translation(payload["module"], lang, payload["source"], args)


def render_value(value, lang, env=None):
    """One stored value as ``lang`` reads it."""
    if not isinstance(value, dict):
        return value
    if "source" in value or "join" in value:
        return render(value, lang, env)
    reader = env(context=dict(env.context, lang=lang)) if env is not None else None
    if "date" in value:
        day = date.fromisoformat(value["date"])
        return format_date(reader, day, lang_code=lang) if reader is not None else value["date"]
    if "selection" in value:
        model, fname, key = value["selection"]
        if reader is None or model not in reader:
            return key
        return dict(reader[model]._fields[fname]._description_selection(reader)).get(key, key)
    if "record" in value:
        model, record_id, fname = value["record"]
        if reader is None or model not in reader:
            return value.get("name") or ""
        # Read through the cache: a digest or a day's warnings name the same rule for every
        # customer, and ``exists()`` asked the database once per customer (50 queries for 50).
        try:
            return reader[model].sudo().browse(record_id)[fname]
        except MissingError:
            return value.get("name") or ""
    return value


def render_note(note, lang, env=None):
    return render(note, lang, env) if isinstance(note, dict) else note


def render_body(payload, lang, env=None):
    """The chatter body of ``payload`` in ``lang``: the text, then its note on a line of its own."""
    text = render(payload, lang, env)
    note = payload.get("note")
    if note:
        return Markup("%s<br/>%s") % (text, render_note(note, lang, env))
    return escape(text)


def in_language(value, lang, env=None):
    """A lazy text in ``lang``; anything else as it is."""
    return render(to_payload(value), lang, env) if is_pool_text(value) else value


def _plain(value):
    if is_pool_text(value):
        return to_payload(value)
    if isinstance(value, Value):
        return value.to_json()
    if isinstance(value, dict):
        return value  # a text already stored as its payload (a background job's argument)
    return value if isinstance(value, (int, float, bool)) or value is None else str(value)
