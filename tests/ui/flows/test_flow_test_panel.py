"""The Test panel under the canvas (issue 12 item 3): at the smallest window the studio allows its
layout holds (the event editor shows several lines, no label is drawn over another), and it names
the fixture the canvas ran, not the one it showed before."""

from __future__ import annotations

from PySide6.QtCore import Qt

from actions_studio.services import fixtures as fixtures_service
from flow_fixtures import build_flow, close_flows, ids_by_name, open_flows, view_of

LEFT = Qt.MouseButton.LeftButton


def _fixture(studio, name: str, action: str) -> None:
    doc = fixtures_service.sample_fixture("post-login", name, action)
    studio.window.session.save_fixture(doc)


def _assert_layout_holds(panel) -> None:
    edit = panel.event_edit
    line = edit.fontMetrics().lineSpacing()
    assert edit.viewport().height() >= 3 * line, edit.viewport().height()
    boxes = [w.geometry() for w in (edit, panel.problems_label, panel.expect_label)]
    for a, b in zip(boxes, boxes[1:]):
        assert a.bottom() < b.top(), (a, b)  # stacked, never drawn over each other
    for label in (panel.problems_label, panel.expect_label):
        assert label.height() >= label.sizeHint().height()
        assert label.geometry().bottom() <= label.parentWidget().height()


def test_at_the_smallest_window_the_panel_holds_and_names_the_canvas_fixture(
        qtbot, analysis_worker, tmp_path, screenshots_dir):
    studio = open_flows(qtbot, analysis_worker, tmp_path)
    try:
        window = studio.window
        panel = window.test_panel
        ids = ids_by_name(studio)
        _fixture(studio, "editor user", "add-roles")
        _fixture(studio, "banned user", "block-banned")
        window.open_action(ids["add-roles"])
        panel.select_fixture("editor user")
        assert panel.current_fixture_name() == "editor user"
        window.flows.set_mode("flows")
        window.resize(window.minimumSizeHint())
        qtbot.wait(50)
        view = view_of(studio)
        build_flow(studio, ["add-roles", "require-mfa"])
        view.fixture_combo.setCurrentText("alice logs in")
        qtbot.mouseClick(view.run_button, LEFT)
        studio.wait_result("Allowed")
        # The panel shows the fixture the canvas ran, and its event.
        assert panel.current_fixture_name() == "alice logs in"
        assert "alice logs in" in studio.result_text()
        panel.expect_label.setText("Expects status success · outcome.access_token.claims."
                                   "https://acme/roles = [\"admin\"] · outcome.user.app_metadata.x = 1")
        qtbot.wait(20)
        _assert_layout_holds(panel)
        window.grab().save(str(screenshots_dir / "flows-test-panel.png"))

        # Another action's fixture: shown read-only and named, never saved over.
        view.fixture_combo.setCurrentText("banned user")
        qtbot.mouseClick(view.run_button, LEFT)
        qtbot.waitUntil(lambda: "banned user" in studio.result_text(), timeout=20_000)
        assert panel.current_fixture_name() is None
        assert panel.fixture_combo.placeholderText() == "banned user (the canvas's run)"
        assert panel.event_edit.isReadOnly() and not panel.run_button.isEnabled()
        panel.select_fixture("editor user")  # back to the action's own fixtures
        assert not panel.event_edit.isReadOnly() and panel.run_button.isEnabled()
    finally:
        close_flows(studio)
