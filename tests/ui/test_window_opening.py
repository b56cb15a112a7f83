"""A window shown while its workspace is still opening (issue 12 item 10): it shows the actions
and the restored tab from the start view; the panels that need the store fill in once it is open;
and anything that needs the store earlier gets it, opening it on the spot if nobody has yet."""

from __future__ import annotations

from pathlib import Path

from actions_studio.services import actions
from actions_studio.services.vault import open_vault
from actions_studio.services.workspace import Workspace
from actions_studio.store.start_view import read_start_view
from actions_studio.ui.app import create_window
from actions_studio.ui.first_run import seed_examples
from actions_studio.ui.workspace_opening import WorkspaceOpening
from window_fixtures import ScriptedPrompts


SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _seeded(tmp_path: Path) -> tuple[Path, Path]:
    config_dir = tmp_path / "config"
    path = tmp_path / "workspace.sqlite"
    with Workspace.open(path, vault=open_vault(config_dir, mode="file")) as ws:
        seed_examples(ws)
    return path, config_dir


def _opening(path: Path, config_dir: Path, opened: list[Workspace]) -> WorkspaceOpening:
    def open_workspace() -> Workspace:
        ws = Workspace.open(path, vault=open_vault(config_dir, mode="file"))
        opened.append(ws)
        return ws

    view = read_start_view(path)
    assert view is not None
    return WorkspaceOpening(path, view, open_workspace)


def test_the_panels_that_need_the_store_fill_in_once_it_is_open(qtbot, analysis_worker, tmp_path) -> None:
    path, config_dir = _seeded(tmp_path)
    opened: list[Workspace] = []
    opening = _opening(path, config_dir, opened)
    window = create_window(opening, analysis_worker, config_dir, prompts=ScriptedPrompts())
    try:
        session = window.session
        names = sorted(a.name for a in opening.view.actions)
        assert sorted(window.explorer.visible_action_names()) == names and not session.is_open()
        post_login = next(a for a in opening.view.actions if a.trigger_id == "post-login")
        window.open_action(post_login.id)
        assert window.tabs.current_editor().text() == opening.view.drafts[post_login.id].code
        assert window.sync_ui is None and window.test_panel.fixture_combo.count() == 0
        assert "Opening the workspace" in window.test_panel.result_html()
        assert opened == []  # nothing so far needed the store
        window.resize(1280, 800)
        window.show()
        qtbot.waitExposed(window)
        window.grab().save(str(SCREENSHOTS / "main-window-opening.png"))

        opening.start()
        qtbot.waitUntil(opening.done, timeout=30_000)
        with qtbot.waitSignal(session.sig_workspace_opened):
            session.note_workspace_opened()
        assert session.is_open() and session.ws is opened[0]
        assert window.sync_ui is not None
        assert window.test_panel.fixture_combo.count() > 0  # the example's fixtures
        assert "Opening the workspace" not in window.test_panel.result_html()
        assert sorted(window.explorer.visible_action_names()) == names
    finally:
        window.close()
        window.dispatcher.wait()
        for ws in opened:
            ws.close()


def test_a_write_before_the_thread_started_opens_the_workspace_on_the_spot(qtbot, analysis_worker,
                                                                          tmp_path) -> None:
    path, config_dir = _seeded(tmp_path)
    opened: list[Workspace] = []
    opening = _opening(path, config_dir, opened)
    window = create_window(opening, analysis_worker, config_dir, prompts=ScriptedPrompts())
    try:
        session = window.session
        record = session.create_action("made early", "post-login")
        assert len(opened) == 1 and session.is_open()
        assert "made early" in window.explorer.visible_action_names()
        opening.start()  # the thread finds the work done and opens nothing more
        assert opening.result() is opened[0] and len(opened) == 1
        with Workspace.open(path, vault=open_vault(config_dir, mode="file")) as ws:
            assert actions.get_action(ws, record.id) is not None
    finally:
        window.close()
        window.dispatcher.wait()
        for ws in opened:
            ws.close()


def test_a_failed_open_is_raised_to_whoever_needs_the_workspace(tmp_path) -> None:
    path, _config = _seeded(tmp_path)
    view = read_start_view(path)

    def refuse() -> Workspace:
        raise OSError("the disk went away")

    opening = WorkspaceOpening(path, view, refuse)
    opening.start()
    try:
        opening.result(timeout=10)
    except OSError as exc:
        assert "the disk went away" in str(exc)
    else:
        raise AssertionError("the failed open was not raised")
    assert opening.failed()
