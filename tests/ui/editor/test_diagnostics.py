"""Diagnostics as you type: debounced, off the GUI thread, squiggles at the right bytes."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt

from actions_studio.analysis import diagnostics as analysis_diagnostics
from actions_studio.ui.editor import intelligence

VALID = "def on_execute_post_login(event, api):\n    api.access_token.set_custom_claim('https://a.example/x', 1)\n"


def test_breaking_the_syntax_squiggles_the_error_and_signals_the_problems(make_editor, drive) -> None:
    editor = make_editor(VALID)
    user = drive(editor)
    user.qtbot.waitUntil(lambda: editor.diagnostics() == [] and not user.view.diagnostic_severity_at(0),
                         timeout=10_000)
    with user.qtbot.waitSignal(editor.sig_diagnostics_changed, timeout=10_000) as changed:
        user.type("    if event.user.email_verified\n")  # the missing colon
    problems = changed.args[0]
    assert [(p.line, p.severity, p.source) for p in problems] == [(3, "error", "syntax")]
    assert problems == editor.diagnostics()
    error_at = user.view.position_of(problems[0].line, problems[0].column)
    assert user.view.diagnostic_severity_at(error_at) == "error"
    assert user.view.line_of(error_at) == 2
    assert user.view.diagnostic_severity_at(user.pos_of("api.access")) is None
    with user.qtbot.waitSignal(editor.sig_diagnostics_changed, timeout=10_000) as fixed:
        while editor.text() != VALID and editor.can_undo():
            user.key(Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert fixed.args[0] == []
    assert user.view.diagnostic_severity_at(error_at) is None


def test_undefined_name_after_non_ascii_text_is_underlined_exactly(make_editor, drive) -> None:
    source = VALID + '    note = "é 日本語 🙂"; total = undefined_thing + 1\n'
    editor = make_editor(source)
    user = drive(editor)
    user.qtbot.waitUntil(lambda: bool(editor.diagnostics()), timeout=10_000)
    start = user.pos_of("undefined_thing")
    end = start + len("undefined_thing")
    assert user.view.diagnostic_severity_at(start - 1) is None
    assert user.view.diagnostic_severity_at(start) == "error"
    assert user.view.diagnostic_severity_at(end - 1) == "error"
    assert user.view.diagnostic_severity_at(end) is None


def test_action_warnings_undefined_secret_and_non_namespaced_claim(make_editor, drive) -> None:
    source = ("def on_execute_post_login(event, api):\n"
              "    key = event.secrets['MISSING_KEY']\n"
              "    api.access_token.set_custom_claim('plan', key)\n")
    editor = make_editor(source, secret_names=["API_KEY"])
    user = drive(editor)
    user.qtbot.waitUntil(lambda: len(editor.diagnostics()) == 2, timeout=10_000)
    assert user.view.diagnostic_severity_at(user.pos_of("MISSING_KEY")) == "warning"
    assert user.view.diagnostic_severity_at(user.pos_of("'plan'")) == "warning"
    with user.qtbot.waitSignal(editor.sig_diagnostics_changed, timeout=10_000) as changed:
        editor.set_secret_names(["API_KEY", "MISSING_KEY"])
    assert [p.message for p in changed.args[0]] == [
        "claim 'plan' is not namespaced: use a URL such as 'https://example.com/plan' or some tokens drop it"]


def test_a_misspelled_handler_is_a_warning_on_its_def(make_editor, drive) -> None:
    editor = make_editor("def on_execute_post_logn(event, api):\n    pass\n")
    user = drive(editor)
    user.qtbot.waitUntil(lambda: bool(editor.diagnostics()), timeout=10_000)
    assert user.view.diagnostic_severity_at(user.pos_of("on_execute_post_logn")) == "warning"


def test_diagnostics_wait_for_a_pause_and_run_off_the_gui_thread(make_editor, drive, monkeypatch) -> None:
    runs: list[str] = []

    def counting_diagnose(source, trigger_id, secret_names=None):
        runs.append(threading.current_thread().name)
        return analysis_diagnostics.diagnose(source, trigger_id, secret_names)

    monkeypatch.setattr(intelligence, "diagnose", counting_diagnose)
    editor = make_editor(VALID)
    user = drive(editor)
    user.qtbot.waitUntil(lambda: len(runs) == 1, timeout=10_000)  # the run after loading the text
    user.type("    x = 1\n    y = 2\n    z = x + y\n")
    assert len(runs) == 1, "no analysis while keys are coming in"
    user.qtbot.waitUntil(lambda: len(runs) == 2, timeout=10_000)
    user.flush()
    assert runs == ["jedi-owner", "jedi-owner"]


@pytest.mark.parametrize("trigger_id", [None, "credentials-exchange"])
def test_other_triggers_and_plain_python(make_editor, drive, trigger_id) -> None:
    source = "def on_execute_credentials_exchange(event, api):\n    api.access.deny('invalid_request', 'no')\n"
    editor = make_editor(source, trigger_id=trigger_id)
    user = drive(editor)
    user.qtbot.wait(400)
    user.flush()
    assert editor.diagnostics() == []
