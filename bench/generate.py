"""Generate a pool database: N customers, M salespeople, K pools, with a deterministic seed.

    ./scripts/bench.sh generate.py --db bench_pool --customers 1000000 --users 200 --pools 5

Creates the database with crm_public_pool (no demo data) and then, in bulk:

- M salespeople (login ``sales0001``..., password = login, language zh_CN), each a member of one of K pools
  (the company's default pool and K-1 department pools), a limit of 10,000 owned customers;
  every pool masks phone and e-mail for non-owners and recycles after 30 days without follow-up;
- N company customers with Chinese names, mobile phones, e-mail addresses and their normalised
  duplicate keys: 80% owned by a member of their pool (2% of those locked), 20% pooled (70% of
  them with a previous owner); levels A/B/C/D at 10/30/40/20%; claims up to 300 days ago, the
  last follow-up up to 33 days ago (none for 5%), so about a tenth is due for recycling; pool
  entries up to 120 days ago;
- their history: a ``create`` audit row per customer, a ``claim`` row per owned customer, a
  ``claim`` and a ``recycle`` row per pooled customer with a previous owner, a follow-up note in
  the chatter of every owned customer that has a follow-up date; stored recycle dates as the
  rules compute them; then ``VACUUM ANALYZE``, as autovacuum keeps a live database.

The same seed gives the same data. It ends by checking the contract's invariants over the
whole database (the function the test suite uses) and prints how long each step took.
"""

import argparse
import importlib.util
import io
import os
import random
import subprocess
import sys
import sysconfig
import time
from datetime import datetime, timedelta

CITIES = "北京 上海 广州 深圳 杭州 南京 苏州 成都 重庆 武汉 西安 天津 青岛 厦门 宁波 长沙 郑州 济南 合肥 福州".split()
INDUSTRIES = (
    "科技 电子 贸易 实业 机械 化工 物流 建设 信息技术 网络科技 "
    "生物科技 医疗器械 新材料 环保科技 文化传媒 食品 电气 能源 建材 软件"
).split()
SUFFIXES = ["有限公司", "有限责任公司", "股份有限公司", "集团有限公司", "有限公司"]
BRAND = (
    "华信达利恒通宏远盛鑫泰隆昌兴源博创新星海天宇金银瑞祥和安康宁嘉"
    "美佳丰茂德正中联合力东方明光辉腾飞凯越卓立锦程志诚永启航智慧云龙凤鹏翔"
)
LEVELS = ["a"] * 10 + ["b"] * 30 + ["c"] * 40 + ["d"] * 20
USER_LIMIT = 10_000
RULE_DAYS = 30


def odoo_setup(args):
    """Import Odoo from ``args.odoo``; return (odoo, addons path, db options)."""
    project = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    odoo_root = os.path.abspath(args.odoo)
    db_args = [f"--db_host={args.db_host}"] * bool(args.db_host) + [f"--db_user={args.db_user}"] * bool(args.db_user)
    addons = f"{odoo_root}/addons,{project}"
    # OCA addons installed by the project's requirements-oca.txt (queue_job for crm_public_pool_queue).
    oca = os.path.join(sysconfig.get_paths()["purelib"], "odoo", "addons")
    if os.path.isdir(oca):
        addons += f",{oca}"
    sys.path.insert(0, odoo_root)
    import odoo  # noqa: PLC0415 - the Odoo tree is given on the command line

    odoo.tools.config.parse_config([f"--addons-path={addons}", *db_args])
    return odoo, addons, db_args


def pool_invariant_violations(cr):
    """The test suite's invariant check, loaded from its file (importing the addon's tests package
    would import Odoo's test framework)."""
    path = os.path.join(
        os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "crm_public_pool", "tests", "invariants.py"
    )
    # As a module of the addon's tests package, without running that package's __init__: the
    # file imports from the addon's models (the guard's trigger names) relatively.
    import odoo.addons.crm_public_pool  # noqa: F401, PLC0415 - the addons path is set by odoo_setup

    spec = importlib.util.spec_from_file_location("odoo.addons.crm_public_pool.tests.invariants", path)
    module = importlib.util.module_from_spec(spec)
    module.__package__ = "odoo.addons.crm_public_pool.tests"
    spec.loader.exec_module(module)
    return module.pool_invariant_violations(cr)


