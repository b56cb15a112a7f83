"""Flows through the real sandbox: TRIGGERS.md's semantics, the shared budget, concurrency."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from actions_studio.runtime import ActionSource, ExecutionResult, Sandbox

CLAIM = """
def on_execute_post_login(event, api):
    api.access_token.set_custom_claim("https://acme.example/{name}", "{name}")
"""
DENY = """
def on_execute_post_login(event, api):
    api.access.deny("blocked by policy")
"""
INVALID = """
def on_execute_post_login(event, api):
    api.validation.error("invalid_email", "use a company address")
"""


def src(name: str, code: str, **kwargs: Any) -> ActionSource:
    return ActionSource(name=name, code=code.replace("{name}", name), **kwargs)


def statuses(result: ExecutionResult) -> list[tuple[str, str]]:
    return [(a.name, a.status) for a in result.actions]


def test_actions_run_in_order_and_later_ones_override(sandbox: Sandbox, event) -> None:
    same = 'def on_execute_post_login(event, api):\n    api.id_token.set_custom_claim("https://acme.example/who", "{name}")\n'
    result = sandbox.run_flow("post-login", [src("one", same), src("two", same)], event)
    assert result.status == "success"
    assert statuses(result) == [("one", "success"), ("two", "success")]
    assert result.outcome["id_token"]["claims"] == {"https://acme.example/who": "two"}
    assert result.outcome["set_by"]["id_token.claims.https://acme.example/who"] == "two"


@pytest.mark.parametrize("stopper", [DENY, INVALID], ids=["deny", "validation-error"])
def test_deny_stops_the_flow_and_later_actions_are_skipped(sandbox: Sandbox, event, stopper: str) -> None:
    actions = [src("first", CLAIM), src("gate", stopper), src("never", CLAIM)]
    result = sandbox.run_flow("post-login", actions, event)
    assert result.status == "denied"
    assert statuses(result) == [("first", "success"), ("gate", "denied"), ("never", "skipped")]
    assert result.actions[2].calls == [] and result.actions[2].logs == ""
    assert "https://acme.example/never" not in result.outcome["access_token"]["claims"]
    assert "https://acme.example/first" in result.outcome["access_token"]["claims"]


def test_an_error_stops_the_flow(sandbox: Sandbox, event) -> None:
    boom = "def on_execute_post_login(event, api):\n    1 / 0\n"
    result = sandbox.run_flow("post-login", [src("boom", boom), src("never", CLAIM)], event)
    assert result.status == "error"
    assert statuses(result) == [("boom", "error"), ("never", "skipped")]
    assert result.actions[0].error.type == "ZeroDivisionError" and result.actions[0].error.line == 2


def test_metadata_and_transaction_changes_are_visible_to_later_actions(sandbox: Sandbox, event) -> None:
    writer = (
        "def on_execute_post_login(event, api):\n"
        "    api.user.set_app_metadata('plan', 'gold')\n"
        "    api.user.set_user_metadata('theme', 'dark')\n"
        "    api.transaction.set_metadata('step', 1)\n"
    )
    reader = (
        "def on_execute_post_login(event, api):\n"
        "    print(event.user.app_metadata['plan'], event.user.user_metadata['theme'],\n"
        "          event.transaction.metadata['step'])\n"
    )
    result = sandbox.run_flow("post-login", [src("writer", writer), src("reader", reader)], event)
    assert result.status == "success", result.actions[1].error
    assert result.actions[1].logs == "gold dark 1\n"
    assert result.outcome["user"]["app_metadata"] == {"plan": "gold"}


def test_the_cache_is_shared_across_the_flow(sandbox: Sandbox, event) -> None:
    put = "def on_execute_post_login(event, api):\n    api.cache.set('token', 't-1')\n"
    get = "def on_execute_post_login(event, api):\n    print(api.cache.get('token')['value'])\n"
    result = sandbox.run_flow("post-login", [src("put", put), src("get", get)], event)
    assert result.actions[1].logs == "t-1\n"


REDIRECT = """
def on_execute_post_login(event, api):
    api.user.set_app_metadata('seen', True)
    api.redirect.send_user_to("https://mfa.example/verify", query={"from": "studio"})

def on_continue_post_login(event, api):
    print("back with", event.request.query["answer"], event.user.app_metadata["seen"], event.secrets["K"])
    api.id_token.set_custom_claim("https://acme.example/verified", True)
