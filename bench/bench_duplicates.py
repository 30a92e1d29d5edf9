"""Duplicate check of a registration (客户报备) against N customers, beside a plain ILIKE scan.

    ./scripts/bench.sh bench_duplicates.py --db bench_dup --size 1000000

Creates the database with crm_public_pool when it does not exist, bulk-inserts the missing
customers with raw SQL (Chinese company names, their normalised and brand keys computed by the
addon's own ``normalize_company_name`` and ``brand_key``; 90% owned, 10% pooled), then runs
300 probes (a third with the legal suffix dropped, a third with one character of the brand
changed, a third with the brand alone, as people type it: 宏图物流 for 广州市宏图物流有限公司)
through the addon's check (``res.partner._pool_find_duplicates``) and through
``name ILIKE '%probe%'``, and prints p50 / p95 per check and per kind of probe, how many probes
found their customer, and the speed ratio.  Run it again with a larger ``--size`` to grow the
same database.

The names' lines of business (盛达 + 软件 + 科技) are measured on a labelled set of pairs first,
without a database, by the addon's scoring (``logic.matching.score_candidate``) beside the same
scoring at ``--baseline`` (a git revision, by default the code before lines of business were read
word by word): per kind of pair, how many duplicates are found and how many non-duplicates are
flagged. ``--labelled-only`` stops there:

    ./scripts/bench.sh bench_duplicates.py --labelled-only

The same pairs then run through the database: each pair's customer is inserted and its probe
looked up among the N customers (``--labelled-db`` pairs per kind), with p50 / p95.
"""

import argparse
import importlib
import io
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from generate import add_db_arguments, odoo_setup

# The audit row of each customer loaded in SQL after ``id`` (res_partner_guard.py).
CREATE_LOG = """
INSERT INTO crm_public_pool_log (date, partner_id, partner_name, pool_id, action, user_id, to_user_id, company_id)
SELECT now() AT TIME ZONE 'UTC', id, name, pool_id, 'create', 1, user_id, company_id
  FROM res_partner WHERE id > %s AND pool_state IS NOT NULL
"""

CITIES = (
    "北京 上海 广州 深圳 杭州 南京 苏州 成都 重庆 武汉 西安 天津 青岛 厦门 宁波 "
    "长沙 郑州 济南 合肥 福州 东莞 佛山 无锡 大连 沈阳 昆明 南昌 石家庄 太原 哈尔滨"
).split()
INDUSTRIES = (
    "科技 电子 贸易 实业 机械 化工 物流 建设 信息技术 网络科技 生物科技 医疗器械 新材料 "
    "环保科技 文化传媒 餐饮管理 服装 食品 汽车配件 电气 能源 投资管理 房地产开发 建材 印刷 "
    "家具 纺织 光电 软件 供应链管理"
).split()
SUFFIXES = ["有限公司", "有限责任公司", "股份有限公司", "集团有限公司", "有限公司"]
BRAND_CHARS = (
    "华信达利恒通宏远盛鑫泰隆昌兴源博创新星海天宇金银瑞祥和安康宁嘉美佳丰茂德正中联合力"
    "东方明光辉腾飞凯越卓立锦程志诚永启航智慧云龙凤鹏翔雅致尚品优汇聚众赢晨阳春秋万家"
    "广厚福润泽清远洋江山川峰岭林森松柏竹梅兰菊荣耀华夏神州环球亚欧美澳晶钻石玉"
)


