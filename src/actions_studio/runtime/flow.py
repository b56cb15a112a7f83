"""The flow executor: TRIGGERS.md's semantics over an "execute one action" strategy.

- Actions run in order; one wall-time budget covers the whole flow.
- ``apply_calls`` of each completed action gives the payload the next one sees (metadata changes).
- The cache is shared by every action of the flow.
- A deny (or validation.error) stops the flow after that action; an error or timeout stops it too
  (Auth0 fails the login). Later actions are listed as ``skipped``.
- A redirect (``redirect.send_user_to``) suspends after that action: status ``suspended`` and a
  continuation; resuming (`resumed_request`) runs that action's continue handler, then the rest,
  with a fresh budget. Actions not yet run are not listed in a suspended result (they run on
  resume).
- The outcome aggregates the calls of every action that completed (success, denied, suspended) in
  this trigger execution, including those before a redirect; errored actions' calls are shown on
  the action but not applied.

Strategies (`Strategy`; one loop, `FlowRun.run`, decides everything):
- one child per action over RPC (the client's `Sandbox.run_action`, a flow of one);
- `Replay` (`run_flow`, `resume`): the whole flow execution in ONE forked, confined child. The
  child runs this very loop with an in-process strategy (`python.child.InProcess`) that appends each
  action's raw result to the shared buffer as it completes; the client then replays the loop over
  those records, so both sides take the same decisions from the same data. A crash or timeout in
  action k leaves the records of the actions before k: k gets the error, later ones are skipped.

This module imports neither the client nor the child: both construct `FlowRun` the same way (the
client checks the request first, `check_request`) and hand it their strategy.
"""

from __future__ import annotations

import copy
import json
import math
import time
import uuid
from collections.abc import Callable
from typing import Any, Optional, Protocol

from actions_studio.triggers import EventValidationError, FieldError, get_trigger
from actions_studio.triggers.limits import MAX_ACTIONS_PER_FLOW

from .limits import SandboxLimits
from .protocol import EventTooLargeError, MalformedResult, RawRun, malformed_result, result_of
from .redaction import NO_SECRETS, Redactor
from .report import build_action_result
from .result import ActionError, ActionResult, ActionSource, Continuation, ExecutionResult, Stats

REDIRECT_METHOD = "redirect.send_user_to"


class Strategy(Protocol):
    """How the loop gets one action executed."""

    # Whether it reads the payload of actions after the first (the loop then applies each
    # action's calls to the payload the next one sees; a replay needs it only for a redirect).
    needs_payload: bool

    def remaining(self, index: int, deadline: float) -> float:
        """Seconds left before action ``index`` (<= 0: the budget is used up, it does not start)."""

    def __call__(self, index: int, source: ActionSource, payload: dict[str, Any], phase: str,
                 cache: dict[str, Any], remaining: float) -> RawRun:
        """Execute action ``index`` (or report how it went)."""


def check_request(trigger_id: str, actions: list[ActionSource], payload: dict[str, Any], *,
                  first_phase: str, timeout_s: Optional[float], limits: SandboxLimits) -> Optional[bytes]:
    """The caller's bad input, raised before anything runs (the client's side only: the child
    gets a request the client checked). Returns the payload as the request to a child carries it
    (compact JSON, UTF-8), measured for the size limit and sent as is (`Sandbox.execute_flow`);
    None when it is not JSON data (it is measured with ``default=str`` then, and the request
    fails as it always did)."""
    trigger = get_trigger(trigger_id)
    if len(actions) > MAX_ACTIONS_PER_FLOW:
        raise ValueError(f"a {trigger_id} flow holds at most {MAX_ACTIONS_PER_FLOW} actions, got {len(actions)}")
    if not all(isinstance(a, ActionSource) for a in actions):
        raise TypeError("actions must be ActionSource objects")
    if first_phase not in ("execute", "continue"):
        raise ValueError(f"phase must be 'execute' or 'continue', not {first_phase!r}")
    if first_phase == "continue" and trigger.continue_handler is None:
        raise ValueError(f"trigger {trigger_id} has no continue handler")
    if timeout_s is not None and not timeout_s > 0:
        raise ValueError("timeout_s must be a positive number of seconds")
    encoded: Optional[bytes]
    try:
        encoded = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
        size = len(encoded)
    except (TypeError, ValueError):  # also UnicodeEncodeError: raised again, as before, just below
        encoded = None
        size = len(json.dumps(payload, separators=(",", ":"), ensure_ascii=False, default=str).encode())
    if size > limits.event_bytes:
        raise EventTooLargeError(
            f"the event payload is {size} bytes; the limit is {limits.event_bytes} bytes (nothing was run)"
        )
    if not actions:
        trigger.parse_event(payload)  # otherwise each child validates its event
    return encoded


