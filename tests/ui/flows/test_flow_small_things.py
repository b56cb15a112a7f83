"""The Flows mode's small things that read wrong (issue 12 item 9): the pending state clipped by
the toolbar's buttons, palette names elided mid-word, a truncated fixture combo, "(1 actions)"."""

from __future__ import annotations

from PySide6.QtCore import Qt

from actions_studio.services import fixtures as fixtures_service
from flow_fixtures import build_flow, close_flows, drag_from_palette, open_flows, view_of

LEFT = Qt.MouseButton.LeftButton
LONG_ACTION = "add-roles-to-tokens-for-every-admin"
LONG_FIXTURE = "alice logs in from the Berlin office"


def test_at_the_smallest_window_the_toolbar_reads_whole(qtbot, analysis_worker, tmp_path, screenshots_dir):
    studio = open_flows(qtbot, analysis_worker, tmp_path)
    try:
        window = studio.window
        session = window.session
        record = session.create_action(LONG_ACTION, "post-login")
        session.deploy(record.id, None)
        session.save_fixture(fixtures_service.sample_fixture("post-login", LONG_FIXTURE))
        view = view_of(studio)
        view.reload()
        view.fixture_combo.setCurrentText(LONG_FIXTURE)
        qtbot.wait(20)
        # At a usual size the fixture combo is as wide as the fixture's name (it was cut at 14
        # characters); at the smallest window it is the one that gives way, not the buttons.
        combo = view.fixture_combo
        needed = combo.fontMetrics().horizontalAdvance(LONG_FIXTURE)
        assert combo.width() >= needed + 16, (combo.width(), needed)

        window.resize(window.minimumSizeHint())
        qtbot.wait(50)
        build_flow(studio, ["add-roles"])
        view.fixture_combo.setCurrentText(LONG_FIXTURE)
        qtbot.wait(20)

        label = view.pending_label
        assert label.text() == "● Changes not applied — Apply saves this order"
        assert label.shown_text() == label.text()  # nothing clipped or elided
        for button in (view.undo_button, view.redo_button, view.discard_button, view.apply_button,
                       view.run_button):
            assert not label.geometry().intersects(button.geometry()) or label.parent() is not button.parent()
            assert button.geometry().right() <= button.parentWidget().width(), button.text()
        item = view.palette.item_for(record.id)
        assert item.text().split("\n")[0] == LONG_ACTION  # the whole name, its version below
        assert view.palette.list.textElideMode() == Qt.TextElideMode.ElideNone
        view.grab().save(str(screenshots_dir / "flows-toolbar-small.png"))

        qtbot.mouseClick(view.apply_button, LEFT)
        assert window.statusBar().currentMessage() == "Applied the post-login flow (1 action)"
    finally:
        close_flows(studio)
