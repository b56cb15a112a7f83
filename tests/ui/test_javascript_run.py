"""A JavaScript action run from the Test panel (issue 16, "everything else is the same"): F5 runs
the node22 draft in the real Node sandbox, the result card shows the same things as for Python,
Save as expectation pins the run and Run all judges it. Real window offscreen, real tsserver,
real Node worker."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt

from window_fixtures import Studio, close_studio, make_studio

GATE = """\
exports.onExecutePostLogin = async (event, api) => {
  console.log('checking', event.user.email);
  if (event.user.email.endsWith('@blocked.example')) {
    api.access.deny('blocked domain');
    return;
  }
  api.accessToken.setCustomClaim('https://acme.example/plan', event.user.app_metadata.plan || 'free');
  api.idToken.setCustomClaim('https://acme.example/plan', event.user.app_metadata.plan || 'free');
  api.multifactor.enable('any', { allowRememberBrowser: true });
};
"""


@pytest.fixture
def js_studio(qtbot, analysis_worker, typescript_worker, tmp_path) -> Iterator[Studio]:
    made = make_studio(qtbot, analysis_worker, tmp_path, typescript=typescript_worker)
    yield made
    close_studio(made)


def test_a_javascript_action_runs_in_the_test_panel_and_its_run_becomes_a_test(js_studio, qtbot,
                                                                                screenshots_dir) -> None:
    window = js_studio.window
    js_studio.prompts.answers = [("js-gate", "post-login", "node22")]
    action_id = window.new_action("post-login")
    editor = window.tabs.current_editor()
    editor.set_text(GATE)
    window.tabs.save(action_id)
    panel = window.test_panel
    assert panel.create_fixture("js-gate sample")

    js_studio.key(Qt.Key.Key_F5)
    shown = js_studio.wait_result("Allowed", timeout=60_000)
    assert "https://acme.example/plan" in shown and "pro" in shown  # the sample user's plan
    assert "checking jane.doe@example.com" in shown  # the console, as for Python
    # The calls as the action wrote them, not under the catalog's Python names.
    assert 'api.accessToken.setCustomClaim("https://acme.example/plan", "pro")' in shown
    assert 'api.idToken.setCustomClaim("https://acme.example/plan", "pro")' in shown
    assert 'api.multifactor.enable("any", {allowRememberBrowser: true})' in shown
    assert "access_token" not in shown and "set_custom_claim" not in shown
    window.resize(1280, 800)
    window.center_splitter.setSizes([400, 370])
    qtbot.waitUntil(lambda: editor.diagnostics() == [], timeout=60_000)
    qtbot.wait(300)
    assert window.grab().save(str(screenshots_dir / "editor-js-test-result.png"))

    # Save as expectation pins what the run changed; Run all then judges the fixture by it.
    assert panel.save_as_expectation()
    panel.expectation_dialog.accept()
    expect = window.session.fixture("js-gate sample").expect
    assert expect is not None and "https://acme.example/plan" in str(expect)
    panel.run_all()
    qtbot.waitUntil(lambda: "passed" in js_studio.result_text(), timeout=60_000)
    assert "1 passed · 0 failed" in js_studio.result_text()

    # The other branch: a blocked address is denied with the action's reason.
    panel.event_edit.setPlainText(panel.event_edit.toPlainText().replace(
        "jane.doe@example.com", "mallory@blocked.example"))
    assert "mallory@blocked.example" in panel.event_edit.toPlainText()
    assert panel.run_selected() is not None
    denied = js_studio.wait_result("Denied", timeout=60_000)
    assert "blocked domain" in denied
