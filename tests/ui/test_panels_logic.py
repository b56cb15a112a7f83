"""The Qt-free parts behind the panels: result wording, side-by-side diff rows, event checks,
expectation summaries, and the first-run examples (which must pass their own fixtures)."""

from __future__ import annotations

import pytest

from actions_studio.runtime import ExecutionResult
from actions_studio.ui import result_html
from actions_studio.ui.diff_model import side_by_side, summary
from actions_studio.ui.event_check import check_event_text, event_text
from actions_studio.ui.expectation_wording import describe_expectation
from actions_studio.ui.colours import LIGHT_COLOURS


def _result(status: str, outcome: dict, **action) -> ExecutionResult:
    return ExecutionResult.model_validate(
        {"trigger": "post-login", "status": status, "outcome": outcome,
         "actions": [{"name": "a", "status": status, "logs": "", "calls": [], "error": None,
                      "warnings": [], **action}],
         "stats": {"duration_ms": 12.5, "max_rss_kb": 30720}})


@pytest.mark.parametrize("result, kind, title, detail", [
    (_result("success", {"denied": None}), "allowed", "Allowed", ""),
    (_result("denied", {"denied": {"reason": "locked"}}), "denied", "Denied", "locked"),
    (_result("denied", {"denied": {"reason": "r", "user_message": "Use work mail"}}), "denied", "Denied",
     "r — shown to the user: “Use work mail”"),
    (_result("denied", {"denied": None, "validation_error": {"code": "c", "message": "m"}}), "denied",
     "Denied (validation error)", "c: m"),
    (_result("suspended", {"redirect": {"url": "https://x/consent", "query": {}}}), "suspended",
     "Suspended for redirect", "https://x/consent"),
    (_result("error", {}, error={"type": "KeyError", "message": "'k'", "traceback": "", "line": 3}), "error",
     "Error", "KeyError: 'k' (line 3)"),
    (_result("timeout", {}), "error", "Timed out", "the action ran past its time budget"),
    (_result("success", {}), "allowed", "Completed", "this trigger does not decide access; see calls and console"),
])
def test_headline_says_what_happens_to_the_login(result, kind, title, detail) -> None:
    assert result_html.headline(result) == (kind, title, detail)


def test_outcome_card_lists_claims_per_token_metadata_mfa_and_redirect() -> None:
    outcome = {"denied": None,
               "access_token": {"claims": {"https://x/roles": ["a"]}, "scopes_added": ["read:x"], "scopes_removed": []},
               "id_token": {"claims": {"https://x/tier": "gold"}},
               "user": {"app_metadata": {"plan": "pro", "old": None}, "user_metadata": {}},
               "multifactor": {"provider": "any", "allow_remember_browser": True},
               "redirect": {"url": "https://x/c", "query": {"a": "b"}}}
    html = result_html.render(_result("success", outcome), LIGHT_COLOURS)
    for text in ("Access token claim", "https://x/roles", "ID token claim", "read:x", "user.app_metadata",
                 "<i>deleted</i>", "MFA", "remember browser", "https://x/c?a=b", "30.0 MiB", "12.5 ms"):
        assert text in html


def test_traceback_frames_of_the_action_are_links_to_their_lines_and_text_is_escaped() -> None:
    tb = ('Traceback (most recent call last):\n  File "<action:a>", line 6, in on_execute_post_login\n'
          '    helper({})\n  File "/usr/lib/python3/x.py", line 9, in f\nKeyError: \'<b>\'\n')
    html = result_html.render(_result("error", {}, error={"type": "KeyError", "message": "<b>",
                                                          "traceback": tb, "line": 6}), LIGHT_COLOURS)
    assert 'href="line:6"' in html and 'href="line:9"' not in html
    assert "&lt;b&gt;" in html and "<b>'" not in html


def test_calls_render_in_order_with_arguments() -> None:
    calls = [{"method": "access_token.set_custom_claim", "args": ["https://x/a", 1], "kwargs": {}},
             {"method": "multifactor.enable", "args": ["any"], "kwargs": {"allow_remember_browser": True}}]
    html = result_html.render(_result("success", {"denied": None}, calls=calls), LIGHT_COLOURS)
    first = html.index("api.access_token.set_custom_claim(&quot;https://x/a&quot;, 1)")
    second = html.index("api.multifactor.enable(&quot;any&quot;, allow_remember_browser=true)")
    assert first < second


