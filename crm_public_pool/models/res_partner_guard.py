"""PostgreSQL guards ownership: no move of a customer without the engine.

Two triggers on ``res_partner``, created here for every path (the ORM, another addon's
``sudo()``, ``_write``, an import, a server action, raw SQL):

- ``crm_public_pool_partner_engine_only`` refuses, at the statement, a change of a managed
  customer's owner, status, pool or lock, and any change of a pool date, unless the statement
  is the engine's (``engine_token.engine_statements``: a transaction-local setting only the
  engine's own statements carry).
- ``crm_public_pool_partner_logged``, a constraint trigger deferred to the commit, refuses the
  transaction unless every customer whose owner, status, pool or lock changed has the
  engine's audit row (``crm.public.pool.log``) written in the same transaction, the last of
  them naming the owner and pool the customer has at the commit.

Partners no pool manages keep Odoo's behaviour: their owner changes freely.
"""

from odoo import models
from odoo.tools import SQL

from .engine_token import ENGINE_KEY, GUARD_SETTING, engine_fact, engine_statements, in_engine
from .res_partner import POOL_ENGINE_FIELDS

# A change of these on a managed customer is a move: the engine's statement and its audit row.
OWNERSHIP_FIELDS = ("user_id", "pool_state", "pool_id", "pool_locked")
# The engine's own values (dates, previous owner, unplaced reason): only its statements change them.
POOL_DATE_FIELDS = tuple(sorted(POOL_ENGINE_FIELDS - {"pool_state"}))
GUARDED_FIELDS = frozenset(OWNERSHIP_FIELDS + POOL_DATE_FIELDS)
GUARD_TRIGGERS = ("crm_public_pool_partner_engine_only_insert", "crm_public_pool_partner_engine_only_update")
# The deferred checks: SET CONSTRAINTS ... IMMEDIATE runs them before the commit would.
LOGGED_TRIGGERS = ("crm_public_pool_partner_logged_insert", "crm_public_pool_partner_logged_update")


