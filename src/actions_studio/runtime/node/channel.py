"""The worker's frames: a 4-byte big-endian length, then UTF-8 JSON (both channels)."""

from __future__ import annotations

import json
import socket
import struct
import time
from typing import Any

LENGTH = struct.Struct("!I")
# An api call's arguments or a result; far above anything legitimate (a 1 MiB event, a 1 MiB console).
MAX_FRAME = 16 * 1024 * 1024


class ChannelClosed(EOFError):
    """The worker closed its end (it exited or was killed)."""


class FrameTooLarge(ValueError):
    pass


def pack(obj: Any) -> bytes:
    body = json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode("utf-8", "surrogatepass")
    return LENGTH.pack(len(body)) + body


def _recv_exact(sock: socket.socket, n: int, deadline: float) -> bytes:
    buf = bytearray(n)
    view = memoryview(buf)
    got = 0
    while got < n:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the worker did not finish a frame in time")
        sock.settimeout(left)
        try:
            k = sock.recv_into(view[got:], n - got)
        except socket.timeout:
            raise TimeoutError("the worker did not finish a frame in time") from None
        if k == 0:
            raise ChannelClosed(f"channel closed after {got} of {n} bytes")
        got += k
    return bytes(buf)


def recv_frame(sock: socket.socket, deadline: float) -> bytes:
    """One frame's body (raw bytes: what a worker sends is untrusted, the caller parses it)."""
    (n,) = LENGTH.unpack(_recv_exact(sock, LENGTH.size, deadline))
    if n > MAX_FRAME:
        raise FrameTooLarge(f"a frame of {n} bytes is over the {MAX_FRAME} byte limit")
    return _recv_exact(sock, n, deadline)
