"""Checks of values that arrive through the API, shared by the pool models.

A wrong value must end in an error that names the field and the value, before anything is
written, never in a database error halfway through a move.
"""

import unicodedata

from odoo.exceptions import UserError, ValidationError
from odoo.models import BaseModel

from ..logic.bounds import SETTING_BOUNDS, out_of_bounds
from ..logic.text_gate import text_problem

# PostgreSQL's integer columns hold -2**31 .. 2**31 - 1.
INTEGER_MAX = 2**31 - 1


def check_integers(records, vals_list):
    """Refuse integer values that the database cannot store."""
    for vals in vals_list:
        for fname, value in vals.items():
            field = records._fields.get(fname)
            if not (field and field.type == "integer" and field.store):
                continue
            if isinstance(value, int) and not isinstance(value, bool) and not -INTEGER_MAX - 1 <= value <= INTEGER_MAX:
                raise ValidationError(
                    records.env._(
                        "%(field)s cannot be %(value)s: the largest number allowed is %(max)s.",
                        field=field._description_string(records.env),
                        value=value,
                        max=INTEGER_MAX,
                    )
                )


def text_field_problem(records, vals, nul_only=False):
    """``(field, code point)`` of the first text value of ``vals`` that holds a control character
    (only NUL with ``nul_only``), or None."""
    for fname, value in vals.items():
        field = records._fields.get(fname)
        if not (field and field.type in ("char", "text", "html") and isinstance(value, str)):
            continue
        problem = ("U+0000" if "\x00" in value else None) if nul_only else text_problem(value)
        if problem:
            return field, problem
    return None


def refuse_text_problem(records, found):
    """Refuse the value ``text_field_problem`` found, naming the field and the character."""
    field, char = found
    raise ValidationError(
        records.env._(
            "%(field)s may not hold the control character %(char)s.",
            field=field._description_string(records.env),
            char=char,
        )
    )


def check_text_fields(records, vals_list):
    """Refuse text values holding NUL or another control character (the text gate), naming the field."""
    for vals in vals_list:
        found = text_field_problem(records, vals)
        if found:
            refuse_text_problem(records, found)


def check_values(records, vals_list):
    """The gate of every value a client writes on the addon's records: numbers the database can
    store, text without control characters."""
    check_integers(records, vals_list)
    check_text_fields(records, vals_list)


def check_bounds(records):
    """Refuse settings outside their bounds (``logic.bounds.SETTING_BOUNDS``), naming the field and the bound."""
    bounds = SETTING_BOUNDS[records._name]
    for record in records:
        found = out_of_bounds({fname: record[fname] for fname in bounds}, bounds)
        if found:
            fname, value, low, high = found[0]
            raise ValidationError(
                records.env._(
                    "%(field)s must lie between %(low)s and %(high)s, not %(value)s.",
                    field=records._fields[fname]._description_string(records.env),
                    low=low,
                    high=high,
                    value=value,
                )
            )


def check_ids(env, value, what):
    """Return ``value`` (one id or a list of ids) as a list of ids, or refuse it naming ``what``."""
    if isinstance(value, BaseModel):
        return value.ids
    values = list(value) if isinstance(value, (list, tuple)) else [value]
    if not all(isinstance(v, int) and not isinstance(v, bool) and 0 < v <= INTEGER_MAX for v in values):
        raise UserError(env._("%(what)s must be given as record ids, not %(value)r.", what=what, value=value))
    return values


def check_texts(env, **values):
    """Refuse values of text arguments that are neither text nor empty, or hold control characters."""
    for name, value in values.items():
        if value and not isinstance(value, str):
            raise UserError(env._("%(name)s must be text, not %(value)r.", name=name, value=value))
        problem = text_problem(value)
        if problem:
            raise UserError(env._("%(name)s may not hold the control character %(char)s.", name=name, char=problem))


def has_words(text):
    """True when ``text`` holds a letter or a digit: blanks and punctuation alone say nothing."""
    return isinstance(text, str) and any(unicodedata.category(char)[0] in "LN" for char in text)


def check_words(env, value, what):
    """Refuse a required text that is missing, not text, or only blanks and punctuation."""
    check_texts(env, **{what: value})
    if not has_words(value):
        raise UserError(
            env._("%(what)s must say something: %(value)r has no letter or digit.", what=what, value=value or "")
        )
    return value.strip()


def check_id(env, value, what):
    """Return ``value`` as one record id, or refuse it naming ``what``.

    Server code may pass a record, as the ORM accepts for a many2one; a client can only send ids.
    """
    if isinstance(value, BaseModel) and len(value) <= 1:
        value = value.id
    if isinstance(value, (list, tuple)) and len(value) == 1:
        value = value[0]
    if not (isinstance(value, int) and not isinstance(value, bool) and 0 < value <= INTEGER_MAX):
        raise UserError(env._("%(what)s must be given as one record id, not %(value)r.", what=what, value=value))
    return value


def optional_id(env, value, what):
    """``check_id`` for a value that may be empty: None when it is."""
    if value is False or value is None or value == [] or value == () or (isinstance(value, BaseModel) and not value):
        return None
    return check_id(env, value, what)
