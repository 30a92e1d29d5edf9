"""PostgreSQL refuses every move of a customer that is not the engine's (res_partner_guard.py).

The ORM's own refusals are tested elsewhere (test_access, test_hostile): here the Python layer
is bypassed on purpose, as another addon's ``sudo()`` code, ``_write`` or raw SQL would, and
the database must refuse. A deferred check runs when the transaction commits; a test never
commits, so ``commit_check`` asks PostgreSQL to run the pending checks now
(``SET CONSTRAINTS ... IMMEDIATE``), exactly the checks a commit runs.
"""

from datetime import timedelta

import psycopg2
from psycopg2 import errors

from odoo import fields
from odoo.models import BaseModel
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..models.engine_token import engine_statements
from ..models.res_partner_guard import LOGGED_TRIGGERS, OWNERSHIP_FIELDS, POOL_DATE_FIELDS
from .common import PoolCase


@tagged("post_install", "-at_install")
class TestDatabaseGuard(PoolCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.flush_all()
        cls.owned = cls.customers[0]
        cls.owned.with_user(cls.user_a).action_pool_claim()
        cls.pooled = cls.customers[1]
        cls.rule = cls.env["crm.public.pool.rule"].create(
            {"pool_id": cls.pool.id, "name": "East: no follow-up", "rule_type": "no_followup", "days": 30}
        )

    def forged_values(self, partner):
        """A value for each protected column that differs from the customer's own."""
        later = fields.Datetime.now() + timedelta(days=3650)
        values = {
            "user_id": self.user_b.id,
            "pool_state": "pool" if partner.pool_state == "private" else "private",
            "pool_id": self.south_pool.id,
            "pool_locked": not partner.pool_locked,
            "pool_previous_user_id": self.user_c.id,
            "pool_unplaced_reason": "forged",
            # JSON text: valid for the ORM's Json field and for a jsonb column in SQL alike.
            "pool_unplaced_message": '{"module": "crm_public_pool", "source": "forged", "args": []}',
        }
        for fname in POOL_DATE_FIELDS:
            values.setdefault(fname, later)
        return values

    def commit_check(self):
        """Run the checks the commit would run, now."""
        names = ", ".join(LOGGED_TRIGGERS)
        self.env.cr.execute(f"SET CONSTRAINTS {names} IMMEDIATE")  # noqa: S608 - fixed trigger names
        self.env.cr.execute(f"SET CONSTRAINTS {names} DEFERRED")  # noqa: S608

    def assertRefused(self, error, change):
        with mute_logger("odoo.sql_db"), self.assertRaises(error), self.env.cr.savepoint():
            change()
        self.env.invalidate_all()

    # ------------------------------------------------------------------
    # Every path below the ORM's checks
    # ------------------------------------------------------------------

    def test_write_of_each_protected_column_without_the_engine_is_refused(self):
        columns = OWNERSHIP_FIELDS + POOL_DATE_FIELDS
        for partner in (self.owned, self.pooled):
            for fname, value in self.forged_values(partner).items():
                self.assertIn(fname, columns)
                with self.subTest(path="_write", field=fname, state=partner.pool_state):
                    self.assertRefused(
                        errors.InsufficientPrivilege, lambda p=partner, f=fname, v=value: p.sudo()._write({f: v})
                    )
                with self.subTest(path="sudo() write below the addon's write", field=fname, state=partner.pool_state):
                    # Another addon's code that reaches the ORM's own write (the addon's override skipped).
                    self.assertRefused(
                        errors.InsufficientPrivilege,
                        lambda p=partner, f=fname, v=value: (BaseModel.write(p.sudo(), {f: v}), p.env.flush_all()),
                    )
                with self.subTest(path="SQL", field=fname, state=partner.pool_state):
                    self.assertRefused(
                        errors.InsufficientPrivilege,
                        lambda p=partner, f=fname, v=value: self.env.cr.execute(
                            f"UPDATE res_partner SET {f} = %s WHERE id = %s",  # noqa: S608 - field names
                            [v, p.id],
                        ),
                    )
        self.assertEqual(self.owned.user_id, self.user_a, "nothing changed")
        self.assertEqual(self.pooled.pool_state, "pool")

    def test_an_inserted_customer_needs_the_engine(self):
        self.assertRefused(
            errors.InsufficientPrivilege,
            lambda: self.env.cr.execute(
                "INSERT INTO res_partner (name, active, pool_state, pool_id, user_id) VALUES ('x', true, 'private', %s, %s)",
                [self.pool.id, self.user_a.id],
            ),
        )

    def test_a_move_without_its_audit_row_is_refused_at_commit(self):
        for fname in OWNERSHIP_FIELDS:
            value = self.forged_values(self.owned)[fname]
            with self.subTest(field=fname):

                def move(fname=fname, value=value):
                    with engine_statements(self.env.cr):
                        self.env.cr.execute(
                            f"UPDATE res_partner SET {fname} = %s WHERE id = %s",  # noqa: S608 - field names
                            [value, self.owned.id],
                        )
                    self.commit_check()

                self.assertRefused(errors.IntegrityConstraintViolation, move)

    def test_engine_moves_commit(self):
        """Every everyday move writes its audit row in the same transaction: the commit passes."""
        self.customers[2:4].with_user(self.user_a).action_pool_claim()
        self.customers[2].with_user(self.user_a).pool_release("no_need")
        self.customers[3].with_user(self.user_a).action_pool_lock()
        self.customers[3].with_user(self.manager).pool_transfer(self.user_b.id)
        self.pool.with_user(self.admin).pool_assign(self.customers[4].ids, self.user_b.id)
        self.customers[5].with_user(self.manager).write({"pool_id": self.south_pool.id})
        self.customers[6].with_user(self.manager).action_archive()
        self.env["res.partner"].with_user(self.user_a).create(
            {"name": "New Customer", "is_company": True, "pool_id": self.pool.id, "user_id": self.user_a.id}
        )
        self.env.flush_all()
        self.commit_check()

    def test_partners_no_pool_manages_change_owner_freely(self):
        plain = self.env["res.partner"].create({"name": "Plain Vendor"})
        self.env.flush_all()
        self.env.cr.execute("UPDATE res_partner SET user_id = %s WHERE id = %s", [self.user_a.id, plain.id])
        plain.invalidate_recordset()
        plain.write({"user_id": self.user_b.id})
        self.env.flush_all()
        self.commit_check()
        self.assertEqual(plain.user_id, self.user_b)
        self.assertFalse(plain.pool_state)

    # ------------------------------------------------------------------
    # The set-based recycle statement
    # ------------------------------------------------------------------

    def age_owned(self, days):
        self.env.flush_all()
        with engine_statements(self.env.cr):
            self.env.cr.execute(
                "UPDATE res_partner SET pool_claim_date = %s, pool_last_followup_date = NULL WHERE id = %s",
                [fields.Datetime.now() - timedelta(days=days), self.owned.id],
            )
        self.env.invalidate_all()

    def test_recycle_statement_with_its_audit_rows_commits(self):
        self.age_owned(40)
        moved = self.rule._recycle_batch(fields.Datetime.now(), 100)
        self.assertIn((self.owned.id, self.user_a.id), moved)
        self.commit_check()
        self.env.invalidate_all()
        self.assertEqual(self.owned.pool_state, "pool")
        self.assertTrue(self.logs(self.owned, "recycle"))

    def test_recycle_statement_without_its_audit_rows_is_refused(self):
        self.age_owned(40)

        def recycle_without_log():
            # The recycle's UPDATE of the customer, run as the engine, but without its INSERT of the log rows.
            with engine_statements(self.env.cr):
                self.env.cr.execute(
                    """UPDATE res_partner SET pool_state = 'pool', user_id = NULL, pool_previous_user_id = user_id,
                              pool_enter_date = now() at time zone 'utc', pool_recycle_date = NULL
                        WHERE id = %s""",
                    [self.owned.id],
                )
            self.commit_check()

        self.assertRefused(errors.IntegrityConstraintViolation, recycle_without_log)
        self.assertEqual(self.owned.pool_state, "private")

    # ------------------------------------------------------------------
    # The audit log
    # ------------------------------------------------------------------

    def test_audit_rows_cannot_be_changed_or_deleted(self):
        log = self.logs(self.owned, "claim")
        self.assertTrue(log)
        self.env.flush_all()
        for statement in (
            "UPDATE crm_public_pool_log SET note = 'forged' WHERE id = %s",
            "UPDATE crm_public_pool_log SET to_user_id = NULL WHERE id = %s",
            "DELETE FROM crm_public_pool_log WHERE id = %s",
        ):
            with self.subTest(statement=statement):
                self.assertRefused(errors.InsufficientPrivilege, lambda s=statement: self.env.cr.execute(s, [log.id]))
        self.assertRefused(errors.InsufficientPrivilege, lambda: self.env.cr.execute("TRUNCATE crm_public_pool_log"))

    def test_rows_of_earlier_transactions_stay_unchanged_even_for_the_engine(self):
        # A row as an earlier transaction left it (its transaction id is not this one's).
        self.env.cr.execute(
            """INSERT INTO crm_public_pool_log (date, partner_id, action, engine_txid)
               VALUES (now() at time zone 'utc', %s, 'lock', 1) RETURNING id""",
            [self.owned.id],
        )
        old_id = self.env.cr.fetchone()[0]

        def forge():
            with engine_statements(self.env.cr):
                self.env.cr.execute("UPDATE crm_public_pool_log SET note = 'forged' WHERE id = %s", [old_id])

        self.assertRefused(errors.InsufficientPrivilege, forge)

    def test_deleting_a_customer_keeps_its_history(self):
        """The one change of a committed row: a reference set to NULL when what it names is deleted."""
        customer = self.customers[7]
        rows = self.logs(customer)
        self.assertTrue(rows)
        customer.with_user(self.manager).sudo().unlink()
        self.env.flush_all()
        self.commit_check()
        rows.invalidate_recordset()
        self.assertFalse(rows.partner_id)
        self.assertEqual(set(rows.mapped("partner_name")), {"East Customer 7"})

    def test_merging_customers_moves_their_history_to_the_one_kept(self):
        kept, merged = self.customers[8], self.customers[9]
        history = self.logs(merged)
        # Customers with different e-mails: only the administrator may merge them (Odoo's rule).
        self.env["base.partner.merge.automatic.wizard"]._merge((kept | merged).ids, kept)
        self.env.flush_all()
        self.commit_check()
        history.invalidate_recordset()
        self.assertEqual(history.partner_id, kept)
        self.assertTrue(self.logs(kept, "cleanup"), "the merge is audited on the customer kept")

    @mute_logger("odoo.sql_db")
    def test_a_failed_engine_statement_leaves_no_engine_setting_behind(self):
        with self.assertRaises(psycopg2.Error), self.env.cr.savepoint():
            with engine_statements(self.env.cr):
                self.env.cr.execute("SELECT 1/0")
        self.env.cr.execute("SELECT current_setting('crm_public_pool.engine', true)")
        self.assertIn(self.env.cr.fetchone()[0], (None, ""))
        self.assertRefused(
            errors.InsufficientPrivilege,
            lambda: self.env.cr.execute(
                "UPDATE res_partner SET pool_recycle_date = now() WHERE id = %s", [self.owned.id]
            ),
        )
