"""The text gate (``logic.text_gate``): control characters refused, format characters dropped
before names, e-mails and phones are compared, filters read as written-out domains only."""

import pytest
from logic import contacts, names
from logic.text_gate import literal_domain, strip_format_characters, text_problem


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("华为技术有限公司", None),
        ("line one\nline two\ttabbed\r\n", None),
        ("", None),
        (None, None),
        ("a\x00b", "U+0000"),
        ("bell\x07", "U+0007"),
        ("escape \x1b[31m", "U+001B"),
        ("delete\x7f", "U+007F"),
        ("c1 control \x85", "U+0085"),
        ("lone surrogate \ud800", "U+D800"),
    ],
)
def test_control_characters_are_named(text, problem):
    assert text_problem(text) == problem


@pytest.mark.parametrize(
    "hidden",
    ["\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u202e", "\u2066", "\ufeff", "\u00ad"],
)
def test_format_characters_do_not_make_two_spellings(hidden):
    assert strip_format_characters(f"华为{hidden}技术") == "华为技术"
    assert names.normalize_company_name(f"华为{hidden}技术有限公司") == names.normalize_company_name("华为技术有限公司")
    assert contacts.normalize_email(f"li{hidden}@huawei.com") == "li@huawei.com"
    assert contacts.normalize_phone(f"+86 138{hidden} 0013 8000") == "+8613800138000"
    assert contacts.extract_phones(f"138{hidden}00138000") == ("+8613800138000",)
    assert contacts.website_domain(f"www.hua{hidden}wei.com") == "huawei.com"


def test_strip_keeps_what_is_not_text():
    assert strip_format_characters(False) is False
    assert strip_format_characters("") == ""


@pytest.mark.parametrize(
    ("text", "domain"),
    [
        ("", []),
        ("[]", []),
        ("[('country_id.code', '=', 'CN')]", [("country_id.code", "=", "CN")]),
        (
            "['|', ('city', '=', '上海'), ['city', 'ilike', 'shang']]",
            ["|", ("city", "=", "上海"), ("city", "ilike", "shang")],
        ),
        ("[('id', 'in', [1, 2, 3])]", [("id", "in", [1, 2, 3])]),
    ],
)
def test_written_out_domains_are_read(text, domain):
    assert literal_domain(text) == domain


@pytest.mark.parametrize(
    "text",
    [
        "__import__('os').system('id')",
        "[('id', '=', 1/0)]",
        "[('create_uid', '=', uid)]",
        "[('name', '=', 'x' * 10)]",
        "42",
        "'text'",
        "[('name', '=')]",
        "['name', '=', 'x']",
        "[(1, '=', 1)]",
        "[('name', 1, 'x')]",
        "[('name', '=',",
        "{'a': 1}",
    ],
)
def test_anything_but_a_domain_is_refused(text):
    with pytest.raises(ValueError):
        literal_domain(text)
