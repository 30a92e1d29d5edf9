"""List the SQL queries of one claim, in order, on a generated database (nothing is kept).

    cd /opt/odoo && .venv/bin/python /work/main/bench/claim_queries.py \
        --odoo . --db bench_pool --db_host 127.0.0.1 --db_user root

As a salesperson of the first pool (their caches warmed by a first claim, as a worker's are after
a few requests), ``action_pool_claim`` of one pooled customer, then of one already owned by a
colleague (the refusal); each query is printed with its first characters and where in the addon
it was issued. Everything is rolled back. This is the in-process part of a claim: the web layer
adds its own queries per request (session check, the transaction), which ``bench_rpc.py`` counts
from the server's request log.
"""

import argparse
import logging
import traceback

from generate import add_db_arguments, odoo_setup


class QueryRecorder(logging.Handler):
    """Collects the SQL that ``odoo.sql_db`` logs at DEBUG level, with the addon's frame that issued it."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.queries = []

    def emit(self, record):
        message = record.getMessage()
        if "query:" not in message:
            return
        frames = [f for f in traceback.extract_stack() if "crm_public_pool" in f.filename]
        where = f"{frames[-1].filename.rsplit('/', 1)[-1]}:{frames[-1].lineno} {frames[-1].name}" if frames else "odoo"
        self.queries.append((" ".join(message.split("query:", 1)[1].split())[:110], where))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_db_arguments(parser)
    args = parser.parse_args()
    odoo, _addons, _db_args = odoo_setup(args)
    registry = odoo.modules.registry.Registry(args.db)
    recorder = QueryRecorder()
    sql_logger = logging.getLogger("odoo.sql_db")
    with registry.cursor() as cr:
        cr.execute(
            # A pool with customers left to claim (bench_rpc.py's rush pool may have none).
            """SELECT u.id, r.pool_id FROM res_users u JOIN crm_public_pool_member_user_rel r ON r.user_id = u.id
                WHERE u.login LIKE 'sales%%'
                  AND (SELECT count(*) FROM (SELECT 1 FROM res_partner p WHERE p.pool_id = r.pool_id
                          AND p.pool_state = 'pool' AND p.active AND p.is_company LIMIT 2) two) = 2
                  AND EXISTS (SELECT 1 FROM res_partner p WHERE p.pool_id = r.pool_id AND p.pool_state = 'private')
                ORDER BY u.id, r.pool_id LIMIT 1"""
        )
        uid, pool_id = cr.fetchone()
        cr.execute(
            """SELECT id FROM res_partner WHERE pool_id = %s AND pool_state = 'pool' AND active AND is_company
                 AND pool_previous_user_id IS DISTINCT FROM %s ORDER BY id LIMIT 2""",
            [pool_id, uid],
        )
        warm, target = (row[0] for row in cr.fetchall())
        cr.execute(
            "SELECT id FROM res_partner WHERE pool_id = %s AND pool_state = 'private' AND user_id != %s LIMIT 2",
            [pool_id, uid],
        )
        warm_taken, taken = (row[0] for row in cr.fetchall())
        env = odoo.api.Environment(cr, uid, {"lang": "zh_CN"})
        # A worker that served a few requests has its registry caches (access rules, groups) warm.
        env["res.partner"].browse(warm).action_pool_claim()
        try:
            with cr.savepoint():
                env["res.partner"].browse(warm_taken).action_pool_claim()
        except odoo.exceptions.UserError:
            pass
        env.flush_all()
        for label, partner_id in (("claim", target), ("refusal: owned by a colleague", taken)):
            env.invalidate_all()
            env.transaction.clear()
            recorder.queries.clear()
            sql_logger.addHandler(recorder)
            sql_logger.setLevel(logging.DEBUG)
            sql_logger.propagate = False
            error = None
            try:
                with cr.savepoint():
                    env["res.partner"].browse(partner_id).action_pool_claim()
                    env.flush_all()
            except odoo.exceptions.UserError as refusal:
                error = str(refusal)
            finally:
                sql_logger.removeHandler(recorder)
                sql_logger.setLevel(logging.WARNING)
                sql_logger.propagate = True
            # The savepoints of this script, not the claim's: its row lock sends its own savepoint
            # in the lock's round trip ("SAVEPOINT pool_claim_lock; SELECT ... NOWAIT"), which counts.
            queries = [
                q
                for q in recorder.queries
                if ";" in q[0] or not q[0].startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO"))
            ]
            print(f"\n{label}: {len(queries)} queries" + (f" ({error})" if error else ""))
            for number, (query, where) in enumerate(queries, 1):
                print(f"{number:3} {where:55} {query}")
        cr.rollback()


if __name__ == "__main__":
    main()
