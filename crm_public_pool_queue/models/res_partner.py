from odoo import api, models
from odoo.exceptions import UserError

from .crm_public_pool import CHANNEL, content_key


class ResPartner(models.Model):
    _inherit = "res.partner"

    @api.model
    def load(self, fields, data):
        """A large import into a pool (not a test run) goes to the job queue in parts."""
        Engine = self.env["crm.public.pool.distribution"]
        size = Engine._job_size()
        if not (
            self.env.context.get("pool_import_in_background")
            and len(data) > size
            and self._pool_import_checks_duplicates(fields)
        ):
            return super().load(fields, data)
        jobs = 0
        for start in range(0, len(data), size):
            rows = data[start : start + size]
            self.delayable(
                channel=CHANNEL,
                identity_key=content_key("crm_public_pool_import", [fields, rows]),
                description=self.env._(
                    "Import rows %(first)s to %(last)s into a customer pool", first=start + 1, last=start + len(rows)
                ),
            )._pool_import_job(fields, rows, start).delay()
            jobs += 1
        return {
            "ids": [],
            "messages": [
                {
                    "type": "info",
                    "message": self.env._(
                        "%(rows)s rows are imported in the background by %(jobs)s jobs; "
                        "each job reports its rows once done (Settings > Technical > Jobs).",
                        rows=len(data),
                        jobs=jobs,
                    ),
                }
            ],
        }

    @api.model
    def _pool_import_job(self, fields, rows, offset):
        """Import one part; any row in error fails the whole part, which changes nothing."""
        result = self.with_context(import_file=True).load(fields, rows)
        errors = [m for m in result.get("messages", []) if m.get("type") == "error"]
        if errors:
            raise UserError(
                self.env._(
                    "Rows %(first)s to %(last)s were not imported: %(errors)s",
                    first=offset + 1,
                    last=offset + len(rows),
                    errors="; ".join(m["message"] for m in errors[:5]),
                )
            )
        reported = [m["message"] for m in result.get("messages", [])]
        return self.env._(
            "%(count)s customers imported from rows %(first)s to %(last)s. %(reported)s",
            count=len(result.get("ids") or []),
            first=offset + 1,
            last=offset + len(rows),
            reported=" ".join(reported),
        )
