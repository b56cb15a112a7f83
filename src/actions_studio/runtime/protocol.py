"""What crosses the runtime's process boundaries: the wire frames, the raw report of one child
execution, the child's result record, and the errors both sides raise.

client → zygote:  REQUEST header (magic, timeout_ms, body length, warm key) then the JSON body. The
zygote reads only the header (it never parses a request, so it never holds code or secrets); the
forked child reads the body itself. The warm key is all zeros for a fresh child (killed after its
reply); otherwise the sha256 of the flow (`warm_key`): the zygote hands the request only to a child
bound to that key, or to a spare it then binds to it for life.
client → zygote, after a warm reply: one verdict byte on the same connection, `VERDICT_KEEP` when
what the child reported was well-formed (otherwise nothing, or anything else: the child is killed).
zygote → client:  one REPLY frame: the zygote's own meta JSON (exit status, rusage, timeout) plus
the child's result JSON and its raw console bytes, both read from the child's shared buffer. It is
sent as soon as the child has flagged its result complete (without waiting for its exit), or, if
the child dies first (crash, os._exit, the SIGKILL at its deadline), once it has been reaped. A
child whose reply was sent is SIGKILLed at once: the flag is the child's to write, so nothing it
writes may keep it alive past its reply or its deadline, whichever comes first. The
zygote is the only writer on the connection, so an action cannot forge or garble the frame; the
child closes its copy before any action code runs. What the frame carries from the child's buffer
is untrusted: `parse_result` checks its shape.

Everything here is imported by both sides (the client and the forked child), so neither imports
the other.
"""

from __future__ import annotations

import json
import math
import socket
import struct
from dataclasses import dataclass
from typing import Any, Optional

REQUEST = struct.Struct("!4sII32s")
REQUEST_MAGIC = b"ASQ2"
FRESH = bytes(32)  # the warm key of a request that gets a fresh child
VERDICT_KEEP = b"K"
REPLY = struct.Struct("!4sIII")
REPLY_MAGIC = b"ASR1"
# Far above anything legitimate (1 MiB event + 100 kB code + secrets); a bound for a corrupt length.
MAX_BODY_BYTES = 64 * 1024 * 1024


class SandboxError(RuntimeError):
    """The sandbox itself failed (zygote died, could not start): not the action's fault."""


class EventTooLargeError(ValueError):
    """The event payload exceeds SandboxLimits.event_bytes; nothing was run."""


class ProtocolError(RuntimeError):
    pass


@dataclass
class RawRun:
    """One child execution as the zygote reported it, before redaction and interpretation."""

    meta: dict[str, Any]
    result: Optional[dict[str, Any]]
    logs: bytes
    wall_ms: float
    records: bytes = b""  # a flow child's per-action records (capture.parse_records)


# ------------------------------------------------------------------------- the child's result record


def error_info(type_: str, message: str, tb: Optional[str] = None, line: Optional[int] = None) -> dict[str, Any]:
    """The ``error`` of a result record (ActionError's fields)."""
    return {"type": type_, "message": message, "traceback": tb, "line": line}


def error_result(type_: str, message: str, tb: Optional[str] = None, line: Optional[int] = None) -> dict[str, Any]:
    """A whole result record for an action that produced nothing but this error."""
    return {"error": error_info(type_, message, tb, line), "calls": [], "warnings": [], "cache": None}


def recv_exact(sock: socket.socket, n: int) -> bytes:
    if n == 0:
        return b""
    buf = bytearray(n)
    view = memoryview(buf)
    got = 0
    while got < n:
        k = sock.recv_into(view[got:], n - got)
        if k == 0:
            raise EOFError(f"connection closed after {got} of {n} bytes")
        got += k
    return bytes(buf)


def pack_request(timeout_ms: int, body: bytes, key: bytes = FRESH) -> bytes:
    return REQUEST.pack(REQUEST_MAGIC, timeout_ms, len(body), key) + body


def warm_key(trigger_id: str, actions: Any) -> bytes:
    """What a warm child is bound to for life: the trigger and, for every action of the flow in
    order, its name, version, code, secrets and dependency directories. The same key means the
    same code with the same secrets, so reusing its process shows an execution nothing that another
    flow, another version or other secrets put there. The phase, the resume point, the event and
    the cache are per request, not part of it."""
    import hashlib

    data = json.dumps([trigger_id, [[a.name, a.version, a.code, sorted(a.secrets.items()), list(a.sys_path)]
                                    for a in actions]], ensure_ascii=False, default=str)
    return hashlib.sha256(data.encode("utf-8", "surrogatepass")).digest()


