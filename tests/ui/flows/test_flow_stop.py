"""Stop on the canvas (issue 12 item 5): a run of the flow as drawn stops at once, its card lights
"stopped" (not "timeout"), the later cards "skipped", and the Test panel says it was stopped."""

from __future__ import annotations

import socket

from PySide6.QtCore import Qt

from flow_fixtures import build_flow, close_flows, ids_by_name, open_flows, view_of
from runaway import gone, running_pid, runaway_code

LEFT = Qt.MouseButton.LeftButton


def test_stop_kills_a_canvas_run_and_the_card_says_stopped(qtbot, analysis_worker, tmp_path, screenshots_dir):
    server = socket.create_server(("127.0.0.1", 0))
    studio = open_flows(qtbot, analysis_worker, tmp_path)
    try:
        view = view_of(studio)
        ids = ids_by_name(studio)
        studio.window.session.save_draft(ids["require-mfa"], runaway_code(server.getsockname()[1]))
        build_flow(studio, ["add-roles", "require-mfa", "block-banned"])
        qtbot.mouseClick(view.drafts_check, LEFT)
        qtbot.mouseClick(view.run_button, LEFT)
        pid = running_pid(server, qtbot)
        stop = studio.window.actions_by_name["stop"]
        assert stop.isEnabled()
        stop.trigger()  # Run → Stop
        qtbot.waitUntil(lambda: view.light_of(ids["block-banned"]).status != "running", timeout=15_000)
        assert {n: view.light_of(ids[n]).status for n in ("add-roles", "require-mfa", "block-banned")} == {
            "add-roles": "success", "require-mfa": "stopped", "block-banned": "skipped"}
        qtbot.waitUntil(lambda: gone(pid), timeout=5_000)
        assert "Stopped" in studio.result_text() and "Timed out" not in studio.result_text()
        assert not stop.isEnabled()
        view.grab().save(str(screenshots_dir / "flows-stopped.png"))
    finally:
        close_flows(studio)
        server.close()
