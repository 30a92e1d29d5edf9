import random
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import LazyTranslate

from .engine_token import engine_statements

_lt = LazyTranslate(__name__)

HISTORY_DAYS = 90
CITIES = [
    ("上海", "Shanghai"),
    ("杭州", "Hangzhou"),
    ("南京", "Nanjing"),
    ("苏州", "Suzhou"),
    ("深圳", "Shenzhen"),
    ("广州", "Guangzhou"),
    ("北京", "Beijing"),
    ("成都", "Chengdu"),
    ("宁波", "Ningbo"),
    ("东莞", "Dongguan"),
]
BRANDS = [
    "宏图",
    "盛达",
    "瑞达",
    "华信",
    "恒通",
    "鼎盛",
    "博远",
    "泰和",
    "凯旋",
    "远航",
    "丰华",
    "安泰",
    "卓越",
    "锐思",
    "嘉禾",
    "金鹏",
    "天宇",
    "新锐",
    "永泰",
    "鸿运",
    "海川",
    "宝利",
    "德信",
    "联创",
    "力拓",
    "众诚",
    "华瑞",
    "中科创",
    "恒源祥",
    "东方红",
    "金利来",
    "华茂",
    "通达",
    "信诚",
    "亿丰",
    "万嘉",
    "合力",
    "晨光",
    "天成",
]
TRADES = [
    "精密机械",
    "电子科技",
    "新材料",
    "物流",
    "食品",
    "医疗器械",
    "软件",
    "纺织",
    "化工",
    "汽车零部件",
    "贸易",
    "包装",
    "家具",
    "建材",
]
SUFFIXES = ["有限公司", "有限公司", "股份有限公司", "有限责任公司"]
LATIN_BRANDS = [
    "Everbright",
    "Greenfield",
    "Sunrise",
    "Goldsea",
    "Bluesky",
    "Harvest",
    "Pacific",
    "Orient",
    "Zenith",
    "Summit",
    "Lotus",
    "Jade River",
    "Silverline",
    "Northstar",
    "Crestwood",
    "Redwood",
]
LATIN_TRADES = ["Trading", "Electronics", "Machinery", "Textile", "Logistics", "Foods", "Chemical", "Technology"]
# Customers the demo's stories need: a near duplicate to register, a brand to look up.
ANCHORS = [
    # (name, city, owner key, pool key, level)
    ("深圳盛达纺织有限公司", "深圳", "liwei", "default", "b"),
    ("苏州瑞达精密机械有限公司", "苏州", "liwei", "default", "b"),
    ("广州市宏图物流有限公司", "广州", False, "default", "c"),
    ("Ningbo Everbright Trading Co., Ltd.", "Ningbo", False, "default", "c"),
    ("杭州恒通电子科技有限公司", "杭州", "chenjing", "default", "a"),
]


