"""Stop (issue 12 item 5): Esc, the Run menu and the toolbar kill a fixture run or Run all at once;
the result says "stopped", never "timed out". The action connects to the test before it loops, so
the test stops it while it really runs; the sandbox's 20 s budget would show as "Timed out"."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt

from actions_studio.services import runs as runs_service
from runaway import gone, running_pid, runaway_code
from window_fixtures import studio  # noqa: F401


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    server = socket.create_server(("127.0.0.1", 0))
    yield server
    server.close()


def _make_runaway(studio, listener) -> None:
    studio.window.resize(1280, 800)
    editor = studio.open("add-roles-to-tokens")
    editor.set_text(runaway_code(listener.getsockname()[1]))
    studio.type("\n")  # set_text counts as saved; a user edit is what F5 saves first


def test_esc_stops_a_fixture_run_at_once_and_says_stopped(studio, qtbot, listener, screenshots_dir) -> None:
    window = studio.window
    stop = window.actions_by_name["stop"]
    assert not stop.isEnabled()  # Esc keeps its other meanings while nothing runs
    _make_runaway(studio, listener)
    studio.key(Qt.Key.Key_F5)
    pid = running_pid(listener, qtbot)
    assert stop.isEnabled() and "Esc stops it" in studio.result_text()
    window.grab().save(str(screenshots_dir / "stop-running.png"))
    studio.key(Qt.Key.Key_Escape)
    text = studio.wait_result("Stopped")
    assert "Timed out" not in text and "you stopped the run" in text
    qtbot.waitUntil(lambda: gone(pid), timeout=5_000)
    assert not stop.isEnabled()
    history = runs_service.list_runs(studio.ws, "add-roles-to-tokens sample")
    assert history[0].status == "stopped" and history[0].passed is None  # no verdict on a stopped run
    assert "stopped" in window.test_panel.runs_list.item(0).text()
    window.grab().save(str(screenshots_dir / "stop-stopped.png"))


def test_stop_from_the_toolbar_ends_run_all(studio, qtbot, listener) -> None:
    window = studio.window
    panel = window.test_panel
    _make_runaway(studio, listener)
    assert panel.create_fixture("second")
    window.run_all_fixtures()
    pid = running_pid(listener, qtbot)
    toolbar = window.flows.toolbar
    button = toolbar.widgetForAction(window.actions_by_name["stop"])
    assert button is not None and button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    text = studio.wait_result("stopped")
    qtbot.waitUntil(lambda: gone(pid), timeout=5_000)
    # The batch ended with the stopped fixture: the second one never ran.
    assert "Run all was stopped" in text and "second" not in text
    assert "Run all was stopped" in window.statusBar().currentMessage()


def test_stop_with_nothing_running_says_so(studio) -> None:
    assert studio.window.run_stop.stop() is False
    assert studio.window.statusBar().currentMessage() == "Nothing is running"


def test_esc_with_a_completion_list_or_call_tip_open_closes_it_and_the_run_goes_on(studio, qtbot, listener) -> None:
    window = studio.window
    stop = window.actions_by_name["stop"]
    _make_runaway(studio, listener)
    studio.key(Qt.Key.Key_F5)
    pid = running_pid(listener, qtbot)
    view = window.tabs.current_editor().view()
    view.set_caret(view.length() - 1)  # the end of `        pass`, inside the handler
    studio.type("\nevent.")
    qtbot.waitUntil(view.completion_active)
    studio.key(Qt.Key.Key_Escape)
    # The first Esc belongs to the list: it closes, the text stays, the run is not touched.
    assert not view.completion_active()
    assert view.text().endswith("event.\n")
    assert stop.isEnabled() and not gone(pid) and "Stopped" not in studio.result_text()
    studio.type("\napi.access.deny(")  # the same for a call tip
    qtbot.waitUntil(view.call_tip_active)
    studio.key(Qt.Key.Key_Escape)
    assert not view.call_tip_active()
    assert stop.isEnabled() and not gone(pid) and "Stopped" not in studio.result_text()
    studio.key(Qt.Key.Key_Escape)  # with no popup open, Esc is Stop again
    studio.wait_result("Stopped")
    qtbot.waitUntil(lambda: gone(pid), timeout=5_000)
