"""One action through the real sandbox: results, console, errors, handlers, the result JSON."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest

from actions_studio.runtime import ActionSource, EventTooLargeError, Sandbox
from actions_studio.triggers import TRIGGERS, EventValidationError

HELLO = """
import logging, sys

def on_execute_post_login(event, api):
    print("hello", event.user.email)
    sys.stderr.write("to stderr\\n")
    logging.getLogger("mine").warning("careful")
    api.access_token.set_custom_claim("https://acme.example/plan", "gold")
"""


def run(sandbox: Sandbox, code: str, event: dict[str, Any], **kwargs: Any):
    secrets = kwargs.pop("secrets", {})
    return sandbox.run_action("post-login", ActionSource("act", code, secrets=secrets), event, **kwargs)


def test_success_records_calls_console_outcome_and_stats(sandbox: Sandbox, event) -> None:
    result = run(sandbox, HELLO, event)
    assert result.status == "success"
    (a,) = result.actions
    assert a.status == "success" and a.error is None and a.version is None
    assert a.logs == f"hello {event['user']['email']}\nto stderr\nWARNING:mine:careful\n"
    assert a.calls == [{"method": "access_token.set_custom_claim",
                        "args": ["https://acme.example/plan", "gold"], "kwargs": {}}]
    assert result.outcome["access_token"]["claims"] == {"https://acme.example/plan": "gold"}
    assert result.stats.max_rss_kb > 0 and result.stats.duration_ms > 0


def test_wire_json_has_exactly_the_design_shape(sandbox: Sandbox, event) -> None:
    data = run(sandbox, HELLO, event).model_dump(mode="json")
    assert set(data) == {"trigger", "status", "actions", "outcome", "stats", "state"}
    assert set(data["actions"][0]) == {"name", "version", "status", "duration_ms", "logs", "error",
                                       "calls", "warnings"}
    assert set(data["stats"]) == {"duration_ms", "max_rss_kb"}
    json.dumps(data)


def test_exception_reports_type_message_line_and_only_the_actions_frames(sandbox: Sandbox, event) -> None:
    code = (
        "import json\n"
        "def helper(x):\n"
        "    return json.loads(x)\n"
        "\n"
        "def on_execute_post_login(event, api):\n"
        "    helper('{not json')\n"
    )
    result = run(sandbox, code, event)
    assert result.status == "error"
    error = result.actions[0].error
    assert error.type == "JSONDecodeError"
    assert error.message.startswith("Expecting property name")
    assert error.line == 3  # innermost line of the action's own source, not json's
    tb = error.traceback
    assert tb.startswith("Traceback (most recent call last):")
    assert 'File "<action:act>", line 6, in on_execute_post_login' in tb
    assert "helper('{not json')" in tb and "return json.loads(x)" in tb  # source lines shown
    assert "actions_studio" not in tb and "json/decoder.py" not in tb  # no sandbox or library frames
    assert tb.rstrip().endswith("Expecting property name enclosed in double quotes: line 1 column 2 (char 1)")


def test_api_usage_error_points_at_the_calling_line(sandbox: Sandbox, event) -> None:
    code = "def on_execute_post_login(event, api):\n    x = 1\n    api.cache.set('k', 42)\n"
    error = run(sandbox, code, event).actions[0].error
    assert error.type == "ApiUsageError" and error.line == 3


def test_syntax_error_reports_its_line(sandbox: Sandbox, event) -> None:
    code = "def on_execute_post_login(event, api):\n    x = 1\n    return x +\n"
    result = run(sandbox, code, event)
    assert result.status == "error"
    error = result.actions[0].error
    assert error.type == "SyntaxError" and error.line == 3
    assert "<action:act>" in error.traceback


def test_missing_handler_names_the_expected_handler(sandbox: Sandbox, event) -> None:
    result = run(sandbox, "def on_execute_post_logn(event, api):\n    pass\n", event)
    error = result.actions[0].error
    assert result.status == "error"
    assert error.type == "MissingHandler"
    assert error.message == "no on_execute_post_login(event, api) handler is defined"


def test_async_handler_that_sleeps(sandbox: Sandbox, event) -> None:
    code = (
        "import asyncio\n"
        "async def on_execute_post_login(event, api):\n"
        "    await asyncio.sleep(0.05)\n"
        "    results = await asyncio.gather(*(asyncio.sleep(0.01, result=i) for i in range(3)))\n"
        "    api.id_token.set_custom_claim('https://acme.example/n', sum(results))\n"
    )
    result = run(sandbox, code, event)
    assert result.status == "success", result.actions[0].error
    assert result.outcome["id_token"]["claims"] == {"https://acme.example/n": 3}
    assert result.actions[0].duration_ms >= 50


def test_a_returned_value_is_ignored_with_a_warning(sandbox: Sandbox, event) -> None:
    code = "def on_execute_post_login(event, api):\n    return {'allow': True}\n"
    result = run(sandbox, code, event)
    assert result.status == "success"
    assert any("returned a dict" in w for w in result.actions[0].warnings)


@pytest.mark.parametrize(
    "code",
    ["import os\nos._exit(9)\n", "def on_execute_post_login(event, api):\n    return (\n"],
    ids=["code-that-would-crash", "syntax-error"],
)
def test_an_invalid_event_is_refused_before_anything_runs(sandbox: Sandbox, event, code: str) -> None:
    # Raised (not an action result), and neither the crash nor the syntax error is what is reported:
    # the event was validated before the action's code was compiled or run.
    event["stats"]["logins_count"] = "many"
    with pytest.raises(EventValidationError) as info:
        run(sandbox, code, event)
    assert any(e.path == "stats.logins_count" for e in info.value.errors)


def test_an_invalid_event_in_a_flow_is_refused_before_the_first_action(sandbox: Sandbox, event) -> None:
    del event["user"]["user_id"]
    with pytest.raises(EventValidationError, match="user.user_id"):
        sandbox.run_flow("post-login", [ActionSource("a", HELLO), ActionSource("b", HELLO)], event)


def test_an_event_over_the_payload_limit_is_refused_before_running(sandbox: Sandbox, event) -> None:
    event["user"]["user_metadata"] = {"blob": "x" * (1024 * 1024)}
    with pytest.raises(EventTooLargeError, match="limit is 1048576 bytes"):
        run(sandbox, HELLO, event)


def test_secrets_reach_the_action_and_are_redacted_from_logs_and_errors(sandbox: Sandbox, event) -> None:
    code = (
        "def on_execute_post_login(event, api):\n"
        "    key = event.secrets['API_KEY']\n"
        "    print('using', key, 'and', event.secrets['SHORT'], 'in abacus')\n"
        "    api.access_token.set_custom_claim('https://acme.example/len', len(key))\n"
        "    raise ValueError('bad key ' + key)\n"
    )
    result = run(sandbox, code, event, secrets={"API_KEY": "sk_live_0123456789", "SHORT": "ab"})
    a = result.actions[0]
    assert a.calls[0]["args"][1] == len("sk_live_0123456789")  # the action saw the real value
    dumped = result.model_dump_json()
    assert "sk_live_0123456789" not in dumped
    # A short value only where it stands alone (runtime/redaction.py), not inside "abacus".
    assert a.logs == "using [redacted secret API_KEY] and [redacted secret SHORT] in abacus\n"
    assert a.error.message == "bad key [redacted secret API_KEY]"
    assert "[redacted secret API_KEY]" in a.error.traceback


def test_the_fixture_cannot_smuggle_other_secrets_into_event_secrets(sandbox: Sandbox, event) -> None:
    event["secrets"] = {"OTHER": "not-yours-123"}
    code = "def on_execute_post_login(event, api):\n    print(sorted(event.secrets))\n"
    result = run(sandbox, code, event, secrets={"MINE": "value-123"})
    assert result.actions[0].logs == "['MINE']\n"


def test_cache_passed_in_is_updated_in_place(sandbox: Sandbox, event) -> None:
    cache: dict[str, Any] = {}
    code = "def on_execute_post_login(event, api):\n    api.cache.set('token', 'abc')\n"
    assert run(sandbox, code, event, cache=cache).status == "success"
    assert cache["token"]["value"] == "abc"
    read = "def on_execute_post_login(event, api):\n    print(api.cache.get('token')['value'])\n"
    assert run(sandbox, read, event, cache=cache).actions[0].logs == "abc\n"


def test_capabilities_are_detected_and_explained(sandbox: Sandbox) -> None:
    caps = sandbox.capabilities()
    assert set(caps["layers"]) >= {"audit_hook", "seccomp", "cgroup_pids", "separate_uid",
                                   "no_new_privs", "dumpable_off", "network_isolation"}
    assert caps["layers"]["audit_hook"] is True  # pure Python: available everywhere
    assert all(isinstance(v, bool) for v in caps["layers"].values())
    for name, available in caps["layers"].items():
        assert caps["notes"].get(name), f"no note explains layer {name} ({available})"


def test_deep_recursion_is_reported_compactly(sandbox: Sandbox, event) -> None:
    code = "def f(n):\n    return f(n + 1)\n\ndef on_execute_post_login(event, api):\n    f(0)\n"
    error = run(sandbox, code, event).actions[0].error
    assert error.type == "RecursionError" and error.line == 2
    assert "Previous line repeated" in error.traceback and len(error.traceback) < 5000


def test_the_zygote_and_its_forking_helper_stay_single_threaded(sandbox: Sandbox, event) -> None:
    # PITFALLS.md: a forked copy of a threaded process can deadlock. Threads of actions (allowed)
    # live in the children only.
    code = "import threading\ndef on_execute_post_login(event, api):\n    threading.Thread(target=print).start()\n"
    assert run(sandbox, code, event).status == "success"
    zygote = sandbox.zygote_pid
    helpers = [int(p) for p in os.listdir("/proc") if p.isdigit() and _ppid(int(p)) == zygote]
    assert helpers, "the forking helper is missing"
    for pid in [zygote, *helpers]:
        assert len(os.listdir(f"/proc/{pid}/task")) == 1, pid


def _ppid(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            return int(fh.read().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return -1


@pytest.mark.parametrize("trigger_id", sorted(TRIGGERS))
def test_every_trigger_runs_its_handler_on_its_sample_event(sandbox: Sandbox, trigger_id: str) -> None:
    trigger = TRIGGERS[trigger_id]
    code = (f"def {trigger.execute_handler}(event, api):\n"
            "    api.cache.set('seen', 'yes')\n"
            "    print(type(event).__name__)\n")
    result = sandbox.run_action(trigger_id, ActionSource("t", code), trigger.sample_event())
    assert result.status == "success", result.actions[0].error
    assert result.trigger == trigger_id
    assert result.actions[0].logs == f"{trigger.event_model.__name__}\n"


def test_each_execution_has_its_own_work_dir_removed_afterwards(sandbox: Sandbox, event) -> None:
    import time

    code = (
        "import os, tempfile\n"
        "def on_execute_post_login(event, api):\n"
        "    with open('scratch.txt', 'w') as fh:\n"
        "        fh.write('x')\n"
        "    print(os.getcwd(), os.environ['HOME'] == os.getcwd() == tempfile.gettempdir())\n"
    )
    first = run(sandbox, code, event).actions[0].logs.split()
    second = run(sandbox, code, event).actions[0].logs.split()
    assert first[1] == second[1] == "True"
    assert first[0] != second[0]
    deadline = time.monotonic() + 5
    while os.path.exists(first[0]) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not os.path.exists(first[0])


def test_the_checked_payload_is_the_one_sent_and_what_is_not_json_fails_as_it_did(sandbox: Sandbox, event) -> None:
    import datetime
    import json

    from actions_studio.runtime.flow import check_request

    flow = [ActionSource("a", HELLO), ActionSource("b", HELLO)]
    event["user"]["user_metadata"] = {"name": "Zoë 🌍", "n": [1, 2.5, None, True]}
    encoded = check_request("post-login", flow, event, first_phase="execute", timeout_s=None, limits=sandbox.limits)
    assert encoded == json.dumps(event, separators=(",", ":"), ensure_ascii=False).encode()
    assert sandbox.run_flow("post-login", flow, event).status == "success"
    # Not JSON data: measured for the limit all the same, then refused when the request is encoded.
    event["user"]["user_metadata"] = {"when": datetime.date(2026, 1, 1)}
    assert check_request("post-login", flow, event, first_phase="execute", timeout_s=None,
                         limits=sandbox.limits) is None
    with pytest.raises(TypeError, match="not JSON serializable"):
        sandbox.run_flow("post-login", flow, event)
    event["user"]["user_metadata"] = {"lone": "\ud800"}
    with pytest.raises(UnicodeEncodeError):
        sandbox.run_flow("post-login", flow, event)
