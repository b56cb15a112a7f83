"""Runs through the real sandbox: drafts, versions, flows, expectations, retention, secrets."""

from __future__ import annotations

from pathlib import Path

import pytest

from actions_studio.services import actions, exchange, fixtures, flows, runs, secrets
from actions_studio.services.errors import InvalidInputError, NotFoundError
from actions_studio.services.workspace import Workspace
from actions_studio.triggers import TRIGGERS

CLAIM = """def on_execute_post_login(event, api):
    api.access_token.set_custom_claim("https://acme/who", "{who}")
"""


def _fixture(ws: Workspace, name: str, action: str | None = None, **extra: object) -> None:
    doc = fixtures.sample_fixture("post-login", name, action)
    doc.update(extra)
    fixtures.save_fixture(ws, fixtures.parse_fixture(doc))


def test_every_template_passes_its_sample_fixture_in_the_sandbox(ws: Workspace) -> None:
    for trigger_id in TRIGGERS:
        name = f"new {trigger_id}"
        actions.create_action(ws, name, trigger_id)
        doc = fixtures.sample_fixture(trigger_id, f"sample {trigger_id}", name)
        doc["expect"] = {"status": "success"}
        fixtures.save_fixture(ws, fixtures.parse_fixture(doc))
        report = runs.run_fixture(ws, f"sample {trigger_id}")
        assert report.passed, (trigger_id, report.mismatch, report.result.actions)
        assert report.result.actions[0].error is None


def test_draft_version_and_flow_runs_are_stored_with_their_verdict(ws: Workspace) -> None:
    actions.create_action(ws, "a", "post-login", code=CLAIM.format(who="v1"))
    actions.deploy(ws, "a")
    actions.save_draft(ws, "a", code=CLAIM.format(who="draft"))
    expect = {"outcome": {"access_token": {"claims": {"https://acme/who": "draft"}}}}
    _fixture(ws, "of a", "a", expect=expect)
    _fixture(ws, "whole flow", expect={"status": "success",
                                       "outcome": {"access_token": {"claims": {"https://acme/who": "v1"}}}})
    draft = runs.run_fixture(ws, "of a")
    assert (draft.target, draft.passed) == ("draft of a", True)
    v1 = runs.run_fixture(ws, "of a", version=1)
    assert v1.target == "a v1" and v1.passed is False
    assert v1.mismatch == 'outcome.access_token.claims.https://acme/who: expected "draft", got "v1"'
    with pytest.raises(InvalidInputError, match="flow.*empty"):
        runs.run_fixture(ws, "whole flow")
    flows.set_flow(ws, "post-login", ["a"])
    flow = runs.run_fixture(ws, "whole flow")
    assert (flow.target, flow.passed) == ("post-login flow", True)
    assert flow.result.actions[0].version == 1
    history = runs.list_runs(ws, "of a")
    assert [(r.target, r.version_number, r.passed) for r in history] == [
        ("version", 1, False), ("draft", None, True)]
    assert history[0].mismatch == v1.mismatch


def test_an_action_error_is_a_failed_test_not_a_crash(ws: Workspace) -> None:
    actions.create_action(ws, "boom", "post-login",
                          code="def on_execute_post_login(event, api):\n    raise KeyError('x')\n")
    _fixture(ws, "f", "boom", expect={"status": "success"})
    report = runs.run_fixture(ws, "f")
    assert report.status == "error" and report.passed is False
    assert report.mismatch == 'status: expected "success", got "error"'


def test_only_the_newest_runs_are_kept(ws: Workspace) -> None:
    actions.create_action(ws, "a", "post-login")
    _fixture(ws, "f", "a")
    assert runs.runs_kept(ws) == 50
    runs.set_runs_kept(ws, 3)
    ids = [runs.run_fixture(ws, "f").run_id for _ in range(5)]
    assert [r.id for r in runs.list_runs(ws, "f")] == ids[:1:-1]


def test_run_tests_keeps_going_past_a_fixture_that_cannot_run(ws: Workspace) -> None:
    actions.create_action(ws, "a", "post-login")
    actions.create_action(ws, "gone", "post-login")
    _fixture(ws, "1 ok", "a", expect={"status": "success"})
    _fixture(ws, "2 orphan", "gone", expect={"status": "success"})
    _fixture(ws, "3 no expectation", "a")
    actions.delete(ws, "gone")
    reports = runs.run_tests(ws)
    assert [(r.fixture, r.passed) for r in reports] == [("1 ok", True), ("2 orphan", False)]
    assert "no action named 'gone'" in (reports[1].mismatch or "")
    with pytest.raises(NotFoundError):
        runs.run_fixture(ws, "nope")


