"""Sync in the studio window: the Sync menu and Ctrl+Shift+S, the status-bar state, the switcher.
The Local tenant runs under this test's own home folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from window_fixtures import CTRL, SHIFT, close_studio, make_studio  # noqa: F401

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def test_ctrl_shift_s_opens_sync_and_the_status_bar_follows(qtbot, analysis_worker, tmp_path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACTIONS_STUDIO_HOME", str(tmp_path / "home"))
    studio = make_studio(qtbot, analysis_worker, tmp_path)
    try:
        ui = studio.window.sync_ui
        assert ui.status_button.text() == "⇅ Local tenant: not checked"
        assert "S&ync" in [a.text() for a in studio.window.menuBar().actions()]
        qtbot.keyClick(studio.window, Qt.Key.Key_S, CTRL | SHIFT)
        dialog = ui.dialog
        assert dialog is not None
        qtbot.waitUntil(lambda: dialog.plan is not None, timeout=30_000)
        assert dialog is not None and dialog.isVisible()
        assert dialog.table.rowCount() >= 2  # the seeded examples are to be created
        assert "change(s)" in ui.status_button.text()
        with qtbot.waitSignal(ui.controller.sig_applied, timeout=60_000) as applied:
            dialog.apply_button.click()
        assert applied.args[0].ok, applied.args[0].describe()
        qtbot.waitUntil(lambda: ui.status_button.text() == "⇅ Local tenant: in sync", timeout=20_000)
        qtbot.waitUntil(lambda: dialog.state_label.text().endswith("in sync"), timeout=20_000)
        assert dialog.progress.isVisible() and dialog.progress.text().endswith("steps")
        dialog.close()
        studio.window.statusBar().grab().save(str(SCREENSHOTS / "sync-status-bar.png"))

        # Reopened: a fresh plan, not the last apply's "N of N steps" (issue 12 item 4).
        studio.window.activateWindow()
        qtbot.waitUntil(lambda: studio.window.isActiveWindow())
        qtbot.keyClick(studio.window, Qt.Key.Key_S, CTRL | SHIFT)
        assert ui.dialog is dialog and dialog.isVisible()
        assert not dialog.progress.isVisible() and dialog.message.text() == ""
        assert dialog.plan is None and dialog.table.rowCount() == 0
        qtbot.waitUntil(lambda: dialog.plan is not None, timeout=30_000)
        assert dialog.state_label.text().endswith("in sync")
        dialog.close()

        # A local edit makes the last check stale.
        action_id = studio.action_id(studio.window.session.list_actions()[0].name)
        studio.window.session.sig_action_changed.emit(action_id)
        assert ui.status_button.text() == "⇅ Local tenant: local changes not synced"

        ui.fill_switcher()
        assert [a.text() for a in ui.switch_menu.actions()] == ["Local tenant"]
        assert ui.switch_menu.actions()[0].isChecked()
    finally:
        close_studio(studio)
    assert ui.controller.host.runner is None or not ui.controller.host.runner.running
