"""Fuzzing through the real sandbox: a planted KeyError on a missing optional field is found and
shrunk to the minimal event, a timeout and a broken invariant are findings of their own, Stop ends
a run, a finding becomes a fixture, and `fuzz` exits 1 for CI."""

from __future__ import annotations

import json
import random
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from actions_studio.cli import app
from actions_studio.services import actions, fixtures, fuzz, runs
from actions_studio.services.errors import InvalidInputError, NotFoundError
from actions_studio.services.fuzz_strategies import event_generator, skeleton
from actions_studio.services.workspace import Workspace
from actions_studio.triggers import TRIGGERS, get_trigger

# The planted bug: app_metadata is optional content; "plan" is missing for most users.
KEY_ERROR = """def on_execute_post_login(event, api):
    plan = event.user.app_metadata["plan"]
    api.access_token.set_custom_claim("https://acme/plan", plan)
"""
SAFE = """def on_execute_post_login(event, api):
    api.access_token.set_custom_claim("https://acme/plan", event.user.app_metadata.get("plan"))
"""
# Denies verified users whose tenant id is empty: a bug only an invariant can see.
DENIES_VERIFIED = """def on_execute_post_login(event, api):
    if event.user.email_verified and not event.tenant.id:
        api.access.deny("no tenant")
"""
HANGS_ON_EMPTY_METHOD = """import time
def on_execute_post_login(event, api):
    if event.request.method == "":
        time.sleep(30)
"""
INVARIANTS = '''
def invariant_never_denies_a_verified_user(event, result):
    return not (event["user"].get("email_verified") and result.status == "denied")
'''

# The smallest post-login event the model accepts: required fields only, empty strings and 0.
MINIMAL_POST_LOGIN = {
    "user": {"user_id": "", "created_at": "", "updated_at": ""},
    "client": {"client_id": "", "name": ""},
    "connection": {"id": "", "name": "", "strategy": ""},
    "stats": {"logins_count": 0},
    "request": {"ip": "", "method": ""},
    "tenant": {"id": ""},
}


@pytest.mark.parametrize("trigger_id", sorted(TRIGGERS))
def test_every_generated_event_is_valid_for_its_trigger(trigger_id: str) -> None:
    trigger = get_trigger(trigger_id)
    generate = event_generator(trigger.event_model)
    rng = random.Random(0)
    for _ in range(500):
        event = generate(rng)
        trigger.parse_event(event)
        json.dumps(event, allow_nan=False)  # wire JSON: no NaN, no tuples
    trigger.parse_event(skeleton(trigger.event_model))


def test_the_minimal_post_login_event_is_the_skeleton() -> None:
    assert skeleton(get_trigger("post-login").event_model) == MINIMAL_POST_LOGIN


def test_a_key_error_on_a_missing_optional_field_is_found_and_shrunk(ws: Workspace) -> None:
    actions.create_action(ws, "plan", "post-login", code=KEY_ERROR)
    report = fuzz.fuzz_action(ws, "plan", examples=50, seed=7)
    (finding,) = report.findings
    assert (finding.kind, finding.summary) == ("raises", "KeyError: 'plan'")
    # Minimal: nothing but what the model requires, every value at its smallest. Every key left
    # is required (dropping one makes the event invalid), so no smaller event exists.
    assert finding.event == MINIMAL_POST_LOGIN
    assert finding.result["status"] == "error"
    assert report.headline().startswith("plan: 1 finding in ")


def test_a_safe_action_has_no_finding(ws: Workspace) -> None:
    actions.create_action(ws, "safe", "post-login", code=SAFE)
    report = fuzz.fuzz_action(ws, "safe", examples=40, seed=1)
    assert report.findings == [] and report.examples >= 40
    assert report.headline() == f"safe: no finding in {report.examples} examples"


def test_a_broken_invariant_is_found_and_shrunk(ws: Workspace, tmp_path: Path) -> None:
    actions.create_action(ws, "deny", "post-login", code=DENIES_VERIFIED)
    path = tmp_path / "inv.py"
    path.write_text(INVARIANTS)
    report = fuzz.fuzz_action(ws, "deny", examples=200, seed=1, invariants=fuzz.load_invariants(path))
    (finding,) = report.findings
    assert finding.kind == "invariant" and finding.summary == "invariant_never_denies_a_verified_user"
    assert finding.event["user"] == {**MINIMAL_POST_LOGIN["user"], "email_verified": True}
    assert {k: v for k, v in finding.event.items() if k != "user"} == {
        k: v for k, v in MINIMAL_POST_LOGIN.items() if k != "user"}


def test_a_timeout_is_a_finding(ws: Workspace) -> None:
    actions.create_action(ws, "hang", "post-login", code=HANGS_ON_EMPTY_METHOD)
    report = fuzz.fuzz_action(ws, "hang", examples=5, seed=2, timeout_s=0.5)
    (finding,) = report.findings
    assert finding.kind == "timeout" and finding.event["request"]["method"] == ""


