"""Phones, e-mails, web domains and tax ids (``logic.contacts``), without Odoo."""

import pytest
from logic import contacts
from stdnum.cn import uscc

# Valid codes, checked with stdnum itself in test_valid_uscc_fixtures.
VALID_USCC = (
    "91110000600037341L",
    "914403001922038216",
    "9144030071526726XG",
    "91330100799655058B",
)


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("+86 138 0013 8000", "+8613800138000"),
        ("0086-138-0013-8000", "+8613800138000"),
        ("13800138000", "+8613800138000"),
        ("8613800138000", "+8613800138000"),
        ("１３８００１３８０００", "+8613800138000"),
        ("(010) 1234 5678", "+861012345678"),
        ("010-12345678", "+861012345678"),
        ("+86 (0)10 6552 9988", "+861065529988"),
        ("0755-88888888", "+8675588888888"),
        ("021-62345678 ext. 8001", "+862162345678"),
        ("+1 (650) 253-0000", "+16502530000"),
        ("+49 30 901820", "+4930901820"),
    ],
)
def test_normalize_phone(raw, e164):
    assert contacts.normalize_phone(raw) == e164


@pytest.mark.parametrize("raw", ["garbage", "12345", "95588", "138 0013 800", "(650) 253-0000", "", None, False])
def test_normalize_phone_invalid(raw):
    # (650) 253-0000 has no country code, and is not a Chinese number
    assert contacts.normalize_phone(raw) is False


def test_normalize_phone_other_default_region():
    assert contacts.normalize_phone("(650) 253-0000", default_region="US") == "+16502530000"


def test_extract_phones_from_a_field_with_several_numbers():
    text = "138 0013 8000 / 010-6552 9988；0086-138-0013-8000"
    assert contacts.extract_phones(text) == ("+8613800138000", "+861065529988")
    assert contacts.extract_phones("+86 138 0013 8000") == ("+8613800138000",)
    assert contacts.extract_phones("n/a") == ()
    assert contacts.extract_phones(False) == ()


@pytest.mark.parametrize(
    ("raw", "email"),
    [
        ("Li.Lei@Huawei.COM", "li.lei@huawei.com"),
        ("  li@huawei.com ", "li@huawei.com"),
        ('"Li Lei" <LI@huawei.com>', "li@huawei.com"),
        ("li＠huawei．com", "li@huawei.com"),
        ("li+crm@mail.huawei.com", "li+crm@mail.huawei.com"),
        ("li@例子.中国", "li@例子.中国"),
    ],
)
def test_normalize_email(raw, email):
    assert contacts.normalize_email(raw) == email


@pytest.mark.parametrize(
    "raw",
    [
        "garbage",
        "li@",
        "@huawei.com",
        "li@huawei",
        "li@@huawei.com",
        "li@-x.com",
        "li@1.2.3.4",
        "li lei@huawei.com",
        "",
        None,
        False,
    ],
)
def test_normalize_email_invalid(raw):
    assert contacts.normalize_email(raw) is False


def test_email_domain():
    assert contacts.email_domain("Li <li@Huawei.com>") == "huawei.com"
    assert contacts.email_domain("not an address") is False


@pytest.mark.parametrize(
    ("raw", "domain"),
    [
        ("https://www.huawei.com/cn/", "huawei.com"),
        ("HTTP://WWW.Huawei.COM:8080/cn/index.html?x=1", "huawei.com"),
        ("www.huawei.com", "huawei.com"),
        ("huawei.com/cn", "huawei.com"),
        ("consumer.huawei.com", "consumer.huawei.com"),
        ("https://user:secret@shop.example.co.uk/x", "shop.example.co.uk"),
        ("www.huawei.com.", "huawei.com"),
        ("ｗｗｗ．ｈｕａｗｅｉ．ｃｏｍ", "huawei.com"),
    ],
)
def test_website_domain(raw, domain):
    assert contacts.website_domain(raw) == domain


@pytest.mark.parametrize("raw", ["not a url", "localhost", "http://[::1", "http://", "", False])
def test_website_domain_invalid(raw):
    assert contacts.website_domain(raw) is False


@pytest.mark.parametrize(
    ("domain", "public"),
    [
        ("qq.com", True),
        ("QQ.COM", True),
        ("vip.qq.com", True),
        ("163.com", True),
        ("gmail.com", True),
        ("mail.ru", True),
        ("huawei.com", False),
        ("mail.huawei.com", False),
        ("notqq.com", False),
        ("", False),
        (False, False),
    ],
)
def test_is_public_mail_domain(domain, public):
    assert contacts.is_public_mail_domain(domain) is public


def test_is_public_mail_domain_extra():
    assert contacts.is_public_mail_domain("corp-mail.cn", extra=["Corp-Mail.cn"])
    assert not contacts.is_public_mail_domain("corp-mail.cn")


@pytest.mark.parametrize(
    ("email", "website", "extra", "domain"),
    [
        ("li@huawei.com", None, (), "huawei.com"),
        ("li@qq.com", None, (), False),
        ("li@qq.com", "https://www.huawei.com", (), "huawei.com"),
        ("li@huawei.com", "https://weibo.com/huawei", ("weibo.com",), "huawei.com"),
        ("li@huawei.com", "www.hihonor.com", (), "hihonor.com"),
        (None, None, (), False),
        ("garbage", "garbage", (), False),
    ],
)
def test_company_domain(email, website, extra, domain):
    assert contacts.company_domain(email=email, website=website, extra_public=extra) == domain


@pytest.mark.parametrize("code", VALID_USCC)
def test_valid_uscc_fixtures(code):
    assert uscc.is_valid(code)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("91110000600037341L", "91110000600037341L"),
        ("91110000600037341l", "91110000600037341L"),
        (" 9111 0000 6000 3734 1L ", "91110000600037341L"),
        ("91110000-600037341-L", "91110000600037341L"),
        ("９１１１００００６０００３７３４１Ｌ", "91110000600037341L"),
        ("9144030071526726xg", "9144030071526726XG"),
    ],
)
def test_normalize_uscc(raw, code):
    assert contacts.normalize_uscc(raw) == code


@pytest.mark.parametrize("code", VALID_USCC)
def test_normalize_uscc_rejects_a_wrong_check_digit(code):
    for wrong in "0123456789ABCDEFGHJKLMNPQRTUWXY":
        if wrong != code[-1]:
            assert contacts.normalize_uscc(code[:-1] + wrong) is False


@pytest.mark.parametrize("raw", ["9111000060003734", "91110000600037341LL", "DE123456789", "", None])
def test_normalize_uscc_invalid(raw):
    assert contacts.normalize_uscc(raw) is False


@pytest.mark.parametrize(
    ("raw", "vat"),
    [
        ("DE 123 456 789", "DE123456789"),
        ("gb-123.4567.89", "GB123456789"),
        ("ＦＲ４０３０３２６５０４５", "FR40303265045"),
        ("", ""),
        (False, ""),
    ],
)
def test_normalize_vat(raw, vat):
    assert contacts.normalize_vat(raw) == vat
