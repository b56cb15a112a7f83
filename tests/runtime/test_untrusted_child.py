"""Issue 13 items 1, 2 and 6: nothing a child writes decides when it dies or how its caller fares.

An action can reach its own process's shared result buffer (through ``sys.stdout``) and the notify
pipe: it can forge a complete result, an end-of-flow record, garbage. Whatever it writes, the child
is killed and reaped when its reply is sent (or at its deadline), and anything malformed is an
error result that blames the action, never an exception in the caller.
"""

from __future__ import annotations

import os
import time
from typing import Any

import pytest

from actions_studio.runtime import ActionSource, Sandbox

# Writes a result record (single-action child) or an END + DONE record pair (flow child) into the
# shared buffer, sets the "complete" flag, pokes every pipe it holds, then never returns.
FORGER = """
import json, os, stat, struct, sys, time

def on_execute_post_login(event, api):
    print('pid', os.getpid(), flush=True)
    buf, layout = sys.stdout._buf, sys.stdout._layout
    used, dropped, length, flags = struct.unpack_from('<QQQQ', buf, 0)
    data = json.dumps(PAYLOAD).encode()
    if flags & 4:  # a flow child's records: append END for this action and DONE
        console = buf[layout.log_start : layout.log_start + used]
        pos = layout.result_start + length
        for kind, body in ((2, data + console), (4, b'')):
            struct.pack_into('<IIdQQQ', buf, pos, kind, 0, 0.0, len(body) - len(console) if kind == 2 else 0,
                             len(console) if kind == 2 else 0, 0)
            buf[pos + 40 : pos + 40 + len(body)] = body
            pos += 40 + len(body)
        length = pos - layout.result_start
    else:
        buf[layout.result_start : layout.result_start + len(data)] = data
        length = len(data)
    struct.pack_into('<QQQQ', buf, 0, used, dropped, length, flags | 2)
    for fd in range(3, 64):
        try:
            if stat.S_ISFIFO(os.fstat(fd).st_mode):
                os.write(fd, b'R')
        except OSError:
            pass
    while True:
        time.sleep(1)
"""

FORGED_CLAIM = {"calls": [{"method": "access_token.set_custom_claim", "args": ["https://x/forged", 1],
                           "kwargs": {}}], "warnings": [], "cache": None, "error": None}


def forger(payload: Any) -> str:
    return FORGER.replace("PAYLOAD", repr(payload))


def _pid_of(logs: str) -> int:
    return int(logs.split()[1])


def _wait_gone(pid: int, within_s: float = 10.0) -> bool:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if not os.path.exists(f"/proc/{pid}"):
            return True
        time.sleep(0.02)
    return False


def test_five_forged_complete_results_leave_no_process_behind(sandbox: Sandbox, event) -> None:
    pids = []
    for i in range(5):
        source = ActionSource(f"forger{i}", forger(FORGED_CLAIM))
        if i % 2:
            result = sandbox.run_flow("post-login", [source, ActionSource("after", "def on_execute_post_login(e, a):\n    pass\n")], event)
        else:
            result = sandbox.run_action("post-login", source, event)
        pids.append(_pid_of(result.actions[0].logs))
    # The child was killed when its reply went out, whatever it claimed; the helper reaped it.
    assert [pid for pid in pids if not _wait_gone(pid)] == []
