"""Console capture of one action: a bounded buffer in memory shared with the zygote.

The child writes print/sys.stdout/sys.stderr/logging output and, at the end, its result JSON into an
anonymous shared mapping the zygote created before forking. The zygote reads it after reaping the
child, so the console of an action that timed out or crashed is still reported, and the child never
has to talk to the client itself. Output past the limit is counted, not stored: 100 MB of print costs
time in the action but no memory anywhere.

Redaction and the truncation marker are applied by the client (which knows the secrets); the buffer
keeps ``REDACTION_SLACK`` bytes beyond the limit so a secret cut by the limit is still recognised.
"""

from __future__ import annotations

import io
import mmap
import struct
import threading

# used log bytes, dropped characters, result length, flags
HEADER = struct.Struct("<QQQQ")
FLAG_TRUNCATED = 1
FLAG_RESULT = 2
REDACTION_SLACK = 4096  # = the longest secret value Auth0 allows (MAX_SECRET_VALUE_CHARS)
RESULT_BYTES = 8 * 1024 * 1024
MIN_REDACTED_CHARS = 4


class Layout:
    """Offsets inside the shared buffer for a given output limit."""

    def __init__(self, output_bytes: int) -> None:
        self.log_start = HEADER.size
        self.log_cap = output_bytes + REDACTION_SLACK
        self.result_start = self.log_start + self.log_cap
        self.size = self.result_start + RESULT_BYTES

    def new_buffer(self) -> mmap.mmap:
        # mmap(-1, ...) is MAP_SHARED|MAP_ANONYMOUS: the forked child writes, the zygote reads.
        return mmap.mmap(-1, self.size)


class CaptureStream(io.TextIOBase):
    """A text stream that fills the shared buffer up to its capacity, then only counts."""

    def __init__(self) -> None:
        # Created (with the logging handler that writes to it) in the zygote, attached to its
        # buffer in each child: building them per child cost ~0.2 ms of copy-on-write faults.
        self._buf: mmap.mmap | None = None
        self._layout = Layout(0)
        self._pos = 0
        self._dropped = 0
        self._full = True  # unattached: everything is dropped
        self._lock = threading.Lock()

    def attach(self, buf: mmap.mmap, layout: Layout) -> None:
        self._buf, self._layout = buf, layout
        self._pos = self._dropped = 0
        self._full = False

    def writable(self) -> bool:
        return True

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8"

    def isatty(self) -> bool:
        return False

    def write(self, s: str) -> int:
        if not isinstance(s, str):
            raise TypeError(f"write() argument must be str, not {type(s).__name__}")
        if self._full:  # the hot path of an output flood: no encoding, no copy
            self._dropped += len(s)
            return len(s)
        data = s.encode("utf-8", "backslashreplace")
        assert self._buf is not None
        with self._lock:
            room = self._layout.log_cap - self._pos
            start = self._layout.log_start + self._pos
            if len(data) <= room:
                self._buf[start : start + len(data)] = data
                self._pos += len(data)
            else:
                self._buf[start : start + room] = data[:room]
                self._pos += room
                self._full = True
                self._dropped += max(1, len(s) - room)
            HEADER.pack_into(self._buf, 0, self._pos, self._dropped, 0, FLAG_TRUNCATED if self._full else 0)
        return len(s)

    def flush(self) -> None:
        pass

    def finish(self) -> None:
        if self._buf is not None:
            HEADER.pack_into(self._buf, 0, self._pos, self._dropped, 0, FLAG_TRUNCATED if self._full else 0)


def write_result(buf: mmap.mmap, layout: Layout, data: bytes) -> bool:
    """Store the child's result JSON; False when it does not fit (reported as an error)."""
    if len(data) > RESULT_BYTES:
        return False
    used, dropped, _, flags = HEADER.unpack_from(buf, 0)
    buf[layout.result_start : layout.result_start + len(data)] = data
    # The flag goes last: a child killed mid-copy leaves no half result behind.
    HEADER.pack_into(buf, 0, used, dropped, len(data), flags | FLAG_RESULT)
    return True


def read_back(buf: mmap.mmap, layout: Layout) -> tuple[bytes, int, bool, bytes]:
    """(console bytes, dropped characters, truncated, result JSON or b"") — zygote side."""
    used, dropped, result_len, flags = HEADER.unpack_from(buf, 0)
    used = min(used, layout.log_cap)
    logs = buf[layout.log_start : layout.log_start + used]
    result = b""
    if flags & FLAG_RESULT and result_len <= RESULT_BYTES:
        result = buf[layout.result_start : layout.result_start + result_len]
    return logs, dropped, bool(flags & FLAG_TRUNCATED), result


def redact(text: str, secrets: dict[str, str]) -> str:
    """Replace every secret value (of at least MIN_REDACTED_CHARS characters) by its name.

    Shorter values are left alone: redacting "1" or "ab" would shred every log and they are not
    secrets worth the name (a decision recorded in docs/architecture.md).
    """
    if not text or not secrets:
        return text
    # Longest first, so a secret containing another is replaced whole.
    for name, value in sorted(secrets.items(), key=lambda kv: -len(kv[1])):
        if len(value) >= MIN_REDACTED_CHARS and value in text:
            text = text.replace(value, f"[redacted secret {name}]")
    return text


def finish_logs(raw: bytes, dropped: int, truncated: bool, limit: int, secrets: dict[str, str]) -> str:
    """Decode, redact, then cut to the limit with a marker that says what was dropped."""
    text = redact(raw.decode("utf-8", "replace"), secrets)
    encoded = text.encode("utf-8")
    if len(encoded) > limit:
        extra = len(encoded) - limit
        text = encoded[:limit].decode("utf-8", "ignore")
        dropped += extra
        truncated = True
    if truncated:
        if text and not text.endswith("\n"):
            text += "\n"
        text += (
            f"[output truncated at {limit} bytes: {dropped} more characters were dropped]\n"
        )
    return text
