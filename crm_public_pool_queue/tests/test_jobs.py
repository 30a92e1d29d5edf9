from datetime import timedelta

from psycopg2 import errors

from odoo import fields
from odoo.tests import tagged
from odoo.tools import mute_logger
from odoo.tools.translate import LazyGettext

from odoo.addons.crm_public_pool.models.engine_token import engine_statements
from odoo.addons.crm_public_pool.tests.common import PoolCase
from odoo.addons.crm_public_pool.tests.invariants import assert_pool_invariants
from odoo.addons.crm_public_pool.tests.test_recycle import RecycleCase
from odoo.addons.queue_job.job import Job

CHANNEL = "root.crm_public_pool"


class JobsMixin:
    def jobs(self):
        return self.env["queue.job"].search([("channel", "=", CHANNEL)], order="id")

    def perform(self, records):
        """Run jobs as the runner would: each once, after the jobs it depends on; return their results."""
        waiting = {record.uuid: set(record.dependencies.get("depends_on", [])) for record in records}
        done, results = set(), []
        while waiting:
            ready = sorted(uuid for uuid, needs in waiting.items() if not needs & set(waiting))
            self.assertTrue(ready, "jobs wait on each other")
            for uuid in ready:
                results.append(Job.load(self.env, uuid).perform())
                done.add(uuid)
                del waiting[uuid]
        self.env.invalidate_all()
        return results


@tagged("post_install", "-at_install")
class TestRecycleJobs(JobsMixin, RecycleCase):
    """The daily recycle as jobs on the crm_public_pool channel."""

    def setUp(self):
        super().setUp()
        self.rule(rule_type="no_followup")
        self.due = self.customers[:5]
        self.backdate(self.due, 60)

    def test_one_job_per_batch_enqueued_once(self):
        self.assertEqual(self.pool._recycle_enqueue(batch_size=2), 4)
        jobs = self.jobs()
        batches = jobs.filtered(lambda j: j.method_name == "_recycle_batch_job")
        self.assertEqual(len(batches), 3, "5 due customers in batches of 2")
        self.assertEqual(len(set(jobs.mapped("identity_key"))), 4)
        self.assertEqual((jobs - batches).state, "wait_dependencies", "the warnings wait for every batch")
        self.assertEqual(self.pool._recycle_enqueue(batch_size=2), 0, "a rerun of the day enqueues nothing")
        self.assertEqual(self.jobs(), jobs)
        self.assertOwned(self.due)
        self.perform(jobs)
        self.assertRecycled(self.due)
        self.assertOwned(self.customers[5:])
        assert_pool_invariants(self, self.env)
        # A batch performed again (its commit lost, say) finds nothing left in its range.
        self.perform(batches)
        self.assertRecycled(self.due)

    def test_rules_run_in_their_order(self):
        """A customer due under two rules is recycled by the first, as the preview says; the second waits."""
        first = self.Rule.create(
            {
                "pool_id": self.pool.id,
                "name": "First",
                "sequence": 1,
                "rule_type": "domain",
                "domain": f"[('id', 'in', {self.due[:2].ids})]",
                "warn_days": 0,
            }
        )
        expected = {line["partner_id"]: line["rule_id"] for line in self.pool._recycle_preview()}
        self.assertEqual({expected[p.id] for p in self.due[:2]}, {first.id})
        self.pool._recycle_enqueue(batch_size=2)
        jobs = self.jobs()
        by_rule = {}
        for record in jobs.filtered(lambda j: j.method_name == "_recycle_batch_job"):
            by_rule.setdefault(Job.load(self.env, record.uuid).recordset, record)
        self.assertEqual(by_rule[first].state, "pending")
        self.assertEqual(
            (jobs.filtered(lambda j: j.method_name == "_recycle_batch_job") - by_rule[first]).mapped("state"),
            ["wait_dependencies"] * 3,
            "the second rule's batches wait for the first rule's",
        )
        self.perform(jobs)
        done = {log.partner_id.id: log.rule_id.id for log in self.logs(self.due, "recycle")}
        self.assertEqual(done, expected)

    def test_daily_cron_enqueues_instead_of_moving(self):
        self.env["crm.public.pool"]._cron_recycle()
        self.assertOwned(self.due)
        jobs = self.jobs()
        self.assertTrue(jobs.filtered(lambda j: j.method_name == "_recycle_batch_job"))
        self.env["crm.public.pool"]._cron_recycle()
        self.assertEqual(self.jobs(), jobs, "the second run of the day enqueues nothing")
        self.perform(jobs)
        self.assertRecycled(self.due)

    def test_failed_batch_moves_nothing_and_its_retry_moves_each_once(self):
        self.pool._recycle_enqueue()
        (batch,) = self.jobs().filtered(lambda j: j.method_name == "_recycle_batch_job")
        # The audit table refuses rows: the customers' update has run when the statement fails.
        self.env.cr.execute(
            """
            CREATE FUNCTION pool_test_refuse_log() RETURNS trigger LANGUAGE plpgsql
                AS $$ BEGIN RAISE EXCEPTION 'audit table unavailable'; END $$;
            CREATE TRIGGER pool_test_refuse_log BEFORE INSERT ON crm_public_pool_log
                FOR EACH ROW EXECUTE FUNCTION pool_test_refuse_log();
            """
        )
        with mute_logger("odoo.sql_db"), self.assertRaises(errors.RaiseException), self.env.cr.savepoint():
            Job.load(self.env, batch.uuid).perform()
        self.env.invalidate_all()
        self.assertOwned(self.due)
        self.assertFalse(self.logs(self.due, "recycle"))
        self.env.cr.execute("DROP TRIGGER pool_test_refuse_log ON crm_public_pool_log")
        self.perform(batch)
        self.assertRecycled(self.due)
        assert_pool_invariants(self, self.env)

    def test_escalation_is_a_job_of_its_pool(self):
        self.pool.write({"unclaimed_days": 7, "unclaimed_action": "move", "unclaimed_pool_id": self.south_pool.id})
        waiting = self.env["res.partner"].create({"name": "Waiting Co", "is_company": True, "pool_id": self.pool.id})
        self.env.flush_all()
        with engine_statements(self.env.cr):
            self.env.cr.execute(
                "UPDATE res_partner SET pool_enter_date = %s WHERE id = %s",
                [fields.Datetime.now() - timedelta(days=10), waiting.id],
            )
        self.pool._recycle_enqueue()
        escalations = self.jobs().filtered(lambda j: j.method_name == "_escalate_unclaimed_job")
        self.assertEqual(Job.load(self.env, escalations.uuid).recordset, self.pool)
        self.assertEqual(waiting.pool_id, self.pool)
        self.perform(self.jobs())
        self.assertEqual((waiting.pool_state, waiting.pool_id), ("pool", self.south_pool))
        self.assertEqual(len(self.logs(waiting, "transfer")), 1)


