from . import crm_public_pool_release_wizard
from . import crm_public_pool_transfer_wizard
from . import crm_public_pool_departure_wizard
from . import crm_public_pool_register_wizard
from . import crm_public_pool_registration_note_wizard
from . import crm_public_pool_assign_wizard
from . import crm_public_pool_assign_wizard_line
from . import crm_public_pool_recycle_preview
