"""One JavaScript action's execution, as the flow executor's strategies ask for it: the event
validated and copied the way the Python child does it, the worker taken from the pool, the api
served, and the outcome reported as the same raw run a Python child reports (`protocol.RawRun`,
then `report.build_action_result`), so both runtimes end in one ExecutionResult shape.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any, Optional

from actions_studio.triggers import EventValidationError, get_trigger
from actions_studio.triggers.javascript import javascript_view

from ..checked_event import CheckedEvent
from ..protocol import MalformedResult, RawRun, error_result, malformed_result, parse_result
from ..result import ActionSource
from .api_host import ApiHost
from .pool import NodePool, worker_key
from .worker import WorkerFailed


def run_js_action(pool: NodePool, trigger_id: str, source: ActionSource, payload: dict[str, Any], phase: str,
                  cache: dict[str, Any], remaining: float, cancel: Optional[threading.Event] = None,
                  checked: Optional[CheckedEvent] = None) -> RawRun:
    """``checked``: the flow execution's event validated for an action before (`CheckedEvent`),
    reused while the payload is the same object; None: this action's alone."""
    checked = checked if checked is not None else CheckedEvent()
    started = time.monotonic()
    deadline = started + remaining
    if cancel is not None and cancel.is_set():
        return RawRun({"stopped": True}, None, b"", 0.0)
    trigger = get_trigger(trigger_id)
    view = javascript_view(trigger_id)
    handler = view.execute_handler if phase == "execute" else view.continue_handler
    event = checked.event_for(payload, source.secrets)
    if event is None:
        event_payload = dict(payload)
        event_payload["secrets"] = dict(source.secrets)  # only this action's own, whatever the fixture carried
        try:
            event = trigger.parse_event(event_payload)
        except EventValidationError as exc:
            out = error_result("EventValidationError", f"the event does not match the {trigger.id} event: {exc}")
            out["event_errors"] = [{"path": e.path, "message": e.message} for e in exc.errors]
            return RawRun({}, out, b"", 0.0)
        checked.keep(payload, event)
        event = checked.event_for(payload, source.secrets)
    wire = checked.wire(source.secrets)
    host = ApiHost(trigger, view, event, name=source.name, secrets=source.secrets, cache=cache, phase=phase)
    try:
        worker = pool.acquire(worker_key(trigger_id, source), tuple(source.sys_path))
    except WorkerFailed as exc:
        return RawRun({}, error_result("SandboxError", f"sandbox setup failed: {exc}"), b"", 0.0)
    except Exception as exc:  # noqa: BLE001 - the pool could not start a worker: the action's error result
        return RawRun({}, error_result("SandboxError", f"sandbox setup failed: could not start a Node worker "
                                       f"({type(exc).__name__}: {exc})"), b"", 0.0)
    message: dict[str, Any] = {"type": "run", "handler": handler, "event": wire}
    if not worker.loaded:
        message["init"] = {"name": source.name, "code": source.code, "api": view.to_json(),
                           "dirs": list(source.sys_path), "output_bytes": pool.limits.output_bytes}
    try:
        reply, meta = worker.execute(message, host, deadline, cancel)
    finally:
        pool.release(worker)
    wall_ms = (time.monotonic() - started) * 1000
    if reply is None and meta.pop("malformed", False):
        return RawRun({}, malformed_result(MalformedResult("a frame on the worker's channel is over the size "
                                                           "limit")), meta.get("console", b""), wall_ms)
    if reply is None:
        stderr = meta.pop("stderr", "")
        logs = meta.pop("console", b"") + (f"[node] {stderr}\n".encode() if stderr else b"")
        return RawRun(meta, None, logs, wall_ms)
    if reply.get("malformed"):
        return RawRun({}, malformed_result(MalformedResult("the worker's result frame")), b"", wall_ms)
    return _raw_run(reply, host, wall_ms)


def runtime_unavailable(runtime: str, why: str) -> RawRun:
    """The result of a JavaScript action where no usable Node is found (nodejs.NodeError)."""
    return RawRun({}, error_result("RuntimeUnavailable", f"the {runtime} runtime is not available: {why}"), b"", 0.0)


def _raw_run(reply: dict[str, Any], host: ApiHost, wall_ms: float) -> RawRun:
    worker_out = reply.get("result")
    if not isinstance(worker_out, dict):
        worker_out = {}
    record = dict(host.result())
    record["error"] = worker_out.get("error")
    record["warnings"] = record["warnings"] + [w for w in (worker_out.get("warnings") or []) if isinstance(w, str)]
    if record["error"] is not None:
        record["cache"] = host.context.cache
    for name in ("duration_ms", "maxrss_kb"):
        if isinstance(worker_out.get(name), (int, float)):
            record[name] = worker_out[name]
    try:
        result = parse_result(json.dumps(record, default=repr).encode("utf-8", "surrogatepass"))
    except MalformedResult as exc:
        result = malformed_result(exc)
    logs = reply.get("logs")
    data = logs.encode("utf-8", "surrogatepass") if isinstance(logs, str) else b""
    dropped = reply.get("dropped") if isinstance(reply.get("dropped"), int) else 0
    meta = {"dropped": dropped, "truncated": dropped > 0, "maxrss_kb": int(result.get("maxrss_kb") or 0)}
    return RawRun(meta, result, data, wall_ms)


def node_capabilities(pool: NodePool) -> dict[str, Any]:
    """The layers of a Node worker, measured: the OS layers (probe.py) and Node's permission
    model checked from inside a real confined worker (child processes, worker threads, a file
    outside the allow-list and a native addon must each be refused with ERR_ACCESS_DENIED)."""
    import tempfile

    from .launcher import PERMISSION_LAYER
    from .probe import PERMISSION_CHECK

    found = pool.layers()
    if not found["layers"].get(PERMISSION_LAYER):
        return found
    with tempfile.NamedTemporaryFile(dir=pool.launcher.base, prefix="outside-") as outside:
        code = PERMISSION_CHECK.replace("__OUTSIDE__", json.dumps(outside.name))
        source = ActionSource(name="permission-probe", code=code, runtime="node22")
        raw = run_js_action(pool, "post-login", source, get_trigger("post-login").sample_event(), "execute",
                            {}, 20.0)
    claims = {c["args"][0].rsplit("/", 1)[1]: c["args"][1] for c in (raw.result or {}).get("calls", [])}
    held = bool(claims) and all(v is True for v in claims.values())
    found["layers"][PERMISSION_LAYER] = held
    if not held:
        found["notes"][PERMISSION_LAYER] = f"node --permission did not refuse everything it should: {claims}"
    return found
