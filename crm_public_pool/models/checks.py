"""Checks of values that arrive through the API, shared by the pool models.

A wrong value must end in an error that names the field and the value, before anything is
written, never in a database error halfway through a move.
"""

from odoo.exceptions import UserError, ValidationError

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


def check_ids(env, value, what):
    """Return ``value`` (one id or a list of ids) as a list of ids, or refuse it naming ``what``."""
    values = list(value) if isinstance(value, (list, tuple)) else [value]
    if not all(isinstance(v, int) and not isinstance(v, bool) and 0 < v <= INTEGER_MAX for v in values):
        raise UserError(env._("%(what)s must be given as record ids, not %(value)r.", what=what, value=value))
    return values


def check_texts(env, **values):
    """Refuse values of text arguments that are neither text nor empty."""
    for name, value in values.items():
        if value and not isinstance(value, str):
            raise UserError(env._("%(name)s must be text, not %(value)r.", name=name, value=value))
