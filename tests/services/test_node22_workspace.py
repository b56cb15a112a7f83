"""The workspace side of node22 actions (issue 17, part 1): the runtime in the store, templates,
`code.js` in export/import, deploy without a Node, and the CLI's `--runtime` / `.js` files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from actions_studio.cli import app
from actions_studio.services import actions, exchange, flows, templates
from actions_studio.services.errors import InvalidInputError
from actions_studio.services.vault import FileVault
from actions_studio.services.workspace import Workspace

JS = "exports.onExecutePostLogin = async (event, api) => {\n  api.idToken.setCustomClaim('x', 1);\n};\n"


def test_a_node22_action_starts_from_a_javascript_template_and_deploys(ws) -> None:
    detail = actions.create_action(ws, "js roles", "post-login", runtime="node22")
    assert detail.action.runtime == "node22" and detail.draft.runtime == "node22"
    assert "exports.onExecutePostLogin = async (event, api) =>" in detail.draft.code
    assert actions.deploy(ws, "js roles").runtime == "node22"  # no Python compile of JavaScript
    actions.save_draft(ws, "js roles", code=JS)
    assert "+++ js roles@draft/code.js" in actions.diff(ws, "js roles", 1, "draft")
    with pytest.raises(InvalidInputError, match="unknown runtime 'node16'; available: python3, node22"):
        actions.create_action(ws, "old", "post-login", runtime="node16")


def test_node18_is_taken_as_node22_wherever_the_workspace_is_given_a_runtime(ws) -> None:
    # Auth0 deprecated node18 and runs such actions on Node 22 (runtime/node DEPRECATED_RUNTIMES).
    detail = actions.create_action(ws, "old", "post-login", runtime="node18")
    assert (detail.action.runtime, detail.draft.runtime) == ("node22", "node22")
    assert "exports.onExecutePostLogin" in detail.draft.code  # the JavaScript template
    other = actions.create_action(ws, "moving", "post-login")
    assert other.action.runtime == "python3"
    assert actions.save_draft(ws, "moving", code=JS, runtime="node18").runtime == "node22"
    assert actions.deploy(ws, "moving").runtime == "node22"
    for bad in ("node16", "", None, ["node18"]):
        with pytest.raises(InvalidInputError, match="unknown runtime"):
            actions.create_action(ws, "never", "post-login", runtime=bad)
    assert [a.name for a in actions.list_actions(ws)] == ["moving", "old"]


def test_every_trigger_has_a_javascript_starting_point() -> None:
    from actions_studio.triggers import TRIGGERS
    from actions_studio.triggers.javascript import javascript_view

    for trigger in TRIGGERS.values():
        code = templates.template_for(trigger.id, "node22")
        assert f"exports.{javascript_view(trigger.id).execute_handler} = async" in code, trigger.id
        assert code == (Path(__file__).parents[2] / "resources" / "templates" / f"{trigger.id}.js").read_text()


def test_the_runtime_of_the_draft_is_the_actions(ws) -> None:
    actions.create_action(ws, "a", "post-login")
    actions.save_draft(ws, "a", code=JS, runtime="node22")
    assert actions.open_action(ws, "a").action.runtime == "node22"


def test_export_writes_code_js_and_import_reads_it_back_byte_for_byte(ws, tmp_path: Path) -> None:
    actions.create_action(ws, "js roles", "post-login", code=JS, runtime="node22")
    actions.deploy(ws, "js roles")
    actions.save_draft(ws, "js roles", code=JS + "// next\n")
    flows.set_flow(ws, "post-login", ["js roles"])
    out = tmp_path / "out"
    exchange.export_workspace(ws, out)
    assert (out / "actions/js roles/code.js").read_text() == JS + "// next\n"
    assert (out / "actions/js roles/deployed.js").read_text() == JS
    assert not (out / "actions/js roles/code.py").exists()
    assert json.loads((out / "actions/js roles.json").read_text())["runtime"] == "node22"
    with Workspace.open(tmp_path / "b.sqlite", vault=FileVault(tmp_path / "b-config")) as other:
        exchange.import_workspace(other, out)
        again = tmp_path / "again"
        exchange.export_workspace(other, again)
        files = lambda root: {p.relative_to(root).as_posix(): p.read_bytes()  # noqa: E731
                              for p in root.rglob("*") if p.is_file()}
        assert files(again) == files(out)
        assert actions.open_action(other, "js roles").action.runtime == "node22"


def test_import_says_which_code_file_the_runtime_needs(ws, tmp_path: Path) -> None:
    root = tmp_path / "tree"
    (root / "actions" / "a").mkdir(parents=True)
    (root / "actions" / "a.json").write_text(json.dumps({"trigger": "post-login", "runtime": "node22"}))
    (root / "actions" / "a" / "code.py").write_text("def on_execute_post_login(event, api): pass\n")
    with pytest.raises(InvalidInputError, match=r"actions/a/code.js is missing .*found code.py"):
        exchange.import_workspace(ws, root)


def test_cli_runtime_option_and_js_files(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    code = tmp_path / "roles.js"
    code.write_text(JS)
    made = runner.invoke(app, ["actions", "new", "from js", "--trigger", "post-login", "--code", str(code)])
    assert made.exit_code == 0 and "node22" in made.stdout, made.stderr
    made = runner.invoke(app, ["actions", "new", "templated", "--trigger", "post-login", "--runtime", "node22"])
    assert made.exit_code == 0, made.stderr
    plain = runner.invoke(app, ["actions", "new", "plain", "--trigger", "post-login"])
    assert "python3" in plain.stdout
    listed = json.loads(runner.invoke(app, ["actions", "list", "--json"]).stdout)
    assert {a["name"]: a["runtime"] for a in listed} == {
        "from js": "node22", "templated": "node22", "plain": "python3"}
    ran = runner.invoke(app, ["run", str(code), "--trigger", "post-login"])
    assert ran.exit_code == 0, ran.stdout + ran.stderr  # the node22 runtime runs it


def test_a_deployed_python_version_under_a_node22_draft_survives_export_and_import(ws, tmp_path: Path) -> None:
    # The draft moved from python3 to node22 since the deploy: export writes deployed.py next to
    # code.js, and import must keep that version Python (it used to become the draft's JavaScript).
    python = "def on_execute_post_login(event, api):\n    api.id_token.set_custom_claim('x', 1)\n"
    actions.create_action(ws, "moving", "post-login", code=python)
    actions.deploy(ws, "moving")
    actions.save_draft(ws, "moving", code=JS, runtime="node22")
    flows.set_flow(ws, "post-login", ["moving"])
    out = tmp_path / "out"
    exchange.export_workspace(ws, out)
    assert (out / "actions/moving/deployed.py").read_text() == python
    assert (out / "actions/moving/code.js").read_text() == JS
    with Workspace.open(tmp_path / "b.sqlite", vault=FileVault(tmp_path / "b-config")) as other:
        assert exchange.import_workspace(other, out).created[0] == "action moving"
        version = actions.get_version(other, "moving", 1)
        assert (version.code, version.runtime) == (python, "python3")
        draft = actions.open_action(other, "moving").draft
        assert (draft.code, draft.runtime) == (JS, "node22")
        again = exchange.import_workspace(other, out)
        assert again.changed == [] and "action moving" in again.unchanged
        exchange.export_workspace(other, tmp_path / "again")
        assert sorted(p.name for p in (tmp_path / "again/actions/moving").iterdir()) == ["code.js", "deployed.py"]


def test_two_deployed_files_are_refused_naming_both(ws, tmp_path: Path) -> None:
    root = tmp_path / "tree"
    (root / "actions" / "a").mkdir(parents=True)
    (root / "actions" / "a.json").write_text(json.dumps({"trigger": "post-login", "runtime": "node22",
                                                         "deployed_version": 1}))
    (root / "actions" / "a" / "code.js").write_text(JS)
    (root / "actions" / "a" / "deployed.js").write_text(JS)
    (root / "actions" / "a" / "deployed.py").write_text("def on_execute_post_login(event, api): pass\n")
    with pytest.raises(InvalidInputError, match="actions/a/deployed.py and actions/a/deployed.js both exist"):
        exchange.import_workspace(ws, root)
    assert actions.list_actions(ws) == []
