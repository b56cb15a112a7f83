"""What crosses the runtime's process boundaries: the wire frames, the raw report of one child
execution, the child's result record, and the errors both sides raise.

client → zygote:  REQUEST header (magic, timeout_ms, body length) then the JSON body. The zygote
reads only the header (it never parses a request, so it never holds code or secrets); the forked
child reads the body itself.
zygote → client:  one REPLY frame: the zygote's own meta JSON (exit status, rusage, timeout) plus
the child's result JSON and its raw console bytes, both read from the child's shared buffer. It is
sent as soon as the child has flagged its result complete (without waiting for its exit), or, if
the child dies first (crash, os._exit, the SIGKILL at its deadline), once it has been reaped. A
child whose reply was sent is SIGKILLed at once: the flag is the child's to write, so nothing it
writes may keep it alive past its reply or its deadline, whichever comes first. The
zygote is the only writer on the connection, so an action cannot forge or garble the frame; the
child closes its copy before any action code runs.

Everything here is imported by both sides (the client and the forked child), so neither imports
the other.
"""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass
from typing import Any, Optional

REQUEST = struct.Struct("!4sII")
REQUEST_MAGIC = b"ASQ1"
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


def pack_request(timeout_ms: int, body: bytes) -> bytes:
    return REQUEST.pack(REQUEST_MAGIC, timeout_ms, len(body)) + body


def pack_reply(meta: bytes, result: bytes, logs: bytes) -> bytes:
    return REPLY.pack(REPLY_MAGIC, len(meta), len(result), len(logs)) + meta + result + logs


def recv_reply(sock: socket.socket) -> tuple[bytes, bytes, bytes]:
    magic, n_meta, n_result, n_logs = REPLY.unpack(recv_exact(sock, REPLY.size))
    if magic != REPLY_MAGIC or max(n_meta, n_result, n_logs) > MAX_BODY_BYTES:
        raise ProtocolError("malformed reply from the sandbox zygote")
    data = recv_exact(sock, n_meta + n_result + n_logs)
    return data[:n_meta], data[n_meta : n_meta + n_result], data[n_meta + n_result :]

