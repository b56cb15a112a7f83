"""Actions: create from a template, save, deploy, history, revert, diff, rename, delete."""

from __future__ import annotations

import pytest

from actions_studio.resources import templates_dir
from actions_studio.services import actions, fixtures, flows
from actions_studio.services.errors import (
    ConflictError,
    DeployRefusedError,
    InvalidInputError,
    NotFoundError,
)
from actions_studio.services.workspace import Workspace
from actions_studio.triggers import TRIGGERS

CODE = "def on_execute_post_login(event, api):\n    pass\n"


def test_every_trigger_has_a_template_with_its_handler() -> None:
    for trigger in TRIGGERS.values():
        text = (templates_dir() / f"{trigger.id}.py").read_text(encoding="utf-8")
        compile(text, trigger.id, "exec")
        assert f"def {trigger.execute_handler}(event, api):" in text


def test_a_new_action_starts_from_its_trigger_template(ws: Workspace) -> None:
    detail = actions.create_action(ws, "add roles", "post-login")
    assert detail.action.trigger_id == "post-login" and detail.action.trigger_version == "v3"
    assert detail.draft.code == (templates_dir() / "post-login.py").read_text(encoding="utf-8")
    assert detail.action.deployed_number is None and detail.draft_differs
    with pytest.raises(ConflictError, match="already exists"):
        actions.create_action(ws, "add roles", "post-login")


@pytest.mark.parametrize("name", ["", " lead", "a/b", "../x", ".hidden", "x" * 101])
def test_bad_action_names_are_refused(ws: Workspace, name: str) -> None:
    with pytest.raises(InvalidInputError, match="invalid action name"):
        actions.create_action(ws, name, "post-login")


def test_an_unknown_trigger_names_the_valid_ones(ws: Workspace) -> None:
    with pytest.raises(InvalidInputError, match="valid triggers: .*post-login"):
        actions.create_action(ws, "a", "post-logn")


def test_deploy_numbers_versions_and_tracks_the_draft(ws: Workspace) -> None:
    actions.create_action(ws, "a", "post-login", code=CODE)
    assert actions.deploy(ws, "a", note="first").number == 1
    assert not actions.open_action(ws, "a").draft_differs
    actions.save_draft(ws, "a", code=CODE + "# two\n", dependencies=["requests==2.32.3"])
    assert actions.open_action(ws, "a").draft_differs
    assert actions.deploy(ws, "a").number == 2
    history = actions.list_versions(ws, "a")
    assert [(v.number, v.deployed, v.note) for v in history] == [(2, True, None), (1, False, "first")]
    assert actions.get_version(ws, "a", 2).dependencies == ("requests==2.32.3",)


def test_a_syntax_error_refuses_the_deploy_with_message_and_line(ws: Workspace) -> None:
    actions.create_action(ws, "a", "post-login", code=CODE + "\ndef broken(:\n    pass\n")
    with pytest.raises(DeployRefusedError) as info:
        actions.deploy(ws, "a")
    assert info.value.line == 4
    assert "line 4" in str(info.value) and "does not compile" in str(info.value)
    assert actions.list_versions(ws, "a") == []  # nothing half-made


def test_revert_makes_a_new_number_and_numbers_never_repeat(ws: Workspace) -> None:
    actions.create_action(ws, "a", "post-login", code="# one\n")
    actions.deploy(ws, "a")
    actions.save_draft(ws, "a", code="# two\n")
    actions.deploy(ws, "a")
    reverted = actions.revert(ws, "a", 1)
    assert reverted.number == 3 and reverted.code == "# one\n"
    assert actions.open_action(ws, "a").draft.code == "# two\n"  # draft kept by default
    again = actions.revert(ws, "a", 2, update_draft=True)
    assert again.number == 4
    assert actions.open_action(ws, "a").draft.code == "# two\n"
    assert not actions.open_action(ws, "a").draft_differs
    with pytest.raises(NotFoundError, match="no version 9 .versions 1-4."):
        actions.revert(ws, "a", 9)


def test_diff_between_any_two_of_draft_and_versions(ws: Workspace) -> None:
    actions.create_action(ws, "a", "post-login", code="x = 1\ny = 2\n")
    actions.deploy(ws, "a")
    actions.save_draft(ws, "a", code="x = 1\ny = 3\n", dependencies=["pyjwt==2.9.0"])
    text = actions.diff(ws, "a", 1, "draft")
    assert "--- a@v1/code.py" in text and "+++ a@draft/code.py" in text
    assert "-y = 2\n+y = 3\n" in text
    assert "+pyjwt==2.9.0" in text
    assert actions.diff(ws, "a", "draft", "draft") == ""
    assert actions.parse_side("DRAFT") == "draft" and actions.parse_side("3") == 3
    with pytest.raises(NotFoundError):
        actions.parse_side("latest")


def test_diff_marks_a_missing_final_newline(ws: Workspace) -> None:
    actions.create_action(ws, "a", "post-login", code="x = 1")
    actions.deploy(ws, "a")
    actions.save_draft(ws, "a", code="x = 2")
    assert "\\ No newline at end of file\n" in actions.diff(ws, "a", 1, "draft")


def test_rename_keeps_fixtures_pointing_at_the_action(ws: Workspace) -> None:
    actions.create_action(ws, "a", "post-login", code=CODE)
    fixtures.save_fixture(ws, fixtures.parse_fixture(fixtures.sample_fixture("post-login", "f", "a")))
    actions.rename(ws, "a", "b")
    assert fixtures.get_fixture(ws, "f").action_name == "b"
    actions.create_action(ws, "c", "post-login", code=CODE)
    with pytest.raises(ConflictError):
        actions.rename(ws, "b", "c")


def test_delete_is_refused_while_in_a_flow_unless_forced(ws: Workspace) -> None:
    actions.create_action(ws, "a", "post-login", code=CODE)
    actions.create_action(ws, "b", "post-login", code=CODE)
    actions.deploy(ws, "a")
    actions.deploy(ws, "b")
    flows.set_flow(ws, "post-login", ["a", "b"])
    with pytest.raises(ConflictError, match="post-login flow"):
        actions.delete(ws, "a")
    actions.delete(ws, "a", force=True)
    assert [x.name for x in flows.get_flow(ws, "post-login")] == ["b"]
    with pytest.raises(NotFoundError):
        actions.open_action(ws, "a")
    actions.delete(ws, "b", force=True)
    assert flows.get_flow(ws, "post-login") == []


def test_dependencies_must_be_pinned(ws: Workspace) -> None:
    actions.create_action(ws, "a", "post-login", code=CODE)
    with pytest.raises(InvalidInputError, match="name==version"):
        actions.save_draft(ws, "a", dependencies=["requests"])
    with pytest.raises(InvalidInputError, match="twice"):
        actions.save_draft(ws, "a", dependencies=["a==1", "A==2"])
