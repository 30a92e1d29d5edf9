"""Looking a company up by its brand alone (``logic.names.brand_parts``), without Odoo."""

import pytest
from logic.matching import NEAR, fingerprint, score_candidate
from logic.names import brand_key, brand_matches, brand_parts


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        ("广州市宏图物流有限公司", ("宏图", "物流")),
        ("宏图物流", ("宏图", "物流")),
        ("宏图", ("宏图", "")),
        ("浙江省杭州市宏图物流有限公司", ("宏图", "物流")),
        ("深圳市盛达纺织有限公司", ("盛达", "纺织")),
        ("深圳盛达纺织有限公司", ("盛达", "纺织")),
        ("苏州瑞达精密机械股份有限公司", ("瑞达", "精密机械")),
        ("東莞市鑫源五金廠", ("鑫源", "五金")),
        ("Shenzhen Shengda Textile Co., Ltd.", ("shengda", "textile")),
        ("Shengda Textile", ("shengda", "textile")),
        ("Acme Trading Ltd", ("acme", "trading")),
        ("上海", ("上海", "")),
        ("", ("", "")),
    ],
)
def test_brand_parts(name, parts):
    assert brand_parts(name) == parts


def test_a_place_is_never_the_whole_brand():
    # The place goes only when at least two characters of brand remain.
    assert brand_parts("北京银行")[0] == "银行"
    assert brand_parts("北京")[0] == "北京"


@pytest.mark.parametrize(
    ("probe", "candidate", "found"),
    [
        ("宏图物流", "广州市宏图物流有限公司", True),
        ("宏图", "广州市宏图物流有限公司", True),
        ("宏图贸易", "广州市宏图物流有限公司", False),
        ("宏途物流", "广州市宏图物流有限公司", False),
        ("Shengda Textile", "Shenzhen Shengda Textile Co., Ltd.", True),
        ("Shengda", "Shenzhen Shengda Textile Co., Ltd.", True),
        ("Shengda Foods", "Shenzhen Shengda Textile Co., Ltd.", False),
    ],
)
def test_brand_matches(probe, candidate, found):
    assert brand_matches(brand_key(probe), brand_key(candidate)) is found


def test_brand_alone_is_a_near_match():
    verdict, reasons = score_candidate(
        fingerprint({"name": "宏图物流"}), fingerprint({"name": "广州市宏图物流有限公司"})
    )
    assert (verdict, reasons[-1]) == (NEAR, "brand")
