"""Recompute the brand keys: lines of business are now read word by word (盛达|软件科技, not 盛达软件|科技)."""

from odoo.addons.crm_public_pool.logic.names import brand_key

BATCH = 10000


def migrate(cr, version):
    if not version:
        return
    last_id = 0
    while True:
        cr.execute(
            "SELECT id, name, pool_brand_key FROM res_partner WHERE id > %s AND name IS NOT NULL ORDER BY id LIMIT %s",
            [last_id, BATCH],
        )
        rows = cr.fetchall()
        if not rows:
            return
        last_id = rows[-1][0]
        keys = ((partner_id, brand_key(name) or None, key) for partner_id, name, key in rows)
        changed = [(partner_id, new) for partner_id, new, old in keys if new != old]
        if changed:
            cr.execute(
                """
                UPDATE res_partner p SET pool_brand_key = v.key
                  FROM unnest(%s::int[], %s::varchar[]) AS v(id, key)
                 WHERE p.id = v.id
                """,
                [[row[0] for row in changed], [row[1] for row in changed]],
            )
