"""Masking of contact fields shown to pool members who do not own the customer."""

MASK = "****"


def mask_value(value):
    """Hide the middle of a value, keeping just enough to recognise its shape.

    ``13800138000`` -> ``138****8000``, ``li.wang@acme.cn`` -> ``l****@****.cn``;
    short values are hidden entirely. Non-strings (False, None) pass through.
    """
    if not isinstance(value, str) or not value:
        return value
    text = value.strip()
    if "@" in text:
        local, _sep, domain = text.rpartition("@")
        tld = domain.rsplit(".", 1)[-1] if "." in domain else ""
        return f"{local[:1]}{MASK}@{MASK}" + (f".{tld}" if tld else "")
    if len(text) >= 11:
        return f"{text[:3]}{MASK}{text[-4:]}"
    if len(text) >= 7:
        return f"{text[:2]}{MASK}{text[-2:]}"
    return MASK
