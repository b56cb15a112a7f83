"""The flow executor: TRIGGERS.md's semantics over an "execute one action" strategy.

- Actions run in order; one wall-time budget covers the whole flow.
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

Strategies (one loop, `FlowRun.run`, decides everything):
- `_ChildPerAction`: one child per action over RPC (`Sandbox.run_action`, a flow of one).
- `_OneChild` (`run_flow`, `resume`): the whole flow execution in ONE forked, confined child. The
  child runs this very loop with an in-process strategy (`child.InProcess`) that appends each
  action's raw result to the shared buffer as it completes; the client then replays the loop over
  those records, so both sides take the same decisions from the same data. A crash or timeout in
  action k leaves the records of the actions before k: k gets the error, later ones are skipped.
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
    from .client import RawRun, Sandbox
    from .limits import SandboxLimits

REDIRECT_METHOD = "redirect.send_user_to"


def _max_actions() -> int:
    from actions_studio.triggers.limits import MAX_ACTIONS_PER_FLOW

    return MAX_ACTIONS_PER_FLOW


class FlowRun:
    def __init__(self, sandbox: Optional["Sandbox"], trigger_id: str, actions: list[ActionSource],
                 payload: dict[str, Any], *, timeout_s: Optional[float] = None, first_phase: str = "execute",
                 start: int = 0, cache: Optional[dict[str, Any]] = None,
                 prior_records: tuple[tuple[str, list[dict[str, Any]]], ...] = (),
                 limits: Optional["SandboxLimits"] = None, in_child: bool = False) -> None:
        from actions_studio.triggers import get_trigger

        from .client import EventTooLargeError

        self.sandbox = sandbox
        self.trigger = get_trigger(trigger_id)
        limits = limits if limits is not None else sandbox.limits  # type: ignore[union-attr]
        self.limits = limits
        self.in_child = in_child
        if in_child:  # inside a flow child: the client checked everything already
            self.actions, self.payload, self.first_phase, self.start = actions, payload, first_phase, start
            self.budget_s = float(timeout_s if timeout_s is not None else limits.wall_time_s)
            self.timeout_s = timeout_s
            self.cache = cache if cache is not None else {}
            self.records = list(prior_records)
            self.secrets = {}  # redaction is the client's; the child keeps no merged copy of secrets
            return
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

    def run_in_one_child(self) -> ExecutionResult:
        """Every action of this execution in one forked, confined child (`_OneChild`)."""
        if self.start >= len(self.actions):
            return self.run()
        return self.run(_OneChild(self))

    def run(self, strategy: Any = None) -> ExecutionResult:
        """Run the loop over ``strategy`` (default: one child per action). A strategy has
        ``remaining(index, deadline)`` (seconds left before action ``index``; <= 0: not started),
        ``__call__(index, source, payload, phase, cache, remaining)`` → RawRun, and
        ``needs_payload`` (whether it reads the payload of actions after the first)."""
        if strategy is None:
            strategy = _ChildPerAction(self)
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
            if calls and (redirect or (index + 1 < len(self.actions) and strategy.needs_payload)):
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
        outcome = {} if self.in_child else self.trigger.aggregate_outcome(self.records)
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
    ).run_in_one_child()


# ------------------------------------------------------------------------------------ strategies


def _sandbox_error(message: str) -> dict[str, Any]:
    return {"error": {"type": "SandboxError", "message": message, "traceback": None, "line": None},
            "calls": [], "warnings": [], "cache": None}


def _loads(data: bytes) -> dict[str, Any]:
    try:
        return json.loads(data)
    except ValueError:
        return _sandbox_error("the action's result was unreadable (its shared buffer was overwritten)")


class _ChildPerAction:
    """One child per action, over RPC: what `Sandbox.run_action` (a flow of one) uses."""

    needs_payload = True

    def __init__(self, flow: FlowRun) -> None:
        self.flow = flow

    def remaining(self, index: int, deadline: float) -> float:
        return deadline - time.monotonic()

    def __call__(self, index: int, source: ActionSource, payload: dict[str, Any], phase: str,
                 cache: dict[str, Any], remaining: float) -> "RawRun":
        assert self.flow.sandbox is not None
        return self.flow.sandbox.execute_one(self.flow.trigger.id, source, payload, phase, cache, remaining)


class _OneChild:
    """The whole flow execution in one child: one request, then a replay of its per-action records.

    The request is sent at the first question the loop asks (the budget left for the first action).
    The child ran the same loop; its records say, per action, that it began (and when), its raw
    result and console, or that the budget was used up before it. If the child did not finish
    (crash, os._exit, SIGKILL at the deadline), the action it was in — the one that began and has
    no result, else the last one that has — gets the crash or timeout, as its own child would have.
    """

    needs_payload = False  # the child computed the payloads; the replay only needs one for a redirect

    def __init__(self, flow: FlowRun) -> None:
        self.flow = flow
        self.raw: Optional["RawRun"] = None
        self.received = 0.0
        self.begins: dict[int, float] = {}
        self.ends: dict[int, tuple[bytes, bytes, int]] = {}
        self.not_started: set[int] = set()
        self.blame: Optional[int] = None

    def _fetch(self, deadline: float) -> None:
        from .capture import REC_BEGIN, REC_DONE, REC_END, REC_NOT_STARTED, parse_records

        flow = self.flow
        assert flow.sandbox is not None
        raw = flow.sandbox.execute_flow(flow.trigger.id, flow.actions[flow.start:], flow.payload,
                                        flow.first_phase, flow.cache, max(deadline - time.monotonic(), 0.001))
        self.raw, self.received = raw, time.monotonic()
        done, last_end = False, None
        for kind, rel, t, data, logs, dropped in parse_records(raw.records):
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
        if (not done or raw.meta.get("timed_out")) and not self.not_started:
            open_ = sorted(i for i in self.begins if i not in self.ends)
            self.blame = open_[0] if open_ else (last_end if last_end is not None else flow.start)

    def remaining(self, index: int, deadline: float) -> float:
        if self.raw is None:
            self._fetch(deadline)
        return 0.0 if index in self.not_started else max(deadline - time.monotonic(), 0.001)

    def __call__(self, index: int, source: ActionSource, payload: dict[str, Any], phase: str,
                 cache: dict[str, Any], remaining: float) -> "RawRun":
        from .client import RawRun

        raw = self.raw
        assert raw is not None
        rec = self.ends.get(index)
        if index == self.blame:
            meta = dict(raw.meta)
            logs, result = raw.logs, None
            if rec is not None:
                data, logs, dropped = rec
                meta.update(dropped=dropped, truncated=dropped > 0)
                if meta.get("timed_out"):  # a result that slipped in before the kill: still a timeout
                    result = _loads(data)
            began = self.begins.get(index)
            wall = (self.received - began) * 1000 if began is not None else raw.wall_ms
            return RawRun(meta, result, logs, wall)
        if rec is None:
            return RawRun({}, _sandbox_error("the flow's sandbox process did not report this action"), b"", 0.0)
        data, logs, dropped = rec
        result = _loads(data)
        meta = {"dropped": dropped, "truncated": dropped > 0, "maxrss_kb": raw.meta.get("maxrss_kb") or 0}
        return RawRun(meta, result, logs, float(result.get("duration_ms") or 0.0))
