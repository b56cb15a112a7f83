"""The Deploy CLI's formats (issue 17, part 1): trees the Deploy CLI wrote (tests/services/data/
deploy_cli, see its README) → import → export → the same bytes; what the workspace makes of them;
edits, markers, placeholders and what is left out."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from actions_studio.cli import app
from actions_studio.services import actions, deploy_cli, exchange, flows, secrets
from actions_studio.services.deploy_cli import yaml_io
from actions_studio.services.errors import InvalidInputError
from actions_studio.services.vault import FileVault
from actions_studio.services.workspace import Workspace

DATA = Path(__file__).parent / "data" / "deploy_cli"
TREES = [("deploy-cli-directory", DATA / "directory"), ("deploy-cli-yaml", DATA / "yaml")]


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def fresh(tmp_path: Path, name: str) -> Workspace:
    return Workspace.open(tmp_path / f"{name}.sqlite", vault=FileVault(tmp_path / f"{name}-config"))


@pytest.mark.parametrize("fmt, tree", TREES, ids=["directory", "yaml"])
def test_a_deploy_cli_tree_round_trips_byte_for_byte(ws, tmp_path: Path, fmt: str, tree: Path) -> None:
    assert deploy_cli.detect(tree) == fmt
    report = deploy_cli.import_tree(ws, tree)
    assert sorted(report.created) == ["action Add roles", "action draft only", "action tag m2m",
                                      "flow credentials-exchange", "flow post-login"]
    assert report.left_out == []
    out = tmp_path / "out"
    written = deploy_cli.export_tree(ws, out, fmt)  # into an empty folder: nothing to lean on
    assert written.left_out == []
    assert files(out) == files(tree)
    # Exported over the tree itself: nothing to write, nothing removed.
    copy = tmp_path / "copy"
    shutil.copytree(tree, copy)
    again = deploy_cli.export_tree(ws, copy, fmt)
    assert again.written == [] and again.removed == [] and files(copy) == files(tree)
    # And a second import of the same tree changes nothing.
    assert deploy_cli.import_tree(ws, tree).created == [] and deploy_cli.import_tree(ws, tree).changed == []


@pytest.mark.parametrize("fmt, tree", TREES, ids=["directory", "yaml"])
def test_what_the_workspace_makes_of_a_tree(ws, fmt: str, tree: Path) -> None:
    deploy_cli.import_tree(ws, tree)
    roles = actions.open_action(ws, "Add roles")
    assert roles.action.runtime == "node22"  # node18 in the file: Auth0 runs it on Node 22
    assert roles.action.trigger_id == "post-login" and roles.action.trigger_version == "v3"
    assert roles.draft.dependencies == ("lodash==4.17.21",) and roles.draft.secret_names == ("API_KEY",)
    assert "'https://##DOMAIN##'" in roles.draft.code and "@@ALLOWED_ROLES@@;" in roles.draft.code
    assert roles.action.deployed_number == 1 and not roles.draft_differs
    # Bound but "deployed: false": the tree has the draft only, so the version holds it, and says so.
    m2m = actions.list_versions(ws, "tag m2m")
    assert [v.number for v in m2m] == [1] and "its deployed code is not in the tree" in m2m[0].note
    draft_only = actions.open_action(ws, "draft only")
    assert draft_only.action.deployed_number is None
    assert draft_only.draft.dependencies == ("@acme/rules==2.0.1", "axios==1.7.9")
    assert [a.name for a in flows.get_flow(ws, "post-login")] == ["Add roles"]
    assert [a.name for a in flows.get_flow(ws, "credentials-exchange")] == ["tag m2m"]
    # Placeholders are the file's text, never secret values: the vault has none.
    assert secrets.names_without_value(ws) == [("Add roles", "API_KEY"), ("draft only", "ALLOWED_DOMAIN"),
                                               ("draft only", "WEBHOOK")]


def test_edits_reach_the_files_and_placeholders_survive_them(ws, tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    shutil.copytree(DATA / "directory", tree)
    deploy_cli.import_tree(ws, tree)
    secrets.set_secret(ws, "Add roles", "EXTRA", "a-real-value-9f3e")  # a value: never written
    code = actions.open_action(ws, "Add roles").draft.code.replace("roles);\n};", "roles);\n  // v2\n};")
    actions.save_draft(ws, "Add roles", code=code)
    actions.deploy(ws, "draft only")
    report = deploy_cli.export_tree(ws, tree, "deploy-cli-directory")
    assert sorted(report.written) == ["actions/Add roles.json", "actions/Add roles/code.js",
                                      "actions/draft only.json"]
    roles = json.loads((tree / "actions/Add roles.json").read_text())
    assert roles["secrets"] == [{"name": "API_KEY", "value": "##API_KEY##"}, {"name": "EXTRA"}]
    assert roles["deployed"] is False and roles["runtime"] == "node18"  # the file's own runtime
    assert "// v2" in (tree / "actions/Add roles/code.js").read_text()
    assert "a-real-value-9f3e" not in "".join(p.read_text() for p in tree.rglob("*") if p.is_file())
    draft_only = json.loads((tree / "actions/draft only.json").read_text())
    assert draft_only["deployed"] is True
    # "tag m2m" said deployed: false (undeployed changes on the tenant); deployed here, it is true.
    assert json.loads((tree / "actions/tag m2m.json").read_text())["deployed"] is False
    actions.save_draft(ws, "tag m2m", code="exports.onExecuteCredentialsExchange = async () => {};\n")
    actions.deploy(ws, "tag m2m")
    deploy_cli.export_tree(ws, tree, "deploy-cli-directory")
    assert json.loads((tree / "actions/tag m2m.json").read_text())["deployed"] is True
    assert draft_only["secrets"][1] == {"name": "WEBHOOK", "value": "@@WEBHOOK_URL@@"}


def test_renames_deletes_and_emptied_flows(ws, tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    shutil.copytree(DATA / "directory", tree)
    deploy_cli.import_tree(ws, tree)
    actions.rename(ws, "draft only", "signup gate")
    flows.set_flow(ws, "credentials-exchange", [])
    actions.delete(ws, "tag m2m")
    report = deploy_cli.export_tree(ws, tree, "deploy-cli-directory")
    assert set(report.removed) == {"actions/draft only.json", "actions/draft only/code.js",
                                   "actions/tag m2m.json", "actions/tag m2m/code.js"}
    assert (tree / "actions/signup gate.json").is_file() and (tree / "actions/signup gate/code.js").is_file()
    triggers = json.loads((tree / "triggers/triggers.json").read_text())
    # An explicit [] is how the Deploy CLI unbinds; leaving the key out would keep the binding.
    assert triggers == {"post-login": [{"action_name": "Add roles", "display_name": "Add roles"}],
                        "credentials-exchange": []}


def test_a_python_action_is_left_out_with_why(ws, tmp_path: Path) -> None:
    actions.create_action(ws, "py roles", "post-login")
    actions.deploy(ws, "py roles")
    flows.set_flow(ws, "post-login", ["py roles"])
    actions.create_action(ws, "js roles", "post-login", runtime="node22")
    out = tmp_path / "out"
    report = deploy_cli.export_tree(ws, out, "deploy-cli-yaml")
    assert report.left_out[0].startswith("action py roles: a python3 action — the Deploy CLI and Auth0 "
                                         "run Node actions only")
    assert "the binding of py roles in the post-login flow: a python3 action (left out)" in report.left_out
    assert sorted(files(out)) == ["actions/js roles/code.js", "tenant.yaml"]
    doc = yaml_io.load((out / "tenant.yaml").read_text())
    assert [a["name"] for a in doc["actions"]] == ["js roles"] and doc["triggers"] == {}
    assert not list(out.rglob("*.py"))


def test_what_the_studio_cannot_hold_is_left_out_and_kept_in_the_tree(ws, tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    shutil.copytree(DATA / "directory", tree)
    (tree / "actions/Later.json").write_text(json.dumps({
        "name": "Later", "code": "./actions/Later/code.js", "runtime": "node22", "status": "built",
        "dependencies": [], "secrets": [], "deployed": True,
        "supported_triggers": [{"id": "login-post-identifier", "version": "v1"}]}, indent=2) + "\n")
    (tree / "actions/Later").mkdir()
    (tree / "actions/Later/code.js").write_text("exports.onExecutePostIdentifier = async () => {};\n")
    (tree / "actions/old.json").write_text(json.dumps({
        "name": "old", "code": "", "runtime": "node12", "supported_triggers": [{"id": "post-login"}]}))
    triggers = json.loads((tree / "triggers/triggers.json").read_text())
    triggers["login-post-identifier"] = [{"action_name": "Later", "display_name": "Later"}]
    (tree / "triggers/triggers.json").write_text(json.dumps(triggers, indent=2) + "\n")
    before = files(tree)
    report = deploy_cli.import_tree(ws, tree)
    assert "action Later: its trigger login-post-identifier is not one the studio knows (left out)" in report.left_out
    assert "action old: runtime node12 is not one Auth0 runs (node18 or node22) (left out)" in report.left_out
    assert any(line.startswith("the login-post-identifier bindings") for line in report.left_out)
    deploy_cli.export_tree(ws, tree, "deploy-cli-directory")
    assert files(tree) == before  # nothing of what it could not hold was touched or dropped


def test_broken_trees_are_refused_whole_with_one_line(ws, tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    shutil.copytree(DATA / "yaml", tree)
    (tree / "actions/Add roles/code.js").unlink()
    with pytest.raises(InvalidInputError, match=r"its code file ./actions/Add roles/code.js is missing"):
        deploy_cli.import_tree(ws, tree)
    assert actions.list_actions(ws) == []  # nothing imported
    (tree / "tenant.yaml").write_text("actions:\n  - name: [unclosed\n")
    with pytest.raises(InvalidInputError, match=r"tenant.yaml: not valid YAML \(line \d+\)"):
        deploy_cli.import_tree(ws, tree)
    escape = tmp_path / "escape"
    shutil.copytree(DATA / "directory", escape)
    doc = json.loads((escape / "actions/tag m2m.json").read_text())
    doc["code"] = "../../outside.js"
    (escape / "actions/tag m2m.json").write_text(json.dumps(doc))
    with pytest.raises(InvalidInputError, match="is outside the tree"):
        deploy_cli.import_tree(ws, escape)


def test_the_studios_own_layout_is_not_taken_for_a_deploy_cli_tree(ws, tmp_path: Path) -> None:
    actions.create_action(ws, "a", "post-login")
    exchange.export_workspace(ws, tmp_path / "own")
    assert deploy_cli.detect(tmp_path / "own") is None


def test_the_cli_imports_either_format_and_exports_both(tmp_path: Path) -> None:
    runner = CliRunner()
    imported = runner.invoke(app, ["import", str(DATA / "yaml")])
    assert imported.exit_code == 0, imported.stderr
    assert "read a Deploy CLI tree (yaml format)" in imported.stdout
    out = tmp_path / "dir"
    exported = runner.invoke(app, ["export", "--format", "deploy-cli-directory", str(out)])
    assert exported.exit_code == 0, exported.stderr
    # The YAML tree's actions as the directory format writes them: the Deploy CLI's own files.
    assert files(out) == files(DATA / "directory")
    bad = runner.invoke(app, ["export", "--format", "deploy-cli-xml", str(out)])
    assert bad.exit_code == 2 and "unknown format 'deploy-cli-xml'" in bad.stderr


def test_yaml_strings_are_written_as_js_yaml_writes_them() -> None:
    """A table from js-yaml 4's dumper (the Deploy CLI's writer), checked against it."""
    cases = {"plain": "plain", "on": "'on'", "1.0": "'1.0'", "012": "'012'", "##K##": "'##K##'",
             "@@K@@": "'@@K@@'", "a: b": "'a: b'", "a:b": "a:b", "a #b": "'a #b'", "a#b": "a#b",
             "it's": "it's", "'q'": "'''q'''", "": "''", "tab\there": '"tab\\there"',
             "2024-01-01": "'2024-01-01'", "1:30": "'1:30'", "~": "'~'", "ünï": "ünï",
             "multi\nline": "|-\n  multi\n  line"}
    for value, written in cases.items():
        assert yaml_io.dump({"k": value}) == f"k: {written}\n", value
        assert yaml_io.load(yaml_io.dump({"k": value})) == {"k": value}
    assert yaml_io.load("a: on\nb: 0777\nc: yes\n") == {"a": "on", "b": 777, "c": "yes"}


def test_tenant_yaml_keeps_the_resources_that_are_not_the_studios(ws, tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    shutil.copytree(DATA / "yaml", tree)
    text = (tree / "tenant.yaml").read_text()
    other = ("tenant:\n  friendly_name: Acme\n  support_email: support@acme.example.com\n"
             "clients:\n  - name: Acme web\n    app_type: spa\n    callbacks:\n"
             "      - https://##DOMAIN##/callback\n")
    (tree / "tenant.yaml").write_text(other + text)
    deploy_cli.import_tree(ws, tree)
    assert deploy_cli.export_tree(ws, tree, "deploy-cli-yaml").written == []
    assert (tree / "tenant.yaml").read_text() == other + text