class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    def init(self):
        res = super().init()
        self._pool_create_guard()
        return res

    def _pool_create_guard(self):
        cr = self.env.cr
        ownership = [SQL.identifier(fname) for fname in OWNERSHIP_FIELDS]
        dates = [SQL.identifier(fname) for fname in POOL_DATE_FIELDS if self._fields[fname].store]

        def row(alias, columns):
            return SQL(
                "(%s)",
                SQL(", ").join(SQL("%s.%s", SQL(alias), column) for column in columns),
            )

        managed = SQL("(OLD.pool_state IS NOT NULL OR NEW.pool_state IS NOT NULL)")
        moved = SQL("%s IS DISTINCT FROM %s", row("OLD", ownership), row("NEW", ownership))
        dated = SQL("%s IS DISTINCT FROM %s", row("OLD", dates), row("NEW", dates))
        inserted = SQL(" OR ").join(
            [
                SQL("NEW.pool_state IS NOT NULL"),
                *(SQL("NEW.%s IS NOT NULL", column) for column in dates),
            ]
        )
        commercial = SQL("(NEW.is_company OR NEW.parent_id IS NULL)")
        cr.execute(
            SQL(
                """
                CREATE OR REPLACE FUNCTION crm_public_pool_partner_engine_only() RETURNS trigger
                LANGUAGE plpgsql AS $$
                BEGIN
                    IF coalesce(current_setting(%(setting)s, true), '') = txid_current()::text THEN
                        RETURN NEW;
                    END IF;
                    RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege', MESSAGE = 'Customer #' || NEW.id
                        || ' changes its owner, pool status, pool, lock or pool dates only through the customer '
                        || 'pool actions.';
                END $$
                """,
                setting=GUARD_SETTING,
            )
        )
        cr.execute(
            """
            CREATE OR REPLACE FUNCTION crm_public_pool_partner_logged() RETURNS trigger
            LANGUAGE plpgsql AS $$
            DECLARE
                customer record;
                logged record;
                locking record;
            BEGIN
                SELECT user_id, pool_id, pool_state, coalesce(pool_locked, false) AS locked INTO customer
                  FROM res_partner WHERE id = NEW.id;
                IF NOT FOUND THEN
                    RETURN NULL;  -- deleted since, and audited then
                END IF;
                -- The transaction's last move of the customer says where it is now: its owner and pool.
                SELECT to_user_id, pool_id INTO logged FROM crm_public_pool_log
                 WHERE partner_id = NEW.id AND engine_txid = txid_current()
                   AND action NOT IN ('request', 'appeal', 'warn')
                 ORDER BY id DESC LIMIT 1;
                IF NOT FOUND
                   OR (customer.pool_state IS NOT NULL
                       AND (logged.pool_id IS DISTINCT FROM customer.pool_id
                            OR logged.to_user_id IS DISTINCT FROM customer.user_id
                            OR (customer.pool_state = 'pool') <> (customer.user_id IS NULL))) THEN
                    RAISE EXCEPTION 'Customer #% changed its owner, pool status or pool without the audit row '
                                    'of the customer pool action that moved it.', NEW.id
                        USING ERRCODE = 'integrity_constraint_violation';
                END IF;
                -- And its last move that locks, unlocks or resets the lock says whether it is locked.
                IF TG_OP = 'UPDATE' AND OLD.pool_locked IS DISTINCT FROM NEW.pool_locked THEN
                    SELECT action INTO locking FROM crm_public_pool_log
                     WHERE partner_id = NEW.id AND engine_txid = txid_current()
                       AND action IN ('lock', 'unlock', 'release', 'recycle', 'cleanup', 'restore', 'departure',
                                      'create', 'register')
                     ORDER BY id DESC LIMIT 1;
                    IF NOT FOUND OR (locking.action = 'lock') <> customer.locked THEN
                        RAISE EXCEPTION 'Customer #% was locked or unlocked without the audit row of the customer '
                                        'pool action that did it.', NEW.id
                            USING ERRCODE = 'integrity_constraint_violation';
                    END IF;
                END IF;
                RETURN NULL;
            END $$
            """
        )
        for name in (*GUARD_TRIGGERS, *LOGGED_TRIGGERS):
            cr.execute(SQL("DROP TRIGGER IF EXISTS %s ON res_partner", SQL.identifier(name)))
        cr.execute(
            SQL(
                """
                CREATE TRIGGER crm_public_pool_partner_engine_only_insert
                 BEFORE INSERT ON res_partner FOR EACH ROW WHEN (%(inserted)s)
                EXECUTE FUNCTION crm_public_pool_partner_engine_only();
                CREATE TRIGGER crm_public_pool_partner_engine_only_update
                 BEFORE UPDATE ON res_partner FOR EACH ROW WHEN ((%(managed)s AND %(moved)s) OR %(dated)s)
                EXECUTE FUNCTION crm_public_pool_partner_engine_only();
                CREATE CONSTRAINT TRIGGER crm_public_pool_partner_logged_insert
                 AFTER INSERT ON res_partner DEFERRABLE INITIALLY DEFERRED
                 FOR EACH ROW WHEN (NEW.pool_state IS NOT NULL AND %(commercial)s)
                EXECUTE FUNCTION crm_public_pool_partner_logged();
                CREATE CONSTRAINT TRIGGER crm_public_pool_partner_logged_update
                 AFTER UPDATE ON res_partner DEFERRABLE INITIALLY DEFERRED
                 FOR EACH ROW WHEN (%(managed)s AND %(moved)s AND %(commercial)s)
                EXECUTE FUNCTION crm_public_pool_partner_logged();
                """,
                inserted=inserted,
                managed=managed,
                moved=moved,
                dated=dated,
                commercial=commercial,
            )
        )

    def _pool_drop_guard(self):
        cr = self.env.cr
        for name in (*GUARD_TRIGGERS, *LOGGED_TRIGGERS):
            cr.execute(SQL("DROP TRIGGER IF EXISTS %s ON res_partner", SQL.identifier(name)))
        cr.execute("DROP FUNCTION IF EXISTS crm_public_pool_partner_engine_only(), crm_public_pool_partner_logged()")

    def write(self, vals):
        if engine_fact(self.env, "merge_keeps_pool"):
            # Odoo's merge (base_partner_merge_automatic_wizard.py): the values of the merged
            # partners, but for the pool's, are the merging user's own write, without the token.
            partners = self.with_context(**{ENGINE_KEY: None})
            return partners.write({fname: value for fname, value in vals.items() if fname not in GUARDED_FIELDS})
        if not (self and in_engine(self.env) and GUARDED_FIELDS.intersection(vals)):
            return super().write(vals)
        # The engine's values reach the table in this flush, as the engine's statements.
        with engine_statements(self.env.cr):
            res = super().write(vals)
            self.flush_recordset(sorted(GUARDED_FIELDS.intersection(vals)))
        return res