@tagged("post_install", "-at_install")
class TestLargeWorkJobs(JobsMixin, PoolCase):
    """Large distributions and imports go to the queue in parts of ``job_size``."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param("crm_public_pool_queue.job_size", 3)

    def test_large_distribution_in_jobs(self):
        pooled = self.customers[:7]
        wizard = (
            self.env["crm.public.pool.assign.wizard"]
            .with_user(self.admin)
            .create({"pool_id": self.pool.id, "partner_ids": [(6, 0, pooled.ids)], "strategy": "round_robin"})
        )
        result = wizard.action_apply()
        self.assertIn("3 background jobs", result["params"]["message"])
        jobs = self.jobs()
        self.assertEqual(len(jobs), 3)
        self.assertEqual(set(jobs.mapped("user_id").ids), {self.admin.id}, "jobs act as the administrator")
        self.assertEqual(set(pooled.mapped("pool_state")), {"pool"}, "nothing moves before the jobs run")
        self.perform(jobs)
        self.assertEqual(set(pooled.mapped("pool_state")), {"private"})
        self.assertEqual(set(pooled.user_id.ids), {self.user_a.id, self.user_b.id})
        self.assertEqual(len(self.logs(pooled, "assign")), 7)
        assert_pool_invariants(self, self.env)

    def test_escalation_note_read_in_the_readers_language_after_the_jobs(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["crm_public_pool"], ["zh_CN"], overwrite=True)
        pooled = self.customers[:7]
        # The escalation's note (crm_public_pool's own message).
        note = LazyGettext("unclaimed for more than %(days)s days", days=14, _module="crm_public_pool")
        self.pool._escalate_assign(pooled, note)
        jobs = self.jobs()
        self.assertEqual(len(jobs), 3, "the note of the pool travels to the jobs as its message and values")
        self.perform(jobs)
        log = self.logs(pooled[0], "assign")
        chinese = log.with_context(lang="zh_CN")._read_format(["note"])[0]["note"]
        self.assertTrue(chinese.startswith("超过 14 天无人领取，分配："), chinese)

    def test_same_plan_enqueued_twice_is_one_set_of_jobs(self):
        plan = [(partner.id, self.user_a.id) for partner in self.customers[:7]]
        Engine = self.env["crm.public.pool.distribution"].with_user(self.admin)
        self.assertEqual(Engine._apply_plan(self.pool, plan, "user"), 3)
        Engine._apply_plan(self.pool, plan, "user")
        self.assertEqual(len(self.jobs()), 3)

    def test_large_import_in_jobs(self):
        rows = [[f"Imported Trading Co {i}", str(self.pool.id)] for i in range(6)] + [
            ["East Customer 0", str(self.pool.id)]
        ]
        # A pool that refuses duplicates: names that differ only by their number are other companies.
        self.pool.duplicate_policy = "block"
        Partner = self.env["res.partner"].with_context(import_file=True, pool_import_in_background=True)
        result = Partner.load(["name", "pool_id/.id"], rows)
        self.assertFalse(result["ids"])
        self.assertIn("7 rows are imported in the background by 3 jobs", result["messages"][0]["message"])
        self.assertFalse(self.env["res.partner"].search([("name", "like", "Imported Trading Co")]))
        results = self.perform(self.jobs())
        imported = self.env["res.partner"].search([("name", "like", "Imported Trading Co")])
        self.assertEqual(len(imported), 6)
        self.assertEqual(set(imported.mapped("pool_state")), {"pool"})
        self.assertEqual(
            self.env["res.partner"].search_count([("name", "=", "East Customer 0")]),
            1,
            "the row duplicating a customer is reported, not created",
        )
        self.assertEqual(len([r for r in results if "refuses duplicates" in r]), 1, results)
