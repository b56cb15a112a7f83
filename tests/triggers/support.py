"""Helpers shared by the catalog's tests: an api bound to a sample event and a frozen clock."""

from __future__ import annotations

from typing import Any

from actions_studio.triggers import ExecutionContext, get_trigger

NOW_MS = 1_800_000_000_000  # a fixed clock: 2027-01-15


def make(trigger_id: str, *, phase: str = "execute", now_ms: int = NOW_MS, cache: dict | None = None,
         change: Any = None) -> Any:
    """An api of ``trigger_id`` over its sample event (optionally changed first)."""
    trigger = get_trigger(trigger_id)
    payload = trigger.sample_event()
    if change is not None:
        change(payload)
    context = ExecutionContext(cache=cache if cache is not None else {}, now_ms=now_ms, phase=phase,
                               action_name="test-action")
    return trigger.make_api(trigger.parse_event(payload), context)
