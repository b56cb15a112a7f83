"""Running the flow on the canvas: off the GUI thread, cards light with status and duration, the
full result opens in the Test panel; "Drafts" runs the drafts as drawn."""

from __future__ import annotations

from PySide6.QtCore import Qt

from actions_studio.services import flows as flows_service
from flow_fixtures import CODE, build_flow, close_flows, ids_by_name, open_flows, view_of

LEFT = Qt.MouseButton.LeftButton


def test_run_with_a_denied_action_lights_the_cards(qtbot, analysis_worker, tmp_path):
    studio = open_flows(qtbot, analysis_worker, tmp_path, deny_everyone=True)
    try:
        view = view_of(studio)
        ids = ids_by_name(studio)
        build_flow(studio, ["add-roles", "block-banned", "require-mfa"])
        assert view.fixture_combo.currentText() == "alice logs in"
        qtbot.mouseClick(view.run_button, LEFT)
        # The GUI thread is free while the sandbox runs: the cards say so at once.
        assert view.light_of(ids["add-roles"]).status == "running"
        qtbot.waitUntil(lambda: view.light_of(ids["require-mfa"]).status != "running", timeout=20_000)
        lights = {name: view.light_of(ids[name]) for name in ("add-roles", "block-banned", "require-mfa")}
        assert {n: light.status for n, light in lights.items()} == {
            "add-roles": "success", "block-banned": "denied", "require-mfa": "skipped"}
        assert lights["block-banned"].duration_ms is not None
        assert lights["block-banned"].text().startswith("denied · ")
        assert view.canvas.cards[ids["block-banned"]].state.light.status == "denied"
        # The full result is in the Test panel, in front.
        window = studio.window
        assert window.bottom.currentWidget() is window.test_panel
        text = studio.result_text()
        assert "Denied" in text and "banned" in text
        assert "post-login flow (deployed versions, as drawn)" in text
        assert "ended denied" in window.statusBar().currentMessage()
        assert flows_service.get_flow(studio.ws, "post-login") == []  # a run applies nothing

        # Drafts: the fixed draft of block-banned lets the login through; an edit clears lights.
        studio.window.session.save_draft(ids["block-banned"], CODE["block-banned"])
        qtbot.mouseClick(view.drafts_check, LEFT)
        assert view.drafts_check.isChecked()
        qtbot.mouseClick(view.run_button, LEFT)
        qtbot.waitUntil(lambda: view.light_of(ids["require-mfa"]).status == "success", timeout=20_000)
        assert view.light_of(ids["block-banned"]).status == "success"
        assert "Allowed" in studio.result_text()
        view.move(ids["require-mfa"], 0)
        assert view.light_of(ids["require-mfa"]) is None
    finally:
        close_flows(studio)


def test_an_erroring_action_and_a_run_that_cannot_start(qtbot, analysis_worker, tmp_path):
    studio = open_flows(qtbot, analysis_worker, tmp_path)
    try:
        view = view_of(studio)
        ids = ids_by_name(studio)
        # remember-device reads a secret nobody set: the canvas warned, and the run errors there.
        build_flow(studio, ["remember-device", "add-roles"])
        qtbot.mouseClick(view.run_button, LEFT)
        qtbot.waitUntil(lambda: view.light_of(ids["add-roles"]).status != "running", timeout=20_000)
        assert view.light_of(ids["remember-device"]).status == "error"
        assert view.light_of(ids["add-roles"]).status == "skipped"
        assert "KeyError" in studio.result_text()
        # A never-deployed action cannot run as a deployed version: the run says so, no lights.
        view.design().replace_pending([ids["draft-only"]])
        view.reload()
        qtbot.mouseClick(view.run_button, LEFT)
        qtbot.waitUntil(lambda: "did not run" in studio.window.statusBar().currentMessage(), timeout=20_000)
        assert "draft-only has never been deployed; deploy it or run with drafts" in \
            studio.window.statusBar().currentMessage()
        assert view.light_of(ids["draft-only"]) is None
    finally:
        close_flows(studio)


def test_a_newer_run_supersedes_an_older_one(qtbot, analysis_worker, tmp_path):
    studio = open_flows(qtbot, analysis_worker, tmp_path, deny_everyone=True)
    try:
        view = view_of(studio)
        ids = ids_by_name(studio)
        build_flow(studio, ["add-roles", "block-banned"])
        reports = []
        view.sig_run_finished.connect(reports.append)
        first = view.run_flow()
        view.move(ids["block-banned"], 0)  # the user changes the flow and runs again at once
        second = view.run_flow()
        assert second > first
        qtbot.waitUntil(lambda: bool(reports), timeout=20_000)
        view.runner.wait()
        qtbot.wait(50)  # deliver anything still queued
        assert len(reports) == 1  # the first answer was dropped: it describes an older drawing
        assert [a.name for a in reports[0].result.actions] == ["block-banned", "add-roles"]
        assert view.light_of(ids["add-roles"]).status == "skipped"
    finally:
        close_flows(studio)
