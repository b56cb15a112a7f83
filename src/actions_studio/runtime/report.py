"""Turn one child execution as the zygote reported it into an ActionResult.

The client does the redaction (it alone knows the secrets) and names what happened to a child
that did not report: killed at the deadline, killed by a signal, or exited early.
"""

from __future__ import annotations

import signal
from typing import Any, Optional

from .capture import finish_logs
from .redaction import Redactor
from .result import ActionError, ActionResult, ActionSource

_SIGNAL_HINTS = {
    signal.SIGSEGV: "a segmentation fault (e.g. a bad pointer through ctypes)",
    signal.SIGBUS: "a bus error",
    signal.SIGABRT: "an abort in native code",
    signal.SIGKILL: "killed from outside the action (e.g. by the out-of-memory killer)",
    signal.SIGXCPU: "the CPU-time limit was exceeded",
    signal.SIGXFSZ: "the file-size limit was exceeded",
}


def _signal_name(num: int) -> str:
    try:
        return signal.Signals(num).name
    except ValueError:
        return f"signal {num}"


def crash_error(meta: dict[str, Any], budget_s: float) -> tuple[str, ActionError]:
    """(status, error) for a child that produced no result."""
    if meta.get("stopped"):
        return "stopped", ActionError(type="Stopped", message="stopped before it finished (the run was "
                                                              "stopped; its process was killed)")
    if meta.get("timed_out"):
        return "timeout", ActionError(
            type="Timeout",
            message=f"the action was stopped (SIGKILL) when the trigger execution's wall-time budget "
                    f"of {budget_s:g} s ran out",
        )
    sig = meta.get("signal")
    if sig is not None:
        hint = _SIGNAL_HINTS.get(sig)
        return "error", ActionError(
            type="Crash",
            message=f"the action's process was killed by {_signal_name(sig)} ({sig})"
                    + (f": {hint}" if hint else ""),
        )
    return "error", ActionError(
        type="Crash",
        message=f"the action's process exited with code {meta.get('exit_code')} before returning "
                "(os._exit, sys.exit in a thread, or a fatal error in native code)",
    )


def _uninterpretable(trigger: Any, name: str, calls: list[dict[str, Any]]) -> Optional[ActionError]:
    """An error blaming the action when its calls cannot be interpreted (the shapes were checked,
    `protocol.parse_result`, but the values are the child's word: a call appended to api.calls by
    hand skips the api's own checks); None when they can."""
    try:
        trigger.aggregate_outcome([(name, calls)])
        trigger.redirect_of(calls)
        trigger.apply_calls({}, calls)
    except Exception as exc:  # noqa: BLE001 - whatever the garbage, the caller must not crash
        return ActionError(type="InvalidResult", message=f"the action's calls cannot be interpreted "
                           f"({type(exc).__name__}: {str(exc)[:200]}); record effects with the api methods")
    return None


def build_action_result(raw: Any, source: ActionSource, trigger: Any, redactor: Redactor,
                        budget_s: float, output_limit: int) -> tuple[ActionResult, list[dict[str, Any]],
                                                                      Optional[dict[str, Any]]]:
    """(result, calls, new cache or None)."""
    meta = raw.meta
    logs = finish_logs(raw.logs, int(meta.get("dropped", 0)), bool(meta.get("truncated")), output_limit,
                       redactor)
    res = raw.result
    calls: list[dict[str, Any]] = []
    warnings: list[str] = []
    cache = None
    error: Optional[ActionError] = None
    duration = raw.wall_ms
    if meta.get("timed_out") or meta.get("stopped"):
        # Even if a result slipped in just before the kill, the budget (or the stop) is what the
        # user must see.
        status, error = crash_error(meta, budget_s)
        if res:
            calls = list(res.get("calls") or [])
    elif res is None:
        status, error = crash_error(meta, budget_s)
    else:
        calls = list(res.get("calls") or [])
        warnings = [redactor.text(w) for w in res.get("warnings") or []]
        cache = res.get("cache")
        duration = float(res.get("duration_ms", duration))
        uninterpretable = None if res.get("error") else _uninterpretable(trigger, source.name, calls)
        if uninterpretable is not None:
            status, error, cache = "error", uninterpretable, None
        elif res.get("error"):
            e = res["error"]
            status = "error"
            error = ActionError(
                type=e["type"],
                message=redactor.text(e.get("message") or ""),
                traceback=redactor.text(e["traceback"]) if e.get("traceback") else None,
                line=e.get("line"),
            )
        else:
            status = "denied" if trigger.stops_flow(calls) else "success"
    result = ActionResult(
        name=source.name, version=source.version, status=status, duration_ms=round(duration, 3),
        logs=logs, error=error, calls=calls, warnings=warnings,
    )
    return result, calls, cache
