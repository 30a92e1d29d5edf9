from . import test_jobs
from . import test_i18n
from . import test_robot_jobs
