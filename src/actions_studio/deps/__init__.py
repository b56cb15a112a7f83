"""deps: Action dependencies from PyPI — pinned, pure-Python, cached, offline-safe (issue 8) —
and, in deps/npm/, from the npm registry for node22 actions (issue 15).

Qt-free and store-free: services/dependencies.py joins it to the workspace, tenant/build.py to the
tenant. pip does the resolving and installing (as a subprocess); this package decides what may be
installed (pure-Python wheels only), where (a content-addressed cache) and how a failure reads.
"""

from .environment import Environment, build_environment, find_environment, pin_latest, set_hash
from .errors import (
    BuildCancelledError,
    DependencyError,
    IndexUnreachableError,
    IntegrityError,
    InvalidPinError,
    NativeCodeError,
    NotPurePythonError,
    ResolutionError,
)
from .pins import Pin, parse_pin, parse_pins
from .pip_runner import CancelToken
from .resolve import pure_python_reason
from .sandbox_path import sandbox_path
from .settings import DepsSettings

__all__ = [
    "BuildCancelledError", "CancelToken", "DependencyError", "DepsSettings", "Environment",
    "IndexUnreachableError", "IntegrityError", "InvalidPinError", "NativeCodeError", "NotPurePythonError", "Pin", "ResolutionError",
    "build_environment", "find_environment", "parse_pin", "parse_pins", "pin_latest",
    "pure_python_reason", "sandbox_path", "set_hash",
]
