"""The invariants of the public contract, checked in SQL over the whole database."""

import psycopg2

from odoo.tools import SQL

from ..models.res_partner_guard import LOGGED_TRIGGERS

OWNER_MOVES = (
    "create",
    "register",
    "claim",
    "assign",
    "transfer",
    "release",
    "recycle",
    "departure",
    "cleanup",
    "decline",
    "timeout",
)


def commit_refusal(cr):
    """Why PostgreSQL would refuse to commit the transaction so far (a move without its audit
    row, res_partner_guard.py), or None: the checks the commit runs, run now."""
    triggers = SQL(", ").join(SQL.identifier(name) for name in LOGGED_TRIGGERS)
    try:
        with cr.savepoint(flush=False):
            cr.execute(SQL("SET CONSTRAINTS %s IMMEDIATE", triggers), log_exceptions=False)
            cr.execute(SQL("SET CONSTRAINTS %s DEFERRED", triggers))
    except psycopg2.Error as error:
        return f"the database refuses to commit: {error.diag.message_primary}"
    return None


def pool_invariant_violations(cr):
    """Return a list of human-readable violations (empty when every invariant holds)."""
    refusal = commit_refusal(cr)
    problems = [refusal] if refusal else []
    cr.execute(
        """
        SELECT id, name, pool_state, user_id, pool_id FROM res_partner
         WHERE pool_state IS NOT NULL
           AND (pool_id IS NULL
                OR (pool_state = 'private' AND user_id IS NULL)
                OR (pool_state = 'pool' AND user_id IS NOT NULL))
        """
    )
    problems += [
        f"customer {row[0]} ({row[1]}) is {row[2]} with owner {row[3]} in pool {row[4]}" for row in cr.fetchall()
    ]
    cr.execute(
        """
        SELECT u.id, count(p.id), COALESCE(NULLIF(u.pool_max_customers, 0), c.pool_max_customers)
          FROM res_users u
          JOIN res_company c ON c.id = u.company_id
          JOIN res_partner p ON p.user_id = u.id AND p.pool_state = 'private' AND p.active
                            AND (p.is_company OR p.parent_id IS NULL)
         WHERE COALESCE(NULLIF(u.pool_max_customers, 0), c.pool_max_customers) > 0
           AND c.pool_count_won
         GROUP BY u.id, u.pool_max_customers, c.pool_max_customers
        HAVING count(p.id) > COALESCE(NULLIF(u.pool_max_customers, 0), c.pool_max_customers)
        """
    )
    problems += [f"user {row[0]} owns {row[1]} customers, limit {row[2]}" for row in cr.fetchall()]
    cr.execute(
        """
        SELECT p.id, p.user_id, last.to_user_id, last.action
          FROM res_partner p
          LEFT JOIN LATERAL (
                SELECT l.to_user_id, l.action FROM crm_public_pool_log l
                 WHERE l.partner_id = p.id AND l.action IN %s
                 ORDER BY l.date DESC, l.id DESC LIMIT 1) last ON TRUE
         WHERE p.pool_state IS NOT NULL AND (p.is_company OR p.parent_id IS NULL)
           AND (last.action IS NULL OR last.to_user_id IS DISTINCT FROM p.user_id)
        """,
        [OWNER_MOVES],
    )
    problems += [
        f"customer {row[0]} is owned by {row[1]} but its last move ({row[3]}) gave it to {row[2]}"
        for row in cr.fetchall()
    ]
    cr.execute(
        """
        SELECT c.id, c.user_id, c.pool_state, p.user_id, p.pool_state
          FROM res_partner c JOIN res_partner p ON p.id = c.commercial_partner_id
         WHERE c.id != p.id AND p.pool_state IS NOT NULL
           AND (c.user_id IS DISTINCT FROM p.user_id OR c.pool_state IS DISTINCT FROM p.pool_state)
        """
    )
    problems += [
        f"contact {row[0]} ({row[1]}, {row[2]}) differs from its company ({row[3]}, {row[4]})" for row in cr.fetchall()
    ]
    return problems


def assert_pool_invariants(case, env):
    """Flush and fail ``case`` with every violated invariant."""
    env.flush_all()
    problems = pool_invariant_violations(env.cr)
    case.assertFalse(problems, "pool invariants violated:\n" + "\n".join(problems))
