"""Actions Studio: write, test, version and sync identity-platform Actions in Python."""

from typing import Any


def __getattr__(name: str) -> Any:
    # `__version__` is read from the installed metadata when asked: importlib.metadata costs
    # ~30 ms, which every process (the studio's window among them) paid at import (issue 12 item 10).
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            found = version("actions-studio")
        except PackageNotFoundError:  # running from a source tree that was never installed
            found = "0.0.0+source"
        globals()["__version__"] = found
        return found
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
