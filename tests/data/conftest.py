"""Make ``data.helpers`` importable by the test modules and by spawned worker processes,
whatever pytest's import mode: workers unpickle datasets by module name."""

import os
import sys

_TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)
