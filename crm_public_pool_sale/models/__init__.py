from . import crm_public_pool_rule
