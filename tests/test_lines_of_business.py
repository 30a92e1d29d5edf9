"""Lines of business of several words in company names (盛达 + 软件 + 科技), without Odoo."""

import pytest
from logic.matching import NEAR, fingerprint, score_candidate
from logic.names import brand_key, brand_matches, brand_parts, industry_starts, industry_words


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        ("深圳盛达软件科技有限公司", ("盛达", "软件科技")),
        ("深圳市盛达软件有限公司", ("盛达", "软件")),
        ("杭州市云帆软件科技有限公司", ("云帆", "软件科技")),
        ("云帆软件", ("云帆", "软件")),
        ("上海华康医疗器械有限公司", ("华康", "医疗器械")),
        ("宁波海通国际物流有限公司", ("海通", "国际物流")),
        ("苏州瑞达精密机械股份有限公司", ("瑞达", "精密机械")),
        ("深圳市盛达纺织品有限公司", ("盛达", "纺织")),
        # Two characters of brand always remain: 华新 + 材料, not 华 + 新材料.
        ("华新材料有限公司", ("华新", "材料")),
        ("软件科技有限公司", ("软件", "科技")),
    ],
)
def test_brand_parts_read_every_word(name, parts):
    assert brand_parts(name) == parts


def test_industry_words():
    assert industry_words("软件科技") == ("软件", "科技")
    assert industry_words("医疗器械") == ("医疗", "器械")
    assert industry_words("supplychain") == ("supply", "chain")
    assert industry_words("") == ()


@pytest.mark.parametrize(
    ("probe", "candidate", "found"),
    [
        # Padded and shortened by a word of the line of business.
        ("深圳盛达软件科技有限公司", "深圳市盛达软件有限公司", True),
        ("云帆软件", "杭州市云帆软件科技有限公司", True),
        # A word that only pads is no line of business.
        ("云帆科技", "杭州市云帆软件科技有限公司", False),
        ("深圳市华信科技有限公司", "北京华信电子科技有限公司", False),
        ("华信科技", "华信国际科技有限公司", True),
        ("海通国际", "宁波海通国际贸易有限公司", True),
        ("华康医疗", "上海华康医疗器械有限公司", True),
        ("海通物流", "宁波海通国际物流有限公司", True),
        # The brand with its whole line of business, or none of it, as before.
        ("宏图物流", "广州市宏图物流有限公司", True),
        ("宏图", "广州市宏图物流有限公司", True),
        # Another line of business of the same brand is another company.
        ("宏图贸易", "广州市宏图物流有限公司", False),
        ("盛达软件科技", "深圳市盛达物流有限公司", False),
        ("云帆电子科技", "杭州市云帆软件有限公司", False),
        # A candidate without a line of business is not taken for one with it.
        ("盛达物流", "深圳市盛达有限公司", False),
    ],
)
def test_brand_matches_padded_and_shortened(probe, candidate, found):
    assert brand_matches(brand_key(probe), brand_key(candidate)) is found


@pytest.mark.parametrize(
    ("probe", "candidate"),
    [
        ("深圳盛达软件科技有限公司", "深圳市盛达软件有限公司"),
        ("云帆软件", "杭州市云帆软件科技有限公司"),
    ],
)
def test_padded_and_shortened_names_are_near_matches(probe, candidate):
    verdict, reasons = score_candidate(fingerprint({"name": probe}), fingerprint({"name": candidate}))
    assert verdict == NEAR
    assert "brand" in reasons


def test_other_trade_is_not_a_match():
    verdict, _reasons = score_candidate(
        fingerprint({"name": "宏图贸易"}), fingerprint({"name": "广州市宏图物流有限公司"})
    )
    assert verdict is None


def test_a_lookup_reads_every_line_of_business_that_may_match():
    # The database lookup reads only the brand's lines of business beginning with industry_starts():
    # every candidate brand_matches keeps must begin so.
    vocabulary = ["", "软件", "科技", "电子", "物流", "国际", "贸易", "管理", "医疗", "器械"]
    industries = {a + b for a in vocabulary for b in vocabulary if a != b or not a}
    for probe in industries:
        starts = industry_starts(probe)
        for candidate in industries:
            if brand_matches(f"华信|{probe}", f"华信|{candidate}"):
                assert candidate.startswith(starts), (probe, candidate, starts)


def test_a_specific_word_in_front_is_another_line_of_business():
    assert not brand_matches(brand_key("华信软件"), brand_key("深圳华信电子软件有限公司"))
