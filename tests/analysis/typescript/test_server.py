"""tsserver's wire protocol: Content-Length frames (bytes, not characters), responses matched by
sequence number, cancellation files, and a dead process noticed."""

from __future__ import annotations

import io
import json
import os
import signal

import pytest

from actions_studio import nodejs
from actions_studio.analysis.typescript.server import (
    TsRequestCancelled,
    TsServer,
    TsServerDied,
    _read_message,
)


def frame(message: dict) -> bytes:
    body = (json.dumps(message, ensure_ascii=False) + "\n").encode("utf-8")
    return b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body


def test_frames_are_counted_in_bytes() -> None:
    first = {"type": "response", "request_seq": 1, "body": {"text": "héllo 日本 🙂"}}
    second = {"type": "event", "event": "typingsInstallerPid"}
    stream = io.BytesIO(frame(first) + frame(second))
    assert _read_message(stream) == first
    assert _read_message(stream) == second
    assert _read_message(stream) is None


def test_a_truncated_frame_is_the_end_of_the_stream() -> None:
    assert _read_message(io.BytesIO(frame({"a": 1})[:-5])) is None


@pytest.fixture
def server(ts_install):
    started = TsServer(ts_install, nodejs.find_node())
    started.start()
    started.request("compilerOptionsForInferredProjects", {"options": {"allowJs": True, "checkJs": True}})
    yield started
    started.stop()


def test_a_request_is_answered_and_nothing_here_is_none(server: TsServer, tmp_path) -> None:
    path = str(tmp_path / "a.js")
    assert server.request("updateOpen", {"openFiles": [{"file": path, "fileContent": "const a = 1;\n", "scriptKindName": "JS"}]}) is True
    assert server.request("quickinfo", {"file": path, "line": 1, "offset": 7})["displayString"] == "const a: 1"
    assert server.request("quickinfo", {"file": path, "line": 1, "offset": 12}) is None  # "No content available."


def test_cancellation_reaches_tsserver(server: TsServer, tmp_path) -> None:
    path = str(tmp_path / "big.js")
    body = "\n".join(f"const v{i} = [{i}, 'x'].map((x) => ({{ x, y: String(x) }})).filter(Boolean);" for i in range(4000))
    server.request("updateOpen", {"openFiles": [{"file": path, "fileContent": body, "scriptKindName": "JS"}]})
    with pytest.raises(TsRequestCancelled):
        # Cancelled as soon as it is written: tsserver notices while it checks.
        server.request("semanticDiagnosticsSync", {"file": path}, on_sent=server.cancel)
    assert list(server._cancel_dir.iterdir()) == []  # the file is removed once answered
    assert server.request("syntacticDiagnosticsSync", {"file": path}) == []  # and it still serves


def test_a_killed_server_fails_the_waiting_request_and_the_next_one(server: TsServer) -> None:
    os.kill(server.pid, signal.SIGKILL)
    with pytest.raises(TsServerDied):
        server.request("status", {})
    assert not server.alive()
    with pytest.raises(TsServerDied):
        server.request("status", {})
