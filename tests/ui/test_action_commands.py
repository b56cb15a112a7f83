"""ActionCommands with a fake window (passive view): the decisions behind create, rename, delete,
deploy and revert, without a widget in sight."""

from __future__ import annotations

from typing import Optional

import pytest

from actions_studio.services import actions as actions_service
from actions_studio.services import flows
from actions_studio.services.vault import open_vault
from actions_studio.services.workspace import Workspace
from actions_studio.ui.action_commands import ActionCommands
from actions_studio.ui.session import StudioSession
from window_fixtures import ScriptedPrompts


class FakeWindow:
    """Records what the presenter asked the window to show; `modified` plays unsaved editor text."""

    def __init__(self, session: StudioSession) -> None:
        self.session = session
        self.calls: list[tuple] = []
        self.modified: dict[str, str] = {}  # action id -> unsaved text
        self.save_fails = False

    def settle_editor(self, action_id: str) -> bool:
        self.calls.append(("settle", action_id))
        if action_id in self.modified:
            if self.save_fails:
                return False
            self.session.save_draft(action_id, self.modified.pop(action_id))
        return True

    def editor_is_modified(self, action_id: str) -> bool:
        return action_id in self.modified

    def open_editor(self, action_id: str) -> None:
        self.calls.append(("open", action_id))

    def reload_editor(self, action_id: str) -> None:
        self.modified.pop(action_id, None)
        self.calls.append(("reload", action_id))

    def show_message(self, text: str) -> None:
        self.calls.append(("message", text))

    def show_refusal(self, text: str, line: Optional[int], action_id: Optional[str] = None) -> None:
        self.calls.append(("refusal", text, line))

    def clear_refusal(self) -> None:
        self.calls.append(("clear_refusal",))

    def log(self, heading: str, body: str) -> None:
        self.calls.append(("log", heading, body))


@pytest.fixture
def setup(tmp_path):
    ws = Workspace.open(tmp_path / "w.sqlite", vault=open_vault(tmp_path / "cfg", mode="file"))
    session = StudioSession(ws)
    prompts = ScriptedPrompts()
    window = FakeWindow(session)
    yield ActionCommands(session, prompts, window), session, prompts, window, ws
    ws.close()


def test_new_action_creates_it_with_a_sample_fixture_and_opens_it(setup) -> None:
    commands, session, prompts, window, ws = setup
    prompts.answers = [("geo-block", "post-login")]
    action_id = commands.new_action("post-login")
    assert ("open", action_id) in window.calls
    assert [f.name for f in session.fixtures_for(action_id)] == ["geo-block sample"]
    prompts.answers = [("geo-block", "post-login")]
    assert commands.new_action() is None  # taken name: the service's message is shown
    assert prompts.asked[-1] == ("error", "an action named 'geo-block' already exists")
    prompts.answers = [None]
    assert commands.new_action() is None


def test_deploy_saves_the_editor_first_and_asks_for_a_note(setup) -> None:
    commands, session, prompts, window, ws = setup
    action_id = session.create_action("a", "post-login").id
    window.modified[action_id] = "def on_execute_post_login(event, api):\n    pass\n"
    prompts.answers = ["first"]
    assert commands.deploy(action_id) == 1
    version = actions_service.get_version(ws, "a", 1)
    assert version.code.endswith("pass\n") and version.note == "first"
    assert ("log", "deployed a v1", "first") in window.calls
    prompts.answers = [None]  # cancelled at the note: nothing deployed
    assert commands.deploy(action_id) is None
    assert [v.number for v in actions_service.list_versions(ws, "a")] == [1]


def test_deploy_of_code_that_does_not_compile_is_refused_before_any_question(setup) -> None:
    commands, session, prompts, window, ws = setup
    action_id = session.create_action("a", "post-login").id
    window.modified[action_id] = "def on_execute_post_login(event, api):\n    if (:\n"
    assert commands.deploy(action_id) is None
    kind, text, line = window.calls[-1]
    assert kind == "refusal" and "does not compile" in text and line == 2
    assert prompts.asked == [] and actions_service.list_versions(ws, "a") == []


def test_deploy_stops_when_the_editor_cannot_be_saved(setup) -> None:
    commands, session, prompts, window, ws = setup
    action_id = session.create_action("a", "post-login").id
    window.modified[action_id] = "x = 1\n"
    window.save_fails = True
    assert commands.deploy(action_id) is None and prompts.asked == []


def test_revert_warns_about_unsaved_text_and_reloads_the_editor(setup) -> None:
    commands, session, prompts, window, ws = setup
    action_id = session.create_action("a", "post-login", ).id
    prompts.answers = ["v1"]
    commands.deploy(action_id)
    session.save_draft(action_id, "def on_execute_post_login(event, api):\n    return\n")
    prompts.answers = ["v2"]
    commands.deploy(action_id)
    window.modified[action_id] = "unsaved"
    prompts.answers = [False]
    assert commands.revert(action_id, 1) is None
    assert "unsaved edits in the editor will be lost" in prompts.asked[-1][1]
    prompts.answers = [True]
    assert commands.revert(action_id, 1) == 3
    assert ("reload", action_id) in window.calls
    assert actions_service.open_action(ws, "a").draft.code == actions_service.get_version(ws, "a", 1).code


def test_delete_of_an_action_in_a_flow_shows_the_refusal_and_can_force(setup) -> None:
    commands, session, prompts, window, ws = setup
    action_id = session.create_action("a", "post-login").id
    prompts.answers = [""]
    commands.deploy(action_id)
    flows.set_flow(ws, "post-login", ["a"])
    prompts.answers = [False]
    assert not commands.delete(action_id)
    prompts.answers = [True, False]
    assert not commands.delete(action_id)
    assert "a is in the post-login flow" in prompts.asked[-1][1]
    prompts.answers = [True, True]
    assert commands.delete(action_id)
    assert session.action(action_id) is None


def test_rename_refuses_a_bad_name_with_the_services_message(setup) -> None:
    commands, session, prompts, window, ws = setup
    action_id = session.create_action("a", "post-login").id
    prompts.answers = ["../evil"]
    assert commands.rename(action_id) is None
    assert prompts.asked[-1][0] == "error" and "invalid action name" in prompts.asked[-1][1]
    prompts.answers = ["b"]
    assert commands.rename(action_id) == "b"
