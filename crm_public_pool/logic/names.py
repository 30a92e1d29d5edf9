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

from .text_gate import strip_format_characters

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
    text = _t2s().convert(unicodedata.normalize("NFKC", strip_format_characters(name))).casefold()
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
    """``(parent's name, branch number)`` of a branch's name token: ('华为技术有限公司', '') for
    华为技术有限公司深圳分公司, ('华为技术有限公司', '2') for 华为技术有限公司第二分公司; the token itself
    when it names no branch."""
    for marker in _CJK_BRANCHES:
        if token.endswith(marker):
            parent, company, place = token[: -len(marker)].rpartition(_CJK_COMPANY)
            if company:
                return parent + company, "".join(str(number) for number in _numbers_in(place, branch=True))
    return token, ""


def _strip_legal_forms(tokens, keep_numbers=False):
    """``tokens`` without their legal forms and branches; a numbered branch keeps its number as a
    last token when ``keep_numbers`` (its first and second branches are two customers)."""
    tokens = list(tokens)
    numbers = []
    while tokens:
        size = next((n for n in _LATIN_FORM_SIZES if tuple(tokens[-n:]) in _LATIN_FORMS), 0)
        if size:
            del tokens[-size:]
            continue
        last, number = _strip_branch(tokens[-1])
        if number:
            numbers.insert(0, number)
        form = next((form for form in _CJK_FORMS if last.endswith(form)), "")
        if not form and last == tokens[-1]:
            break
        tokens[-1] = last[: len(last) - len(form)]
        if not tokens[-1]:
            tokens.pop()
    if keep_numbers and tokens and numbers:
        tokens.append("".join(numbers))
    return tokens


# Numbers tell companies apart: branch numbers (一分公司 / 二分公司), "No. 3" / "No. 4", 第三 / 第四.
# Chinese numerals count only where they number something (after 第, before 号, 分公司, 店, ...),
# never inside a trade name (三一重工, 万家).
_CJK_DIGITS = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CJK_UNITS = {"十": 10, "百": 100, "千": 1000}
_CJK_NUMERAL = "[〇零一二两三四五六七八九十百千]+"
_COUNTERS = "号|號|期|分|店|厂|部|队|处|所|车间|门市|营业|工区|支"
_NUMBERS = re.compile(rf"(\d+)|第({_CJK_NUMERAL})|({_CJK_NUMERAL})(?={_COUNTERS})")
# In a branch's place (南山第二, 一, 3) a numeral alone is the branch's number.
_BRANCH_NUMBERS = re.compile(rf"(\d+)|第?({_CJK_NUMERAL})$")


def _cjk_number(text):
    """The value of a Chinese numeral: 三 3, 十二 12, 二十 20, 一百零三 103, 一二 12 (digit by digit)."""
    if not any(char in _CJK_UNITS for char in text):
        return int("".join(str(_CJK_DIGITS[char]) for char in text))
    total = digit = 0
    for char in text:
        if char in _CJK_UNITS:
            total += (digit or 1) * _CJK_UNITS[char]
            digit = 0
        else:
            digit = _CJK_DIGITS[char]
    return total + digit


def _numbers_in(text, branch=False):
    found = []
    for match in (_BRANCH_NUMBERS if branch else _NUMBERS).finditer(text):
        digits, *numerals = match.groups()
        if digits:
            found.append(int(digits))
        else:
            found.append(_cjk_number(next(numeral for numeral in numerals if numeral)))
    return tuple(found)


def name_numbers(key: str) -> tuple:
    """The numbers of a name key (``normalize_company_name``), in order: 'importedtrading3' -> (3,),
    '北京第一机床' -> (1,), '华为技术2' (its second branch) -> (2,), '三一重工' -> ()."""
    return _numbers_in(key or "")


def numbers_differ(a_norm: str, b_norm: str) -> bool:
    """Whether two name keys both carry numbers and not the same ones: 'Trading Co 3' and 'Trading
    Co 4', 一分公司 and 二分公司 are different companies, however similar the rest of their names."""
    a_numbers, b_numbers = name_numbers(a_norm), name_numbers(b_norm)
    return bool(a_numbers and b_numbers and a_numbers != b_numbers)


def normalize_company_name(name: str) -> str:
    """The comparison key of a company name: '臺灣積體電路製造股份有限公司' -> '台湾积体电路制造'.

    Never empty for a name with letters or digits: when only legal forms remain
    ('有限公司', 'Holdings Ltd'), the key is the name without its legal-form stripping.
    """
    if not name:
        return ""
    tokens = _tokens(name)
    return "".join(_strip_legal_forms(tokens, keep_numbers=True) or tokens)


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


