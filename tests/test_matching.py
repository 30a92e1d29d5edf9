"""Duplicate scoring of registrations against customers (``logic.matching``), without Odoo."""

import subprocess
import sys
from pathlib import Path

import pytest
from logic.matching import EXACT, NEAR, Prospect, best_verdict, fingerprint, score_candidate

HUAWEI = Prospect(
    name="华为技术有限公司",
    phone="0755-28780808",
    email="li.lei@huawei.com",
    website="https://www.huawei.com",
    vat="914403001922038216",
)


def _score(probe, candidate, **kwargs):
    return score_candidate(fingerprint(probe), fingerprint(candidate), **kwargs)


def test_fingerprint():
    assert fingerprint(HUAWEI) == {
        "name_norm": "华为技术",
        "brand": "华为|技术",
        "phones": ("+8675528780808",),
        "email": "li.lei@huawei.com",
        "domain": "huawei.com",
        "vat": "914403001922038216",
    }


def test_fingerprint_of_odoo_values():
    # Odoo gives False for empty fields, and values as a dict
    assert fingerprint({"name": "Siemens AG", "phone": False, "email": False, "website": False, "vat": False}) == {
        "name_norm": "siemens",
        "brand": "siemens|",
        "phones": (),
        "email": False,
        "domain": False,
        "vat": False,
    }


def test_fingerprint_rejects_unknown_fields():
    with pytest.raises(TypeError):
        fingerprint({"name": "Siemens AG", "street": "Werner-von-Siemens-Str. 1"})


def test_fingerprint_phones_from_phone_and_mobile():
    prospect = Prospect(phone="010-6552 9988 / 138 0013 8000", mobile="+86 138-0013-8000")
    assert fingerprint(prospect)["phones"] == ("+861065529988", "+8613800138000")


def test_fingerprint_vat_is_uscc_or_compact_vat():
    assert fingerprint(Prospect(vat="9144 0300 1922 0382 16"))["vat"] == "914403001922038216"
    assert fingerprint(Prospect(vat="de 123 456 789"))["vat"] == "DE123456789"


@pytest.mark.parametrize(
    ("candidate", "reasons"),
    [
        (Prospect(name="Shenzhen Other Co.", vat="9144 0300 1922 0382 16"), ["vat"]),
        (Prospect(name="Other", phone="+86 755 2878 0808"), ["phone"]),
        (Prospect(name="Other", mobile="0086-755-2878-0808"), ["phone"]),
        # the same address is on the same domain
        (Prospect(name="Other", email="LI.LEI@HUAWEI.COM"), ["email", "domain"]),
        (Prospect(name="Other", email="wang@huawei.com"), ["domain"]),
        (Prospect(name="Other", website="huawei.com/cn"), ["domain"]),
        (Prospect(name="華為技術（深圳）有限公司"), ["name"]),
    ],
)
def test_exact_by_each_field(candidate, reasons):
    assert _score(HUAWEI, candidate) == (EXACT, reasons)


def test_exact_lists_every_reason_in_order():
    verdict, reasons = _score(HUAWEI, HUAWEI)
    assert verdict == EXACT
    assert reasons == ["vat", "phone", "email", "domain", "name"]


def test_exact_with_a_similar_name_reports_the_similarity():
    candidate = Prospect(name="华为技术服务有限公司", phone="0755 2878 0808")
    assert _score(HUAWEI, candidate) == (EXACT, ["phone", "name~0.80"])


def test_near_by_name():
    probe = Prospect(name="北京字节跳动科技有限公司")
    candidate = Prospect(name="北京字节跳动科枝有限公司", phone="13800138000")
    assert _score(probe, candidate) == (NEAR, ["name~0.88"])


def test_name_threshold():
    probe, candidate = Prospect(name="Siemens AG"), Prospect(name="Siemans")
    assert _score(probe, candidate) == (NEAR, ["name~0.86"])
    assert _score(probe, candidate, name_threshold=0.9) == (None, [])


def test_none():
    candidate = Prospect(
        name="中兴通讯股份有限公司",
        phone="0755-26770000",
        email="info@zte.com.cn",
        website="www.zte.com.cn",
        vat="9144030027939873X7",
    )
    assert _score(HUAWEI, candidate) == (None, [])


