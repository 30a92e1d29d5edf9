from . import test_transitions
from . import test_limits
from . import test_access
from . import test_concurrency
from . import test_performance
from . import test_ui
