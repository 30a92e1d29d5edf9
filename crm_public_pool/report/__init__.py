from . import crm_public_pool_distribution_report
from . import crm_public_pool_age_report
from . import crm_public_pool_conversion_report
from . import crm_public_pool_fairness_report
from . import crm_public_pool_fairness_summary
