"""Actions Studio: write, test, version and sync identity-platform Actions in Python."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("actions-studio")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
