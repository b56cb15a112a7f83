"""A studio whose workspace holds deployed post-login actions with known effects, opened in the
Flows mode. Plain module (tests/ui has no packages): the flow tests import it by name."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from actions_studio.services import actions, fixtures
from actions_studio.services.vault import open_vault
from actions_studio.services.workspace import Workspace
from window_fixtures import Studio, close_studio, make_studio

LEFT = Qt.MouseButton.LeftButton
NO_MOD = Qt.KeyboardModifier.NoModifier

CODE = {
    "add-roles": ("def on_execute_post_login(event, api):\n"
                  "    api.access_token.set_custom_claim('https://acme/roles', ['admin'])\n"),
    "block-banned": ("def on_execute_post_login(event, api):\n"
                     "    if event.user.email == 'j+smith@example.com':\n"
                     "        api.access.deny('banned')\n"),
    "require-mfa": ("def on_execute_post_login(event, api):\n"
                    "    api.multifactor.enable('any')\n"
                    "    api.user.set_app_metadata('mfa_asked', True)\n"),
    "consent-page": ("def on_execute_post_login(event, api):\n"
                     "    api.redirect.send_user_to('https://consent.example.com')\n\n"
                     "def on_continue_post_login(event, api):\n"
                     "    pass\n"),
    "remember-device": ("def on_execute_post_login(event, api):\n"
                        "    api.cache.set('device', event.secrets['DEVICE_KEY'])\n"),
    "roles-again": ("def on_execute_post_login(event, api):\n"
                    "    api.access_token.set_custom_claim('https://acme/roles', ['user'])\n"),
}


def prepare_workspace(tmp_path: Path, names=tuple(CODE), *, undeployed=("draft-only",),
                      deny_everyone: bool = False) -> None:
    """Creates the workspace file make_studio will open (same path and vault folder)."""
    ws = Workspace.open(tmp_path / "workspace.sqlite", vault=open_vault(tmp_path / "config", mode="file"))
    try:
        for name in names:
            code = CODE[name]
            if deny_everyone and name == "block-banned":
                code = "def on_execute_post_login(event, api):\n    api.access.deny('banned')\n"
            actions.create_action(ws, name, "post-login", code=code)
            actions.deploy(ws, name)
        for name in undeployed:
            actions.create_action(ws, name, "post-login", code=CODE["add-roles"])
        actions.create_action(ws, "m2m-tag", "credentials-exchange")
        actions.deploy(ws, "m2m-tag")
        doc = fixtures.sample_fixture("post-login", "alice logs in")
        fixtures.save_fixture(ws, fixtures.parse_fixture(doc))
    finally:
        ws.close()


def open_flows(qtbot, analysis_worker, tmp_path: Path, **kwargs) -> Studio:
    prepare_workspace(tmp_path, **kwargs)
    studio = make_studio(qtbot, analysis_worker, tmp_path, seed=False)
    studio.window.resize(1366, 768)
    studio.window.flows.set_mode("flows")
    qtbot.waitUntil(lambda: studio.window.flows.view.canvas.isVisible())
    return studio


def view_of(studio: Studio):
    return studio.window.flows.view


def ids_by_name(studio: Studio) -> dict[str, str]:
    return {a.name: a.id for a in studio.window.session.list_actions()}


def names_on_canvas(studio: Studio) -> list[str]:
    return [s.name for s in view_of(studio).canvas.states]


def palette_point(studio: Studio, name: str) -> QPoint:
    palette = view_of(studio).palette
    item = palette.item_for(ids_by_name(studio)[name])
    return palette.list.visualItemRect(item).center()


def drag_from_palette(studio: Studio, name: str, gap_index: int) -> None:
    """Press on the palette item, move in steps onto the canvas gap, release: a user's drag.

    While a button is held the window system sends every move and the release to the widget that
    got the press (the implicit grab), in its own coordinates even outside it. QTest posts to the
    widget it is given, so the moves over the canvas go to the palette's viewport, mapped.
    """
    view = view_of(studio)
    source = view.palette.list.viewport()
    start = palette_point(studio, name)
    QTest.mousePress(source, LEFT, NO_MOD, start)
    QTest.mouseMove(source, start + QPoint(12, 4))
    QTest.mouseMove(source, start + QPoint(30, 8))
    end = over_canvas(studio, view.canvas.gap_point(gap_index))
    QTest.mouseMove(source, end + QPoint(0, 8))
    QTest.mouseMove(source, end)
    QTest.mouseRelease(source, LEFT, NO_MOD, end)


def over_canvas(studio: Studio, canvas_point: QPoint) -> QPoint:
    """A point of the canvas's viewport in the palette viewport's coordinates (see above)."""
    view = view_of(studio)
    return view.palette.list.viewport().mapFromGlobal(view.canvas.viewport().mapToGlobal(canvas_point))


def drag_card(studio: Studio, name: str, gap_index: int, *, check_marker=None) -> None:
    canvas = view_of(studio).canvas
    viewport = canvas.viewport()
    start = canvas.card_center(ids_by_name(studio)[name])
    QTest.mousePress(viewport, LEFT, NO_MOD, start)
    QTest.mouseMove(viewport, start + QPoint(0, 6))
    QTest.mouseMove(viewport, start + QPoint(0, 14))
    end = canvas.gap_point(gap_index)
    QTest.mouseMove(viewport, end)
    if check_marker is not None:
        check_marker(canvas)
    QTest.mouseRelease(viewport, LEFT, NO_MOD, end)


def build_flow(studio: Studio, names) -> None:
    """Adds actions at the end through the palette's double-click path (fast setup)."""
    view = view_of(studio)
    ids = ids_by_name(studio)
    for name in names:
        view.insert(ids[name], len(view.design()))


def close_flows(studio: Studio) -> None:
    """Closes the studio without the Apply/Discard question (each test asserts its own)."""
    view = view_of(studio)
    for design in view.designs.values():
        design.discard()
    close_studio(studio)