def add_db_arguments(parser, db="bench_pool"):
    parser.add_argument("--odoo", default=".", help="Odoo 18 source tree (where odoo-bin is)")
    parser.add_argument("--db", default=db)
    parser.add_argument("--db_host", default=os.environ.get("PGHOST", ""))
    parser.add_argument("--db_user", default=os.environ.get("PGUSER", ""))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_db_arguments(parser)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--pools", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument(
        "--existing",
        action="store_true",
        help="generate nothing: describe the database --db an earlier run generated",
    )
    args = parser.parse_args()
    if args.existing:
        describe_existing(args)
    else:
        generate(args)


# The audit trail of the customers with ids in (low, high]: created, claimed, recycled.
HISTORY = """
    INSERT INTO crm_public_pool_log (date, partner_id, partner_name, pool_id, action, user_id, from_user_id,
                                     to_user_id, company_id, create_uid, create_date, write_uid, write_date)
    SELECT date, partner_id, partner_name, pool_id, action, user_id, from_user_id, to_user_id, company_id, 1, date, 1,
           date
      FROM (SELECT 1 AS rank, create_date AS date, id AS partner_id, name AS partner_name, pool_id, 'create' AS action,
                   1 AS user_id, NULL::int AS from_user_id, NULL::int AS to_user_id, company_id
              FROM res_partner WHERE id > %(low)s AND id <= %(high)s
             UNION ALL
            SELECT 2, pool_enter_date - interval '31 days', id, name, pool_id, 'claim', pool_previous_user_id, NULL,
                   pool_previous_user_id, company_id
              FROM res_partner
             WHERE id > %(low)s AND id <= %(high)s AND pool_state = 'pool' AND pool_previous_user_id IS NOT NULL
             UNION ALL
            SELECT 3, pool_enter_date, id, name, pool_id, 'recycle', 1, pool_previous_user_id, NULL, company_id
              FROM res_partner
             WHERE id > %(low)s AND id <= %(high)s AND pool_state = 'pool' AND pool_previous_user_id IS NOT NULL
             UNION ALL
            SELECT 2, pool_claim_date, id, name, pool_id, 'claim', user_id, NULL, user_id, company_id
              FROM res_partner WHERE id > %(low)s AND id <= %(high)s AND pool_state = 'private') history
     ORDER BY partner_id, rank
"""


def step(label, started):
    print(f"  {label}: {time.perf_counter() - started:.1f} s", flush=True)
    return time.perf_counter()


