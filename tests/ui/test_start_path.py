"""The studio's start on an existing workspace (issue 12 item 10): the window is shown, with the
explorer filled and the last session's tab restored, before the store (SQLAlchemy, SQLModel), the
run pipeline, the dependency machinery, sync and the Flows view are loaded; they load once the
window is idle, and then the panels that need them are filled.

The real start (`actions_studio.cli.main`, no subcommand) runs in a fresh interpreter; a probe on
its stdout records, when the studio says "idle" and "settled", which modules are loaded and what
the window shows.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from actions_studio.gui import EXIT_WHEN_IDLE_ENV

PROBE = r"""
import io, json, sys
from PySide6.QtWidgets import QApplication

def window_state():
    from actions_studio.ui.main_window import MainWindow
    window = next(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow))
    editors = {i: window.tabs.editor(i) for i in window.tabs.open_ids()}
    return {"visible": window.isVisible(), "explorer": len(window.explorer.visible_action_names()),
            "tabs": {i: e.text() for i, e in editors.items() if e is not None},
            "panel_fixtures": window.test_panel.fixture_combo.count(),
            "sync": window.sync_ui is not None}

seen = {}
class Probe(io.StringIO):
    def write(self, text):
        word = text.strip()
        if word in ("idle", "settled"):
            seen[word] = {"modules": sorted(sys.modules), "window": window_state()}
        return len(text)

sys.stdout, real = Probe(), sys.stdout
sys.argv = ["actions-studio"]
from actions_studio.cli import main
try:
    main()
except SystemExit:
    pass
real.write(json.dumps(seen))
"""

# Loaded only after the window is idle (each costs tens of ms, SQLAlchemy ~0.3 s).
NOT_AT_START = (
    "sqlalchemy", "sqlmodel", "actions_studio.store.db", "actions_studio.store.repository",
    "actions_studio.services.workspace", "actions_studio.execution", "actions_studio.deps",
    "actions_studio.services.runs", "actions_studio.ui.sync.controller", "actions_studio.ui.flows.flows_view",
    "actions_studio.ui.behaviour_view", "actions_studio.triggers.catalog", "pydantic",
)


def _start(home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "ACTIONS_STUDIO_HOME": str(home),
           EXIT_WHEN_IDLE_ENV: "1"}
    return subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True,
                          timeout=120)


@pytest.fixture(scope="module")
def second_start(tmp_path_factory) -> dict:
    home = tmp_path_factory.mktemp("studio-home")
    first = _start(home)  # a first run: examples seeded, the post-login example's tab opened
    assert first.returncode == 0, first.stderr
    done = _start(home)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert set(seen) == {"idle", "settled"}
    return {"home": home, **seen}


def test_the_window_is_idle_before_the_store_and_the_run_pipeline_load(second_start) -> None:
    loaded = set(second_start["idle"]["modules"])
    assert [m for m in NOT_AT_START if m in loaded] == []


def test_at_idle_the_explorer_is_filled_and_the_restored_tab_shows_its_draft(second_start) -> None:
    from actions_studio.services import actions
    from actions_studio.services.workspace import Workspace

    window = second_start["idle"]["window"]
    with Workspace.open(second_start["home"] / "workspace.sqlite") as ws:
        records = actions.list_actions(ws)
        restored = {i: actions.open_action_by_id(ws, i) for i in window["tabs"]}
    assert window["visible"]
    assert window["explorer"] == len(records) > 0
    assert [d.action.trigger_id for d in restored.values()] == ["post-login"]  # the first run's tab
    assert window["tabs"] == {i: d.draft.code for i, d in restored.items()}


def test_once_settled_the_store_is_open_and_the_panels_that_need_it_are_filled(second_start) -> None:
    loaded = set(second_start["settled"]["modules"])
    assert {"sqlalchemy", "actions_studio.store.db", "actions_studio.ui.sync.controller"} <= loaded
    window = second_start["settled"]["window"]
    assert window["sync"]  # the Sync menu and status button
    assert window["panel_fixtures"] > 0  # the Test panel lists the restored action's fixtures
    assert second_start["idle"]["window"]["panel_fixtures"] == 0  # ... which waited for the store