class FlowRun:
    """One flow execution (or the rest of one, from ``start``): the same construction on both sides.

    ``secrets`` are what results are redacted with (`redaction.merge_secrets` of the flow): the
    client's; the child passes none (it keeps no merged copy of secrets; its results only drive
    its own decisions).
    """

    def __init__(self, trigger_id: str, actions: list[ActionSource], payload: dict[str, Any], *,
                 limits: SandboxLimits, timeout_s: Optional[float] = None, first_phase: str = "execute",
                 start: int = 0, cache: Optional[dict[str, Any]] = None,
                 prior_records: tuple[tuple[str, list[dict[str, Any]]], ...] = (),
                 secrets: Optional[dict[str, str]] = None) -> None:
        self.trigger = get_trigger(trigger_id)
        self.limits = limits
        self.actions = actions
        self.payload = payload
        self.payload_json: Optional[bytes] = None  # the client's `check_request` of ``payload``
        self.budget_s = float(timeout_s if timeout_s is not None else limits.wall_time_s)
        self.timeout_s = timeout_s
        self.first_phase = first_phase
        self.start = start
        self.cache = cache if cache is not None else {}
        self.records = list(prior_records)
        self.redactor = Redactor(secrets) if secrets else NO_SECRETS

    def run(self, strategy: Strategy, *, outcome: bool = True) -> ExecutionResult:
        """Run the loop over ``strategy``. ``outcome=False`` (a flow child, whose result only
        drives its own decisions) skips the aggregation."""
        started = time.monotonic()
        deadline = started + self.budget_s
        payload = self.payload
        status = "success"
        results: list[ActionResult] = []
        max_rss = 0
        continuation: Optional[Continuation] = None
        limit = self.limits.output_bytes
        for index in range(self.start, len(self.actions)):
            source = self.actions[index]
            if status != "success":
                results.append(ActionResult(name=source.name, version=source.version, status="skipped"))
                continue
            remaining = strategy.remaining(index, deadline)
            if remaining <= 0:
                status = "timeout"
                results.append(ActionResult(
                    name=source.name, version=source.version, status="timeout",
                    error=ActionError(type="Timeout", message=f"not started: the trigger execution's "
                                      f"wall-time budget of {self.budget_s:g} s was used up"),
                ))
                continue
            phase = self.first_phase if index == self.start else "execute"
            raw = strategy(index, source, payload, phase, self.cache, remaining)
            if index == self.start and raw.result and raw.result.get("event_errors"):
                # The caller's own event is invalid: bad input, raised before any action code ran.
                raise EventValidationError(self.trigger.id, [
                    FieldError(e["path"], e["message"]) for e in raw.result["event_errors"]])
            result, calls, new_cache = build_action_result(raw, source, self.trigger, self.redactor,
                                                           self.budget_s, limit)
            max_rss = max(max_rss, int(raw.meta.get("maxrss_kb") or 0),
                          int((raw.result or {}).get("maxrss_kb") or 0))
            if result.status in ("error", "timeout", "stopped"):
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
            # action, where nobody would. It shares what did not change with the caller's payload.
            redirect = self.trigger.redirect_of(calls) is not None
            if calls and (redirect or (index + 1 < len(self.actions) and strategy.needs_payload)):
                payload = self.trigger.apply_calls(payload, calls)
            if redirect:
                results.append(result.model_copy(update={"status": "suspended"}))
                status = "suspended"
                continuation = Continuation(
                    state=uuid.uuid4().hex, trigger_id=self.trigger.id, actions=tuple(self.actions),
                    index=index, payload=copy.deepcopy(payload), cache=self.cache, records=tuple(self.records),
                    timeout_s=self.timeout_s,
                )
                break
            results.append(result)
        return ExecutionResult(
            trigger=self.trigger.id, status=status, actions=results,
            outcome=self.trigger.aggregate_outcome(self.records) if outcome else {},
            stats=Stats(duration_ms=round((time.monotonic() - started) * 1000, 3), max_rss_kb=max_rss),
            state=continuation.state if continuation else None, continuation=continuation,
        )


