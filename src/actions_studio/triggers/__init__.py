"""The trigger catalog: event models, api recorders, limits, samples and outcomes (docs/architecture.md).

Imports nothing of the project but ``actions_studio.resources`` (and that only in stubs.py);
the sandbox zygote preloads this package, so it stays light.
"""

from __future__ import annotations

from .catalog import TRIGGERS, Trigger, get_trigger
from .context import ExecutionContext
from .errors import ApiUsageError, EventValidationError, FieldError, UnknownTriggerError
from .mappings import ReadOnlyMapping
from .outcome import redirect_of, stops_flow

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