def test_stop_ends_the_run_and_keeps_what_was_found(ws: Workspace) -> None:
    actions.create_action(ws, "safe", "post-login", code=SAFE)
    cancel = threading.Event()
    seen = []

    def progress(done: int, total: int, found: int) -> None:
        seen.append((done, total))
        if done == 5:
            cancel.set()

    report = fuzz.fuzz_action(ws, "safe", examples=1000, seed=1, cancel=cancel, on_progress=progress)
    assert report.stopped and report.examples == 5
    assert seen[-1] == (5, 1000)
    assert report.headline() == "safe: no finding in 5 examples (stopped)"


def test_a_finding_saved_as_a_fixture_is_a_failing_test_until_fixed(ws: Workspace) -> None:
    actions.create_action(ws, "plan", "post-login", code=KEY_ERROR)
    (finding,) = fuzz.fuzz_action(ws, "plan", examples=30, seed=7).findings
    name = fuzz.save_finding(ws, "plan", finding, fuzz.finding_fixture_name("plan", finding))
    assert name == "fuzz plan 1 KeyError"
    saved = fixtures.get_fixture(ws, name)
    assert saved.event == MINIMAL_POST_LOGIN and saved.expect == {"status": "success"}
    assert runs.run_fixture(ws, name).passed is False
    actions.save_draft(ws, "plan", code=SAFE)
    assert runs.run_fixture(ws, name).passed is True


def test_bad_input_is_refused_clearly(ws: Workspace, tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="no action named 'ghost'"):
        fuzz.fuzz_action(ws, "ghost")
    actions.create_action(ws, "safe", "post-login", code=SAFE)
    with pytest.raises(InvalidInputError, match="at least 1"):
        fuzz.fuzz_action(ws, "safe", examples=0)
    with pytest.raises(InvalidInputError, match="does not exist"):
        fuzz.load_invariants(tmp_path / "missing.py")
    (tmp_path / "none.py").write_text("def helper(result):\n    return True\n")
    with pytest.raises(InvalidInputError, match="defines no invariant"):
        fuzz.load_invariants(tmp_path / "none.py")
    (tmp_path / "broken.py").write_text("def invariant_x(result:\n")
    with pytest.raises(InvalidInputError, match="broken.py.*line 1"):
        fuzz.load_invariants(tmp_path / "broken.py")
    (tmp_path / "arity.py").write_text("def invariant_x(a, b, c):\n    return True\n")
    with pytest.raises(InvalidInputError, match=r"must take \(result\) or \(event, result\)"):
        fuzz.load_invariants(tmp_path / "arity.py")


def test_cli_fuzz_exits_1_on_a_finding_and_saves_it(ws: Workspace) -> None:
    actions.create_action(ws, "plan", "post-login", code=KEY_ERROR)
    actions.create_action(ws, "safe", "post-login", code=SAFE)
    runner = CliRunner()
    clean = runner.invoke(app, ["--workspace", str(ws.path), "fuzz", "safe", "--examples", "20", "--seed", "1"])
    assert clean.exit_code == 0, clean.output
    assert clean.stdout.startswith("safe: no finding in ")
    found = runner.invoke(app, ["--workspace", str(ws.path), "fuzz", "plan", "--examples", "20",
                                "--seed", "7", "--save"])
    assert found.exit_code == 1, found.output
    assert "  raises: KeyError: 'plan'" in found.stdout
    assert "saved fixture 'fuzz plan 1 KeyError'" in found.stdout
    assert fixtures.get_fixture(ws, "fuzz plan 1 KeyError").event == MINIMAL_POST_LOGIN
    as_json = runner.invoke(app, ["--workspace", str(ws.path), "fuzz", "plan", "--examples", "10",
                                  "--seed", "7", "--json"])
    assert json.loads(as_json.stdout)["findings"][0]["event"] == MINIMAL_POST_LOGIN
    bad = runner.invoke(app, ["--workspace", str(ws.path), "fuzz", "plan", "--invariant", "/nope.py"])
    assert bad.exit_code == 2 and "does not exist" in bad.stderr


def test_an_action_whose_dependencies_cannot_be_installed_is_refused_before_fuzzing(ws: Workspace) -> None:
    # No package index in tests (ACTIONS_STUDIO_NO_INDEX): the environment is refused once, with
    # the reason, instead of a DependencyError "finding" for every example.
    actions.create_action(ws, "deps", "post-login", code=SAFE,
                          dependencies=["surely-not-a-real-package-19==1.0"])
    with pytest.raises(InvalidInputError, match="the dependencies of deps cannot be installed"):
        fuzz.fuzz_action(ws, "deps", examples=5)


def test_the_shrunk_event_is_minimal_no_key_can_go() -> None:
    # Every key of the shrunk event is required: without any one of them the trigger refuses the
    # event, so no smaller event exists (and every value is already its type's smallest).
    import copy

    from actions_studio.triggers import EventValidationError

    trigger = get_trigger("post-login")
    trigger.parse_event(MINIMAL_POST_LOGIN)
    for top, inner in MINIMAL_POST_LOGIN.items():
        for key in [None, *inner]:
            smaller = copy.deepcopy(MINIMAL_POST_LOGIN)
            if key is None:
                del smaller[top]
            else:
                del smaller[top][key]
            with pytest.raises(EventValidationError):
                trigger.parse_event(smaller)
    assert all(v in ("", 0) for inner in MINIMAL_POST_LOGIN.values() for v in inner.values())
