import random
from datetime import timedelta

from odoo import api, fields, models

from .engine import as_engine

CITIES = [("上海", "Shanghai"), ("杭州", "Hangzhou"), ("南京", "Nanjing"), ("苏州", "Suzhou"),
          ("深圳", "Shenzhen"), ("广州", "Guangzhou"), ("北京", "Beijing"), ("成都", "Chengdu")]
TRADES = ["精密机械", "电子科技", "新材料", "物流", "食品", "医疗器械", "软件", "纺织", "化工", "汽车零部件"]
WORDS = ["华", "瑞", "恒", "鼎", "信", "达", "博", "泰", "凯", "宏", "远", "丰", "安", "盛", "卓", "锐"]
SUFFIXES = ["有限公司", "股份有限公司", "有限责任公司", "集团有限公司"]


class CrmPublicPool(models.Model):
    _inherit = "crm.public.pool"

    @api.model
    def _populate_demo_customers(self, count=300):
        """A living pool for the demo: customers in every state, with history."""
        rng = random.Random(42)
        ref = self.env.ref
        pools = [ref("crm_public_pool.pool_default"), ref("crm_public_pool.demo_pool_east"),
                 ref("crm_public_pool.demo_pool_dealer")]
        owners = [ref("crm_public_pool.demo_user_liwei"), ref("crm_public_pool.demo_user_chenjing")]
        demo = ref("base.user_demo")
        sources = [ref("crm_public_pool.utm_source_%s" % key) for key in
                   ("trade_show", "platform_inquiry", "website_inquiry", "directory", "purchased_list")]
        now = fields.Datetime.now()
        vals_list = []
        for index in range(count):
            city, city_en = rng.choice(CITIES)
            name = f"{city}{rng.choice(WORDS)}{rng.choice(WORDS)}{rng.choice(TRADES)}{rng.choice(SUFFIXES)}"
            vals = {
                "name": f"{name} #{index + 1}",
                "is_company": True,
                "city": city_en,
                "phone": f"+86 13{rng.randint(0, 9)} {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}",
                "email": f"info{index + 1}@example.cn",
                "pool_level": rng.choice("abcd"),
                "source_id": rng.choice(sources).id,
                "pool_id": rng.choice(pools).id,
            }
            if index < 9:
                vals["user_id"] = demo.id
                vals["pool_id"] = pools[0].id
            elif index % 2:
                vals["user_id"] = rng.choice(owners).id
                vals["pool_id"] = pools[rng.randint(0, 1)].id
            vals_list.append(vals)
        partners = self.env["res.partner"].sudo().with_context(pool_manage=True, tracking_disable=True).create(vals_list)
        # Spread the history over the last two months so ageing filters show something.
        writer = as_engine(partners)
        for partner in partners:
            days = rng.randint(0, 60)
            if partner.pool_state == "pool":
                writer.browse(partner.id).write({"pool_enter_date": now - timedelta(days=days, hours=3)})
            else:
                writer.browse(partner.id).write({
                    "pool_claim_date": now - timedelta(days=days),
                    "pool_last_followup_date": now - timedelta(days=rng.randint(0, days)),
                })
        return True

    @api.model
    def _populate_demo_unplaced(self):
        """Chen Jing, the dealer pool's only member, is paused: escalating its oldest waiting customers
        leaves them in the pool, each saying why."""
        pool = self.env.ref("crm_public_pool.demo_pool_dealer")
        waiting = self.env["res.partner"].sudo().search(
            [("pool_id", "=", pool.id), ("pool_state", "=", "pool")], order="id", limit=3
        )
        pool._escalate_assign(waiting, self.env._("unclaimed for more than %(days)s days", days=14))
        return True