def generate(args):
    odoo, addons, db_args = odoo_setup(args)
    from odoo import api

    from odoo.addons.crm_public_pool.models.engine_token import engine_statements

    if args.db in odoo.service.db.list_dbs(force=True):
        sys.exit(f"database {args.db} exists; drop it first (dropdb {args.db})")
    print(
        f"generating {args.db}: {args.customers:,} customers, {args.users} salespeople, {args.pools} pools, seed {args.seed}"
    )
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            f"{os.path.abspath(args.odoo)}/odoo-bin",
            "-d",
            args.db,
            *db_args,
            f"--addons-path={addons}",
            "-i",
            "crm_public_pool",
            "--load-language=zh_CN",
            "--without-demo=all",
            "--stop-after-init",
            "--log-level=warn",
        ],
        check=True,
    )
    started = step("database with crm_public_pool", started)
    from odoo.addons.crm_public_pool.logic.names import normalize_company_name  # noqa: PLC0415

    rng = random.Random(args.seed)
    registry = odoo.modules.registry.Registry(args.db)
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True, "no_reset_password": True})
        company = env.company
        salesman = env.ref("sales_team.group_sale_salesman")
        users = env["res.users"].create(
            [
                {
                    "name": f"销售 {i:04d}",
                    "login": f"sales{i:04d}",
                    "password": f"sales{i:04d}",
                    "groups_id": [(6, 0, salesman.ids)],
                    "pool_max_customers": USER_LIMIT,
                    "lang": "zh_CN",
                }
                for i in range(args.users)
            ]
        )
        masked = env["ir.model.fields"].search(
            [("model", "=", "res.partner"), ("name", "in", ["phone", "mobile", "email"])]
        )
        pools = env["crm.public.pool"]._get_default_pool(company)
        pools |= env["crm.public.pool"].create(
            [{"name": f"部门公海 {k}", "pool_type": "department"} for k in range(1, args.pools)]
        )
        members = {pool.id: [] for pool in pools}
        for index, user in enumerate(users):
            members[pools[index % len(pools)].id].append(user.id)
        for pool in pools:
            pool.write({"member_user_ids": [(6, 0, members[pool.id])], "masked_field_ids": [(6, 0, masked.ids)]})
        env["crm.public.pool.rule"].create(
            [
                {
                    "pool_id": pool.id,
                    "name": "30 天未跟进",
                    "rule_type": "no_followup",
                    "days": RULE_DAYS,
                    "warn_days": 3,
                }
                for pool in pools
            ]
        )
        cr.commit()
        started = step("salespeople, pools, rules", started)

        # The customers, by COPY, with explicit ids so commercial_partner_id can be set at once.
        cr.execute("SELECT coalesce(max(id), 0) FROM res_partner")
        base = cr.fetchone()[0]
        now = datetime.utcnow().replace(microsecond=0)
        pool_ids = [pool.id for pool in pools]
        columns = (
            "id, name, complete_name, commercial_partner_id, is_company, active, type, company_id, phone, email, "
            "pool_name_key, pool_phone_keys, pool_email_key, pool_domain_key, pool_id, pool_state, user_id, "
            "pool_locked, pool_level, pool_claim_date, pool_last_followup_date, pool_enter_date, "
            "pool_previous_user_id, create_uid, create_date, write_uid, write_date"
        )
        batch = 100_000
        for start in range(0, args.customers, batch):
            rows = io.StringIO()
            for i in range(start, min(start + batch, args.customers)):
                pid = base + 1 + i
                brand = "".join(rng.choice(BRAND) for _ in range(rng.choice((2, 2, 3))))
                name = f"{rng.choice(CITIES)}{brand}{rng.choice(INDUSTRIES)}{rng.choice(SUFFIXES)}"
                mobile = f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"
                domain = f"c{pid}.cn"
                email = f"sales@{domain}"
                pool_id = rng.choice(pool_ids)
                owned = rng.random() < 0.8
                claim = followup = previous = None
                entered = now - timedelta(days=rng.uniform(0, 400))
                if owned:
                    owner = rng.choice(members[pool_id])
                    claim = now - timedelta(days=rng.uniform(0, 300))
                    entered = min(entered, claim)
                    # Most owners follow up within the rule's 30 days; some slip, some never do.
                    if rng.random() < 0.95:
                        followup = max(claim, now - timedelta(days=rng.uniform(0, 33)))
                else:
                    owner = None
                    entered = now - timedelta(days=rng.uniform(0, 120))
                    if rng.random() < 0.7:
                        previous = rng.choice(members[pool_id])
                created = (claim or entered) - timedelta(days=rng.uniform(0, 30))
                values = (
                    pid,
                    name,
                    name,
                    pid,
                    "t",
                    "t",
                    "contact",
                    company.id,
                    f"+86 {mobile}",
                    email,
                    normalize_company_name(name),
                    f"+86{mobile}",
                    email,
                    domain,
                    pool_id,
                    "private" if owned else "pool",
                    owner,
                    "t" if owned and rng.random() < 0.02 else "f",
                    rng.choice(LEVELS),
                    claim,
                    followup,
                    entered,
                    previous,
                    1,
                    created,
                    1,
                    created,
                )
                rows.write("\t".join(r"\N" if v is None else str(v) for v in values) + "\n")
            rows.seek(0)
            # Loaded as the engine's statements, each customer with its history in the same
            # transaction: PostgreSQL refuses a customer without its audit rows (res_partner_guard.py).
            with engine_statements(cr):
                cr.copy_expert(f"COPY res_partner ({columns}) FROM STDIN", rows)
                cr.execute(HISTORY, {"low": base + start, "high": base + min(start + batch, args.customers)})
            cr.commit()
            # Statistics for the next batch's deferred audit check (res_partner_guard.py): without them
            # PostgreSQL reads the audit log backwards by id for each customer's last row, which grows
            # with the batch (a 1,000,000 run stalled for half an hour in its tenth commit).
            cr.execute("ANALYZE crm_public_pool_log")
            cr.execute("ANALYZE res_partner")
            cr.commit()
            print(f"    {min(start + batch, args.customers):,} / {args.customers:,}", flush=True)
        cr.execute("SELECT setval('res_partner_id_seq', (SELECT max(id) FROM res_partner))")
        cr.commit()
        started = step("customers", started)

        # One follow-up note per followed-up owned customer (their audit trail came with them).
        note = env.ref("mail.mt_note").id
        cr.execute(
            """
            INSERT INTO mail_message (model, res_id, record_name, message_type, subtype_id, body, author_id, date,
                                      create_uid, create_date, write_uid, write_date)
            SELECT 'res.partner', p.id, p.name, 'comment', %(note)s, '<p>电话跟进：客户有采购意向</p>', u.partner_id,
                   p.pool_last_followup_date, p.user_id, p.pool_last_followup_date, p.user_id, p.pool_last_followup_date
              FROM res_partner p JOIN res_users u ON u.id = p.user_id
             WHERE p.id > %(base)s AND p.pool_last_followup_date IS NOT NULL
            """,
            {"base": base, "note": note},
        )
        cr.commit()
        started = step("audit trail and follow-up notes", started)

        env.invalidate_all()
        pools._recycle_refresh_dates()
        cr.commit()
        started = step("stored recycle dates", started)
        # What autovacuum does on a live database: statistics, and the visibility map that lets
        # PostgreSQL answer counts from indexes alone. After the recycle dates, which rewrite
        # most customer rows: vacuumed before them, the owners' counts visited 4,000 heap pages
        # each (82 ms instead of under 1 ms) until autovacuum came by.
        pg = ["-h", args.db_host] * bool(args.db_host) + ["-U", args.db_user] * bool(args.db_user)
        for table in ("res_partner", "crm_public_pool_log", "mail_message"):
            subprocess.run(["vacuumdb", *pg, "--analyze", "--quiet", "-t", table, args.db], check=True)
        started = step("vacuum and analyze", started)
        describe(cr, started)


