from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from ..models.engine_token import engine_statements
from ..report.crm_public_pool_age_report import AGE_BUCKETS
from .common import PoolCase


@tagged("post_install", "-at_install")
class TestDashboard(PoolCase):
    def test_snapshot_records_pool_size_once_a_day(self):
        self.customers[:3].with_user(self.user_a).action_pool_claim()
        Snapshot = self.env["crm.public.pool.snapshot"]
        Snapshot._cron_snapshot()
        Snapshot._cron_snapshot()
        snapshot = Snapshot.search([("pool_id", "=", self.pool.id)])
        self.assertEqual(len(snapshot), 1, "re-running the same day updates the row")
        self.assertEqual((snapshot.pooled_count, snapshot.owned_count), (7, 3))

    def test_ageing_buckets(self):
        with engine_statements(self.env.cr):
            self.env.cr.execute(
                "UPDATE res_partner SET pool_enter_date = now() - interval '45 days' WHERE id = %s",
                [self.customers[0].id],
            )
        self.env.invalidate_all()
        rows = self.env["crm.public.pool.age.report"].search([("pool_id", "=", self.pool.id)])
        buckets = {row.partner_id: row.age_bucket for row in rows}
        self.assertEqual(buckets[self.customers[0]], "31_90")
        self.assertEqual(buckets[self.customers[1]], "00_07")
        groups = self.env["crm.public.pool.age.report"].read_group([], ["age_bucket"], ["age_bucket"])
        keys = [group["age_bucket"] for group in groups]
        self.assertEqual(keys, sorted(keys, key=[key for key, _label in AGE_BUCKETS].index), "groups in age order")
        self.assertEqual(len(rows), 10)

    def test_conversion_counts_claims_then_won(self):
        self.customers[:2].with_user(self.user_a).action_pool_claim()
        won_stage = self.env["crm.stage"].search([("is_won", "=", True)], limit=1)
        self.env["crm.lead"].create(
            {
                "name": "Won after claim",
                "type": "opportunity",
                "partner_id": self.customers[0].id,
                "user_id": self.user_a.id,
                "stage_id": won_stage.id,
                "expected_revenue": 5000,
                "date_closed": fields.Datetime.now() + timedelta(minutes=1),
            }
        )
        self.env.flush_all()
        groups = self.env["crm.public.pool.conversion.report"]._read_group(
            [("user_id", "=", self.user_a.id)], [], ["taken_count:sum", "won_count:sum", "won_revenue:sum"]
        )
        self.assertEqual(groups[0], (2, 1, 5000.0))

    def test_admin_sees_only_pools_they_administer(self):
        self.env["crm.public.pool.snapshot"]._cron_snapshot()
        visible = self.env["crm.public.pool.snapshot"].with_user(self.admin).search([]).pool_id
        self.assertEqual(visible, self.pool)