"""


def test_redirect_suspends_and_resume_runs_continue_then_the_rest(sandbox: Sandbox, event) -> None:
    actions = [src("before", CLAIM), src("mfa", REDIRECT, secrets={"K": "key-12345"}), src("after", CLAIM)]
    suspended = sandbox.run_flow("post-login", actions, event)
    assert suspended.status == "suspended"
    assert statuses(suspended) == [("before", "success"), ("mfa", "suspended")]
    assert suspended.outcome["redirect"] == {"url": "https://mfa.example/verify", "query": {"from": "studio"}}
    wire = suspended.model_dump(mode="json")
    assert wire["state"] == suspended.continuation.state and "continuation" not in wire
    assert "key-12345" not in suspended.model_dump_json() and "key-12345" not in repr(suspended)

    resumed = sandbox.resume(suspended.continuation, query={"answer": "42", "state": wire["state"]})
    assert resumed.status == "success", [a.error for a in resumed.actions]
    assert statuses(resumed) == [("mfa", "success"), ("after", "success")]
    assert resumed.actions[0].logs == "back with 42 True [redacted secret K]\n"
    claims = resumed.outcome["access_token"]["claims"]
    assert set(claims) == {"https://acme.example/before", "https://acme.example/after"}
    assert resumed.outcome["id_token"]["claims"] == {"https://acme.example/verified": True}
    assert resumed.outcome["redirect"] is None
    assert resumed.state is None and resumed.continuation is None


def test_one_budget_covers_the_whole_flow(sandbox: Sandbox, event) -> None:
    # Each action alone fits the 1.2 s budget; two of them do not.
    nap = "import time\ndef on_execute_post_login(event, api):\n    time.sleep(0.7)\n"
    started = time.monotonic()
    result = sandbox.run_flow("post-login", [src("a", nap), src("b", nap), src("c", nap)], event, timeout_s=1.2)
    assert time.monotonic() - started < 5
    assert result.status == "timeout"
    assert statuses(result) == [("a", "success"), ("b", "timeout"), ("c", "skipped")]


def test_a_resume_gets_a_fresh_budget(sandbox: Sandbox, event) -> None:
    # Each phase fits the 1.5 s budget; both together would not.
    slow = ("import time\n"
            "def on_execute_post_login(event, api):\n    time.sleep(0.9)\n"
            "    api.redirect.send_user_to('https://x.example')\n"
            "def on_continue_post_login(event, api):\n    time.sleep(0.9)\n")
    suspended = sandbox.run_flow("post-login", [src("slow", slow)], event, timeout_s=1.5)
    assert suspended.status == "suspended"
    assert sandbox.resume(suspended.continuation, {}).status == "success"


def test_at_most_twenty_actions(sandbox: Sandbox, event) -> None:
    with pytest.raises(ValueError, match="at most 20 actions"):
        sandbox.run_flow("post-login", [src(f"a{i}", CLAIM) for i in range(21)], event)


def test_flows_run_in_parallel_from_many_threads(sandbox: Sandbox, event) -> None:
    code = ("import time\n"
            "def on_execute_post_login(event, api):\n"
            "    print(time.monotonic())\n"
            "    time.sleep(0.2)\n"
            "    api.access_token.set_custom_claim('https://acme.example/who', event.secrets['WHO'])\n"
            "    print(time.monotonic())\n")
    results: dict[int, ExecutionResult] = {}
    errors: list[BaseException] = []

    def one(i: int) -> None:
        try:
            actions = [src("x", code, secrets={"WHO": f"caller-{i:04d}"}),
                       src("y", code, secrets={"WHO": f"caller-{i:04d}"})]
            results[i] = sandbox.run_flow("post-login", actions, event)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(results) == 20
    spans = []
    for i, result in results.items():
        assert result.status == "success", [a.error for a in result.actions]
        assert result.outcome["access_token"]["claims"] == {"https://acme.example/who": f"caller-{i:04d}"}
        spans += [tuple(map(float, a.logs.split())) for a in result.actions]
    # The executions really overlap (CLOCK_MONOTONIC is system-wide): not one at a time.
    most = max(sum(1 for s, e in spans if s <= start < e) for start, _ in spans)
    assert most >= 5
