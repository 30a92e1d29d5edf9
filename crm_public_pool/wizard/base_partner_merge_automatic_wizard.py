from odoo import models
from odoo.exceptions import UserError
from odoo.tools import LazyTranslate

from ..models.engine_token import as_engine, engine_statements

_lt = LazyTranslate(__name__)


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    def _merge(self, partner_ids, dst_partner=None, extra_checks=True):
        # Merging deletes the other customers and moves their leads and history: for pool
        # customers it is a pool manager's decision, and it is audited on the customer kept.
        Partner = self.env["res.partner"]
        partners = Partner.browse(partner_ids).sudo().exists()
        managed = partners.filtered(lambda p: p.pool_state and (p.is_company or not p.parent_id))
        for pool in managed.pool_id:
            if not pool._is_manager(self.env.user):
                first = managed.filtered(lambda p, pool=pool: p.pool_id == pool)[:1].with_env(self.env)
                raise UserError(
                    self.env._(
                        "Only a pool manager may merge customers of pool %(pool)s (%(partner)s).",
                        pool=pool.name,
                        partner=first._pool_labels()[first.id],
                    )
                )
        result = super()._merge(partner_ids, dst_partner=dst_partner, extra_checks=extra_checks)
        kept = (dst_partner or Partner.browse()).sudo().exists() or partners.exists()[:1]
        merged = managed - kept
        if kept.pool_state and merged:
            kept._pool_log(
                [
                    {
                        "partner": kept,
                        "action": "cleanup",
                        "pool_id": kept.pool_id.id,
                        "to_user_id": kept.user_id.id,
                        "note": _lt("merged with %s", ", ".join(f"#{pid}" for pid in merged.ids)),
                    }
                ],
                lambda log: _lt("Merged by %s", log["user_name"]),
            )
        return result

    def _update_values(self, src_partners, dst_partner):
        # Odoo writes every field of the merged partners on the one kept: a customer kept keeps
        # its own owner, pool, lock and pool dates (a merge moves nobody; the merged ones are
        # deleted, each audited), and the rest is the merging user's own write.
        if (src_partners | dst_partner).sudo().filtered("pool_state"):
            dst_partner = as_engine(dst_partner, merge_keeps_pool=True)
        return super()._update_values(src_partners, dst_partner)

    def _update_foreign_keys(self, src_partners, dst_partner):
        # Among the references moved to the partner kept are the merged customers' audit rows:
        # the one change of an audit row's customer the database allows, and only to the engine.
        if self.env["crm.public.pool.log"].sudo().search_count([("partner_id", "in", src_partners.ids)], limit=1):
            with engine_statements(self.env.cr):
                return super()._update_foreign_keys(src_partners, dst_partner)
        return super()._update_foreign_keys(src_partners, dst_partner)
