"""The trigger catalog: event models, api recorders, limits, samples and outcomes (docs/architecture.md).

Imports nothing of the project but ``actions_studio.resources`` (and that only in stubs.py);
the sandbox zygote preloads this package, so it stays light.

The names below load their module on first use (PEP 562), so a light submodule such as
``listing`` (the triggers' ids and descriptions, which the studio's explorer shows at start) can
be imported without building every event model (~0.1 s, issue 12 item 10). ``from
actions_studio.triggers import TRIGGERS`` loads the whole catalog as before.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .catalog import TRIGGERS, Trigger, get_trigger
    from .context import ExecutionContext
    from .errors import ApiUsageError, EventValidationError, FieldError, UnknownTriggerError
    from .mappings import ReadOnlyMapping
    from .outcome import redirect_of, stops_flow

_HOMES = {
    "TRIGGERS": "catalog", "Trigger": "catalog", "get_trigger": "catalog",
    "ExecutionContext": "context",
    "ApiUsageError": "errors", "EventValidationError": "errors", "FieldError": "errors",
    "UnknownTriggerError": "errors",
    "ReadOnlyMapping": "mappings",
    "redirect_of": "outcome", "stops_flow": "outcome",
}

__all__ = [
    "TRIGGERS",
    "ApiUsageError",
    "EventValidationError",
    "ExecutionContext",
    "FieldError",
    "ReadOnlyMapping",
    "Trigger",
    "UnknownTriggerError",
    "get_trigger",
    "redirect_of",
    "stops_flow",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    # The catalog first, whatever is asked: importing the package used to load all of it, and
    # code (the sandbox's zygote) relies on having it all once it has any of it.
    importlib.import_module(f"{__name__}.catalog")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value
