"""A customer returned to the pool by the ORM engine and one returned by the set-based recycle
statement end in the same state: the customer, its contacts, its leads, its To-Dos, its audit row.

Only the chatter differs, on purpose: a bulk recycle writes no chatter line per customer (the
audit log is the record; FACTS.md measured the cost of per-customer messages at 8x).
"""

from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from ..models.engine_token import engine_statements
from .common import PoolCase

PARTNER_STATE = [
    "pool_state",
    "user_id",
    "pool_id",
    "pool_previous_user_id",
    "pool_locked",
    "pool_recycle_date",
    "pool_warned_date",
    "pool_embargo_until",
    "active",
]


@tagged("post_install", "-at_install")
class TestRecycleEquivalence(PoolCase):
    def _owned_customer(self, name):
        customer = self.env["res.partner"].create({"name": name, "is_company": True, "pool_id": self.pool.id})
        customer.with_user(self.user_a).action_pool_claim()
        contact = self.env["res.partner"].create({"name": f"{name} buyer", "parent_id": customer.id})
        lead = self.env["crm.lead"].create(
            {"name": f"{name} deal", "partner_id": customer.id, "user_id": self.user_a.id}
        )
        won = self.env["crm.lead"].create(
            {"name": f"{name} won deal", "partner_id": customer.id, "user_id": self.user_a.id}
        )
        won.action_set_won()
        return customer, contact, lead, won

    def _state(self, customer, contact, lead, won):
        partner = customer.read(PARTNER_STATE)[0]
        partner.pop("id")
        log = self.logs(customer).sorted("id")[-1]
        activities = self.env["mail.activity"].search_count(
            [("res_model", "=", "res.partner"), ("res_id", "=", customer.id)]
        )
        return {
            "customer": partner,
            "contact": (contact.user_id.id, contact.pool_state, contact.pool_id.id),
            "open lead": lead.user_id.id,
            "won lead": won.user_id.id,
            "to-dos": activities,
            "log": (log.pool_id.id, log.from_user_id.id, log.to_user_id.id, log.from_pool_id.id),
        }

    def test_orm_release_and_sql_recycle_agree(self):
        rule = self.env["crm.public.pool.rule"].create(
            {
                "pool_id": self.pool.id,
                "name": "No follow-up",
                "rule_type": "no_followup",
                "days": 10,
                "warn_days": 5,
                "include_won": True,
                "include_open_opportunities": True,
            }
        )
        by_orm = self._owned_customer("By ORM Co")
        by_sql = self._owned_customer("By SQL Co")
        # Both neglected into the warning window, so each has a warning To-Do and a warned date.
        past = fields.Datetime.now() - timedelta(days=7)
        self.env.flush_all()
        with engine_statements(self.env.cr):
            self.env.cr.execute(
                "UPDATE res_partner SET pool_claim_date = %s, pool_last_followup_date = NULL WHERE id IN %s",
                [past, (by_orm[0].id, by_sql[0].id)],
            )
        self.env.invalidate_all()
        self.pool._recycle_run()
        self.assertTrue(by_orm[0].pool_warned_date and by_sql[0].pool_warned_date, "fixture: both were warned")

        by_orm[0].with_user(self.user_a).pool_release("no_need")
        with engine_statements(self.env.cr):
            self.env.cr.execute(
                "UPDATE res_partner SET pool_claim_date = %s WHERE id = %s",
                [fields.Datetime.now() - timedelta(days=11), by_sql[0].id],
            )
        self.env.invalidate_all()
        moved = rule._recycle_batch(fields.Datetime.now(), 100)
        self.assertEqual([row[0] for row in moved], by_sql[0].ids, "fixture: the statement recycled just that one")
        self.pool._recycle_invalidate()

        orm, sql = self._state(*by_orm), self._state(*by_sql)
        self.assertEqual(orm, sql)
        self.assertEqual(orm["customer"]["pool_state"], "pool")
        self.assertEqual(orm["to-dos"], 0)
        self.assertEqual(orm["won lead"], self.user_a.id, "a won deal stays with whoever won it")