def test_a_secret_value_is_never_written_in_plain_text(ws: Workspace, tmp_path: Path) -> None:
    value = "plain-text-canary-93b1f0"
    fixture_value = "fixture-canary-5e2d77"
    actions.create_action(ws, "leaky", "post-login", code=(
        "def on_execute_post_login(event, api):\n"
        "    print('key is', event.secrets['API_KEY'], event.secrets['FIX'])\n"
        "    api.access_token.set_custom_claim('https://acme/k', event.secrets['API_KEY'])\n"
        "    raise ValueError('bad key ' + event.secrets['API_KEY'])\n"))
    secrets.set_secret(ws, "leaky", "API_KEY", value)
    actions.deploy(ws, "leaky")
    _fixture(ws, "f", "leaky", secrets={"FIX": fixture_value}, expect={"status": "success"})
    report = runs.run_fixture(ws, "f")
    assert report.status == "error"
    text = report.result.model_dump_json() + str(report.mismatch)
    assert value not in text and fixture_value not in text
    exchange.export_workspace(ws, tmp_path / "export")
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.name == "w.sqlite" for p in files) and any(p.name == "vault.bin" for p in files)
    for path in files:
        content = path.read_bytes()
        for canary in (value, fixture_value):
            assert canary.encode() not in content, path
    # and the vault does still hold them
    assert ws.vault.get(ws.id, secrets.action_key(actions.open_action(ws, "leaky").action.id,
                                                   "API_KEY")) == value


def test_a_stored_run_with_one_and_three_character_secrets_keeps_its_keys(ws: Workspace) -> None:
    # Issue 13 item 7: a one-character secret "s" turned the stored {"status": ...} into
    # {"[REDACTED]tatu[REDACTED]": ...}. One rule (runtime/redaction.py), values only.
    actions.create_action(ws, "short", "post-login", code=(
        "def on_execute_post_login(event, api):\n"
        "    print('keys', event.secrets['S'], event.secrets['PIN'], 'status')\n"
        "    api.access_token.set_custom_claim('https://acme/pin', event.secrets['PIN'])\n"))
    _fixture(ws, "f", "short", secrets={"S": "s", "PIN": "a1b"})
    report = runs.run_fixture(ws, "f")
    stored = runs.list_runs(ws, "f")[0].result
    for result in (report.result.model_dump(mode="json"), stored):
        assert result["status"] == "success" and set(result["actions"][0]) >= {"status", "logs", "calls"}
        assert result["actions"][0]["logs"] == "keys [redacted secret S] [redacted secret PIN] status\n"
        assert result["outcome"]["access_token"]["claims"] == {"https://acme/pin": "[redacted secret PIN]"}


def test_an_event_over_the_sandbox_limit_is_a_clear_refusal(tmp_path: Path) -> None:
    from actions_studio.runtime import SandboxLimits
    from actions_studio.services.vault import FileVault

    with Workspace.open(tmp_path / "small.sqlite", vault=FileVault(tmp_path / "cfg"),
                        sandbox_limits=SandboxLimits(event_bytes=64)) as small:
        actions.create_action(small, "a", "post-login")
        _fixture(small, "big", "a", expect={"status": "success"})
        with pytest.raises(InvalidInputError, match="fixture big: "):
            runs.run_fixture(small, "big")
        [report] = runs.run_tests(small)
        assert report.passed is False and report.status == "not run"


def test_a_stopped_run_is_stored_as_stopped_without_a_verdict_and_ends_run_all(ws: Workspace) -> None:
    # Issue 12 item 5. The cancel event is set before the run: the sandbox then runs nothing and
    # says "stopped" (tests/runtime/test_stop.py stops children mid-run).
    import threading

    actions.create_action(ws, "a", "post-login", code=CLAIM.format(who="x"))
    _fixture(ws, "f1", "a", expect={"status": "success"})
    _fixture(ws, "f2", "a", expect={"status": "success"})
    cancel = threading.Event()
    cancel.set()
    report = runs.run_fixture(ws, "f1", cancel=cancel)
    assert (report.status, report.passed, report.mismatch) == ("stopped", None, None)
    assert runs.list_runs(ws, "f1")[0].status == "stopped"
    assert list(runs.run_many(ws, ["f1", "f2"], cancel=cancel)) == []
    running = threading.Event()
    batch = runs.run_many(ws, ["f1", "f2"], cancel=running)
    first = next(batch)
    running.set()  # Stop pressed while f1 ran: f2 never starts
    assert first.passed and list(batch) == []


def test_an_expectation_may_pin_stopped() -> None:
    spec = fixtures.parse_fixture({**fixtures.sample_fixture("post-login", "s"), "expect": {"status": "stopped"}})
    assert spec.expect == {"status": "stopped"}
