"""Pending changes, Apply and Discard, the question when leaving, and each validation as the
canvas shows it (blocking ones disable Apply)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from actions_studio.services import actions, flows as flows_service
from flow_fixtures import (
    CODE,
    build_flow,
    close_flows,
    drag_from_palette,
    ids_by_name,
    names_on_canvas,
    open_flows,
    view_of,
)

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def flows(qtbot, analysis_worker, tmp_path):
    studio = open_flows(qtbot, analysis_worker, tmp_path)
    yield studio
    close_flows(studio)


def click(qtbot, button) -> None:
    qtbot.mouseClick(button, LEFT)


def applied_names(studio) -> list[str]:
    return [a.name for a in flows_service.get_flow(studio.ws, "post-login")]


def test_apply_writes_the_order_and_discard_reverts(flows, qtbot):
    view = view_of(flows)
    assert not view.apply_button.isEnabled() and not view.discard_button.isEnabled()
    assert view.pending_label.text() == "Applied · 0 of 20 actions"
    drag_from_palette(flows, "add-roles", 0)
    drag_from_palette(flows, "require-mfa", 0)
    assert "not applied" in view.pending_label.text()
    assert flows.window.flows.flows_action.text() == "Flows •"
    assert applied_names(flows) == []  # pending until Apply
    click(qtbot, view.apply_button)
    assert applied_names(flows) == ["require-mfa", "add-roles"]
    assert [a.id for a in flows_service.get_flow(flows.ws, "post-login")] == [
        ids_by_name(flows)[n] for n in ("require-mfa", "add-roles")]
    assert not view.design().is_pending and not view.apply_button.isEnabled()
    assert view.tabs.tabText(0) == "post-login (2)"
    assert flows.window.flows.flows_action.text() == "Flows"
    assert "Applied the post-login flow" in flows.window.statusBar().currentMessage()

    drag_from_palette(flows, "block-banned", 2)
    view.canvas.setFocus()
    qtbot.keyClick(view.canvas, Qt.Key.Key_Up)
    qtbot.keyClick(view.canvas, Qt.Key.Key_Delete)
    assert names_on_canvas(flows) == ["require-mfa", "block-banned"]
    click(qtbot, view.discard_button)
    assert names_on_canvas(flows) == ["require-mfa", "add-roles"]
    assert not view.design().is_pending
    qtbot.keyClick(view.canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # Discard undoes too
    assert names_on_canvas(flows) == ["require-mfa", "block-banned"]
    assert applied_names(flows) == ["require-mfa", "add-roles"]


@pytest.mark.parametrize("answer, shown, applied", [
    ("cancel", "post-login", []),
    ("discard", "credentials-exchange", []),
    ("save", "credentials-exchange", ["add-roles"]),
])
def test_switching_trigger_with_pending_changes_asks(flows, qtbot, answer, shown, applied):
    view = view_of(flows)
    build_flow(flows, ["add-roles"])
    flows.prompts.answers = [answer]
    tab = view.tabs.tabRect(1).center()
    QTest.mouseClick(view.tabs, LEFT, Qt.KeyboardModifier.NoModifier, tab)
    assert flows.prompts.asked[0][0] == "save_discard_cancel"
    assert "post-login flow has changes that are not applied" in flows.prompts.asked[0][1]
    assert view.trigger_id == shown
    assert view.tabs.currentIndex() == view.trigger_ids.index(shown)
    assert applied_names(flows) == applied
    if shown == "credentials-exchange":
        assert [s.name for s in view.canvas.states] == []
        assert view.palette.visible_ids() == [ids_by_name(flows)["m2m-tag"]]


def test_closing_the_window_with_pending_changes_asks(flows, qtbot):
    view = view_of(flows)
    build_flow(flows, ["add-roles", "block-banned"])
    flows.prompts.answers = ["cancel"]
    flows.window.close()
    assert flows.window.isVisible()
    flows.prompts.answers = ["save"]
    flows.window.close()
    assert not flows.window.isVisible()
    assert applied_names(flows) == ["add-roles", "block-banned"]
    assert not view.pending_triggers()


def _shown_problems(view) -> list[str]:
    return view.problem_messages()


def test_warnings_show_on_the_canvas_and_allow_apply(flows, qtbot):
    view = view_of(flows)
    ids = ids_by_name(flows)
    build_flow(flows, ["add-roles", "block-banned", "consent-page", "remember-device", "roles-again"])
    assert _shown_problems(view) == [
        "⚠ access_token claim https://acme/roles is set by add-roles and roles-again: "
        "roles-again wins (it runs later)",
        "⚠ consent-page can redirect but runs after block-banned, which can deny: "
        "a denied login never reaches the redirect",
        "⚠ remember-device reads secret DEVICE_KEY, which has no value: set it in Action → Secrets…",
    ]
    severities = {s.name: s.severity for s in view.canvas.states}
    assert severities == {"add-roles": "warning", "block-banned": "warning", "consent-page": "warning",
                          "remember-device": "warning", "roles-again": "warning"}
    assert "roles-again wins" in view.canvas.cards[ids["roles-again"]].toolTip()
    assert view.apply_button.isEnabled()
    # Clicking a problem selects the card it is about.
    QTest.mouseClick(view.problem_list.viewport(), LEFT, Qt.KeyboardModifier.NoModifier,
                     view.problem_list.visualItemRect(view.problem_list.item(2)).center())
    assert view.canvas.selected_id == ids["remember-device"]
    # Setting the secret clears its warning; moving the redirect first clears that one.
    flows.window.session.set_secret(ids["remember-device"], "DEVICE_KEY", "device-secret")
    view.move(ids["consent-page"], 0)
    assert [m[:30] for m in _shown_problems(view)] == ["⚠ access_token claim https://a"]


def test_more_than_twenty_actions_blocks_apply(qtbot, analysis_worker, tmp_path):
    from flow_fixtures import prepare_workspace
    from actions_studio.services.vault import open_vault
    from actions_studio.services.workspace import Workspace
    from window_fixtures import make_studio

    prepare_workspace(tmp_path, names=("add-roles",), undeployed=())
    ws = Workspace.open(tmp_path / "workspace.sqlite", vault=open_vault(tmp_path / "config", mode="file"))
    for i in range(20):
        actions.create_action(ws, f"step-{i:02d}", "post-login", code=CODE["require-mfa"])
        actions.deploy(ws, f"step-{i:02d}")
    ws.close()
    studio = make_studio(qtbot, analysis_worker, tmp_path, seed=False)
    try:
        studio.window.flows.set_mode("flows")
        view = view_of(studio)
        build_flow(studio, [f"step-{i:02d}" for i in range(20)])
        assert view.apply_button.isEnabled() and _shown_problems(view) == []
        drag_from_palette(studio, "add-roles", 20)
        assert len(view.design()) == 21
        assert _shown_problems(view) == ["⛔ Blocks Apply: 21 actions: a flow holds at most 20; remove 1"]
        assert not view.apply_button.isEnabled()
        assert "Fix this first" in view.apply_button.toolTip()
        assert view.canvas.states[-1].severity == "error"
        view.canvas.setFocus()
        qtbot.keyClick(view.canvas, Qt.Key.Key_Delete)  # the dropped card is selected
        assert view.apply_button.isEnabled()
    finally:
        close_flows(studio)


def test_undeployed_other_trigger_and_deleted_actions_block_apply(flows, qtbot):
    view = view_of(flows)
    ids = ids_by_name(flows)
    # The palette never drops these; a design can still hold them (an action deleted while the
    # flow was pending, or a model edited outside the canvas), and the canvas must say so.
    build_flow(flows, ["add-roles", "block-banned"])
    view.design().replace_pending([ids["add-roles"], ids["draft-only"], ids["m2m-tag"], ids["block-banned"]])
    view.reload()
    assert _shown_problems(view) == [
        "⛔ Blocks Apply: draft-only has never been deployed: deploy it before Apply",
        "⛔ Blocks Apply: m2m-tag is a credentials-exchange action; it cannot run in the post-login flow",
        "⚠ access_token claim https://acme/roles is set by add-roles and draft-only: "
        "draft-only wins (it runs later)",
    ]
    assert not view.apply_button.isEnabled()
    assert [s.severity for s in view.canvas.states] == ["warning", "error", "error", None]
    flows.window.session.delete_action(ids["block-banned"], force=True)
    assert "⛔ Blocks Apply: an action of this flow no longer exists" in _shown_problems(view)
    assert view.canvas.states[-1].name == "(deleted action)"


def test_only_triggers_with_a_flow_have_a_tab(flows):
    # custom-token-exchange and event-stream bind to a profile or a stream: an action dragged onto
    # their "flow" could never run, so the view offers no such tab.
    view = view_of(flows)
    tabs = [view.tabs.tabText(i).split(" (")[0] for i in range(view.tabs.count())]
    assert "custom-token-exchange" not in tabs and "event-stream" not in tabs
    assert "post-login" in tabs and "password-reset-post-challenge" in tabs
    assert len(tabs) == len(view.trigger_ids) == 9
