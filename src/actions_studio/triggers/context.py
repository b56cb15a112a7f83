"""The mutable per-execution state an api recorder works against."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Literal

Phase = Literal["execute", "continue"]


@dataclass
class ExecutionContext:
    """State of one action's execution inside one trigger execution.

    ``cache`` is shared by every action of one trigger execution (pass the same dict to each
    action's context); it maps a key to ``{"value": str, "expires_at": epoch_ms}``. ``now_ms``
    freezes the clock for tests; None reads the real clock at each use.
    """

    secrets: dict[str, str] = field(default_factory=dict)
    cache: dict[str, dict[str, Any]] = field(default_factory=dict)
    now_ms: int | None = None
    phase: Phase = "execute"
    action_name: str = ""

    def __post_init__(self) -> None:
        if self.phase not in ("execute", "continue"):
            raise ValueError(f"phase must be 'execute' or 'continue', not {self.phase!r}")

    def current_ms(self) -> int:
        """The time api methods use (epoch milliseconds)."""
        return self.now_ms if self.now_ms is not None else int(time.time() * 1000)

    @property
    def now(self) -> int:
        """Alias of current_ms() (the name docs/architecture.md first used)."""
        return self.current_ms()
