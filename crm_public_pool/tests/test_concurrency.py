import random
from datetime import timedelta

from odoo import api, fields
from odoo.tests import tagged

from ..models.engine_token import engine_statements
from .races import CLAIMED, GAVE_UP, RaceCase, Refused

# Each scenario runs this many times; every round is a fresh race on new customers.
ROUNDS = 10


@tagged("post_install", "-at_install")
class TestConcurrency(RaceCase):
    """Real parallel transactions, each on its own cursor, committed like RPC requests."""

    RACERS = 32

    def test_two_users_claim_one_customer_exactly_one_wins(self):
        for _round in range(ROUNDS):
            (customer,) = self.make_customers(1)
            outcomes = self.race([(uid, [customer]) for uid in self.user_ids[:2]], self.claim)
            self.assertEqual(outcomes.count(CLAIMED), 1, outcomes)
            loser = next(o for o in outcomes if o != CLAIMED)
            # Before the winner committed: refused at once; after: no longer in the pool.
            self.assertRegex(
                loser, "no longer in the pool|Being claimed by a colleague|Claimed or changed by a colleague"
            )
            owner, state = self.owners([customer])[customer]
            self.assertEqual(state, "private")
            self.assertIn(owner, self.user_ids[:2])
            self.assertEqual(self.log_counts([customer], "claim"), {customer: 1}, "exactly one claim row")
            self.assert_invariants()

    def test_32_workers_claim_from_the_same_20_customers(self):
        """Every worker claims one of the 20, trying them in its own order, until one is its own or none is left."""

        def claim_any(env, order):
            for partner_id in order:
                # A person retries a claim that failed on a conflict; 20 tries covers 31 rivals.
                if self.claim(env, [partner_id], tries=20) == CLAIMED:
                    return partner_id
            return None

        for round_ in range(ROUNDS):
            customers = self.make_customers(20)
            jobs = []
            for index, uid in enumerate(self.user_ids):
                order = list(customers)
                random.Random(round_ * 100 + index).shuffle(order)
                jobs.append((uid, order))
            won = self.race(jobs, claim_any)
            winners = {partner_id: uid for (uid, _order), partner_id in zip(jobs, won, strict=False) if partner_id}
            self.assertEqual(len(winners), 20, f"round {round_}: every customer claimed once: {won}")
            self.assertEqual(sum(1 for w in won if w), 20, "no customer claimed twice")
            owners = self.owners(customers)
            self.assertEqual(owners, {pid: (uid, "private") for pid, uid in winners.items()})
            self.assertEqual(self.log_counts(customers, "claim"), dict.fromkeys(customers, 1), "one claim row each")
            self.assert_invariants()

    def test_16_workers_of_one_user_never_exceed_the_cap(self):
        uid = self.user_ids[-1]
        cap = 5
        with self.registry.cursor() as cr:
            api.Environment(cr, api.SUPERUSER_ID, {})["res.users"].browse(uid).pool_max_customers = cap
        for round_ in range(ROUNDS):
            customers = self.make_customers(16)
            outcomes = self.race(
                [(uid, [customer]) for customer in customers], lambda env, ids: self.claim(env, ids, tries=20)
            )
            owned = self.fetch("SELECT id FROM res_partner WHERE user_id = %s AND pool_state = 'private'", [uid])
            self.assertEqual(len(owned), cap, f"round {round_}: {outcomes}")
            self.assertEqual(outcomes.count(CLAIMED), cap)
            refused = [o for o in outcomes if o != CLAIMED]
            self.assertTrue(all(f"you own {cap} of {cap} allowed" in o for o in refused), refused)
            self.assertEqual(sum(self.log_counts(customers, "claim").values()), cap)
            self.assert_invariants()
            with self.registry.cursor() as cr:
                env = self.env_for(cr, uid)
                env["res.partner"].browse([row[0] for row in owned]).pool_release("no_need")

    def test_claims_race_the_recycle_cron_and_an_assignment(self):
        """Salespeople claim while the cron recycles due customers and the admin assigns pooled ones."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            rule = env["crm.public.pool.rule"].create(
                {"pool_id": self.pool_id, "name": "Race: no follow-up", "rule_type": "no_followup", "days": 30}
            )
        claimers, owner, receiver = self.user_ids[:8], self.user_ids[8], self.user_ids[9]
        try:
            for round_ in range(ROUNDS):
                due = self.make_customers(12, label=f"Due {round_}")
                pooled = self.make_customers(12, label=f"Pooled {round_}")
                with self.registry.cursor() as cr:
                    env = self.env_for(cr)
                    env["res.partner"].browse(due)._pool_lock_rows()._pool_move_to_owner(
                        env["res.users"].browse(owner), "assign"
                    )
                    env.flush_all()
                    long_ago = fields.Datetime.now() - timedelta(days=60)
                    with engine_statements(cr):
                        cr.execute(
                            "UPDATE res_partner SET pool_claim_date = %s, pool_last_followup_date = %s WHERE id IN %s",
                            [long_ago, long_ago, tuple(due)],
                        )
                rng = random.Random(round_)
                jobs = [(uid, ("claim", rng.sample(due + pooled, 24))) for uid in claimers]
                jobs.append((api.SUPERUSER_ID, ("recycle", None)))
                jobs.append((self.admin_id, ("assign", pooled[:6])))

                def work(env, args):
                    kind, ids = args
                    pool = env["crm.public.pool"].browse(self.pool_id)
                    if kind == "recycle":
                        return self.with_retry(env, lambda: pool._recycle_run(batch_size=3, commit=True), tries=20)
                    if kind == "assign":
                        return self.with_retry(env, lambda: pool.pool_assign(ids, receiver), tries=20)
                    got = []
                    for partner_id in ids:
                        if self.claim(env, [partner_id], tries=20) == CLAIMED:
                            got.append(partner_id)
                        if len(got) == 2:
                            break
                    return got

                outcomes = self.race(jobs, work)
                recycled, assigned = outcomes[-2], outcomes[-1]
                self.assertEqual(recycled, CLAIMED, "the cron finished")
                self.assertNotEqual(assigned, GAVE_UP)
                # Rows a claimer held locked were skipped (SKIP LOCKED): the next run takes them.
                with self.registry.cursor() as cr:
                    self.env_for(cr)["crm.public.pool"].browse(self.pool_id)._recycle_run(commit=True)
                claimed = [pid for got in outcomes[:-2] for pid in got]
                self.assertEqual(len(claimed), len(set(claimed)), "no customer claimed twice")
                self.assertEqual(sum(self.log_counts(due + pooled, "claim").values()), len(claimed))
                recycle_rows = self.log_counts(due, "recycle")
                self.assertTrue(all(count == 1 for count in recycle_rows.values()), recycle_rows)
                owners = self.owners(due + pooled)
                for partner_id in due:
                    # A due customer is recycled exactly once, by the race or the rerun; claimers
                    # could only take it after that.
                    self.assertEqual(
                        recycle_rows.get(partner_id), 1, f"round {round_}: {partner_id} {owners[partner_id]}"
                    )
                for partner_id in claimed:
                    self.assertEqual(owners[partner_id][1], "private")
                    self.assertIn(owners[partner_id][0], claimers)
                if assigned == CLAIMED:
                    self.assertEqual({owners[pid] for pid in pooled[:6]}, {(receiver, "private")})
                else:
                    self.assertIn("no longer in the pool", assigned)
                self.assert_invariants()
        finally:
            with self.registry.cursor() as cr:
                api.Environment(cr, api.SUPERUSER_ID, {})["crm.public.pool.rule"].browse(rule.id).active = False

    def test_two_registrations_of_near_names_collide(self):
        """No exact key in common, only a near name: the second still sees the first's customer."""
        # Unlike each other, so that no round resembles an earlier one.
        brands = [
            "衢州澄江星",
            "丽水岚山月",
            "舟山沧海帆",
            "湖州翠竹林",
            "嘉兴鸿雁飞",
            "金华赤霞锦",
            "台州青松岭",
            "温州白鹭洲",
            "绍兴紫藤园",
            "宁德金沙湾",
        ]
        for brand in brands[:ROUNDS]:
            names = [f"{brand}网络技术有限公司", f"{brand}网络枝术有限公司"]
            try:
                outcomes = self.race(list(zip(self.user_ids[:2], names, strict=False)), self.register)
                self.assertEqual(outcomes.count(CLAIMED), 1, outcomes)
                loser = next(o for o in outcomes if o != CLAIMED)
                self.assertIn("duplicate", loser)
                count = self.fetch(
                    "SELECT count(*) FROM res_partner WHERE name = ANY(%s) AND pool_state IS NOT NULL", [names]
                )
                self.assertEqual(count[0][0], 1, "one customer, not two")
            finally:
                # Committed data: keep these names away from the other tests whatever happened.
                with self.registry.cursor() as cr:
                    cr.execute("DELETE FROM crm_public_pool_registration WHERE name = ANY(%s)", [names])
                    self.purge_customers(cr, "name = ANY(%s)", [names])
            self.assert_invariants()

    def register(self, env, args):
        """Submit a registration; CLAIMED when it registered the prospect."""
        name, phone = args if isinstance(args, tuple) else (args, False)

        def submit():
            registration = env["crm.public.pool.registration"].create({"name": name, "phone": phone})
            registration.action_submit()
            if registration.state != "registered":
                raise Refused(f"{registration.state}: {registration.result_message}")

        return self.with_retry(env, submit)

    def test_two_registrations_of_one_new_company_collide(self):
        for round_ in range(ROUNDS):
            name = [
                "Qingdao Brewery",
                "Anhui Conch Cement",
                "Gree Electric",
                "Harbin Pharma",
                "Longsheng Dyes",
                "Weichai Power",
                "Sany Heavy",
                "Haier Smart Home",
                "Midea Group",
                "Luzhou Laojiao",
            ][round_]
            phone = f"+86 21 5555 01{round_:02d}"
            outcomes = self.race([(uid, (name, phone)) for uid in self.user_ids[:2]], self.register)
            self.assertEqual(outcomes.count(CLAIMED), 1, outcomes)
            with self.registry.cursor() as cr:
                cr.execute("SELECT count(*) FROM res_partner WHERE name = %s AND pool_state IS NOT NULL", [name])
                self.assertEqual(cr.fetchone()[0], 1, "one customer, not two")
                cr.execute("DELETE FROM crm_public_pool_registration WHERE name = %s", [name])
                self.purge_customers(cr, "name = %s", [name])
            self.assert_invariants()
