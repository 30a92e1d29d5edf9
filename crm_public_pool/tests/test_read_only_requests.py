"""Which web client calls are read-only requests, the ones Odoo 18 sends to a replica."""

from odoo.tests import tagged

from .common import PoolCase


def read_only_request(registry, model, method):
    """Whether ``/web/dataset/call_kw`` serves ``model.method`` on a read-only cursor: the first
    class of the model's MRO that defines ``_readonly`` on the method decides, as
    ``addons/web/controllers/dataset.py`` (``_call_kw_readonly``) does."""
    for cls in registry[model].mro():
        function = getattr(cls, method, None)
        if function is not None and hasattr(function, "_readonly"):
            return bool(function._readonly)
    return False


@tagged("post_install", "-at_install")
class TestReadOnlyRequests(PoolCase):
    def test_reads_go_to_the_replica_and_moves_to_the_primary(self):
        read_only = [
            ("res.partner", "web_search_read"),  # Pool Customers, My Customers
            ("res.partner", "web_read"),  # a form (a first opening under a view limit is replayed)
            ("res.partner", "read"),
            ("res.partner", "search_read"),
            ("res.partner", "pool_lookup"),  # the duplicate lookup of a prospect
            ("crm.public.pool", "web_search_read"),  # the pools' kanban
            ("crm.public.pool.age.report", "web_read_group"),  # the dashboards
            ("crm.public.pool.conversion.report", "web_read_group"),
            ("crm.public.pool.log", "web_read_group"),
        ]
        for model, method in read_only:
            self.assertTrue(read_only_request(self.registry, model, method), f"{model}.{method} is read-only")
        for model, method in [
            ("res.partner", "action_pool_claim"),
            ("res.partner", "pool_release"),
            ("res.partner", "web_save"),
            ("res.partner", "onchange"),
        ]:
            self.assertFalse(read_only_request(self.registry, model, method), f"{model}.{method} writes")
