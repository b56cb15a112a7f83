"""A flow execution runs every action in ONE forked, confined child (docs/architecture.md, runtime/).

The flow semantics are those of test_flow.py; these tests cover what sharing one process must not
change: each action's own secrets, console, errors and warnings, and what a crash or a timeout in
the middle of a flow leaves of the actions before it.
"""

from __future__ import annotations

from typing import Any

import pytest

from actions_studio.runtime import ActionSource, Sandbox

PID = "import os\ndef on_execute_post_login(event, api):\n    print(os.getpid())\n"
FIRST = """
def on_execute_post_login(event, api):
    print('first ran')
    api.access_token.set_custom_claim('https://acme.example/first', 1)
"""
LAST = """
def on_execute_post_login(event, api):
    print('last ran')
    api.access_token.set_custom_claim('https://acme.example/last', 1)
"""


def src(name: str, code: str, **kwargs: Any) -> ActionSource:
    return ActionSource(name=name, code=code, **kwargs)


def statuses(result) -> list[tuple[str, str]]:
    return [(a.name, a.status) for a in result.actions]


def test_a_flow_execution_is_one_process_and_executions_never_share_one(sandbox: Sandbox, event) -> None:
    one = sandbox.run_flow("post-login", [src("a", PID), src("b", PID), src("c", PID)], event)
    other = sandbox.run_flow("post-login", [src("a", PID), src("b", PID)], event)
    pids = {a.logs for a in one.actions}
    assert len(pids) == 1
    assert not pids & {a.logs for a in other.actions}


CRASHES = {
    "os-exit": ("import os\ndef on_execute_post_login(event, api):\n    print('bye')\n    os._exit(3)\n",
                "exited with code 3"),
    "segfault": ("import ctypes\ndef on_execute_post_login(event, api):\n    print('bye')\n    ctypes.string_at(0)\n",
                 "SIGSEGV"),
    "sigkill": ("import os, signal\ndef on_execute_post_login(event, api):\n    print('bye')\n"
                "    os.kill(os.getpid(), signal.SIGKILL)\n", "SIGKILL"),
}


@pytest.mark.parametrize("kind", sorted(CRASHES))
def test_a_crash_in_the_middle_action_keeps_the_first_actions_result(sandbox: Sandbox, event, kind: str) -> None:
    code, named = CRASHES[kind]
    result = sandbox.run_flow("post-login", [src("first", FIRST), src("crash", code), src("last", LAST)], event)
    assert result.status == "error"
    assert statuses(result) == [("first", "success"), ("crash", "error"), ("last", "skipped")]
    first, crash, last = result.actions
    assert first.logs == "first ran\n" and first.error is None
    assert first.calls == [{"method": "access_token.set_custom_claim",
                            "args": ["https://acme.example/first", 1], "kwargs": {}}]
    assert crash.error.type == "Crash" and named in crash.error.message
    assert crash.logs == "bye\n"  # its own console, kept through the crash; not the first one's
    assert last.logs == "" and last.calls == []
    assert result.outcome["access_token"]["claims"] == {"https://acme.example/first": 1}


def test_a_timeout_mid_flow_keeps_the_earlier_actions_and_skips_the_rest(sandbox: Sandbox, event) -> None:
    spin = "def on_execute_post_login(event, api):\n    print('spinning')\n    while True:\n        pass\n"
    result = sandbox.run_flow("post-login", [src("first", FIRST), src("spin", spin), src("last", LAST)], event,
                              timeout_s=1.0)
    assert result.status == "timeout"
    assert statuses(result) == [("first", "success"), ("spin", "timeout"), ("last", "skipped")]
    assert result.actions[0].logs == "first ran\n"
    assert result.actions[1].error.type == "Timeout" and result.actions[1].logs == "spinning\n"
    assert 500 < result.actions[1].duration_ms < 4000
    assert result.outcome["access_token"]["claims"] == {"https://acme.example/first": 1}
    assert sandbox.run_flow("post-login", [src("first", FIRST)], event).status == "success"


def test_each_action_sees_only_its_own_secrets_and_nothing_of_the_previous_action(sandbox: Sandbox, event) -> None:
    writer = ("import sys\nLEFT_BEHIND = 'a-global'\n"
              "def on_execute_post_login(event, api):\n"
              "    print(sorted(event.secrets.items()))\n")
    reader = ("import sys, gc\n"
              "def on_execute_post_login(event, api):\n"
              "    print(sorted(event.secrets.items()))\n"
              "    print('module of a:', 'action' in sys.modules and hasattr(sys.modules['action'], 'LEFT_BEHIND'))\n"
              "    # dicts of str only are not tracked by the collector: look through every referent too\n"
              "    dicts = [r for o in gc.get_objects() for r in gc.get_referents(o) if type(r) is dict]\n"
              "    print('a secret dict alive:', any(o.get('A_KEY') == 'value-of-a' for o in dicts))\n"
              "    print('own secret dict alive:', any(o.get('B_KEY') == 'value-of-b' for o in dicts))\n")
    result = sandbox.run_flow("post-login", [src("a", writer, secrets={"A_KEY": "value-of-a"}),
                                             src("b", reader, secrets={"B_KEY": "value-of-b"})], event)
    assert result.status == "success", [x.error for x in result.actions]
    a, b = result.actions
    assert a.logs == "[('A_KEY', '[redacted secret A_KEY]')]\n"
    assert b.logs.splitlines() == ["[('B_KEY', '[redacted secret B_KEY]')]", "module of a: False",
                                   "a secret dict alive: False", "own secret dict alive: True"]


