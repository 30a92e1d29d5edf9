"""Recompute the name keys of numbered branches: 华为技术有限公司二分公司 is now 华为技术2, not its parent's
key 华为技术, so that its first and second branches are two customers (logic/names.py)."""

from odoo.addons.crm_public_pool.logic.names import normalize_company_name

BATCH = 10000
# Only a branch's name may change key: the others keep theirs.
BRANCHES = "(分公司|分行|支行|分厂|办事处|营业部|分店)"


def migrate(cr, version):
    if not version:
        return
    last_id = 0
    while True:
        cr.execute(
            """
            SELECT id, name, pool_name_key FROM res_partner
             WHERE id > %s AND name ~ %s
             ORDER BY id LIMIT %s
            """,
            [last_id, BRANCHES, BATCH],
        )
        rows = cr.fetchall()
        if not rows:
            return
        last_id = rows[-1][0]
        keys = ((partner_id, normalize_company_name(name) or None, key) for partner_id, name, key in rows)
        changed = [(partner_id, new) for partner_id, new, old in keys if new != old]
        if changed:
            cr.execute(
                """
                UPDATE res_partner p SET pool_name_key = v.key
                  FROM unnest(%s::int[], %s::varchar[]) AS v(id, key)
                 WHERE p.id = v.id
                """,
                [[row[0] for row in changed], [row[1] for row in changed]],
            )
