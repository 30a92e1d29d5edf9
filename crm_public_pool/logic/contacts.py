"""Normalisation of phones, e-mails, web domains and tax ids for duplicate detection.

Every ``normalize_*`` function accepts what a form or an Odoo field gives (text, '' or False)
and returns one comparable form, or False when the input holds no valid value.
"""

import re
import unicodedata
from email.utils import parseaddr
from urllib.parse import urlsplit

import phonenumbers
from stdnum.cn import uscc

from .text_gate import strip_format_characters

PUBLIC_MAIL_DOMAINS = frozenset(
    {
        # China
        "qq.com",
        "foxmail.com",
        "163.com",
        "126.com",
        "yeah.net",
        "188.com",
        "sina.com",
        "sina.cn",
        "sohu.com",
        "aliyun.com",
        "139.com",
        "189.cn",
        "wo.cn",
        "tom.com",
        "21cn.com",
        # International
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "msn.com",
        "yahoo.com",
        "ymail.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "aol.com",
        "protonmail.com",
        "proton.me",
        "zoho.com",
        "gmx.com",
        "gmx.de",
        "gmx.net",
        "web.de",
        "t-online.de",
        "yandex.ru",
        "yandex.com",
        "mail.ru",
        "naver.com",
        "daum.net",
    }
)

# One DNS label in its ASCII (IDNA) form.
_HOST_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")


def normalize_phone(raw: str, default_region: str = "CN") -> str | bool:
    """E.164 form of a phone number written in any format ('010-12345678' -> '+861012345678').

    A number without a country code belongs to ``default_region``; its trunk prefix (the
    leading 0 of Chinese landlines) is dropped by the parser.  False when not a valid number.
    """
    raw = strip_format_characters(raw)
    if not raw:
        return False
    try:
        number = phonenumbers.parse(raw, default_region)
    except phonenumbers.NumberParseException:
        return False
    if not phonenumbers.is_valid_number(number):
        return False
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def extract_phones(text: str, default_region: str = "CN") -> tuple[str, ...]:
    """E.164 forms of every valid number in a field, which may hold several ('… / …')."""
    text = strip_format_characters(text)
    single = normalize_phone(text, default_region)
    if single:
        return (single,)
    if not text:
        return ()
    found = (
        phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
        for match in phonenumbers.PhoneNumberMatcher(text, default_region)
    )
    return tuple(dict.fromkeys(found))


def _is_hostname(host):
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    labels = ascii_host.split(".")
    return len(labels) >= 2 and all(_HOST_LABEL.fullmatch(label) for label in labels) and not labels[-1].isdigit()


def normalize_email(raw: str) -> str | bool:
    """Lower-case address of an e-mail ('"Li" <Li@Example.COM>' -> 'li@example.com'), or False."""
    if not raw:
        return False
    # Chinese input methods type the full-width ＠ and ．.
    _display_name, address = parseaddr(unicodedata.normalize("NFKC", strip_format_characters(raw)))
    address = address.strip().lower()
    local, _at, domain = address.rpartition("@")
    if not local or "@" in local or any(char.isspace() for char in local):
        return False
    return address if _is_hostname(domain) else False


def email_domain(raw: str) -> str | bool:
    """Domain of an e-mail address ('li@huawei.com' -> 'huawei.com'), or False."""
    email = normalize_email(raw)
    return email and email.rpartition("@")[2]


def website_domain(raw: str) -> str | bool:
    """Host of a web address without scheme, 'www.', port or path, or False."""
    if not raw:
        return False
    text = unicodedata.normalize("NFKC", strip_format_characters(raw)).strip().lower()
    if "://" not in text:
        # Without a scheme urlsplit reads 'huawei.com/cn' as a path.
        text = "//" + text
    try:
        host = urlsplit(text).hostname
    except ValueError:
        return False
    host = (host or "").rstrip(".").removeprefix("www.")
    return host if _is_hostname(host) else False


def is_public_mail_domain(domain: str, extra=()) -> bool:
    """Whether ``domain`` (or a domain it is under, as vip.163.com) is a public mail provider."""
    if not domain:
        return False
    public = PUBLIC_MAIL_DOMAINS.union(item.lower() for item in extra)
    labels = domain.lower().rstrip(".").split(".")
    return any(".".join(labels[start:]) in public for start in range(len(labels) - 1))


def company_domain(email: str | None = None, website: str | None = None, extra_public=()) -> str | bool:
    """The company's own domain: the website's, else the e-mail's, skipping public providers."""
    for domain in (website_domain(website), email_domain(email)):
        if domain and not is_public_mail_domain(domain, extra_public):
            return domain
    return False


def normalize_uscc(raw: str) -> str | bool:
    """Compact upper-case unified social credit code (统一社会信用代码), False unless valid."""
    if not raw:
        return False
    code = uscc.compact(unicodedata.normalize("NFKC", strip_format_characters(raw)))
    return code if uscc.is_valid(code) else False


def normalize_vat(raw: str) -> str:
    """Upper-case ASCII letters and digits of a tax id, compared exactly ('' when none)."""
    text = unicodedata.normalize("NFKC", raw or "").upper()
    return "".join(char for char in text if char.isascii() and char.isalnum())