def test_what_an_action_wrote_into_its_event_never_reaches_the_next_one(sandbox: Sandbox, event) -> None:
    # api.transaction.set_metadata writes through event.transaction.metadata; with the call taken
    # back out of api.calls the payload stays the same object, and the next action gets the event
    # validated before (python/child.py CheckedEvent): it must still be the event as it was.
    writer = ("def on_execute_post_login(event, api):\n"
              "    api.transaction.set_metadata('seen', 'by-a')\n"
              "    print(dict(event.transaction.metadata).get('seen'))\n"
              "    api.calls.clear()\n")
    reader = ("def on_execute_post_login(event, api):\n"
              "    print(dict(event.transaction.metadata).get('seen'), sorted(event.secrets))\n")
    result = sandbox.run_flow("post-login", [src("a", writer, secrets={"A_KEY": "value-of-a"}),
                                             src("b", reader, secrets={"B_KEY": "value-of-b"}),
                                             src("c", reader)], event)
    assert result.status == "success", [x.error for x in result.actions]
    assert [a.logs for a in result.actions] == ["by-a\n", "None ['B_KEY']\n", "None []\n"]


def test_the_console_is_reset_for_each_action(sandbox: Sandbox, event) -> None:
    limit = sandbox.limits.output_bytes
    flood = f"def on_execute_post_login(event, api):\n    print('x' * {limit + 5000})\n"
    quiet = "import logging\ndef on_execute_post_login(event, api):\n    print('only b')\n"
    result = sandbox.run_flow("post-login", [src("a", flood), src("b", quiet), src("c", quiet)], event)
    assert result.status == "success"
    assert "[output truncated at" in result.actions[0].logs
    assert result.actions[1].logs == "only b\n" and result.actions[2].logs == "only b\n"


def test_logging_set_up_by_one_action_does_not_leak_into_the_next(sandbox: Sandbox, event) -> None:
    silencer = ("import logging\ndef on_execute_post_login(event, api):\n"
                "    logging.getLogger().setLevel(logging.CRITICAL)\n"
                "    logging.getLogger().handlers.clear()\n")
    talker = "import logging\ndef on_execute_post_login(event, api):\n    logging.getLogger('b').warning('heard')\n"
    result = sandbox.run_flow("post-login", [src("a", silencer), src("b", talker)], event)
    assert result.actions[1].logs == "WARNING:b:heard\n"


def test_errors_and_warnings_stay_with_their_own_action(sandbox: Sandbox, event) -> None:
    returns = "def on_execute_post_login(event, api):\n    return 42\n"
    raises = "def on_execute_post_login(event, api):\n    x = 1\n    raise ValueError('from b')\n"
    result = sandbox.run_flow("post-login", [src("a", returns), src("b", raises), src("c", LAST)], event)
    assert statuses(result) == [("a", "success"), ("b", "error"), ("c", "skipped")]
    a, b, _ = result.actions
    assert len(a.warnings) == 1 and "returned a int" in a.warnings[0] and b.warnings == []
    assert b.error.type == "ValueError" and b.error.line == 3
    assert 'File "<action:b>", line 3' in b.error.traceback and "<action:a>" not in b.error.traceback


def test_cache_and_metadata_of_one_action_reach_the_next(sandbox: Sandbox, event) -> None:
    put = "def on_execute_post_login(event, api):\n    api.cache.set('k', 'v')\n    api.user.set_app_metadata('plan', 'gold')\n"
    read = ("def on_execute_post_login(event, api):\n"
            "    print(api.cache.get('k')['value'], event.user.app_metadata['plan'])\n")
    result = sandbox.run_flow("post-login", [src("put", put), src("read", read)], event)
    assert result.status == "success" and result.actions[1].logs == "v gold\n"


def test_the_flow_record_room_matches_the_flow_limit() -> None:
    from actions_studio.runtime.capture import MAX_FLOW_ACTIONS
    from actions_studio.triggers.limits import MAX_ACTIONS_PER_FLOW

    assert MAX_FLOW_ACTIONS == MAX_ACTIONS_PER_FLOW


def test_the_next_action_starts_from_the_same_process_state(sandbox: Sandbox, event) -> None:
    meddler = ("import io, os, sys\n"
               "def on_execute_post_login(event, api):\n"
               "    print('a')\n"
               "    os.environ['LEFT'] = 'by a'\n"
               "    sys.path.insert(0, '/nowhere')\n"
               "    os.mkdir('sub')\n"
               "    os.chdir('sub')\n"
               "    sys.stdout = sys.stderr = io.StringIO()\n")
    checker = ("import os, sys\n"
               "def on_execute_post_login(event, api):\n"
               "    print('LEFT' in os.environ, '/nowhere' in sys.path, os.path.basename(os.getcwd()) == 'sub')\n")
    result = sandbox.run_flow("post-login", [src("a", meddler), src("b", checker)], event)
    assert result.status == "success", [x.error for x in result.actions]
    assert result.actions[0].logs == "a\n"
    assert result.actions[1].logs == "False False False\n"