def describe(cr, started=None):
    """Print what the database holds and check the contract's invariants over it."""
    started = started or time.perf_counter()
    cr.execute(
        """SELECT count(*), count(*) FILTER (WHERE pool_state = 'pool'), count(*) FILTER (WHERE pool_locked),
                  count(*) FILTER (WHERE pool_recycle_date < now() AT TIME ZONE 'UTC')
             FROM res_partner WHERE pool_state IS NOT NULL"""
    )
    total, pooled, locked, due = cr.fetchone()
    cr.execute("SELECT count(*) FROM crm_public_pool_log")
    logs = cr.fetchone()[0]
    cr.execute("SELECT count(*) FROM mail_message WHERE model = 'res.partner' AND message_type = 'comment'")
    notes = cr.fetchone()[0]
    problems = pool_invariant_violations(cr)
    step("invariant check", started)
    print("\n-- results --")
    print(
        f"{total:,} customers ({pooled:,} pooled, {locked:,} locked, {due:,} due for recycling), "
        f"{logs:,} audit rows, {notes:,} follow-up notes"
    )
    if problems:
        sys.exit("invariants violated:\n" + "\n".join(problems[:20]))
    print("invariants: all hold")


def describe_existing(args):
    """An earlier generation's database (``--existing``): described, nothing generated or changed.

    It must have the addon's current schema: after a change of the models, update it first
    (``odoo-bin -d DB -u crm_public_pool --stop-after-init``). That is not done here: the update
    recreates the fairness report's materialized view over the whole audit log.
    """
    odoo, _addons, _db_args = odoo_setup(args)
    if args.db not in odoo.service.db.list_dbs(force=True):
        sys.exit(f"database {args.db} does not exist")
    print(f"reusing {args.db}, generated earlier", flush=True)
    with odoo.sql_db.db_connect(args.db).cursor() as cr:
        describe(cr)


if __name__ == "__main__":
    main()
