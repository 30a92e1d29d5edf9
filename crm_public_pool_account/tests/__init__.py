from . import test_revenue_invoice
