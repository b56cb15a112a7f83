"""Why an environment could not be pinned, resolved or built. `str(error)` is one line for a user."""

from __future__ import annotations

from typing import Optional


class DependencyError(Exception):
    """Base of every refusal of the deps layer. `package` names the culprit when one is known."""

    def __init__(self, message: str, package: Optional[str] = None) -> None:
        super().__init__(message)
        self.package = package


class InvalidPinError(DependencyError):
    """A line that is not `name==version` (or `name` alone, to be pinned)."""


class NotPurePythonError(DependencyError):
    """A wheel with compiled code: the sandbox runs one interpreter everywhere and loads no .so files
    (its audit hook refuses ctypes.dlopen), so only pure-Python wheels are accepted (issue 8)."""


class ResolutionError(DependencyError):
    """pip could not find a set of wheels for the pins (unknown package or version, no wheel)."""


class IndexUnreachableError(DependencyError):
    """No package index answered: a new environment cannot be built offline."""


class BuildCancelledError(DependencyError):
    """The user cancelled the build; nothing was left in the cache."""


class NativeCodeError(NotPurePythonError):
    """An npm package with native code (an install script, `binding.gyp`, a `.node` addon): installs
    run with --ignore-scripts and Node's permission model refuses addons, so it could only fail at
    run time (issue 15). A NotPurePythonError, so every caller refuses it as it refuses compiled wheels."""


class IntegrityError(DependencyError):
    """A downloaded package is not what its registry published (checksum, name or version)."""