# Where a company is registered comes before its brand (广州市宏图物流 -> 宏图物流); people type the
# brand alone. Provinces, the major cities and the pinyin of those, stripped from the front.
_CJK_PLACES = tuple(
    sorted(
        (
            "北京 天津 上海 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 "
            "广东 海南 四川 贵州 云南 陕西 甘肃 青海 台湾 内蒙古 广西 西藏 宁夏 新疆 香港 澳门 "
            "广州 深圳 杭州 南京 苏州 成都 武汉 西安 青岛 厦门 宁波 长沙 郑州 济南 合肥 福州 东莞 佛山 "
            "无锡 大连 沈阳 昆明 南昌 石家庄 太原 哈尔滨 长春 南宁 贵阳 兰州 乌鲁木齐 呼和浩特 银川 西宁 "
            "拉萨 海口 三亚 珠海 中山 惠州 江门 汕头 温州 嘉兴 绍兴 金华 台州 湖州 常州 南通 徐州 扬州 "
            "镇江 泰州 盐城 连云港 烟台 潍坊 临沂 淄博 威海 洛阳 襄阳 宜昌 株洲 岳阳 泉州 漳州 莆田 芜湖 "
            "保定 唐山 廊坊 邯郸 绵阳 宜宾 柳州 桂林 义乌 昆山 江阴 常熟 张家港 顺德 南海 浦东"
        ).split(),
        key=len,
        reverse=True,
    )
)
_CJK_PLACE_UNITS = ("特别行政区", "自治区", "新区", "省", "市", "区", "县")
# An unlisted place is still "two or three ideographs and 市/省/县/镇" at the very front.
_CJK_PLACE_PATTERN = re.compile(r"^[\u4e00-\u9fff]{2,3}[市省县镇]")
_LATIN_PLACES = frozenset(
    (
        "china beijing tianjin shanghai chongqing guangdong jiangsu zhejiang fujian shandong hubei hunan "
        "sichuan henan hebei anhui jiangxi liaoning guangzhou shenzhen hangzhou nanjing suzhou chengdu "
        "wuhan xian xi'an qingdao xiamen ningbo changsha zhengzhou jinan hefei fuzhou dongguan foshan wuxi "
        "dalian shenyang kunming nanchang zhuhai zhongshan huizhou shantou wenzhou jiaxing shaoxing jinhua "
        "taizhou changzhou nantong yiwu kunshan hongkong hong kong macau taiwan"
    ).split()
)
# What a company does comes after its brand (宏图 + 物流), often several words (盛达 + 软件 + 科技): a
# brand may be typed with all, some or none of them. Single words only, so that 软件科技, 电子科技 and
# 医疗器械 are read word by word and a name padded or shortened by one of its words still matches.
_CJK_INDUSTRIES = tuple(
    sorted(
        (
            "科技 技术 电子 电器 电气 信息 网络 数码 通信 通讯 智能 生物 环保 新能源 能源 光电 半导体 软件 "
            "贸易 商贸 国际 进出口 实业 发展 机械 精密 机电 设备 五金 化工 塑料 物流 供应链 快递 运输 管理 "
            "建设 建筑 建材 工程 装饰 新材料 材料 医疗 器械 医药 制药 文化 传媒 广告 餐饮 服装 服饰 食品 "
            "汽车 配件 零部件 投资 房地产 开发 印刷 包装 家具 纺织品 纺织 咨询 物业 农业 教育 旅游 酒店"
        ).split(),
        key=len,
        reverse=True,
    )
)
# One word for one line of business written two ways.
_INDUSTRY_ALIASES = {"纺织品": "纺织"}
# Words that pad a line of business without naming one: 盛达软件科技 is 盛达软件, but 华信科技 is not
# 华信电子科技 (nor 华信软件).
GENERIC_INDUSTRIES = frozenset(("科技", "技术", "实业", "发展", "国际", "管理"))
_LATIN_INDUSTRIES = frozenset(
    (
        "trading trade import export imp exp industrial industries industry technology technologies tech "
        "electronics electronic electric electrical machinery machine logistics textile textiles garment "
        "garments foods food chemical chemicals materials medical pharmaceutical software auto parts "
        "packaging printing furniture energy investment consulting supply chain international"
    ).split()
)


# Longest first: a Latin line of business is joined without spaces in the brand key.
_LATIN_INDUSTRY_WORDS = tuple(sorted(_LATIN_INDUSTRIES, key=lambda word: (-len(word), word)))


def _strip_cjk_place(key):
    while True:
        place = next((p for p in _CJK_PLACES if key.startswith(p) and len(key) > len(p) + 1), "")
        if place:
            rest = key[len(place) :]
            unit = next((u for u in _CJK_PLACE_UNITS if rest.startswith(u) and len(rest) > len(u) + 1), "")
            key = rest[len(unit) :]
            continue
        match = _CJK_PLACE_PATTERN.match(key)
        if match and len(key) > match.end() + 1:
            key = key[match.end() :]
            continue
        return key


