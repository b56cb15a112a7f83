"""The Test panel's result side on its own (ui/test_result_pane.py): an earlier run picked from
the list becomes the card, in the action's own language, and says so; a theme change renders the
same card again, and a placeholder that forgets leaves nothing to bring back. Real workspace and
store; the run record is stored as a run would store it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from actions_studio.services import actions, fixtures
from actions_studio.services.vault import open_vault
from actions_studio.services.workspace import Workspace
from actions_studio.store import repository as repo
from actions_studio.ui.colours import DARK_COLOURS
from actions_studio.ui.session import StudioSession
from actions_studio.ui.test_result_pane import TestResultPane

JS = "exports.onExecutePostLogin = async (event, api) => {\n  api.idToken.setCustomClaim('https://x/t', 'gold');\n};\n"


@pytest.fixture
def session(tmp_path: Path) -> Iterator[StudioSession]:
    ws = Workspace.open(tmp_path / "w.sqlite", vault=open_vault(tmp_path / "cfg", mode="file"))
    yield StudioSession(ws)
    ws.close()


def _stored_run(session: StudioSession) -> str:
    ws = session.ws
    action = actions.create_action(ws, "js-gate", "post-login", code=JS, runtime="node22").action
    doc = fixtures.sample_fixture("post-login", "gate sample", action="js-gate")
    session.save_fixture(doc)
    result = {"trigger": "post-login", "status": "success", "outcome": {"denied": None},
              "actions": [{"name": "js-gate", "status": "success", "calls": [
                  {"method": "id_token.set_custom_claim", "args": ["https://x/t", "gold"], "kwargs": {}}]}]}
    with ws.db.write() as s:
        fixture = repo.find_fixture(s, "gate sample")
        repo.insert_run(s, fixture_id=fixture.id, action_id=action.id, target="draft", version_number=None,
                        status="success", passed=None, mismatch=None, result=result, keep=30)
    return "gate sample"


def test_an_earlier_run_becomes_the_card_in_the_actions_language(qtbot, session) -> None:
    name = _stored_run(session)
    pane = TestResultPane(session, lambda: name)
    qtbot.addWidget(pane)
    pane.reload_runs(name)
    assert pane.runs_list.count() == 1
    with qtbot.waitSignal(pane.sig_record_shown, timeout=1000):
        pane.on_runs_list_item_clicked(pane.runs_list.item(0))
    card = pane.result_view.toPlainText()
    assert "earlier run of the draft" in card and f"fixture {name}" in card
    assert 'api.idToken.setCustomClaim("https://x/t", "gold")' in card and "id_token" not in card
    light = pane.result_view.toHtml()
    pane.set_colours(DARK_COLOURS)  # the same card, drawn again in the other theme
    assert pane.result_view.toPlainText() == card and pane.result_view.toHtml() != light
    tip = pane.runs_list.item(0).data(Qt.ItemDataRole.ToolTipRole)
    assert tip.endswith("UTC · draft")


def test_a_forgetting_placeholder_is_not_brought_back_by_a_theme_change(qtbot, session) -> None:
    name = _stored_run(session)
    pane = TestResultPane(session, lambda: name)
    qtbot.addWidget(pane)
    pane.reload_runs(name)
    pane.on_runs_list_item_clicked(pane.runs_list.item(0))
    assert "earlier run" in pane.result_view.toPlainText()
    pane.show_placeholder("Open an action to test it.", forget=True)
    pane.set_colours(DARK_COLOURS)
    assert pane.result_view.toPlainText() == "Open an action to test it."
    pane.reload_runs(None)
    assert pane.runs_list.count() == 0


def test_a_fixture_that_is_gone_lists_no_runs(qtbot, session) -> None:
    pane = TestResultPane(session, lambda: None)
    qtbot.addWidget(pane)
    pane.reload_runs("no such fixture")
    assert pane.runs_list.count() == 0
