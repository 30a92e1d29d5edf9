"""Recycle-rule arithmetic: days per customer level, and the note format of a recycle."""

import re

LEVELS = ("a", "b", "c", "d")


def level_days(days, overrides):
    """{level: days} where a level's own days (``overrides[level]``, 0 = none) win over ``days``."""
    return {level: (overrides.get(level) or days) for level in LEVELS}


def shortest_days(days, overrides):
    """The fewest days any customer of the rule gets: an index-friendly lower bound."""
    return min([days, *level_days(days, overrides).values()])


def positional_template(template, names):
    """Turn Python's ``"%(days)s of %(limit)s"`` into PostgreSQL ``format()``'s ``"%1$s of %2$s"``.

    Every other ``%`` comes out as ``%%``, so a translated text cannot break ``format()``.
    """
    positions = {name: position for position, name in enumerate(names, start=1)}
    parts = re.split(r"(%\((?:\w+)\)s)", template)
    result = []
    for part in parts:
        name = part[2:-2] if part.startswith("%(") and part.endswith(")s") else None
        if name in positions:
            result.append(f"%{positions[name]}$s")
        else:
            result.append(part.replace("%%", "%").replace("%", "%%"))
    return "".join(result)