def brand_parts(name: str) -> tuple:
    """``(brand, industry)`` of a company name: '广州市宏图物流有限公司' -> ('宏图', '物流').

    The name without its legal form, its places in front and its line of business behind:
    what people type when they look a company up ('宏图物流', or only '宏图'). ('', '') for a
    name with nothing else.
    """
    if not name:
        return "", ""
    tokens = _tokens(name)
    tokens = _strip_legal_forms(tokens) or tokens
    if not tokens:
        return "", ""
    if _is_wide(tokens[0][0]):
        tokens[0] = _strip_cjk_place(tokens[0])
    else:
        while len(tokens) > 1 and tokens[0] in _LATIN_PLACES:
            tokens.pop(0)
    industry = []
    while len(tokens) > 1 and tokens[-1] in _LATIN_INDUSTRIES:
        industry.insert(0, tokens.pop())
    if _is_wide(tokens[-1][-1]):
        tokens[-1], words = _peel_cjk_industries(tokens[-1])
        industry[:0] = words
    return "".join(tokens), "".join(industry)


def _peel_cjk_industries(text, keep=2):
    """``(brand, [words])``: the line-of-business words at the end of ``text``, longest first,
    as long as ``keep`` characters of brand remain ('盛达软件科技' -> '盛达', ['软件', '科技'])."""
    words = []
    while True:
        word = next((w for w in _CJK_INDUSTRIES if text.endswith(w) and len(text) >= len(w) + keep), "")
        if not word:
            return text, words
        text = text[: -len(word)]
        words.insert(0, _INDUSTRY_ALIASES.get(word, word))


def industry_words(industry: str) -> tuple:
    """The words of the ``industry`` part of a brand key, in order: '软件科技' -> ('软件', '科技')."""
    words = []
    while industry:
        latin = next((w for w in _LATIN_INDUSTRY_WORDS if industry.endswith(w)), "")
        if latin:
            words.insert(0, latin)
            industry = industry[: -len(latin)]
            continue
        rest, cjk = _peel_cjk_industries(industry, keep=0)
        if not cjk:
            words.insert(0, industry)  # not a known word: compared whole
            break
        words[:0] = cjk
        industry = rest
    return tuple(words)


def industry_starts(industry: str) -> tuple:
    """The first words the line of business of a brand matching ``industry`` may begin with
    (``brand_matches``), so that a lookup reads only those: its first word, its first word that is
    not padding, and each padding word ('国际物流' -> ('国际', '物流', '科技', ...)). ('',) for none."""
    words = industry_words(industry)
    if not words:
        return ("",)
    specific = next((word for word in words if word not in GENERIC_INDUSTRIES), words[0])
    return tuple(sorted({words[0], specific, *GENERIC_INDUSTRIES}))


def brand_key(name: str) -> str:
    """'brand|industry', the indexed form of ``brand_parts`` ('' without a brand)."""
    brand, industry = brand_parts(name)
    return f"{brand}|{industry}" if brand else ""


def brand_matches(probe_key: str, candidate_key: str) -> bool:
    """Whether a candidate carries the brand of a probe: same brand, and the same line of
    business unless the probe names none ('宏图' finds 宏图物流 and 宏图贸易; '宏图物流' only the first).

    A line of business of several words matches one with some of them, padded or shortened:
    '云帆软件' finds 云帆软件科技 and '盛达软件科技' finds 盛达软件, but '盛达软件' not 盛达物流; a word
    that only pads (科技, 国际, ...) never stands for a line of business: '华信科技' does not find 华信电子科技.
    """
    if not (probe_key and candidate_key):
        return False
    probe_brand, _, probe_industry = probe_key.partition("|")
    brand, _, industry = candidate_key.partition("|")
    if probe_brand != brand:
        return False
    if not probe_industry or probe_industry == industry:
        return True
    if not industry:
        return False
    probe_words, words = industry_words(probe_industry), industry_words(industry)
    shorter = min(len(probe_words), len(words))
    if probe_words[:shorter] == words[:shorter]:
        return True  # shortened or padded at the end: 云帆软件 / 云帆软件科技, 海通国际 / 海通国际贸易
    probe_specific = [word for word in probe_words if word not in GENERIC_INDUSTRIES]
    specific = [word for word in words if word not in GENERIC_INDUSTRIES]
    if probe_specific or specific:
        # The lines of business themselves, padded or not (海通物流 / 海通国际物流), led by the same word:
        # one may name more of them than the other.
        if not (probe_specific and specific) or probe_specific[0] != specific[0]:
            return False
        return set(probe_specific) <= set(specific) or set(specific) <= set(probe_specific)
    return set(probe_words) <= set(words) or set(words) <= set(probe_words)
