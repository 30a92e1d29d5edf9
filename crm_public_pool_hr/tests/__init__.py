from . import test_department_pool
