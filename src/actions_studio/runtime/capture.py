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

from .redaction import Redactor

# used log bytes, dropped characters, result length, flags
HEADER = struct.Struct("<QQQQ")
# The console's part of the header (used, dropped): the only fields CaptureStream writes, so the
# result length and flags of a flow child's records are never clobbered by an action's print.
CONSOLE_HEADER = struct.Struct("<QQ")
RESULT_LEN = struct.Struct("<Q")  # at offset 16
FLAGS = struct.Struct("<Q")  # at offset 24
FLAG_TRUNCATED = 1  # legacy: truncation is "dropped > 0"
FLAG_RESULT = 2  # the child's result (or a flow child's last record) is complete
FLAG_RECORDS = 4  # the result area holds a flow child's per-action records (see child.FlowRecorder)
REDACTION_SLACK = 4096  # = the longest secret value Auth0 allows (MAX_SECRET_VALUE_CHARS)
RESULT_BYTES = 8 * 1024 * 1024
# A flow child keeps every action's console in its records: room for a full console per action.
MAX_FLOW_ACTIONS = 20  # = triggers.limits.MAX_ACTIONS_PER_FLOW (checked by a test)
RECORD_OVERHEAD = 64


class Layout:
    """Offsets inside the shared buffer for a given output limit."""

    def __init__(self, output_bytes: int) -> None:
        self.log_start = HEADER.size
        self.log_cap = output_bytes + REDACTION_SLACK
        self.result_start = self.log_start + self.log_cap
        # Pages are only backed when written (memfd): the room for records costs address space only.
        self.result_cap = RESULT_BYTES + MAX_FLOW_ACTIONS * (self.log_cap + 2 * RECORD_OVERHEAD)
        self.size = self.result_start + self.result_cap


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

    def reset(self) -> None:
        """Start a new action's console (a flow child runs several actions one after the other)."""
        self._pos = self._dropped = 0
        self._full = self._buf is None
        if self._buf is not None:
            CONSOLE_HEADER.pack_into(self._buf, 0, 0, 0)

    def console(self) -> tuple[bytes, int]:
        """(console bytes so far, dropped characters) of the current action."""
        if self._buf is None:
            return b"", self._dropped
        start = self._layout.log_start
        return self._buf[start : start + self._pos], self._dropped

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
            CONSOLE_HEADER.pack_into(self._buf, 0, self._pos, self._dropped)
        return len(s)

    def flush(self) -> None:
        pass

    def finish(self) -> None:
        if self._buf is not None:
            CONSOLE_HEADER.pack_into(self._buf, 0, self._pos, self._dropped)


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
    # A flow child's records are committed one by one: what is there counts even after a crash.
    if flags & (FLAG_RESULT | FLAG_RECORDS) and result_len <= layout.result_cap:
        result = buf[layout.result_start : layout.result_start + result_len]
    return logs, dropped, bool(flags & FLAG_TRUNCATED) or dropped > 0, result


def finish_logs(raw: bytes, dropped: int, truncated: bool, limit: int, redactor: Redactor) -> str:
    """Decode, redact, then cut to the limit with a marker that says what was dropped."""
    text = redactor.text(raw.decode("utf-8", "replace"))
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


# ------------------------------------------------------------------ a flow child's per-action records
#
# A flow child runs every action of one flow execution, one after the other. Each action's outcome is
# appended to the result area as soon as it is known and committed by the result length in the
# header (data first, length last), so a crash or a SIGKILL in action k leaves the records of the
# actions before k readable: the zygote replies with whatever was committed.

RECORD = struct.Struct("<IIdQQQ")  # kind, action index, monotonic time, JSON length, console length, dropped
REC_BEGIN = 1  # the action starts (its console is the live one from now on)
REC_END = 2  # its result JSON and its console
REC_NOT_STARTED = 3  # the flow's budget was used up before it started
REC_DONE = 4  # the flow finished in the child (nothing was cut short)


class FlowRecorder:
    """Child side: appends records to the shared buffer and commits each one."""

    def __init__(self, buf: mmap.mmap, layout: Layout) -> None:
        self.buf = buf
        self.layout = layout
        self.used = 0
        RESULT_LEN.pack_into(buf, 16, 0)  # a warm child's buffer held the previous execution's records
        FLAGS.pack_into(buf, 24, FLAG_RECORDS)

    def room(self) -> int:
        return self.layout.result_cap - self.used - RECORD.size - RECORD_OVERHEAD

    def append(self, kind: int, index: int, data: bytes = b"", logs: bytes = b"", dropped: int = 0,
               t: float = 0.0) -> None:
        start = self.layout.result_start + self.used
        RECORD.pack_into(self.buf, start, kind, index, t, len(data), len(logs), dropped)
        pos = start + RECORD.size
        self.buf[pos : pos + len(data)] = data
        pos += len(data)
        self.buf[pos : pos + len(logs)] = logs
        self.used += RECORD.size + len(data) + len(logs)
        RESULT_LEN.pack_into(self.buf, 16, self.used)  # the commit

    def done(self) -> None:
        self.append(REC_DONE, 0)
        FLAGS.pack_into(self.buf, 24, FLAG_RECORDS | FLAG_RESULT)


def parse_records(data: bytes) -> list[tuple[int, int, float, bytes, bytes, int]]:
    """Client side: (kind, index, t, result JSON, console, dropped) for every committed record."""
    out = []
    pos = 0
    while pos + RECORD.size <= len(data):
        kind, index, t, n_json, n_logs, dropped = RECORD.unpack_from(data, pos)
        pos += RECORD.size
        if pos + n_json + n_logs > len(data):
            break
        out.append((kind, index, t, data[pos : pos + n_json], data[pos + n_json : pos + n_json + n_logs],
                    dropped))
        pos += n_json + n_logs
    return out
