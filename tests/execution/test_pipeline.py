"""The one run pipeline without a sandbox: environments first, a refusal before anything runs,
what the sandbox is handed; and the one walk over an outcome."""

from __future__ import annotations

import threading
from unittest.mock import create_autospec

import pytest

from actions_studio.execution import PYTHON, EnvironmentRefused, RunSource, execute, no_environments
from actions_studio.runtime import Sandbox
from actions_studio.triggers.outcome_entries import OutcomeEntry, outcome_entries


def _never_started():
    pytest.fail("the sandbox must not be started when an environment is refused")


def test_a_refused_environment_is_an_error_result_and_the_sandbox_never_starts() -> None:
    prepared: list[str] = []

    def environments(source: RunSource) -> tuple[str, ...]:
        prepared.append(source.name)
        if source.name == "b":
            raise EnvironmentRefused("fast-native==1.0 is refused: compiled code")
        return ("/envs/x",)

    sources = [RunSource("a", "pass"), RunSource("b", "pass", version=2, dependencies=("fast-native==1.0",)),
               RunSource("c", "pass")]
    result = execute("post-login", sources, {}, sandbox=_never_started, environments=environments)
    assert prepared == ["a", "b"]  # in order, and none after the refusal
    assert result.status == "error"
    assert [(a.name, a.version, a.status) for a in result.actions] == [
        ("a", None, "skipped"), ("b", 2, "error"), ("c", None, "skipped")]
    assert result.actions[1].error.type == "DependencyError"
    assert result.actions[1].error.message == (
        "the dependencies of b cannot be installed: fast-native==1.0 is refused: compiled code")


def _sandbox():
    """The sandbox at the edge of this test: autospec'd, so a call it would refuse fails here."""
    box = create_autospec(Sandbox, instance=True)
    box.run_flow.return_value = "flow result"
    box.run_action.return_value = "action result"
    return box


def test_the_sandbox_gets_each_action_with_its_own_secrets_and_environment() -> None:
    box = _sandbox()
    sources = [RunSource("a", "code a", secrets={"K": "1"}, dependencies=("x==1",)),
               RunSource("b", "code b", version=4)]
    paths = {"a": ("/envs/a",), "b": ()}
    assert execute("post-login", sources, {"e": 1}, sandbox=lambda: box,
                   environments=lambda s: paths[s.name], timeout_s=3.0) == "flow result"
    box.run_action.assert_not_called()
    (trigger, actions, payload), kwargs = box.run_flow.call_args
    assert (trigger, payload, kwargs) == ("post-login", {"e": 1}, {"timeout_s": 3.0, "cancel": None})
    assert [(a.name, a.code, a.version, a.secrets, a.sys_path) for a in actions] == [
        ("a", "code a", None, {"K": "1"}, ("/envs/a",)), ("b", "code b", 4, {}, ())]


def test_single_runs_the_one_action_as_run_action_and_refuses_more() -> None:
    box = _sandbox()
    assert execute("post-login", [RunSource("a", "x")], {}, sandbox=lambda: box, single=True) == "action result"
    box.run_flow.assert_not_called()
    assert box.run_action.call_args.args[1].name == "a"
    with pytest.raises(ValueError, match="exactly one action"):
        execute("post-login", [RunSource("a", "x"), RunSource("b", "y")], {}, sandbox=lambda: box, single=True)


def test_a_run_source_carries_its_runtime_and_hides_its_secrets() -> None:
    source = RunSource("a", "x", secrets={"API_KEY": "s3cret-value"})
    assert source.runtime == PYTHON == "python3"
    assert "s3cret-value" not in repr(source)
    with pytest.raises(EnvironmentRefused):
        no_environments(RunSource("a", "x", dependencies=("x==1",)))
    assert no_environments(source) == ()


def test_the_outcome_walk_lists_every_part_in_one_order_and_leaves_out_empty_ones() -> None:
    outcome = {
        "denied": {"code": "c", "reason": "r"}, "validation_error": None, "set_by": {"denied": "a"},
        "access_token": {"claims": {"https://x/r": ["a"]}, "scopes_added": ["read:x"], "scopes_removed": []},
        "id_token": {"claims": {}, "scopes_removed": ["openid"]},
        "user": {"app_metadata": {"plan": "pro", "old": None}, "user_metadata": {}},
        "multifactor": {"provider": "any"}, "redirect": {"url": "https://x/c", "query": {}},
        "authentication": {"challenges": [{"factors": ["otp"]}], "enrollments": []},
        "transaction_metadata": {"k": 1},
    }
    assert outcome_entries(outcome) == [
        OutcomeEntry("denied", {"code": "c", "reason": "r"}),
        OutcomeEntry("redirect", {"url": "https://x/c", "query": {}}),
        OutcomeEntry("claim", ["a"], "https://x/r", "access_token"),
        OutcomeEntry("scope_added", key="read:x", token="access_token"),
        OutcomeEntry("scope_removed", key="openid", token="id_token"),
        OutcomeEntry("app_metadata", "pro", "plan"),
        OutcomeEntry("app_metadata", None, "old"),
        OutcomeEntry("multifactor", {"provider": "any"}),
        OutcomeEntry("challenge", {"factors": ["otp"]}),
        OutcomeEntry("transaction_metadata", 1, "k"),
    ]
    assert outcome_entries({}) == [] and outcome_entries({"denied": None}) == []


def test_a_node22_action_is_a_clear_error_result_until_the_node_runtime_exists() -> None:
    prepared: list[str] = []

    def environments(source: RunSource) -> tuple[str, ...]:
        prepared.append(source.name)
        return ()

    js = "exports.onExecutePostLogin = async (event, api) => {};\n"
    sources = [RunSource("py", "pass"), RunSource("js", js, version=3, runtime="node22")]
    result = execute("post-login", sources, {}, sandbox=_never_started, environments=environments)
    assert prepared == []  # refused before any environment is prepared or the sandbox starts
    assert result.status == "error"
    assert [(a.name, a.status) for a in result.actions] == [("py", "skipped"), ("js", "error")]
    error = result.actions[1].error
    assert error.type == "RuntimeUnavailable"
    assert error.message.startswith("the node22 runtime is not available in this build: js cannot run here")


def test_stop_reaches_the_sandbox_with_the_run() -> None:
    # Stop in the window and Ctrl+C in the CLI set this event; the sandbox kills the child on it.
    box = _sandbox()
    stop = threading.Event()
    execute("post-login", [RunSource("a", "code")], {}, sandbox=lambda: box, single=True, cancel=stop)
    execute("post-login", [RunSource("a", "code")], {}, sandbox=lambda: box, cancel=stop)
    assert box.run_action.call_args.kwargs["cancel"] is stop
    assert box.run_flow.call_args.kwargs["cancel"] is stop
