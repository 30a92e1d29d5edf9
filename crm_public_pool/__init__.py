from . import controllers
from . import models
from . import report
from . import wizard


def uninstall_hook(env):
    """Remove PostgreSQL's guards (models/res_partner_guard.py, the audit log's): res_partner stays."""
    env["res.partner"]._pool_drop_guard()
    env["crm.public.pool.log"]._drop_immutability_guard()
