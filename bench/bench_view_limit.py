"""The Pool Customers list and a customer's form as a salesperson, with and without a daily view limit.

    ./scripts/bench.sh bench_view_limit.py --db bench_pool --opens 50

Run ``generate.py`` first. In process (no HTTP, each call in its own transaction, as a request),
as the first generated salesperson (``sales0001``) on their pool, in four configurations of that
pool, all measured in the same run: its generated masking (phone and e-mail) with no limit and
with a daily view limit of ``--limit``, then without masking, with no limit and with the limit.

- list: *Pool Customers* as the web client opens it: ``web_search_read`` with the list view's
  fields, the action's domain and default filter, the first page of 80 and the count;
- form: ``web_read`` of one pooled customer with the form's contact fields, a different customer
  each time, rolled back after each call (so every call opens a new customer: the counting
  statement inserts).

It prints p50/p95 in ms and the statements each call sent, then restores the pool.
"""

import argparse
import re
import statistics
import time

from bench_rpc import POOL_LIST_DOMAIN, percentile
from generate import add_db_arguments, odoo_setup

FORM_SPEC = {
    "name": {},
    "phone": {},
    "mobile": {},
    "email": {},
    "street": {},
    "city": {},
    "vat": {},
    "pool_id": {"fields": {"display_name": {}}},
    "pool_state": {},
    "user_id": {"fields": {"display_name": {}}},
}


def list_specification(env):
    """The fields the Pool Customers list view shows, as the web client asks for them."""
    view = env.ref("crm_public_pool.res_partner_view_list_pool")
    Partner = env["res.partner"]
    arch = Partner.get_views([(view.id, "list")])["views"]["list"]["arch"]
    names = dict.fromkeys(re.findall(r'<field name="([a-z_0-9]+)"', arch))
    return {
        fname: {"fields": {"display_name": {}}} if Partner._fields[fname].type == "many2one" else {}
        for fname in names
        if fname in Partner._fields
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_db_arguments(parser)
    parser.add_argument("--opens", type=int, default=50)
    parser.add_argument("--limit", type=int, default=30)
    args = parser.parse_args()
    odoo, __, __ = odoo_setup(args)
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415

    registry = odoo.modules.registry.Registry(args.db)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        user = env["res.users"].search([("login", "=", "sales0001")])
        pool = env["crm.public.pool"].search([("member_user_ids", "in", user.ids)], limit=1)
        saved = {"masked_field_ids": [(6, 0, pool.masked_field_ids.ids)], "daily_view_limit": pool.daily_view_limit}
        masked = pool.masked_field_ids.ids
        spec = list_specification(env)
        pooled = (
            env["res.partner"]
            .search([("pool_id", "=", pool.id), ("pool_state", "=", "pool")], limit=args.opens * 4)
            .ids
        )
        total = env["res.partner"].search_count([("pool_id", "=", pool.id)])
        pool_id, pool_name, uid, login = pool.id, pool.name, user.id, user.login
    print(f"pool {pool_name!r}: {total:,} customers; salesperson {login}; {args.opens} calls each")
    context = {"lang": "zh_CN", "tz": "Asia/Shanghai", "pool_manage": True, "bin_size": True}
    configs = [
        ("masking, no limit", masked, 0),
        (f"masking, limit {args.limit}", masked, args.limit),
        ("no masking, no limit", [], 0),
        (f"no masking, limit {args.limit}", [], args.limit),
    ]
    rows = []
    try:
        for index, (label, fields_masked, limit) in enumerate(configs):
            with registry.cursor() as cr:
                api.Environment(cr, SUPERUSER_ID, {})["crm.public.pool"].browse(pool_id).write(
                    {"masked_field_ids": [(6, 0, fields_masked)], "daily_view_limit": limit}
                )
            registry.clear_cache()
            lists, list_queries = measure(
                registry,
                api,
                uid,
                context,
                args.opens + 5,
                lambda env, i: env["res.partner"].web_search_read(
                    POOL_LIST_DOMAIN, spec, offset=0, limit=80, order="", count_limit=10001
                ),
            )
            customers = pooled[index * args.opens : (index + 1) * args.opens] or pooled
            forms, form_queries = measure(
                registry,
                api,
                uid,
                context,
                args.opens + 5,
                lambda env, i, customers=customers: env["res.partner"]
                .browse(customers[i % len(customers)])
                .web_read(FORM_SPEC),
            )
            rows.append((label, lists, list_queries, forms, form_queries))
    finally:
        with registry.cursor() as cr:
            api.Environment(cr, SUPERUSER_ID, {})["crm.public.pool"].browse(pool_id).write(saved)
    print("| configuration | list p50 | list p95 | list queries | form p50 | form p95 | form queries |")
    print("|---|---|---|---|---|---|---|")
    for label, lists, list_queries, forms, form_queries in rows:
        print(
            f"| {label} | {statistics.median(lists):.1f} ms | {percentile(lists, 0.95):.1f} ms | {list_queries} | "
            f"{statistics.median(forms):.1f} ms | {percentile(forms, 0.95):.1f} ms | {form_queries} |"
        )


def measure(registry, api, uid, context, count, call):
    """Times of ``count`` calls (the first 5 warm the caches and are dropped), and the queries of the last."""
    times = []
    queries = 0
    for i in range(count):
        with registry.cursor() as cr:
            env = api.Environment(cr, uid, context)
            env.user.fetch(["tz", "lang"])  # a request's session loads its user first
            before = cr.sql_log_count
            started = time.perf_counter()
            call(env, i)
            elapsed = (time.perf_counter() - started) * 1000
            queries = cr.sql_log_count - before
            cr.rollback()
        if i >= 5:
            times.append(elapsed)
    return times, queries


if __name__ == "__main__":
    main()
