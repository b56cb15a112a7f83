"""The flow design model: pending edits, apply through set_flow, discard, cards, runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from actions_studio.services import actions, fixtures, flows, secrets
from actions_studio.services.errors import InvalidInputError
from actions_studio.services.flow_design import FlowDesign, apply_design, load_cards, run_design
from actions_studio.services.workspace import Workspace

DENY = "def on_execute_post_login(event, api):\n    api.access.deny('nope')\n"
CLAIM = ("def on_execute_post_login(event, api):\n"
         "    api.access_token.set_custom_claim('https://acme/roles', ['a'])\n")
SECRET = ("def on_execute_post_login(event, api):\n"
          "    api.cache.set('k', event.secrets['API_KEY'])\n")


def _deployed(ws: Workspace, name: str, code: str = CLAIM, trigger: str = "post-login") -> str:
    if trigger != "post-login":
        code = None
    detail = actions.create_action(ws, name, trigger, code=code)
    actions.deploy(ws, name)
    return detail.action.id


def test_edits_are_pending_until_applied(ws: Workspace) -> None:
    a, b, c = (_deployed(ws, n) for n in "abc")
    design = FlowDesign.load(ws, "post-login")
    assert design.pending == [] and not design.is_pending
    assert design.insert(0, a) == 0
    assert design.insert(99, b) == 1  # clamped to the end
    assert design.insert(0, c) == 0
    assert design.pending == [c, a, b] and design.is_pending
    assert flows.get_flow(ws, "post-login") == []  # nothing written yet
    assert design.move(b, 0) == 2
    assert design.pending == [b, c, a]
    assert design.remove(c) == 1
    assert design.pending == [b, a]
    with pytest.raises(InvalidInputError, match="once"):
        design.insert(0, a)
    assert apply_design(ws, design) == (b, a)
    assert not design.is_pending
    assert [x.id for x in flows.get_flow(ws, "post-login")] == [b, a]


def test_discard_returns_to_applied(ws: Workspace) -> None:
    a, b = _deployed(ws, "a"), _deployed(ws, "b")
    flows.set_flow(ws, "post-login", ["a"])
    design = FlowDesign.load(ws, "post-login")
    design.insert(0, b)
    design.discard()
    assert design.pending == [a] and not design.is_pending


def test_apply_refuses_what_auth0_refuses(ws: Workspace) -> None:
    actions.create_action(ws, "draft-only", "post-login")
    design = FlowDesign.load(ws, "post-login")
    design.insert(0, next(a.id for a in actions.list_actions(ws)))
    with pytest.raises(InvalidInputError, match="never been deployed"):
        apply_design(ws, design)
    assert design.is_pending  # nothing lost


def test_cards_show_deployed_number_draft_changes_effects_and_missing_secrets(ws: Workspace) -> None:
    a = _deployed(ws, "a", DENY)
    actions.save_draft(ws, "a", code=CLAIM)
    s = _deployed(ws, "s", SECRET)
    cards = load_cards(ws)
    assert cards[a].deployed_number == 1 and cards[a].draft_differs
    assert cards[a].effects.kinds() == ("deny",)          # what the flow runs: v1
    assert cards[a].draft_effects.kinds() == ("claims",)  # what the draft would do
    assert cards[s].missing_secrets == ("API_KEY",)
    secrets.set_secret(ws, "s", "API_KEY", "value-1")
    assert load_cards(ws)[s].missing_secrets == ()


def test_run_design_as_drawn_with_a_denied_action(ws: Workspace) -> None:
    c = _deployed(ws, "claims", CLAIM)
    d = _deployed(ws, "deny", DENY)
    e = _deployed(ws, "after", CLAIM)
    doc = fixtures.sample_fixture("post-login", "login")
    fixtures.save_fixture(ws, fixtures.parse_fixture(doc))
    report = run_design(ws, "post-login", [c, d, e], "login")
    assert report.status == "denied"
    assert [(x.name, x.status) for x in report.result.actions] == [
        ("claims", "success"), ("deny", "denied"), ("after", "skipped")]
    assert report.result.actions[0].version == 1
    actions.save_draft(ws, "deny", code=CLAIM)
    drafts = run_design(ws, "post-login", [c, d, e], "login", drafts=True)
    assert drafts.status == "success" and drafts.result.actions[1].version is None
    undeployed = actions.create_action(ws, "new", "post-login", code=CLAIM).action.id
    with pytest.raises(InvalidInputError, match="run with drafts"):
        run_design(ws, "post-login", [undeployed], "login")
    with pytest.raises(InvalidInputError, match="empty"):
        run_design(ws, "post-login", [], "login")


ROUND_TRIP = """
import json, sys
from actions_studio.services.flow_design import FlowDesign
from actions_studio.services.vault import FileVault
from actions_studio.services.workspace import Workspace
with Workspace.open(sys.argv[1], vault=FileVault(sys.argv[2])) as ws:
    design = FlowDesign.load(ws, "post-login")
    print(json.dumps({"pending": design.pending, "applied": list(design.applied)}))
"""


def test_applied_flow_survives_a_fresh_process(tmp_path: Path) -> None:
    from actions_studio.services.vault import FileVault

    path, config = tmp_path / "rt.sqlite", tmp_path / "rt-config"
    with Workspace.open(path, vault=FileVault(config)) as ws:
        ids = [_deployed(ws, n) for n in ("first", "second", "third")]
        design = FlowDesign.load(ws, "post-login")
        for index, action_id in enumerate([ids[2], ids[0], ids[1]]):
            design.insert(index, action_id)
        apply_design(ws, design)
    out = subprocess.run([sys.executable, "-c", ROUND_TRIP, str(path), str(config)],
                         capture_output=True, text=True, check=True, env=dict(os.environ), timeout=60)
    reopened = json.loads(out.stdout)
    assert reopened == {"pending": [ids[2], ids[0], ids[1]], "applied": [ids[2], ids[0], ids[1]]}
