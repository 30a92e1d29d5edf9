from . import test_revenue_sale_order
