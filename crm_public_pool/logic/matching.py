"""Duplicate scoring of a registered prospect (客户报备) against existing customers, without Odoo.

A prospect is reduced to a ``fingerprint`` once; ``score_candidate`` compares two fingerprints
and says whether they are the same customer ('exact'), maybe the same ('near', which the
registrant may appeal) or unrelated (None), with the reasons as short codes.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from . import contacts, names

EXACT = "exact"
NEAR = "near"

_VERDICT_RANK = {None: 0, NEAR: 1, EXACT: 2}


@dataclass(frozen=True)
class Prospect:
    """What a registration or a customer tells about a company; Odoo's False reads as empty."""

    name: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""
    vat: str = ""
    mobile: str = ""


def fingerprint(prospect: Prospect | Mapping, default_region: str = "CN", extra_public=()) -> dict:
    """The normalised keys of a prospect, given as a ``Prospect`` or a dict of its fields.

    ``vat`` is the validated USCC when the tax id is one, else its compact form (foreign VAT
    numbers, or a mistyped USCC, still match the same spelling).  ``domain`` is the company's
    own web or e-mail domain; public mail providers and ``extra_public`` never count.
    """
    if isinstance(prospect, Mapping):
        prospect = Prospect(**prospect)
    phones = contacts.extract_phones(prospect.phone, default_region) + contacts.extract_phones(
        prospect.mobile, default_region
    )
    return {
        "name_norm": names.normalize_company_name(prospect.name),
        "brand": names.brand_key(prospect.name),
        "phones": tuple(dict.fromkeys(phones)),
        "email": contacts.normalize_email(prospect.email),
        "domain": contacts.company_domain(prospect.email, prospect.website, extra_public),
        "vat": contacts.normalize_uscc(prospect.vat) or contacts.normalize_vat(prospect.vat) or False,
    }


def score_candidate(probe_fp: dict, candidate_fp: dict, name_threshold: float = 0.8) -> tuple:
    """``(verdict, reasons)`` for a candidate customer against the probed prospect.

    'exact' when the tax id, a phone, the e-mail, the company domain or the normalised name is
    the same; 'near' when only the names are similar (at least ``name_threshold``) or the
    candidate carries the probe's brand whatever places surround it (``names.brand_matches``), unless
    both names carry numbers and not the same ones (``names.numbers_differ``: 一分公司 / 二分公司);
    else None. Reasons are ordered codes: 'vat', 'phone', 'email', 'domain', 'name',
    'name~0.87' and 'brand'.
    """
    reasons = []
    if probe_fp.get("vat") and probe_fp["vat"] == candidate_fp.get("vat"):
        reasons.append("vat")
    if set(probe_fp.get("phones", ())) & set(candidate_fp.get("phones", ())):
        reasons.append("phone")
    for key in ("email", "domain"):
        if probe_fp.get(key) and probe_fp[key] == candidate_fp.get(key):
            reasons.append(key)
    probe_name, candidate_name = probe_fp.get("name_norm"), candidate_fp.get("name_norm")
    if probe_name and probe_name == candidate_name:
        reasons.append("name")
    verdict = EXACT if reasons else None
    # Names that differ in a number (its branch, its "No. 3") are other companies, however alike.
    if probe_name != candidate_name and not names.numbers_differ(probe_name or "", candidate_name or ""):
        similarity = names.normalized_similarity(probe_name or "", candidate_name or "")
        if similarity >= name_threshold:
            reasons.append(f"name~{similarity:.2f}")
            verdict = verdict or NEAR
        if names.brand_matches(probe_fp.get("brand", ""), candidate_fp.get("brand", "")):
            reasons.append("brand")
            verdict = verdict or NEAR
    return verdict, reasons


def best_verdict(verdicts) -> str | None:
    """The strongest of several verdicts: 'exact' over 'near' over None."""
    return max(verdicts, key=_VERDICT_RANK.__getitem__, default=None)