def resumed_request(continuation: Continuation, query: dict[str, Any]) -> dict[str, Any]:
    """The keyword arguments of the `FlowRun` that resumes ``continuation`` with ``query`` (the
    /continue request's parameters, as ``event.request.query``)."""
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
    return {"trigger_id": continuation.trigger_id, "actions": list(continuation.actions), "payload": payload,
            "timeout_s": continuation.timeout_s, "first_phase": "continue", "start": continuation.index,
            "cache": copy.deepcopy(continuation.cache), "prior_records": records}


# ------------------------------------------------------------------------------------ the replay


class Replay:
    """The client's strategy for a flow execution run in one child: one request (``fetch``, given
    the seconds left), then a replay of the child's per-action records.

    The request is sent at the first question the loop asks (the budget left for the first action).
    The child ran the same loop; its records say, per action, that it began (and when), its raw
    result and console, or that the budget was used up before it. If the child did not finish
    (crash, os._exit, SIGKILL at the deadline), the action it was in — the one that began and has
    no result, else the last one that has — gets the crash or timeout, as its own child would have.
    """

    needs_payload = False  # the child computed the payloads; the replay only needs one for a redirect

    def __init__(self, flow: FlowRun, fetch: Callable[[float], RawRun]) -> None:
        self.flow = flow
        self.fetch = fetch
        self.raw: Optional[RawRun] = None
        self.received = 0.0
        self.begins: dict[int, float] = {}
        self.ends: dict[int, tuple[bytes, bytes, int]] = {}
        self.not_started: set[int] = set()
        self.blame: Optional[int] = None

    def _fetch(self, deadline: float) -> None:
        from .capture import REC_BEGIN, REC_DONE, REC_END, REC_NOT_STARTED, parse_records

        flow = self.flow
        raw = self.fetch(max(deadline - time.monotonic(), 0.001))
        self.raw, self.received = raw, time.monotonic()
        done, last_end = False, None
        count = len(flow.actions) - flow.start
        for kind, rel, t, data, logs, dropped in parse_records(raw.records):
            if not 0 <= rel < count:
                continue  # written by the action, not by the child's loop: no such action
            index = flow.start + rel
            if kind == REC_BEGIN:
                self.begins[index] = t
            elif kind == REC_END:
                self.ends[index] = (data, logs, dropped)
                last_end = index
            elif kind == REC_NOT_STARTED:
                self.not_started.add(index)
            elif kind == REC_DONE:
                done = True
        if (not done or raw.meta.get("timed_out") or raw.meta.get("stopped")) and not self.not_started:
            open_ = sorted(i for i in self.begins if i not in self.ends)
            self.blame = open_[0] if open_ else (last_end if last_end is not None else flow.start)

    def remaining(self, index: int, deadline: float) -> float:
        if self.raw is None:
            self._fetch(deadline)
        return 0.0 if index in self.not_started else max(deadline - time.monotonic(), 0.001)

    def __call__(self, index: int, source: ActionSource, payload: dict[str, Any], phase: str,
                 cache: dict[str, Any], remaining: float) -> RawRun:
        raw = self.raw
        assert raw is not None
        rec = self.ends.get(index)
        if index == self.blame:
            meta = dict(raw.meta)
            logs, result = raw.logs, None
            if rec is not None:
                data, logs, dropped = rec
                meta.update(dropped=dropped, truncated=dropped > 0)
                if meta.get("timed_out") or meta.get("stopped"):  # slipped in before the kill: still so
                    result = result_of(data)
            began = self.begins.get(index)
            wall = (self.received - began) * 1000 if began is not None else raw.wall_ms
            # The begin time is the child's word: keep it within what the client measured.
            wall = min(max(wall, 0.0), raw.wall_ms) if math.isfinite(wall) else raw.wall_ms
            return RawRun(meta, result, logs, wall)
        if rec is None:
            # The child's own loop writes an END record for every action it began before it
            # writes DONE: a DONE without one was written by an action.
            return RawRun({}, malformed_result(MalformedResult("the flow was reported done without a record "
                                                               "of this action")), b"", 0.0)
        data, logs, dropped = rec
        result = result_of(data)
        meta = {"dropped": dropped, "truncated": dropped > 0, "maxrss_kb": raw.meta.get("maxrss_kb") or 0}
        return RawRun(meta, result, logs, float(result.get("duration_ms") or 0.0))