def pack_reply(meta: bytes, result: bytes, logs: bytes) -> bytes:
    return REPLY.pack(REPLY_MAGIC, len(meta), len(result), len(logs)) + meta + result + logs


def recv_reply(sock: socket.socket) -> tuple[bytes, bytes, bytes]:
    magic, n_meta, n_result, n_logs = REPLY.unpack(recv_exact(sock, REPLY.size))
    if magic != REPLY_MAGIC or max(n_meta, n_result, n_logs) > MAX_BODY_BYTES:
        raise ProtocolError("malformed reply from the sandbox zygote")
    data = recv_exact(sock, n_meta + n_result + n_logs)
    return data[:n_meta], data[n_meta : n_meta + n_result], data[n_meta + n_result :]



# ------------------------------------------------------------- what the child reports is untrusted


class MalformedResult(ValueError):
    """What a child reported does not have the shape of a result record (the action wrote over
    its buffer, or appended something to api.calls by hand)."""


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")  # NaN/Infinity: Python's json accepts them, JSON does not


def loads_untrusted(data: bytes) -> Any:
    """JSON from the child's buffer; MalformedResult for anything unreadable (bad UTF-8, bad JSON,
    nesting too deep for the parser, an integer too long to convert)."""
    try:
        return json.loads(data, parse_constant=_no_constant)
    except (ValueError, RecursionError) as exc:
        raise MalformedResult(f"unreadable JSON ({type(exc).__name__}: {str(exc)[:100]})") from None


def _check(ok: bool, what: str) -> None:
    if not ok:
        raise MalformedResult(what)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _optional_str(value: Any) -> bool:
    return value is None or isinstance(value, str)


def parse_result(data: bytes) -> dict[str, Any]:
    """The child's result record, checked field by field; MalformedResult naming the first field
    that is wrong. Only the known fields are kept."""
    record = loads_untrusted(data)
    _check(isinstance(record, dict), f"the result is a JSON {type(record).__name__}, not an object")
    calls = record.get("calls", [])
    _check(isinstance(calls, list), "calls is not a list")
    for i, call in enumerate(calls):
        _check(isinstance(call, dict) and isinstance(call.get("method"), str),
               f"calls[{i}] is not a call with a method name")
        _check(isinstance(call.get("args", []), list), f"calls[{i}].args is not a list")
        _check(isinstance(call.get("kwargs", {}), dict), f"calls[{i}].kwargs is not an object")
    warnings = record.get("warnings", [])
    _check(isinstance(warnings, list) and all(isinstance(w, str) for w in warnings),
           "warnings is not a list of strings")
    cache = record.get("cache")
    _check(cache is None or (isinstance(cache, dict) and all(
        isinstance(v, dict) and isinstance(v.get("value"), str) and _is_int(v.get("expires_at"))
        for v in cache.values())), "cache is not a map of {value, expires_at} records")
    error = record.get("error")
    if error is not None:
        _check(isinstance(error, dict) and isinstance(error.get("type"), str)
               and isinstance(error.get("message"), str) and _optional_str(error.get("traceback"))
               and (error.get("line") is None or _is_int(error.get("line"))),
               "error is not an error record (type, message, traceback, line)")
    out: dict[str, Any] = {
        "calls": [{"method": c["method"], "args": c.get("args", []), "kwargs": c.get("kwargs", {})} for c in calls],
        "warnings": warnings, "cache": cache,
        "error": None if error is None else error_info(error["type"], error["message"], error.get("traceback"),
                                                       error.get("line")),
    }
    for name in ("duration_ms", "maxrss_kb"):
        if name in record:
            _check(_is_number(record[name]) and record[name] >= 0, f"{name} is not a non-negative number")
            out[name] = record[name]
    if "event_errors" in record:
        errors = record["event_errors"]
        _check(isinstance(errors, list) and all(
            isinstance(e, dict) and isinstance(e.get("path"), str) and isinstance(e.get("message"), str)
            for e in errors), "event_errors is not a list of {path, message}")
        out["event_errors"] = errors
    return out


def malformed_result(exc: MalformedResult) -> dict[str, Any]:
    """The error result of an action whose process reported something malformed: its fault."""
    return error_result("InvalidResult", f"the action's process reported a malformed result: {exc} "
                        "(the action wrote over the sandbox's result buffer or api.calls)")


def result_of(data: bytes) -> dict[str, Any]:
    """`parse_result`, with anything malformed turned into the action's error result."""
    try:
        return parse_result(data)
    except MalformedResult as exc:
        return malformed_result(exc)
