"""Company-name normalisation and similarity for duplicate detection, without Odoo.

``normalize_company_name`` maps the many spellings of one company to one key: width (NFKC),
script (traditional to simplified, OpenCC), case, punctuation, spacing, bracketed qualifiers
and legal forms.  ``name_similarity`` scores two names on those keys.
"""

import functools
import re
import unicodedata

import opencc
from rapidfuzz import fuzz

# Chinese legal forms, stripped repeatedly from the end: 北京华谊集团有限公司 -> 北京华谊.
# Longest first, so that 股份有限公司 goes whole rather than leaving 股份有限.
_CJK_FORMS = tuple(
    sorted(
        (
            "股份有限公司",
            "有限责任公司",
            "有限公司",
            "股份公司",
            "总公司",
            "分公司",
            "公司",
            "有限合伙",
            "普通合伙",
            "合伙企业",
            "个人独资企业",
            "集团",
            "控股",
            "股份",
            "商行",
            "工作室",
            "经营部",
            "门市部",
            "厂",
        ),
        key=len,
        reverse=True,
    )
)

# A branch is written "<parent's full name><place><marker>"; its customer is the parent.
_CJK_BRANCHES = ("分公司", "分行", "支行", "分厂", "办事处", "营业部", "分店")
_CJK_COMPANY = "公司"

# Latin legal forms as token sequences, stripped repeatedly from the end, so that
# "GmbH & Co. KG" and "Pte. Ltd." go token by token.  Dotted abbreviations ("L.L.C.",
# "S.A.") arrive split into one-letter tokens.
_LATIN_FORMS = frozenset(
    tuple(form.split())
    for form in (
        "co",
        "company",
        "ltd",
        "limited",
        "inc",
        "incorporated",
        "corp",
        "corporation",
        "llc",
        "l l c",
        "llp",
        "lp",
        "l p",
        "plc",
        "gmbh",
        "g m b h",
        "mbh",
        "ag",
        "aktiengesellschaft",
        "kg",
        "kgaa",
        "se",
        "sa",
        "s a",
        "sas",
        "sarl",
        "srl",
        "s r l",
        "spa",
        "s p a",
        "ltda",
        "pte",
        "pty",
        "bv",
        "b v",
        "nv",
        "n v",
        "oy",
        "oyj",
        "ab",
        "kk",
        "group",
        "holding",
        "holdings",
    )
)
_LATIN_FORM_SIZES = sorted({len(form) for form in _LATIN_FORMS}, reverse=True)

# After NFKC, （） and ［］ are plain ASCII; 【】 and 〔〕 have no compatibility mapping.
_BRACKETED = re.compile(r"[(\[【〔][^()\[\]【】〔〕]*[)\]】〕]")
_SEPARATORS = re.compile(r"[\W_]+")


@functools.cache
def _t2s():
    # Loading OpenCC's dictionaries is costly: once per process, on first use.
    return opencc.OpenCC("t2s")


def _is_wide(char):
    return unicodedata.east_asian_width(char) in "WF"


def _tokens(name):
    """Lower-case, simplified, half-width words of ``name``, brackets removed."""
    text = _t2s().convert(unicodedata.normalize("NFKC", name)).casefold()
    # Brackets hold the region (华为技术（深圳）有限公司) or another qualifier.
    unbracketed = _BRACKETED.sub(" ", text)
    if _SEPARATORS.sub("", unbracketed):
        text = unbracketed
    tokens = []
    for token in _SEPARATORS.split(text):
        # Chinese is written without spaces, so a space between two ideographs is noise
        # and may cut a legal form in two: 北京华谊 有限 公司.
        if token and tokens and _is_wide(tokens[-1][-1]) and _is_wide(token[0]):
            tokens[-1] += token
        elif token:
            tokens.append(token)
    return tokens


def _strip_branch(token):
    for marker in _CJK_BRANCHES:
        if token.endswith(marker):
            parent, company, _place = token[: -len(marker)].rpartition(_CJK_COMPANY)
            if company:
                return parent + company
    return token


def _strip_legal_forms(tokens):
    tokens = list(tokens)
    while tokens:
        size = next((n for n in _LATIN_FORM_SIZES if tuple(tokens[-n:]) in _LATIN_FORMS), 0)
        if size:
            del tokens[-size:]
            continue
        last = _strip_branch(tokens[-1])
        form = next((form for form in _CJK_FORMS if last.endswith(form)), "")
        if not form and last == tokens[-1]:
            break
        tokens[-1] = last[: len(last) - len(form)]
        if not tokens[-1]:
            tokens.pop()
    return tokens


def normalize_company_name(name: str) -> str:
    """The comparison key of a company name: '臺灣積體電路製造股份有限公司' -> '台湾积体电路制造'.

    Never empty for a name with letters or digits: when only legal forms remain
    ('有限公司', 'Holdings Ltd'), the key is the name without its legal-form stripping.
    """
    if not name:
        return ""
    tokens = _tokens(name)
    return "".join(_strip_legal_forms(tokens) or tokens)


def normalized_similarity(a_norm: str, b_norm: str) -> float:
    """Similarity in [0, 1] of two keys from ``normalize_company_name``.

    Indel similarity (``fuzz.ratio``): keys have no spaces and each ideograph is one unit, so
    it weighs Chinese and Latin alike.  ``partial_ratio`` and ``token_set_ratio`` were rejected
    because they score a name contained in another as identical (中国 / 中国银行).
    """
    if not (a_norm and b_norm):
        return 0.0
    return fuzz.ratio(a_norm, b_norm) / 100


def name_similarity(a: str, b: str) -> float:
    """Similarity in [0, 1] of two company names, compared on their normalised keys."""
    return normalized_similarity(normalize_company_name(a), normalize_company_name(b))
