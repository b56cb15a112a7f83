"""The templates: the JavaScript ones valid for Node, exporting exactly their trigger's Auth0
handlers, typed with the trigger's own declarations (that they type-check without a single
diagnostic is tests/analysis/typescript/test_engine.py's); and every template, in both languages,
survives fuzzing with its own trigger's events."""

from __future__ import annotations

import re
import subprocess

import pytest

from actions_studio import nodejs
from actions_studio.execution.pipeline import RUNTIMES_HERE
from actions_studio.resources import templates_dir
from actions_studio.services import actions, fuzz, templates
from actions_studio.services.workspace import Workspace
from actions_studio.triggers import TRIGGERS
from actions_studio.triggers.javascript import javascript_view
from actions_studio.triggers.ts_stubs import render_ts_stubs

EXPORTED = re.compile(r"^(?:module\.)?exports\.(\w+)\s*=", re.MULTILINE)
IMPORTED_TYPE = re.compile(r'import\("actions-types/([\w-]+)"\)\.(\w+)')
DECLARED = render_ts_stubs()


@pytest.mark.parametrize("trigger_id", list(TRIGGERS))
def test_javascript_template_exports_its_triggers_handlers_and_imports_its_types(trigger_id: str) -> None:
    text = (templates_dir() / f"{trigger_id}.js").read_text(encoding="utf-8")
    view = javascript_view(trigger_id)
    exported = EXPORTED.findall(text)
    assert view.execute_handler in exported
    assert set(exported) <= set(view.handler_names()), f"not a {trigger_id} handler: {set(exported) - set(view.handler_names())}"
    assert "on_execute" not in text and "def " not in text
    imported = IMPORTED_TYPE.findall(text)
    assert imported == [(trigger_id, view.event_type), (trigger_id, view.api_type)]
    for module, name in imported:
        assert f"export interface {name} " in DECLARED[f"actions-types/{module}.d.ts"]


@pytest.mark.parametrize("trigger_id", list(TRIGGERS))
def test_javascript_template_is_valid_for_node(trigger_id: str, tmp_path) -> None:
    path = tmp_path / f"{trigger_id}.js"
    path.write_text(templates.template_for(trigger_id, "node22"), encoding="utf-8")
    done = subprocess.run(nodejs.find_node().command("--check", str(path)), capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_the_runtime_picks_the_language(tmp_path) -> None:
    assert templates.template_for("post-login") == (templates_dir() / "post-login.py").read_text(encoding="utf-8")
    assert templates.template_for("post-login", "node22") == (templates_dir() / "post-login.js").read_text(encoding="utf-8")
    assert templates.is_javascript("node18") and not templates.is_javascript("python3")


def test_a_trigger_without_a_template_still_gets_a_handler_that_loads(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setattr(templates, "templates_dir", lambda: tmp_path)
    code = templates.template_for("credentials-exchange", "node22")
    assert EXPORTED.findall(code) == ["onExecuteCredentialsExchange"]
    path = tmp_path / "fallback.js"
    path.write_text(code + "\nif (typeof exports.onExecuteCredentialsExchange !== 'function') process.exit(3);\n")
    done = subprocess.run(nodejs.find_node().command(str(path)), capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


# Enough for the generator to reach the free-form and plain-string fields a template reads (the
# first run met app_metadata.roles = 0 and an enrolled factor of type "" within 100 examples).
TEMPLATE_FUZZ_EXAMPLES = 100
TEMPLATE_FUZZ_SEED = 0


@pytest.mark.slow
@pytest.mark.parametrize("runtime", [r for r in ("python3", "node22") if r in RUNTIMES_HERE])
@pytest.mark.parametrize("trigger_id", list(TRIGGERS))
def test_a_template_survives_fuzzing_with_its_triggers_events(trigger_id: str, runtime: str, ws: Workspace) -> None:
    # The code a user starts from must not fail on an event its own trigger can send: a
    # free-form metadata value of any type, a factor type Auth0 did not list, a field left out.
    actions.create_action(ws, "template", trigger_id, runtime=runtime)
    report = fuzz.fuzz_action(ws, "template", examples=TEMPLATE_FUZZ_EXAMPLES, seed=TEMPLATE_FUZZ_SEED)
    assert report.examples >= TEMPLATE_FUZZ_EXAMPLES
    assert [(f.kind, f.summary, f.event) for f in report.findings] == []