def test_public_mail_domains_are_ignored():
    probe = Prospect(name="北京小米科技有限责任公司", email="xiaomi@qq.com")
    candidate = Prospect(name="华为技术有限公司", email="huawei@qq.com", website="www.qq.com")
    assert _score(probe, candidate) == (None, [])


def test_same_public_address_is_still_an_exact_match():
    probe = Prospect(name="张三五金店", email="zhangsan@163.com")
    candidate = Prospect(name="李四建材", email="ZhangSan@163.com")
    assert _score(probe, candidate) == (EXACT, ["email"])


def test_extra_public_domains_are_ignored():
    probe = fingerprint(Prospect(name="A", website="weibo.com/a"), extra_public=["weibo.com"])
    candidate = fingerprint(Prospect(name="B", website="weibo.com/b"), extra_public=["weibo.com"])
    assert score_candidate(probe, candidate) == (None, [])
    assert _score(Prospect(name="A", website="weibo.com/a"), Prospect(website="weibo.com/b")) == (
        EXACT,
        ["domain"],
    )


def test_empty_fields_never_match():
    assert _score(Prospect(), Prospect()) == (None, [])
    assert _score(Prospect(vat="garbage!"), Prospect(vat="GARBAGE")) == (EXACT, ["vat"])


@pytest.mark.parametrize(
    ("verdicts", "best"),
    [
        ([None, NEAR, EXACT, None], EXACT),
        ([None, NEAR, None], NEAR),
        ([None, None], None),
        ([], None),
        (iter([NEAR, EXACT]), EXACT),
    ],
)
def test_best_verdict(verdicts, best):
    assert best_verdict(verdicts) == best


def test_logic_runs_without_odoo():
    # where Odoo is importable (PYTHONPATH), an ``import odoo`` would not fail by itself
    addon_dir = Path(__file__).resolve().parent.parent / "crm_public_pool"
    code = (
        f"import sys; sys.path.insert(0, {str(addon_dir)!r}); "
        "from logic import contacts, matching, names; "
        "assert not [m for m in sys.modules if m == 'odoo' or m.startswith('odoo.')]"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize(
    ("probe", "candidate"),
    [
        ("Imported Trading Co 3", "Imported Trading Co 4"),
        ("华为技术有限公司一分公司", "华为技术有限公司二分公司"),
        ("华为技术有限公司第一分公司", "华为技术有限公司南山第二分公司"),
        ("杭州云帆软件科技有限公司 No. 3", "杭州云帆软件科技有限公司 No. 4"),
        ("北京第一机床厂", "北京第二机床厂"),
        ("苏州瑞达精密机械有限公司3号店", "苏州瑞达精密机械有限公司5号店"),
    ],
)
def test_names_that_differ_in_a_number_are_other_companies(probe, candidate):
    assert _score(Prospect(name=probe), Prospect(name=candidate)) == (None, [])
    # A shared phone still says it is the same company.
    shared = _score(Prospect(name=probe, phone="0755-28780808"), Prospect(name=candidate, phone="0755 2878 0808"))
    assert shared[0] == EXACT and "phone" in shared[1]


@pytest.mark.parametrize(
    ("probe", "candidate", "verdict"),
    [
        # The same number however it is written.
        ("华为技术有限公司第三分公司", "华为技术有限公司三分公司", EXACT),
        ("华为技术有限公司第3分公司", "華為技術有限公司第三分公司", EXACT),
        ("Imported Trading Co 3", "IMPORTED TRADING CO. 3", EXACT),
        # A number on one side only: a numbered branch is near its parent, a branch by place is its parent.
        ("华为技术有限公司一分公司", "华为技术有限公司", NEAR),
        ("华为技术有限公司深圳分公司", "华为技术有限公司", EXACT),
        # Numerals inside a trade name are no numbers.
        ("三一重工股份有限公司", "三一重工有限公司", EXACT),
        ("湖南三一重工机械有限公司", "湖南三二重工机械有限公司", NEAR),
    ],
)
def test_numbers_written_alike_or_on_one_side_only(probe, candidate, verdict):
    assert _score(Prospect(name=probe), Prospect(name=candidate))[0] == verdict