# Lines of business written as two words (what a name is padded or shortened by).
COMPOUND_INDUSTRIES = (
    ("软件", "科技"),
    ("信息", "科技"),
    ("网络", "科技"),
    ("电子", "科技"),
    ("生物", "科技"),
    ("智能", "科技"),
    ("环保", "科技"),
    ("国际", "贸易"),
    ("国际", "物流"),
    ("供应链", "管理"),
    ("医疗", "器械"),
    ("文化", "传媒"),
    ("餐饮", "管理"),
    ("精密", "机械"),
    ("汽车", "配件"),
    ("投资", "管理"),
    ("建筑", "工程"),
    ("电子", "商贸"),
)
# Lines of business of one word, for pairs that share a brand and nothing else.
SINGLE_INDUSTRIES = ("物流", "贸易", "软件", "食品", "服装", "化工", "建材", "印刷", "家具", "纺织", "能源", "咨询")
ADDON_LOGIC = Path(__file__).resolve().parent.parent / "crm_public_pool" / "logic"
# The last commit before lines of business were read word by word.
BASELINE = "eacc4cd"
LABELLED_KINDS = (
    # kind, duplicate?, what it is
    ("padded", True, "深圳盛达软件科技有限公司 for 深圳市盛达软件有限公司"),
    ("shortened", True, "云帆软件 for 杭州市云帆软件科技有限公司"),
    ("brand and trade", True, "宏图物流 for 广州市宏图物流有限公司"),
    ("other trade", False, "宏图贸易 against 广州市宏图物流有限公司"),
    ("other trades", False, "盛达软件科技 against 深圳市盛达物流有限公司"),
    ("other brand", False, "深圳市云帆软件科技 against 深圳市宏图软件科技有限公司"),
    ("padding only", False, "华信科技 against 北京华信电子科技有限公司"),
)
# Names that differ in a number are other companies (a branch's number, "No. 3"); the same number
# written another way is the same one. Drawn after the kinds above, which they leave as they were.
NUMBERED_KINDS = (
    ("same number", True, "深圳盛达软件有限公司第三分公司 for 深圳市盛达软件有限公司第3分公司"),
    ("other branch number", False, "深圳盛达软件有限公司二分公司 against 深圳市盛达软件有限公司一分公司"),
    ("other No.", False, "深圳盛达软件 No.4 against 深圳市盛达软件 No. 3"),
)
CJK_NUMERALS = "一二三四五六七八九"


def labelled_pairs(rng, per_kind):
    """[(kind, duplicate, probe, existing name)]: ``per_kind`` pairs of each of ``LABELLED_KINDS``."""

    def brand(avoid=""):
        while True:
            text = "".join(rng.choice(BRAND_CHARS) for _ in range(rng.choice((2, 2, 3))))
            if not set(text) & set(avoid):
                return text

    pairs = []
    for kind, duplicate, _example in LABELLED_KINDS:
        for _ in range(per_kind):
            city, mark, form = rng.choice(CITIES), rng.choice(("", "市")), rng.choice(SUFFIXES)
            name = brand()
            first, second = rng.choice(COMPOUND_INDUSTRIES)
            one, other = rng.sample(SINGLE_INDUSTRIES, 2)
            specific = rng.choice(("软件", "电子", "信息", "网络", "生物", "智能", "环保"))
            probe, existing = {
                "padded": (f"{city}{name}{first}{second}{form}", f"{city}市{name}{first}{form}"),
                "shortened": (f"{name}{first}", f"{city}市{name}{first}{second}{form}"),
                "padding only": (f"{name}科技", f"{city}{mark}{name}{specific}科技{form}"),
                "brand and trade": (f"{name}{one}", f"{city}{mark}{name}{one}{form}"),
                "other trade": (f"{name}{other}", f"{city}{mark}{name}{one}{form}"),
                "other trades": (f"{name}{first}{second}", f"{city}{mark}{name}{one if one != first else other}{form}"),
                "other brand": (f"{city}{mark}{name}{first}{second}", f"{city}市{brand(name)}{first}{second}{form}"),
            }[kind]
            pairs.append((kind, duplicate, probe, existing))
    for kind, duplicate, _example in NUMBERED_KINDS:
        for _ in range(per_kind):
            city, name, form = rng.choice(CITIES), brand(), rng.choice(SUFFIXES)
            trade = rng.choice(SINGLE_INDUSTRIES)
            number, other = rng.sample(range(1, 10), 2)
            probe, existing = {
                "same number": (
                    f"{city}{name}{trade}{form}第{CJK_NUMERALS[number - 1]}分公司",
                    f"{city}市{name}{trade}{form}第{number}分公司",
                ),
                "other branch number": (
                    f"{city}{name}{trade}{form}{CJK_NUMERALS[other - 1]}分公司",
                    f"{city}市{name}{trade}{form}{CJK_NUMERALS[number - 1]}分公司",
                ),
                "other No.": (f"{city}{name}{trade} No.{other}", f"{city}市{name}{trade} No. {number}"),
            }[kind]
            pairs.append((kind, duplicate, probe, existing))
    return pairs


