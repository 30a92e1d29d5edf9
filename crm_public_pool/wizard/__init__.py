from . import crm_public_pool_release_wizard
from . import crm_public_pool_transfer_wizard
from . import crm_public_pool_departure_wizard