def test_a_javascript_actions_calls_read_as_it_wrote_them_in_a_mixed_flow() -> None:
    js_calls = [{"method": "id_token.set_custom_claim", "args": ["https://x/t", "gold"], "kwargs": {}},
                {"method": "multifactor.enable", "args": ["any"], "kwargs": {"allow_remember_browser": True}},
                # a record this trigger's api lacks (a run of an older catalog): its recorded name
                {"method": "access_token.no_such_method", "args": [1], "kwargs": {}}]
    py_calls = [{"method": "access_token.set_custom_claim", "args": ["https://x/a", 1], "kwargs": {}}]
    result = ExecutionResult.model_validate(
        {"trigger": "post-login", "status": "success", "outcome": {"denied": None},
         "actions": [{"name": "js-one", "status": "success", "calls": js_calls},
                     {"name": "py-one", "status": "success", "calls": py_calls}]})
    html = result_html.render(result, LIGHT_COLOURS, runtimes={"js-one": "node22", "py-one": "python3"})
    assert "api.idToken.setCustomClaim(&quot;https://x/t&quot;, &quot;gold&quot;)" in html
    assert "api.multifactor.enable(&quot;any&quot;, {allowRememberBrowser: true})" in html
    assert "api.access_token.no_such_method(1)" in html
    assert "api.access_token.set_custom_claim(&quot;https://x/a&quot;, 1)" in html  # Python stays Python
    assert "id_token" not in html
    # node18 (an older tenant's) is JavaScript too; an action the caller did not name reads as Python
    assert "api.idToken.setCustomClaim" in result_html.render(result, LIGHT_COLOURS, runtimes={"js-one": "node18"})
    assert "api.id_token.set_custom_claim" in result_html.render(result, LIGHT_COLOURS)


def test_side_by_side_rows_pair_changes_and_pad_insertions() -> None:
    rows = side_by_side("a\nb\nc\n", "a\nB\nc\nd\n")
    assert [(r.left_number, r.right_number, r.kind) for r in rows] == [
        (1, 1, "equal"), (2, 2, "changed"), (3, 3, "equal"), (None, 4, "added")]
    assert summary(rows) == "+2 −1 lines"
    assert summary(side_by_side("x", "x")) == "identical"


def test_event_check_names_the_field_path_and_json_errors_name_the_line() -> None:
    from actions_studio.triggers import get_trigger

    event = get_trigger("post-login").sample_event()
    event["user"]["email"] = 42
    parsed, problems = check_event_text("post-login", event_text(event))
    assert parsed is None and problems[0].path == "event.user.email"
    _, problems = check_event_text("post-login", '{\n  "user": \n}')
    assert problems[0].line == 3 and "not valid JSON" in str(problems[0])
    parsed, problems = check_event_text("post-login", event_text(get_trigger("post-login").sample_event()))
    assert parsed is not None and problems == []


def test_an_expectation_reads_as_one_line() -> None:
    expect = {"status": "denied", "outcome": {"denied": {"reason": "no"}}}
    assert describe_expectation(expect) == 'status denied · outcome.denied.reason = "no"'


def test_first_run_examples_pass_their_own_fixtures(tmp_path) -> None:
    from actions_studio.services import runs
    from actions_studio.services.vault import open_vault
    from actions_studio.services.workspace import Workspace
    from actions_studio.ui.first_run import EXAMPLE_NAMES, seed_examples

    with Workspace.open(tmp_path / "w.sqlite", vault=open_vault(tmp_path / "cfg", mode="file")) as ws:
        assert seed_examples(ws) == list(EXAMPLE_NAMES.values())
        reports = runs.run_tests(ws)
    assert len(reports) == 7
    assert all(r.passed for r in reports), [(r.fixture, r.mismatch) for r in reports if not r.passed]
    assert {r.status for r in reports} == {"success", "denied"}


def test_the_wording_modules_stay_qt_free() -> None:
    # They are the part of the panels the fast tier can test; importing Qt would end that.
    import subprocess
    import sys

    modules = ["result_html", "expectation_wording", "diff_model", "event_check", "first_run", "colours"]
    probe = ("import sys;" + "".join(f"import actions_studio.ui.{m};" for m in modules)
             + "print('PySide6' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == "False"


def test_a_stopped_run_has_its_own_headline_and_colour_not_an_errors() -> None:
    # Issue 12 item 5: stopped is what the user did, distinct from a timeout and from an error.
    stopped = _result("stopped", {}, error={"type": "Stopped", "message": "stopped", "traceback": "", "line": None})
    kind, title, _detail = result_html.headline(stopped)
    assert (kind, title) == ("stopped", "Stopped")
    html = result_html.render(stopped, LIGHT_COLOURS)
    assert LIGHT_COLOURS.suspended_bg in html and LIGHT_COLOURS.error_bg not in html.split("API CALLS")[0]


def test_run_all_says_all_passed_only_when_every_fixture_had_an_expectation_and_met_it() -> None:
    # Issue 12 item 9: "Ran 2 fixtures: all passed" stood next to "1 without expectation".
    from types import SimpleNamespace as R

    assert result_html.batch_summary([R(passed=True), R(passed=None)]) == "Ran 2 fixtures: 1 passed · 1 without expectation"
    assert result_html.batch_summary([R(passed=True), R(passed=True)]) == "Ran 2 fixtures: all passed"
    assert result_html.batch_summary([R(passed=False), R(passed=True), R(passed=None)]) == (
        "Ran 3 fixtures: 1 passed · 1 failed · 1 without expectation")
    assert result_html.batch_summary([R(passed=None)]) == "Ran 1 fixture: 1 without expectation"
