from odoo import models


class BaseImport(models.TransientModel):
    _inherit = "base_import.import"

    def execute_import(self, fields, columns, options, dryrun=False):
        # Only a real import may go to the queue: a test run must check every row now.
        if dryrun or self.res_model != "res.partner":
            return super().execute_import(fields, columns, options, dryrun=dryrun)
        return super(BaseImport, self.with_context(pool_import_in_background=True)).execute_import(
            fields, columns, options, dryrun=dryrun
        )
