"""Issue 13 items 1, 2 and 6: nothing a child writes decides when it dies or how its caller fares.

An action can reach its own process's shared result buffer (through ``sys.stdout``) and the notify
pipe: it can forge a complete result, an end-of-flow record, garbage. Whatever it writes, the child
is killed and reaped when its reply is sent (or at its deadline), and anything malformed is an
error result that blames the action, never an exception in the caller.
"""

from __future__ import annotations

import os
from typing import Any

import pytest

from actions_studio.runtime import ActionSource, Sandbox

from .processes import gone

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
    assert [pid for pid in pids if not gone(pid)] == []


LATER = ActionSource("later", "def on_execute_post_login(event, api):\n    print('ran')\n")

MALFORMED = {
    "a list": [1, 2, 3],
    "calls not a list": {"calls": "x"},
    "a call without a method": {"calls": [{"args": []}]},
    "args not a list": {"calls": [{"method": "access.deny", "args": "no"}]},
    "a bad error record": {"calls": [], "error": {"type": 1}},
    "a bad cache": {"calls": [], "cache": {"k": "v"}},
    "negative duration": {"calls": [], "duration_ms": -1},
}


@pytest.mark.parametrize("shape", list(MALFORMED))
@pytest.mark.parametrize("how", ["run_action", "run_flow"])
def test_a_malformed_result_is_an_error_that_blames_the_action(sandbox: Sandbox, event, shape: str,
                                                               how: str) -> None:
    source = ActionSource("evil", forger(MALFORMED[shape]))
    if how == "run_flow":
        result = sandbox.run_flow("post-login", [source, LATER], event)
    else:
        result = sandbox.run_action("post-login", source, event)
    assert result.status == "error"
    evil = result.actions[0]
    assert evil.status == "error" and evil.error.type == "InvalidResult", evil.error
    assert "malformed result" in evil.error.message and evil.calls == []
    assert [a.status for a in result.actions[1:]] == (["skipped"] if how == "run_flow" else [])
    assert result.outcome["access_token"]["claims"] == {}


# Raw bytes that are not a JSON object a parser survives: written the same way, as the result.
RAW_FORGER = FORGER.replace("data = json.dumps(PAYLOAD).encode()", "data = DATA")


@pytest.mark.parametrize("data", [b"\xff\xfe not utf-8", b"[" * 200_000 + b"]" * 200_000,
                                  b'{"calls": [], "duration_ms": NaN}', b'{"calls": [' + b"9" * 5000 + b"]}"],
                         ids=["bad-utf8", "deep-nesting", "nan", "long-int"])
def test_unparseable_result_bytes_are_an_error_that_blames_the_action(sandbox: Sandbox, event, data: bytes) -> None:
    result = sandbox.run_flow("post-login", [ActionSource("evil", RAW_FORGER.replace("DATA", repr(data))), LATER],
                              event)
    assert [a.status for a in result.actions] == ["error", "skipped"]
    assert result.actions[0].error.type == "InvalidResult"


def test_calls_appended_by_hand_that_cannot_be_interpreted_blame_the_action(sandbox: Sandbox, event) -> None:
    # Shapes are right, values are not what any api method records: a claim named by a list.
    code = ("def on_execute_post_login(event, api):\n"
            "    api.calls.append({'method': 'access_token.set_custom_claim', 'args': [['k'], 1], 'kwargs': {}})\n")
    result = sandbox.run_flow("post-login", [ActionSource("evil", code), LATER], event)
    assert [a.status for a in result.actions] == ["error", "skipped"]
    assert result.actions[0].error.type == "InvalidResult"
    assert "cannot be interpreted" in result.actions[0].error.message


def test_a_forged_flow_record_for_an_action_that_does_not_exist_blames_the_action(sandbox: Sandbox, event) -> None:
    # An END record for index 7 of a flow of two: not a record of the child's loop.
    code = FORGER.replace("struct.pack_into('<IIdQQQ', buf, pos, kind, 0,", "struct.pack_into('<IIdQQQ', buf, pos, kind, 7 if kind == 2 else 0,")
    result = sandbox.run_flow("post-login", [ActionSource("evil", forger_code(code)), LATER], event)
    # The child claimed to be done without a result for "evil": the action is to blame, not the sandbox.
    assert [a.status for a in result.actions] == ["error", "skipped"]
    assert result.actions[0].error.type == "InvalidResult" and "without a record" in result.actions[0].error.message


def forger_code(template: str) -> str:
    return template.replace("PAYLOAD", repr(FORGED_CLAIM))


def test_the_cli_reports_a_malformed_result_as_the_actions_error_without_a_traceback(tmp_path) -> None:
    import subprocess
    import sys

    action = tmp_path / "evil.py"
    action.write_text(forger([1, 2, 3]), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACTIONS_STUDIO")}
    for command in ("run", "flow"):
        proc = subprocess.run([sys.executable, "-m", "actions_studio", command, str(action), "--trigger", "post-login",
                               "--timeout", "5"], capture_output=True, text=True, timeout=120, env=env)
        assert proc.returncode == 1, (proc.stdout, proc.stderr)  # the action failed; bad input would be 2
        assert "Traceback" not in proc.stdout + proc.stderr
        assert "InvalidResult" in proc.stdout and "malformed result" in proc.stdout


def test_a_claim_too_long_to_send_as_json_is_the_actions_api_usage_error(sandbox: Sandbox, event) -> None:
    # Issue 13 item 6: it was reported as "SandboxError: sandbox setup failed".
    code = ("def on_execute_post_login(event, api):\n"
            "    api.access_token.set_custom_claim('https://acme.example/n', 10 ** 100_000)\n")
    for result in (sandbox.run_action("post-login", ActionSource("big", code), event),
                   sandbox.run_flow("post-login", [ActionSource("big", code), LATER], event)):
        error = result.actions[0].error
        assert result.actions[0].status == "error" and error.type == "ApiUsageError", error
        assert "https://acme.example/n" in error.message and "digits" in error.message
        assert error.line == 2
        assert [a.status for a in result.actions[1:]] in ([], ["skipped"])


def test_a_result_that_cannot_be_encoded_is_the_actions_error(sandbox: Sandbox, event) -> None:
    # Past the api's own checks (appended by hand): the child cannot encode it, and says whose fault it is.
    code = ("def on_execute_post_login(event, api):\n"
            "    api.calls.append({'method': 'access_token.set_custom_claim', 'args': ['k', 10 ** 100_000],\n"
            "                      'kwargs': {}})\n")
    for result in (sandbox.run_action("post-login", ActionSource("big", code), event),
                   sandbox.run_flow("post-login", [ActionSource("big", code), LATER], event)):
        error = result.actions[0].error
        assert result.actions[0].status == "error" and error.type == "ApiUsageError", error
        assert "cannot be sent as JSON" in error.message
