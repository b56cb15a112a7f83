"""The flow canvas driven with real mouse and key events: drag from the palette, reorder,
delete, undo/redo, keyboard selection and moves, zoom."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from flow_fixtures import (
    LEFT,
    NO_MOD,
    build_flow,
    close_flows,
    drag_card,
    drag_from_palette,
    ids_by_name,
    names_on_canvas,
    open_flows,
    over_canvas,
    palette_point,
    view_of,
)
from window_fixtures import CTRL

SHIFT = Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def flows(qtbot, analysis_worker, tmp_path):
    studio = open_flows(qtbot, analysis_worker, tmp_path)
    yield studio
    close_flows(studio)


def test_drag_from_palette_to_any_position_with_a_marker(flows, qtbot):
    view = view_of(flows)
    drag_from_palette(flows, "add-roles", 0)  # onto the empty flow
    assert names_on_canvas(flows) == ["add-roles"]
    drag_from_palette(flows, "require-mfa", 1)  # below add-roles
    drag_from_palette(flows, "block-banned", 0)  # above everything
    drag_from_palette(flows, "consent-page", 2)  # between
    assert names_on_canvas(flows) == ["block-banned", "add-roles", "consent-page", "require-mfa"]
    assert view.design().is_pending and view.apply_button.isEnabled()
    assert view.tabs.tabText(0) == "post-login (4) •"
    # While a drag hovers the canvas, the insertion marker shows where it will land.
    source = view.palette.list.viewport()
    start = palette_point(flows, "remember-device")
    QTest.mousePress(source, LEFT, NO_MOD, start)
    QTest.mouseMove(source, start + QPoint(30, 6))
    QTest.mouseMove(source, over_canvas(flows, view.canvas.gap_point(1)))
    assert view.canvas.drop_index == 1 and view.canvas.marker.isVisible()
    # Let go outside the canvas: nothing is added and the marker goes away.
    QTest.mouseMove(source, start)
    assert view.canvas.drop_index is None
    QTest.mouseRelease(source, LEFT, NO_MOD, start)
    assert len(names_on_canvas(flows)) == 4


def test_undeployed_and_present_actions_are_not_droppable(flows):
    view = view_of(flows)
    build_flow(flows, ["add-roles"])
    item = view.palette.item_for(ids_by_name(flows)["draft-only"])
    assert "never been deployed" in item.toolTip()
    drag_from_palette(flows, "draft-only", 0)
    drag_from_palette(flows, "add-roles", 0)
    assert names_on_canvas(flows) == ["add-roles"]
    assert "already in this flow" in view.palette.item_for(ids_by_name(flows)["add-roles"]).toolTip()
    # Another trigger's action is not offered at all.
    assert ids_by_name(flows)["m2m-tag"] not in view.palette.visible_ids()


def test_palette_search(flows, qtbot):
    view = view_of(flows)
    qtbot.keyClicks(view.palette.search, "roles")
    names = {view.palette.list.item(r).text().split()[0] for r in range(view.palette.list.count())}
    assert names == {"add-roles", "roles-again"}


def test_reorder_by_dragging_a_card_then_undo_redo(flows, qtbot):
    view = view_of(flows)
    build_flow(flows, ["add-roles", "block-banned", "require-mfa"])

    def marker_shown(canvas):
        assert canvas.drop_index == 0 and canvas.marker.isVisible()

    drag_card(flows, "require-mfa", 0, check_marker=marker_shown)
    assert names_on_canvas(flows) == ["require-mfa", "add-roles", "block-banned"]
    drag_card(flows, "require-mfa", 3)  # below the last card
    assert names_on_canvas(flows) == ["add-roles", "block-banned", "require-mfa"]
    canvas = view.canvas
    qtbot.keyClick(canvas, Qt.Key.Key_Z, CTRL)
    assert names_on_canvas(flows) == ["require-mfa", "add-roles", "block-banned"]
    qtbot.keyClick(canvas, Qt.Key.Key_Y, CTRL)
    assert names_on_canvas(flows) == ["add-roles", "block-banned", "require-mfa"]
    qtbot.keyClick(canvas, Qt.Key.Key_Z, CTRL | SHIFT)  # redo with nothing to redo: no change
    assert names_on_canvas(flows) == ["add-roles", "block-banned", "require-mfa"]
    # A press and release without moving is a click: it selects, nothing moves.
    point = canvas.card_center(ids_by_name(flows)["add-roles"])
    QTest.mouseClick(canvas.viewport(), LEFT, NO_MOD, point)
    assert canvas.selected_id == ids_by_name(flows)["add-roles"]
    assert view.stack().count() == 5  # three inserts, two moves


def test_delete_key_and_card_menu_remove_and_undo_restores_position(flows, qtbot):
    view = view_of(flows)
    ids = ids_by_name(flows)
    build_flow(flows, ["add-roles", "block-banned", "require-mfa"])
    canvas = view.canvas
    QTest.mouseClick(canvas.viewport(), LEFT, NO_MOD, canvas.card_center(ids["block-banned"]))
    qtbot.keyClick(canvas, Qt.Key.Key_Delete)
    assert names_on_canvas(flows) == ["add-roles", "require-mfa"]
    assert canvas.selected_id == ids["require-mfa"]  # the next one, ready for another Delete
    menu = canvas.card_menu(ids["add-roles"])
    remove = next(a for a in menu.actions() if a.text().startswith("Remove from flow"))
    remove.trigger()
    assert names_on_canvas(flows) == ["require-mfa"]
    # Edit → Undo in the window's menu acts on the canvas too while the Flows mode shows.
    flows.window.actions_by_name["undo"].trigger()
    flows.window.actions_by_name["undo"].trigger()
    assert names_on_canvas(flows) == ["add-roles", "block-banned", "require-mfa"]
    menu.deleteLater()


def test_keyboard_selection_and_moves(flows, qtbot):
    view = view_of(flows)
    ids = ids_by_name(flows)
    build_flow(flows, ["add-roles", "block-banned", "require-mfa"])
    canvas = view.canvas
    canvas.setFocus()
    canvas.select("")
    qtbot.keyClick(canvas, Qt.Key.Key_Down)
    assert canvas.selected_id == ids["add-roles"]
    qtbot.keyClick(canvas, Qt.Key.Key_Down)
    assert canvas.selected_id == ids["block-banned"]
    qtbot.keyClick(canvas, Qt.Key.Key_Up, CTRL)
    assert names_on_canvas(flows) == ["block-banned", "add-roles", "require-mfa"]
    assert canvas.selected_id == ids["block-banned"]
    qtbot.keyClick(canvas, Qt.Key.Key_Up, CTRL)  # already first: nothing happens
    qtbot.keyClick(canvas, Qt.Key.Key_Down, CTRL)
    qtbot.keyClick(canvas, Qt.Key.Key_Down, CTRL)
    assert names_on_canvas(flows) == ["add-roles", "require-mfa", "block-banned"]
    qtbot.keyClick(canvas, Qt.Key.Key_Up)
    assert canvas.selected_id == ids["require-mfa"]
    assert view.stack().count() == 6  # three inserts, three moves


def test_zoom_with_keys_wheel_and_fit(flows, qtbot):
    view = view_of(flows)
    build_flow(flows, ["add-roles", "block-banned", "require-mfa", "consent-page", "remember-device"])
    canvas = view.canvas
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_Plus, CTRL)
    assert canvas.zoom == pytest.approx(1.2)
    qtbot.keyClick(canvas, Qt.Key.Key_Minus, CTRL)
    qtbot.keyClick(canvas, Qt.Key.Key_Minus, CTRL)
    assert canvas.zoom == pytest.approx(1 / 1.2)
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    center = QPointF(canvas.viewport().rect().center())
    wheel = QWheelEvent(center, QPointF(canvas.viewport().mapToGlobal(center.toPoint())), QPoint(0, 0),
                        QPoint(0, 120), Qt.MouseButton.NoButton, CTRL, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(canvas.viewport(), wheel)
    assert canvas.zoom == pytest.approx(1 / 1.2 * 1.15)
    qtbot.keyClick(canvas, Qt.Key.Key_0, CTRL)
    rect = canvas.mapFromScene(canvas.sceneRect()).boundingRect()
    assert canvas.viewport().rect().adjusted(-2, -2, 2, 2).contains(rect)


def test_double_click_opens_the_action_in_the_editor(flows, qtbot):
    view = view_of(flows)
    ids = ids_by_name(flows)
    build_flow(flows, ["add-roles", "block-banned"])
    canvas = view.canvas
    point = canvas.card_center(ids["block-banned"])
    QTest.mouseClick(canvas.viewport(), LEFT, NO_MOD, point)
    QTest.mouseDClick(canvas.viewport(), LEFT, NO_MOD, point)
    qtbot.waitUntil(lambda: flows.window.tabs.current_action_id() == ids["block-banned"])
    assert flows.window.flows.mode() == "code"
    # Pending changes survive the trip to the editor and back.
    flows.window.flows.set_mode("flows")
    assert names_on_canvas(flows) == ["add-roles", "block-banned"]
    assert view.design().is_pending


def test_dragging_near_the_edge_scrolls_a_long_flow(flows, qtbot):
    view = view_of(flows)
    names = ["add-roles", "block-banned", "require-mfa", "consent-page", "remember-device", "roles-again"]
    build_flow(flows, names)
    canvas = view.canvas
    canvas.set_zoom(1.0)
    bar = canvas.verticalScrollBar()
    bar.setValue(0)
    assert bar.maximum() > 0  # six cards do not fit at 100 %
    viewport = canvas.viewport()
    start = canvas.card_center(ids_by_name(flows)["add-roles"])
    QTest.mousePress(viewport, LEFT, NO_MOD, start)
    QTest.mouseMove(viewport, start + QPoint(0, 12))
    bottom = QPoint(start.x(), viewport.height() - 4)
    for _ in range(40):
        QTest.mouseMove(viewport, bottom)
        if bar.value() == bar.maximum():
            break
    assert bar.value() == bar.maximum()
    QTest.mouseMove(viewport, bottom + QPoint(0, -1))
    QTest.mouseRelease(viewport, LEFT, NO_MOD, bottom + QPoint(0, -1))
    assert names_on_canvas(flows) == names[1:] + ["add-roles"]


def test_mode_toggle_by_toolbar_and_keys(flows, qtbot):
    window = flows.window
    mode = window.flows
    assert mode.mode() == "flows" and mode.flows_action.isChecked()
    qtbot.keyClick(window, Qt.Key.Key_1, CTRL)
    assert mode.mode() == "code" and mode.code_action.isChecked()
    assert window.flows.stack.currentIndex() == 0
    qtbot.keyClick(window, Qt.Key.Key_2, CTRL)
    assert mode.mode() == "flows"
    button = mode.toolbar.widgetForAction(mode.code_action)
    qtbot.mouseClick(button, LEFT)
    assert mode.mode() == "code"


def test_escape_cancels_a_drag(flows, qtbot):
    view = view_of(flows)
    build_flow(flows, ["add-roles", "block-banned"])
    canvas = view.canvas
    viewport = canvas.viewport()
    start = canvas.card_center(ids_by_name(flows)["add-roles"])
    QTest.mousePress(viewport, LEFT, NO_MOD, start)
    QTest.mouseMove(viewport, start + QPoint(0, 12))
    QTest.mouseMove(viewport, canvas.gap_point(2))
    assert canvas.drop_index == 1
    qtbot.keyClick(canvas, Qt.Key.Key_Escape)
    assert canvas.drop_index is None
    QTest.mouseRelease(viewport, LEFT, NO_MOD, canvas.gap_point(2))
    assert names_on_canvas(flows) == ["add-roles", "block-banned"]
    # The same from the palette: Escape while dragging, then letting go over the flow adds nothing.
    source = view.palette.list.viewport()
    begin = palette_point(flows, "require-mfa")
    QTest.mousePress(source, LEFT, NO_MOD, begin)
    QTest.mouseMove(source, begin + QPoint(30, 6))
    QTest.mouseMove(source, over_canvas(flows, canvas.gap_point(0)))
    assert canvas.drop_index == 0
    qtbot.keyClick(view.palette.list, Qt.Key.Key_Escape)
    assert canvas.drop_index is None
    QTest.mouseRelease(source, LEFT, NO_MOD, over_canvas(flows, canvas.gap_point(0)))
    assert names_on_canvas(flows) == ["add-roles", "block-banned"]
    assert view.stack().count() == 2