class CrmPublicPool(models.Model):
    _inherit = "crm.public.pool"

    @api.model
    def _populate_demo_customers(self, count=300):
        """A living demo: real-looking customers in every state, 90 days of moves, rules at work,
        open claim requests and an appeal; Chen Jing reads it in 简体中文 when that language is loaded."""
        rng = random.Random(42)
        ref = self.env.ref
        pools = {
            "default": ref("crm_public_pool.pool_default"),
            "east": ref("crm_public_pool.demo_pool_east"),
            "dealer": ref("crm_public_pool.demo_pool_dealer"),
        }
        users = {
            "demo": ref("base.user_demo"),
            "liwei": ref("crm_public_pool.demo_user_liwei"),
            "chenjing": ref("crm_public_pool.demo_user_chenjing"),
        }
        sources = [
            ref("crm_public_pool.demo_source_%s" % key)
            for key in ("canton_fair", "alibaba", "website", "qichacha", "purchased_list")
        ]
        chinese_lang = self._demo_chinese_reader(users["chenjing"])
        vals_list = self._demo_customer_values(rng, count, pools, users, sources)
        Partner = self.env["res.partner"].sudo().with_context(pool_manage=True, tracking_disable=True)
        # A Chinese company's history reads in Chinese, a Latin one's in English.
        chinese = [vals for vals in vals_list if not vals["name"].isascii()]
        partners = Partner.with_context(lang=chinese_lang).create(chinese)
        partners |= Partner.create([vals for vals in vals_list if vals["name"].isascii()])
        # The history is the engine's, dated as if it had happened over 90 days.
        with engine_statements(self.env.cr):
            self._demo_backdate(rng, partners, users)
        self._demo_leads(rng, partners)
        self._demo_snapshots(rng, pools)
        self.browse([pool.id for pool in pools.values()])._recycle_run(commit=False)
        self._demo_stories(pools, users)
        return True

    @api.model
    def _demo_chinese_reader(self, user):
        """Chen Jing works in 简体中文 when the database has it (``scripts/serve.sh`` loads it with
        ``--load-language=zh_CN``), in English otherwise. The demo never activates a language itself:
        Odoo's own tests expect the languages a database was given, and no other."""
        lang = self.env["res.lang"]._get_code("zh_CN") or "en_US"
        user.sudo().write({"lang": lang, "tz": "Asia/Shanghai"})
        return lang

    @api.model
    def _demo_chinese_robot(self, robot_ids):
        """The East team's group robot writes 简体中文 when the database has it, English otherwise."""
        robot = self.env["crm.public.pool.robot"].browse(robot_ids)
        robot.write({"lang": self.env["res.lang"]._get_code("zh_CN") or "en_US"})
        return True

    @api.model
    def _demo_customer_values(self, rng, count, pools, users, sources):
        names = set()
        vals_list = []
        for name, city, owner, pool, level in ANCHORS:
            names.add(name)
            vals = {
                "name": name,
                "city": city,
                "pool_level": level,
                "pool_id": pools[pool].id,
                "source_id": rng.choice(sources).id,
                "is_company": True,
            }
            if owner:
                vals["user_id"] = users[owner].id
            vals_list.append(vals)
        anchor_brands = {"盛达纺织", "瑞达精密机械", "宏图物流", "恒通电子科技"}
        while len(vals_list) < count:
            index = len(vals_list)
            if rng.random() < 0.2:
                city_cn, city = rng.choice(CITIES)
                name = f"{city} {rng.choice(LATIN_BRANDS)} {rng.choice(LATIN_TRADES)} Co., Ltd."
            else:
                city, _city_en = rng.choice(CITIES)
                brand, trade = rng.choice(BRANDS), rng.choice(TRADES)
                if brand + trade in anchor_brands:
                    continue
                name = f"{city}{'市' if rng.random() < 0.4 else ''}{brand}{trade}{rng.choice(SUFFIXES)}"
            if name in names:
                continue
            names.add(name)
            vals = {
                "name": name,
                "is_company": True,
                "city": city,
                "phone": f"+86 13{rng.randint(0, 9)} {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}",
                "email": f"sales{index}@{'cn-' if rng.random() < 0.5 else ''}demo{index}.example.cn",
                "pool_level": rng.choice("abcd"),
                "source_id": rng.choice(sources).id,
                "pool_id": rng.choice(list(pools.values())).id,
            }
            if index < 13:
                vals.update(user_id=users["demo"].id, pool_id=pools["default"].id)
            elif index % 2:
                vals["user_id"] = rng.choice([users["liwei"], users["chenjing"]]).id
                vals["pool_id"] = rng.choice([pools["default"], pools["east"]]).id
            vals_list.append(vals)
        return vals_list

    @api.model
    def _demo_backdate(self, rng, partners, users):
        """Spread 90 days of history: when each customer entered, was claimed, released, followed up;
        the audit rows say the same."""
        now = fields.Datetime.now()
        Log = self.env["crm.public.pool.log"]
        reason = self.env["crm.public.pool.reason"].search([], limit=1)
        people = [users["demo"], users["liwei"], users["chenjing"]]
        logs = []
        created_dates = []
        # Two of Marc Demo's customers are about to return to the pool: his cards show it in red.
        warned = partners.sudo().filtered(lambda p: p.user_id == users["demo"])[:2]
        warned.write({"pool_level": "c"})
        for partner in partners.sudo():
            created = now - timedelta(days=rng.randint(30, HISTORY_DAYS), hours=rng.randint(1, 9))
            created_dates.append((partner.id, created))
            updates = {"create_date": created}
            if partner.pool_state == "private":
                claimed = created + timedelta(days=rng.randint(1, 25))
                # A few of each owner's customers sit inside the warning window, none past it.
                silent = rng.choice([2, 5, 9, 14, 20, 25, 26, 27]) if partner not in warned else 26
                followup = max(now - timedelta(days=silent, hours=2), claimed)
                updates.update(pool_claim_date=claimed, pool_last_followup_date=followup)
                logs.append(
                    {
                        "date": claimed,
                        "action": "claim",
                        "partner": partner,
                        "user": partner.user_id,
                        "to_user_id": partner.user_id.id,
                    }
                )
            else:
                entered = created
                if rng.random() < 0.5:
                    previous = rng.choice(people)
                    claimed = created + timedelta(days=rng.randint(1, 10))
                    entered = claimed + timedelta(days=rng.randint(5, 20))
                    logs.append(
                        {
                            "date": claimed,
                            "action": "claim",
                            "partner": partner,
                            "user": previous,
                            "to_user_id": previous.id,
                        }
                    )
                    logs.append(
                        {
                            "date": entered,
                            "action": "release",
                            "partner": partner,
                            "user": previous,
                            "from_user_id": previous.id,
                            "reason_id": reason.id,
                        }
                    )
                    updates["pool_previous_user_id"] = previous.id
                updates["pool_enter_date"] = min(entered, now - timedelta(hours=3))
            columns = ", ".join(f"{column} = %s" for column in updates)
            self.env.cr.execute(
                f"UPDATE res_partner SET {columns} WHERE id = %s",  # noqa: S608 - fixed column names
                [*updates.values(), partner.id],
            )
        # The creation rows were written just now: date them when the customers came in.
        self.env.cr.execute(
            """UPDATE crm_public_pool_log l SET date = v.created
                 FROM (SELECT unnest(%s::int[]) AS id, unnest(%s::timestamp[]) AS created) v
                WHERE l.partner_id = v.id AND l.action = 'create'""",
            [[pid for pid, _d in created_dates], [d for _p, d in created_dates]],
        )
        Log._log_moves(
            [
                {
                    "date": log.pop("date"),
                    "partner_id": log["partner"].id,
                    "partner_name": log.pop("partner").name,
                    "pool_id": partner_pool,
                    "user_id": log.pop("user").id,
                    "company_id": self.env.company.id,
                    **log,
                }
                for log, partner_pool in ((log, log["partner"].pool_id.id) for log in logs)
            ]
        )
        partners.invalidate_recordset()
        self.env["res.partner"].invalidate_model()
        partners.sudo().pool_id._recycle_refresh_dates()

    @api.model
    def _demo_leads(self, rng, partners):
        """Opportunities on owned customers, some won after the claim (Claimed, then Won)."""
        won = self.env["crm.stage"].search([("is_won", "=", True)], limit=1)
        owned = partners.sudo().filtered(lambda p: p.pool_state == "private")
        now = fields.Datetime.now()
        for partner in rng.sample(list(owned), min(24, len(owned))):
            lead = (
                self.env["crm.lead"]
                .sudo()
                .with_context(tracking_disable=True)
                .create(
                    {
                        "name": f"{partner.name} - 年度采购",
                        "partner_id": partner.id,
                        "type": "opportunity",
                        "user_id": partner.user_id.id,
                        "expected_revenue": rng.choice([20000, 50000, 80000, 120000, 300000]),
                    }
                )
            )
            if rng.random() < 0.5 and won:
                lead.write({"stage_id": won.id})
                self.env.cr.execute(
                    "UPDATE crm_lead SET date_closed = %s WHERE id = %s",
                    [now - timedelta(days=rng.randint(1, 20)), lead.id],
                )

    @api.model
    def _demo_snapshots(self, rng, pools):
        """The daily size of each pool over the last 90 days, ending at today's real count."""
        Snapshot = self.env["crm.public.pool.snapshot"].sudo()
        Snapshot._cron_snapshot()
        # The day the snapshot just recorded (the database's CURRENT_DATE): the installer's own
        # day differs between their midnight and UTC's, and the history then met today's row.
        self.env.cr.execute("SELECT CURRENT_DATE")
        today = self.env.cr.fetchone()[0]
        for pool in pools.values():
            current = Snapshot.search([("pool_id", "=", pool.id), ("date", "=", today)], limit=1)
            pooled, owned = current.pooled_count, current.owned_count
            rows = []
            for days_ago in range(1, HISTORY_DAYS):
                # Walking back: the pool was fuller before salespeople claimed from it.
                pooled = max(0, pooled + rng.choice([-1, 0, 1, 1, 2]))
                owned = max(0, owned - rng.choice([0, 0, 1, 1, 2]))
                rows.append(
                    {
                        "date": today - timedelta(days=days_ago),
                        "pool_id": pool.id,
                        "pooled_count": pooled,
                        "owned_count": owned,
                    }
                )
            Snapshot.create(rows)

    @api.model
    def _demo_stories(self, pools, users):
        """What people did this week, done as they would, in their own language: claim requests
        to review, a registration, a near duplicate under appeal, a rejected request."""

        def as_user(user):
            return self.env(user=user, context=dict(self.env.context, lang=user.lang, tz=user.tz))

        chenjing, demo = users["chenjing"], users["demo"]
        admin = self.env.ref("crm_public_pool.demo_user_pool_admin")
        Partner = as_user(chenjing)["res.partner"]
        dealer = Partner.search(
            [("pool_id", "=", pools["dealer"].id), ("pool_state", "=", "pool")], limit=3, order="id"
        )
        for partner in dealer:
            partner.action_pool_claim()
        Request = as_user(admin)["crm.public.pool.claim.request"]
        requests = Request.search([("state", "=", "pending")], order="id")
        if len(requests) >= 3:
            requests[0].action_approve()
            requests[1].action_reject("该客户由渠道经理统一跟进")
        # Key customers: locked by their owners against the recycle rules.
        as_user(demo)["res.partner"].search(
            [("user_id", "=", demo.id), ("pool_state", "=", "private"), ("pool_level", "=", "a")], limit=1
        ).action_pool_lock()
        as_user(users["liwei"])["res.partner"].search(
            [("user_id", "=", users["liwei"].id), ("pool_state", "=", "private")], limit=2, order="id"
        ).action_pool_lock()
        Registration = as_user(demo)["crm.public.pool.registration"]
        for vals in (
            {
                "name": "宁波明光纺织品进出口有限公司",
                "contact_name": "王芳",
                "phone": "0574-8765 4321",
                "email": "wangfang@mingguang-textile.cn",
                "level": "b",
            },
            {"name": "深圳市盛达纺织有限公司", "contact_name": "周杰", "phone": "+86 755 2688 0417", "level": "b"},
        ):
            registration = Registration.create(vals)
            registration.action_submit()
            if registration.can_appeal:
                registration.action_appeal("Different company: same brand, but registered in Longgang district.")
        self._demo_duplicate_gate(as_user, users)

    @api.model
    def _demo_duplicate_gate(self, as_user, users):
        """The duplicate gate at work: Chen Jing registers a prospect, protected from her colleagues
        however they create it (云帆软件 in a form is refused), and creates a company Li Wei already has
        (深圳市盛达软件有限公司) under a padded name, which the Company Pool's Warn policy lets her save."""
        chenjing = users["chenjing"]
        as_user(chenjing)["crm.public.pool.registration"].create(
            {"name": "杭州市云帆软件科技有限公司", "contact_name": "林晓", "phone": "0571-8697 1234", "level": "b"}
        ).action_submit()
        as_user(chenjing)["res.partner"].with_context(pool_manage=True).create(
            {"name": "深圳盛达软件科技有限公司", "is_company": True, "city": "深圳", "user_id": chenjing.id}
        )

    @api.model
    def _populate_demo_unplaced(self):
        """Chen Jing, the dealer pool's only member, is paused: escalating its oldest waiting customers
        leaves them in the pool, each saying why."""
        pool = self.env.ref("crm_public_pool.demo_pool_dealer")
        waiting = (
            self.env["res.partner"]
            .sudo()
            .search([("pool_id", "=", pool.id), ("pool_state", "=", "pool")], order="id", limit=3)
        )
        pool._escalate_assign(waiting, _lt("unclaimed for more than %(days)s days", days=14))
        return True

    @api.model
    def _populate_demo_acceptance(self):
        """The East pool asks for acceptance within 48 hours: its administrator has just distributed
        two customers, and Li Wei and Marc Demo each have one to accept or return."""
        pool = self.env.ref("crm_public_pool.demo_pool_east")
        admin = self.env.ref("crm_public_pool.demo_user_pool_admin")
        pool.accept_hours = 48
        waiting = (
            self.env["res.partner"]
            .sudo()
            .search([("pool_id", "=", pool.id), ("pool_state", "=", "pool")], order="id desc", limit=2)
        )
        users = self.env.ref("crm_public_pool.demo_user_liwei") | self.env.ref("base.user_demo")
        as_admin = self.env(user=admin, context=dict(self.env.context, lang=admin.lang, tz=admin.tz))
        for partner, user in zip(waiting, users, strict=False):
            pool.with_env(as_admin).pool_assign(partner.ids, user.id)
        return True

    @api.model
    def _populate_demo_embargo(self):
        """Marc Demo lost one of his customers to a competitor: released with that reason, nobody may
        claim it for 180 days."""
        demo = self.env.ref("base.user_demo")
        as_demo = self.env(user=demo, context=dict(self.env.context, lang=demo.lang, tz=demo.tz))
        lost = as_demo["res.partner"].search(
            [("user_id", "=", demo.id), ("pool_state", "=", "private"), ("pool_locked", "=", False)],
            order="id",
            limit=1,
        )
        lost.pool_release("competitor", note="签了竞争对手的三年框架合同")
        return True

    @api.model
    def _populate_demo_passbacks(self):
        """Li Wei and Marc Demo trade a customer through release and claim, twice each way, and the
        fairness report is recomputed to show it."""
        liwei, demo = self.env.ref("crm_public_pool.demo_user_liwei"), self.env.ref("base.user_demo")
        pool = self.env.ref("crm_public_pool.demo_pool_east")
        # Released customers wait out the entry lock and the cool-down: lifted for the trades only.
        settings = {"reclaim_cooldown_days": pool.reclaim_cooldown_days, "entry_lock_hours": pool.entry_lock_hours}
        pool.write({"reclaim_cooldown_days": 0, "entry_lock_hours": 0})
        traded = (
            self.env["res.partner"]
            .sudo()
            .search(
                [("pool_id", "=", pool.id), ("user_id", "=", liwei.id), ("pool_locked", "=", False)],
                order="id",
                limit=1,
            )
        )
        envs = {
            user: self.env(user=user, context=dict(self.env.context, lang=user.lang, tz=user.tz))
            for user in (liwei, demo)
        }
        giver, taker = liwei, demo
        for _round in range(4):
            traded.with_env(envs[giver]).pool_release("no_need", note="客户说下个月再联系")
            traded.with_env(envs[taker]).action_pool_claim()
            giver, taker = taker, giver
        pool.write(settings)
        self.env["crm.public.pool.fairness.report"]._fairness_refresh()
        return True
