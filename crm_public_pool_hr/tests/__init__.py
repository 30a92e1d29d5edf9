from . import test_department_pool
from . import test_translations
from . import test_employee_contacts
