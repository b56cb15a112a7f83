"""Export / import: git layout, no secret values, idempotent, byte-identical round trip."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from actions_studio.services import actions, exchange, fixtures, flows, secrets
from actions_studio.services.errors import InvalidInputError
from actions_studio.services.vault import FileVault
from actions_studio.services.workspace import Workspace
from actions_studio.triggers import get_trigger

SECRET = "do-not-export-4f9a"


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _populate(ws: Workspace) -> None:
    actions.create_action(ws, "add roles", "post-login")
    secrets.set_secret(ws, "add roles", "API_KEY", SECRET)
    actions.deploy(ws, "add roles")
    actions.save_draft(ws, "add roles", code="def on_execute_post_login(event, api):\r\n    pass\r\n",
                       dependencies=["pyjwt==2.9.0"])
    actions.create_action(ws, "tag m2m", "credentials-exchange")
    actions.deploy(ws, "tag m2m")
    actions.deploy(ws, "tag m2m")
    actions.create_action(ws, "never deployed", "post-login")
    flows.set_flow(ws, "post-login", ["add roles"])
    flows.set_flow(ws, "credentials-exchange", ["tag m2m"])
    event = get_trigger("post-login").sample_event()
    fixtures.save_fixture(ws, fixtures.parse_fixture({
        "name": "admin", "trigger": "post-login", "action": "add roles", "event": event,
        "secrets": {"API_KEY": SECRET}, "expect": {"status": "success", "outcome": {"denied": None}}}))
    fixtures.save_fixture(ws, fixtures.parse_fixture(fixtures.sample_fixture("credentials-exchange", "m2m")))


def test_layout_and_no_secret_values(ws: Workspace, tmp_path: Path) -> None:
    _populate(ws)
    out = tmp_path / "export"
    exchange.export_workspace(ws, out)
    files = _files(out)
    assert sorted(files) == [
        "actions/add roles.json", "actions/add roles/code.py", "actions/add roles/deployed.py",
        "actions/never deployed.json", "actions/never deployed/code.py",
        "actions/tag m2m.json", "actions/tag m2m/code.py",
        "fixtures/credentials-exchange/m2m.json", "fixtures/post-login/admin.json",
        "flows/flows.json",
    ]
    assert json.loads(files["actions/add roles.json"]) == {
        "trigger": "post-login", "runtime": "python3", "dependencies": ["pyjwt==2.9.0"],
        "secrets": ["API_KEY"], "deployed_version": 1}
    assert json.loads(files["actions/tag m2m.json"])["deployed_version"] == 2
    assert files["actions/add roles/code.py"].endswith(b"pass\r\n")  # byte for byte
    assert json.loads(files["flows/flows.json"]) == {
        "credentials-exchange": ["tag m2m"], "post-login": ["add roles"]}
    assert json.loads(files["fixtures/post-login/admin.json"])["secrets"] == {"API_KEY": None}
    assert not any(SECRET.encode() in content for content in files.values())


def test_round_trip_into_an_empty_workspace_is_byte_identical(ws: Workspace, tmp_path: Path) -> None:
    _populate(ws)
    first, second = tmp_path / "one", tmp_path / "two"
    exchange.export_workspace(ws, first)
    with Workspace.open(tmp_path / "empty.sqlite", vault=FileVault(tmp_path / "cfg2")) as other:
        report = exchange.import_workspace(other, first)
        assert sorted(report.created) == [
            "action add roles", "action never deployed", "action tag m2m",
            "fixture admin", "fixture m2m", "flow credentials-exchange", "flow post-login"]
        assert report.changed == [] and report.unchanged == []
        exchange.export_workspace(other, second)
        # the deployed version keeps its number and its own code
        assert actions.open_action(other, "tag m2m").action.deployed_number == 2
        assert actions.deploy(other, "tag m2m").number == 3
    assert _files(first) == _files(second)


def test_import_is_idempotent_and_reports_exactly_what_changed(ws: Workspace, tmp_path: Path) -> None:
    _populate(ws)
    out = tmp_path / "export"
    exchange.export_workspace(ws, out)
    report = exchange.import_workspace(ws, out)
    assert report.created == [] and report.changed == []
    assert len(report.unchanged) == 7
    (out / "actions" / "tag m2m" / "code.py").write_text("# edited in git\n", encoding="utf-8")
    report = exchange.import_workspace(ws, out)
    assert report.changed == ["action tag m2m"]
    assert actions.open_action(ws, "tag m2m").draft.code == "# edited in git\n"
    assert actions.open_action(ws, "tag m2m").action.last_number == 2  # the draft only
    assert exchange.import_workspace(ws, out).changed == []
    # the next export says so: the deployed code now differs from the draft
    assert exchange.export_workspace(ws, out).written == ["actions/tag m2m/deployed.py"]
    assert exchange.import_workspace(ws, out).changed == []


def test_a_bad_file_imports_nothing(ws: Workspace, tmp_path: Path) -> None:
    _populate(ws)
    out = tmp_path / "export"
    exchange.export_workspace(ws, out)
    (out / "actions" / "new one.json").write_text('{"trigger": "post-login"}\n', encoding="utf-8")
    (out / "actions" / "new one").mkdir()
    (out / "actions" / "new one" / "code.py").write_text("# fine\n", encoding="utf-8")
    (out / "flows" / "flows.json").write_text('{"post-login": ["add roles", "ghost"]}\n', encoding="utf-8")
    with pytest.raises(InvalidInputError, match="flows/flows.json: post-login: no action named 'ghost'"):
        exchange.import_workspace(ws, out)
    assert [a.name for a in actions.list_actions(ws)] == ["add roles", "never deployed", "tag m2m"]


@pytest.mark.parametrize(("rel", "content", "message"), [
    ("actions/x.json", "{", "actions/x.json: not valid JSON"),
    ("actions/x.json", '{"trigger": "post-login", "colour": 1}', "unknown field"),
    ("actions/x.json", '{"trigger": "post-login"}', "actions/x/code.py is missing"),
    ("actions/x.json", '{"trigger": "nope"}', "valid triggers"),
    ("fixtures/post-login/f.json", json.dumps(
        {"name": "g", "trigger": "post-login", "event": get_trigger("post-login").sample_event()}),
     "expected fixtures/post-login/g.json"),
    ("fixtures/post-login/g.json", '{"name": "g", "trigger": "post-login", "event": {}}',
     "fixtures/post-login/g.json: the post-login event is not valid: event.user"),
])
def test_import_errors_name_the_file(ws: Workspace, tmp_path: Path, rel: str, content: str,
                                     message: str) -> None:
    path = tmp_path / "in" / rel
    path.parent.mkdir(parents=True)
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InvalidInputError, match=message):
        exchange.import_workspace(ws, tmp_path / "in")


def test_an_action_with_another_trigger_is_a_conflict(ws: Workspace, tmp_path: Path) -> None:
    actions.create_action(ws, "a", "credentials-exchange")
    root = tmp_path / "in"
    (root / "actions" / "a").mkdir(parents=True)
    (root / "actions" / "a.json").write_text('{"trigger": "post-login"}', encoding="utf-8")
    (root / "actions" / "a" / "code.py").write_text("pass\n", encoding="utf-8")
    with pytest.raises(InvalidInputError, match="a is a credentials-exchange action"):
        exchange.import_workspace(ws, root)


def test_export_mirrors_the_workspace_and_leaves_other_files(ws: Workspace, tmp_path: Path) -> None:
    _populate(ws)
    out = tmp_path / "export"
    exchange.export_workspace(ws, out)
    (out / "README.md").write_text("mine\n", encoding="utf-8")
    actions.delete(ws, "never deployed")
    report = exchange.export_workspace(ws, out)
    assert report.removed == ["actions/never deployed.json", "actions/never deployed/code.py"]
    assert not (out / "actions" / "never deployed").exists()
    assert (out / "README.md").read_text(encoding="utf-8") == "mine\n"


def test_a_deploy_made_elsewhere_is_imported_once(ws: Workspace, tmp_path: Path) -> None:
    _populate(ws)
    out = tmp_path / "export"
    exchange.export_workspace(ws, out)
    with Workspace.open(tmp_path / "other.sqlite", vault=FileVault(tmp_path / "cfg2")) as other:
        exchange.import_workspace(other, out)
        actions.save_draft(other, "tag m2m", code="# v3 made elsewhere\n")
        actions.deploy(other, "tag m2m")
        exchange.export_workspace(other, out)
    assert exchange.import_workspace(ws, out).changed == ["action tag m2m"]
    detail = actions.open_action(ws, "tag m2m")
    assert detail.action.deployed_number == 3 and not detail.draft_differs
    assert actions.get_version(ws, "tag m2m", 3).code == "# v3 made elsewhere\n"
    assert exchange.import_workspace(ws, out).changed == []