def load_logic(revision=None):
    """The addon's ``logic`` package: the working tree's, or the one at a git ``revision``."""
    if revision is None:
        source, package = ADDON_LOGIC, "pool_logic_current"
    else:
        source = Path(tempfile.mkdtemp(prefix="pool_logic_")) / "pool_logic_baseline"
        source.mkdir()
        root = ADDON_LOGIC.parent.parent
        for module in ("__init__", "names", "contacts", "matching"):
            text = subprocess.run(
                ["git", "show", f"{revision}:crm_public_pool/logic/{module}.py"],  # noqa: S607
                cwd=root,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            (source / f"{module}.py").write_text(text, encoding="utf-8")
        package = "pool_logic_baseline"
    spec = importlib.util.spec_from_file_location(
        package, source / "__init__.py", submodule_search_locations=[str(source)]
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[package] = module
    spec.loader.exec_module(module)
    return importlib.import_module(f"{package}.matching")


def labelled_found(matching, pairs, threshold=0.8):
    """{kind: pairs the scoring calls a duplicate (exact or near)}."""
    found = {}
    for kind, _duplicate, probe, existing in pairs:
        verdict, _reasons = matching.score_candidate(
            matching.fingerprint({"name": probe}), matching.fingerprint({"name": existing}), threshold
        )
        found[kind] = found.get(kind, 0) + bool(verdict)
    return found


def print_labelled(pairs, baseline, per_kind):
    before = labelled_found(load_logic(baseline), pairs)
    after = labelled_found(load_logic(), pairs)
    print(f"\n-- labelled pairs: lines of business in names ({per_kind} pairs per kind, scoring only) --\n")
    print(f"| pair | example | duplicate? | found at {baseline} | found now |")
    print("|---|---|---|---|---|")
    for kinds, what in ((LABELLED_KINDS, ""), (NUMBERED_KINDS, " of numbered names")):
        totals = {True: [0, 0, 0], False: [0, 0, 0]}
        for kind, duplicate, example in kinds:
            print(
                f"| {kind} | {example} | {'yes' if duplicate else 'no'} | "
                f"{before.get(kind, 0)}/{per_kind} | {after.get(kind, 0)}/{per_kind} |"
            )
            totals[duplicate][0] += per_kind
            totals[duplicate][1] += before.get(kind, 0)
            totals[duplicate][2] += after.get(kind, 0)
        for duplicate, label in ((True, "found rate (duplicates)"), (False, "false positives (non-duplicates)")):
            count, old, new = totals[duplicate]
            print(f"| **{label}{what}** | | | {100 * old / count:.1f}% | {100 * new / count:.1f}% |")


def company_name(rng):
    brand = "".join(rng.choice(BRAND_CHARS) for _ in range(rng.choice((2, 2, 3))))
    return f"{rng.choice(CITIES)}{brand}{rng.choice(INDUSTRIES)}{rng.choice(SUFFIXES)}"


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_db_arguments(parser, db="bench_dup")
    parser.add_argument("--size", type=int, default=1_000_000, help="customers in the database")
    parser.add_argument("--probes", type=int, default=300)
    parser.add_argument("--seed", type=int, default=20260101)
    parser.add_argument("--labelled", type=int, default=200, help="labelled pairs per kind")
    parser.add_argument("--labelled-db", type=int, default=50, help="labelled pairs per kind run in the database")
    parser.add_argument("--baseline", default=BASELINE, help="git revision of the scoring to compare with")
    parser.add_argument("--labelled-only", action="store_true", help="only the labelled pairs, no database")
    args = parser.parse_args()
    pairs = labelled_pairs(random.Random(args.seed), args.labelled)
    print_labelled(pairs, args.baseline, args.labelled)
    if args.labelled_only:
        return

    odoo_root = os.path.abspath(args.odoo)
    odoo, addons, db_args = odoo_setup(args)
    from odoo import api

    from odoo.addons.crm_public_pool.models.engine_token import engine_statements  # noqa: PLC0415

    if args.db not in odoo.service.db.list_dbs(force=True):
        print(f"creating database {args.db} with crm_public_pool ...", flush=True)
        subprocess.run(
            [
                sys.executable,
                f"{odoo_root}/odoo-bin",
                "-d",
                args.db,
                *db_args,
                f"--addons-path={addons}",
                "-i",
                "crm_public_pool",
                "--without-demo=all",
                "--stop-after-init",
                "--log-level=warn",
            ],
            check=True,
        )
    registry = odoo.modules.registry.Registry(args.db)
    from odoo.addons.crm_public_pool.logic.names import brand_key, brand_parts, normalize_company_name  # noqa: PLC0415

    rng = random.Random(args.seed)
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        company = env.company
        pool = env["crm.public.pool"]._get_default_pool(company)
        cr.execute("SELECT count(*) FROM res_partner WHERE pool_state IS NOT NULL")
        existing = cr.fetchone()[0]
        missing = max(0, args.size - existing)
        if missing:
            print(f"inserting {missing} customers ({existing} present) ...", flush=True)
            started = time.perf_counter()
            cr.execute("DROP INDEX IF EXISTS res_partner_pool_name_key_trgm_idx")
            cr.execute("DROP INDEX IF EXISTS res_partner__pool_name_key_index")
            cr.execute("DROP INDEX IF EXISTS res_partner_pool_brand_key_idx")
            user_id = env.ref("base.user_admin").id
            batch = 100_000
            cr.execute("SELECT coalesce(max(id), 0) FROM res_partner")
            base = cr.fetchone()[0]
            # Loaded as the engine's statements, with each customer's audit row in the same
            # transaction: PostgreSQL refuses customers without them (res_partner_guard.py).
            with engine_statements(cr):
                for start in range(0, missing, batch):
                    rows = io.StringIO()
                    for _ in range(min(batch, missing - start)):
                        name = company_name(rng)
                        owned = rng.random() < 0.9
                        rows.write(
                            "\t".join(
                                (
                                    name,
                                    name,
                                    normalize_company_name(name),
                                    brand_key(name),
                                    str(company.id),
                                    str(pool.id),
                                    "private" if owned else "pool",
                                    str(user_id) if owned else r"\N",
                                    "t",
                                    "t",
                                    "contact",
                                )
                            )
                            + "\n"
                        )
                    rows.seek(0)
                    cr.copy_expert(
                        "COPY res_partner (name, complete_name, pool_name_key, pool_brand_key, company_id, pool_id, pool_state, user_id,"
                        " is_company, active, type) FROM STDIN",
                        rows,
                    )
                    print(f"  {start + batch if start + batch < missing else missing} / {missing}", flush=True)
                cr.execute(CREATE_LOG, [base])
            # The guard's deferred checks of the new customers run at this commit: PostgreSQL
            # refuses CREATE INDEX on a table with pending trigger events (init makes indexes).
            cr.commit()
            env["res.partner"].init()
            cr.execute("CREATE INDEX IF NOT EXISTS res_partner__pool_name_key_index ON res_partner (pool_name_key)")
            cr.execute("ANALYZE res_partner")
            cr.commit()
            print(f"inserted in {time.perf_counter() - started:.0f} s", flush=True)
        # Its VACUUM FULL waits for every lock on the customers, this cursor's first count included.
        cr.commit()
        usable_indexes(odoo, args.db)

        cr.execute(
            "SELECT id, name FROM res_partner WHERE pool_state IS NOT NULL ORDER BY random() LIMIT %s",
            [args.probes],
        )
        probes = []
        for index, (partner_id, name) in enumerate(cr.fetchall()):
            key = normalize_company_name(name)
            if index % 3 == 0:
                probe, kind = key, "dropped"  # the legal suffix dropped
            elif index % 3 == 2:
                probe, kind = "".join(brand_parts(name)), "brand"  # the brand alone, no place nor legal form
            else:
                city = next((c for c in CITIES if key.startswith(c)), "")
                position = len(city) + rng.randrange(max(1, len(key) - len(city) - 2))
                replacement = rng.choice([c for c in BRAND_CHARS if c != key[position]])
                probe, kind = key[:position] + replacement + key[position + 1 :], "changed"
            probes.append((partner_id, probe, kind))

        Partner = env["res.partner"]
        mode = Partner._pool_trgm_mode()
        kinds = ("dropped", "changed", "brand")
        timings = {"addon": [], "ilike": []}
        kind_timings = {(method, kind): [] for method in timings for kind in kinds}
        found = {method: dict.fromkeys(kinds, 0) for method in timings}
        for partner_id, probe, kind in probes:
            started = time.perf_counter()
            matches = Partner._pool_find_duplicates({"name": probe}, company)
            timings["addon"].append((time.perf_counter() - started) * 1000)
            kind_timings["addon", kind].append(timings["addon"][-1])
            found["addon"][kind] += partner_id in {partner.id for partner, _verdict, _reasons in matches}
            env.invalidate_all()
            started = time.perf_counter()
            cr.execute("SELECT id FROM res_partner WHERE name ILIKE %s LIMIT 50", [f"%{probe}%"])
            ids = {row[0] for row in cr.fetchall()}
            timings["ilike"].append((time.perf_counter() - started) * 1000)
            kind_timings["ilike", kind].append(timings["ilike"][-1])
            found["ilike"][kind] += partner_id in ids
        labelled = run_labelled_in_db(env, company, pool, pairs, args.labelled_db, brand_key, normalize_company_name)
        cr.rollback()

    counts = {kind: sum(1 for _p, _probe, k in probes if k == kind) for kind in kinds}
    print("\n-- results --")
    print(f"{args.size:,} customers, {len(probes)} probes, pg_trgm mode: {mode}\n")
    print("| method | p50 | p95 | found (dropped / changed / brand alone) |")
    print("|---|---|---|---|")
    for method, label in (("ilike", "`ILIKE '%probe%'` scan"), ("addon", "addon duplicate check")):
        values = timings[method]
        print(
            f"| {label} | {statistics.median(values):.1f} ms | {percentile(values, 0.95):.1f} ms | "
            + " / ".join(f"{found[method][kind]}/{counts[kind]}" for kind in kinds)
            + " |"
        )
    print("\n| method | probe | p50 | p95 |")
    print("|---|---|---|---|")
    for method, label in (("ilike", "`ILIKE` scan"), ("addon", "addon check")):
        for kind in kinds:
            values = kind_timings[method, kind]
            print(f"| {label} | {kind} | {statistics.median(values):.1f} ms | {percentile(values, 0.95):.1f} ms |")
    ratio_p50 = statistics.median(timings["ilike"]) / statistics.median(timings["addon"])
    ratio_p95 = percentile(timings["ilike"], 0.95) / percentile(timings["addon"], 0.95)
    print(f"\naddon vs scan: {ratio_p50:.1f}x faster at p50, {ratio_p95:.1f}x at p95")
    print(f"\n-- labelled pairs in the database ({args.size:,} customers, {args.labelled_db} pairs per kind) --\n")
    print("| pair | duplicate? | found | p50 | p95 |")
    print("|---|---|---|---|---|")
    for kind, duplicate, _example in LABELLED_KINDS + NUMBERED_KINDS:
        hits, values = labelled[kind]
        print(
            f"| {kind} | {'yes' if duplicate else 'no'} | {hits}/{len(values)} | "
            f"{statistics.median(values):.1f} ms | {percentile(values, 0.95):.1f} ms |"
        )
    every = [value for _hits, values in labelled.values() for value in values]
    print(f"| **all** | | | {statistics.median(every):.1f} ms | {percentile(every, 0.95):.1f} ms |")


def usable_indexes(odoo, dbname):
    """Make the indexes built after the insert usable now.

    An index built over rows updated in place (HOT) while an older transaction runs anywhere on the
    server is unusable until that transaction ends (``pg_index.indcheckxmin``): on a shared server
    every lookup would scan the table. ``VACUUM FULL`` rewrites the table without such chains.
    """
    import psycopg2  # noqa: PLC0415

    _db, params = odoo.sql_db.connection_info_for(dbname)
    connection = psycopg2.connect(**params)
    connection.autocommit = True
    with connection.cursor() as cr:
        cr.execute("SELECT count(*) FROM pg_index WHERE indrelid = 'res_partner'::regclass AND indcheckxmin")
        if cr.fetchone()[0]:
            print("indexes wait for older transactions: VACUUM FULL res_partner ...", flush=True)
            cr.execute("VACUUM FULL ANALYZE res_partner")
    connection.close()


def run_labelled_in_db(env, company, pool, pairs, per_kind, brand_key, normalize_company_name):
    """{kind: (probes that found their pair's customer, timings in ms)}: the first ``per_kind``
    pairs of each kind, their customers inserted among the others (the caller rolls back)."""
    chosen = []
    for kind, _duplicate, _example in LABELLED_KINDS + NUMBERED_KINDS:
        chosen += [pair for pair in pairs if pair[0] == kind][:per_kind]
    from odoo.addons.crm_public_pool.models.engine_token import engine_statements  # noqa: PLC0415

    cr = env.cr
    ids = []
    # As the engine's statements, for PostgreSQL's guard (res_partner_guard.py); rolled back by the caller
    # before the audit check at commit.
    with engine_statements(cr):
        for _kind, _duplicate, _probe, existing in chosen:
            cr.execute(
                """
                INSERT INTO res_partner (name, complete_name, pool_name_key, pool_brand_key, company_id, pool_id,
                                         pool_state, is_company, active, type)
                VALUES (%s, %s, %s, %s, %s, %s, 'pool', TRUE, TRUE, 'contact') RETURNING id
                """,
                [existing, existing, normalize_company_name(existing), brand_key(existing), company.id, pool.id],
            )
            ids.append(cr.fetchone()[0])
    Partner = env["res.partner"]
    result = {kind: (0, []) for kind, _duplicate, _example in LABELLED_KINDS + NUMBERED_KINDS}
    for (kind, _duplicate, probe, _existing), partner_id in zip(chosen, ids, strict=True):
        started = time.perf_counter()
        matches = Partner._pool_find_duplicates({"name": probe}, company)
        elapsed = (time.perf_counter() - started) * 1000
        env.invalidate_all()
        hits, values = result[kind]
        values.append(elapsed)
        result[kind] = (hits + (partner_id in {partner.id for partner, _verdict, _reasons in matches}), values)
    return result


if __name__ == "__main__":
    main()
