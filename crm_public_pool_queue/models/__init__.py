from . import crm_public_pool
from . import crm_public_pool_rule
from . import crm_public_pool_distribution
from . import res_partner
from . import crm_public_pool_robot_message
