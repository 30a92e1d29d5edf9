from . import crm_public_pool
from . import hr_employee
