"""The flow executor: TRIGGERS.md's semantics on top of one-action child executions.

- Actions run in order, each in its own child; one wall-time budget covers the whole flow.
- ``apply_calls`` of each completed action gives the payload the next one sees (metadata changes).
- The cache is shared by every action of the flow.
- A deny (or validation.error) stops the flow after that action; an error or timeout stops it too
  (Auth0 fails the login). Later actions are listed as ``skipped``.
- A redirect (``redirect.send_user_to``) suspends after that action: status ``suspended`` and a
  continuation; `resume_flow` runs that action's continue handler, then the rest, with a fresh
  budget. Actions not yet run are not listed in a suspended result (they run on resume).
- The outcome aggregates the calls of every action that completed (success, denied, suspended) in
  this trigger execution, including those before a redirect; errored actions' calls are shown on
  the action but not applied.
"""

from __future__ import annotations

import copy
import json
import time
import uuid
from typing import TYPE_CHECKING, Any, Optional

from actions_studio.triggers import EventValidationError, FieldError

from .report import build_action_result
from .result import ActionError, ActionResult, ActionSource, Continuation, ExecutionResult, Stats

if TYPE_CHECKING:
    from .client import Sandbox

REDIRECT_METHOD = "redirect.send_user_to"


def _max_actions() -> int:
    from actions_studio.triggers.limits import MAX_ACTIONS_PER_FLOW

    return MAX_ACTIONS_PER_FLOW


class FlowRun:
    def __init__(self, sandbox: "Sandbox", trigger_id: str, actions: list[ActionSource],
                 payload: dict[str, Any], *, timeout_s: Optional[float] = None, first_phase: str = "execute",
                 start: int = 0, cache: Optional[dict[str, Any]] = None,
                 prior_records: tuple[tuple[str, list[dict[str, Any]]], ...] = ()) -> None:
        from actions_studio.triggers import get_trigger

        from .client import EventTooLargeError

        self.sandbox = sandbox
        self.trigger = get_trigger(trigger_id)
        limits = sandbox.limits
        if len(actions) > _max_actions():
            raise ValueError(f"a {trigger_id} flow holds at most {_max_actions()} actions, got {len(actions)}")
        if not all(isinstance(a, ActionSource) for a in actions):
            raise TypeError("actions must be ActionSource objects")
        if first_phase not in ("execute", "continue"):
            raise ValueError(f"phase must be 'execute' or 'continue', not {first_phase!r}")
        if first_phase == "continue" and self.trigger.continue_handler is None:
            raise ValueError(f"trigger {trigger_id} has no continue handler")
        if timeout_s is not None and not timeout_s > 0:
            raise ValueError("timeout_s must be a positive number of seconds")
        size = len(json.dumps(payload, separators=(",", ":"), ensure_ascii=False, default=str).encode())
        if size > limits.event_bytes:
            raise EventTooLargeError(
                f"the event payload is {size} bytes; the limit is {limits.event_bytes} bytes (nothing was run)"
            )
        if not actions:
            self.trigger.parse_event(payload)  # otherwise each child validates its event (below)
        self.actions = actions
        self.payload = payload
        self.budget_s = float(timeout_s if timeout_s is not None else limits.wall_time_s)
        self.timeout_s = timeout_s
        self.first_phase = first_phase
        self.start = start
        self.cache = cache if cache is not None else {}
        self.records = list(prior_records)
        self.secrets: dict[str, str] = {}
        for action in actions:  # redact every secret of the flow: a leak between actions is hidden too
            self.secrets.update({f"{action.name}.{k}" if k in self.secrets else k: v
                                 for k, v in action.secrets.items()})

    def run(self) -> ExecutionResult:
        started = time.monotonic()
        deadline = started + self.budget_s
        payload = self.payload
        status = "success"
        results: list[ActionResult] = []
        max_rss = 0
        continuation: Optional[Continuation] = None
        limit = self.sandbox.limits.output_bytes
        for index in range(self.start, len(self.actions)):
            source = self.actions[index]
            if status != "success":
                results.append(ActionResult(name=source.name, version=source.version, status="skipped"))
                continue
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                status = "timeout"
                results.append(ActionResult(
                    name=source.name, version=source.version, status="timeout",
                    error=ActionError(type="Timeout", message=f"not started: the trigger execution's "
                                      f"wall-time budget of {self.budget_s:g} s was used up"),
                ))
                continue
            phase = self.first_phase if index == self.start else "execute"
            raw = self.sandbox.execute_one(self.trigger.id, source, payload, phase, self.cache, remaining)
            if index == self.start and raw.result and raw.result.get("event_errors"):
                # The caller's own event is invalid: bad input, raised before any action code ran.
                raise EventValidationError(self.trigger.id, [
                    FieldError(e["path"], e["message"]) for e in raw.result["event_errors"]])
            result, calls, new_cache = build_action_result(raw, source, self.trigger, self.secrets,
                                                           self.budget_s, limit)
            max_rss = max(max_rss, int(raw.meta.get("maxrss_kb") or 0),
                          int((raw.result or {}).get("maxrss_kb") or 0))
            if result.status in ("error", "timeout"):
                status = result.status
                results.append(result)
                continue
            if new_cache is not None:
                self.cache.clear()
                self.cache.update(new_cache)
            self.records.append((source.name, calls))
            if result.status == "denied":
                status = "denied"
                results.append(result)
                continue
            # The payload later actions (or the resumed continue handler) see; skipped after the last
            # action, where nobody would (it deep-copies the event).
            redirect = self.trigger.redirect_of(calls) is not None
            if calls and (redirect or index + 1 < len(self.actions)):
                payload = self.trigger.apply_calls(payload, calls)
            if redirect:
                results.append(result.model_copy(update={"status": "suspended"}))
                status = "suspended"
                continuation = Continuation(
                    state=uuid.uuid4().hex, trigger_id=self.trigger.id, actions=tuple(self.actions),
                    index=index, payload=payload, cache=self.cache, records=tuple(self.records),
                    timeout_s=self.timeout_s,
                )
                break
            results.append(result)
        outcome = self.trigger.aggregate_outcome(self.records)
        return ExecutionResult(
            trigger=self.trigger.id, status=status, actions=results, outcome=outcome,
            stats=Stats(duration_ms=round((time.monotonic() - started) * 1000, 3), max_rss_kb=max_rss),
            state=continuation.state if continuation else None, continuation=continuation,
        )


def resume_flow(sandbox: "Sandbox", continuation: Continuation, query: dict[str, Any]) -> ExecutionResult:
    if not isinstance(continuation, Continuation):
        raise TypeError("resume() needs the continuation of a suspended ExecutionResult")
    if not isinstance(query, dict):
        raise TypeError("query must be a dict of the /continue request's query parameters")
    payload = copy.deepcopy(continuation.payload)
    request = payload.get("request")
    payload["request"] = dict(request) if isinstance(request, dict) else {}
    payload["request"]["query"] = dict(query)
    # The redirect happened: it must not reappear in the final outcome.
    records = tuple((name, [c for c in calls if c.get("method") != REDIRECT_METHOD])
                    for name, calls in continuation.records)
    return FlowRun(
        sandbox, continuation.trigger_id, list(continuation.actions), payload,
        timeout_s=continuation.timeout_s, first_phase="continue", start=continuation.index,
        cache=copy.deepcopy(continuation.cache), prior_records=records,
    ).run()
