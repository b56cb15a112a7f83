"""execute() runs node22 actions (alone and next to python3 ones) with their npm environments,
and hands Stop to the sandbox."""

from __future__ import annotations

import threading
from pathlib import Path

from actions_studio.execution import RunSource, execute
from actions_studio.runtime import Sandbox, SandboxLimits
from actions_studio.triggers import get_trigger

JS = """
const shout = require('shout');
exports.onExecutePostLogin = async (event, api) => {
  api.idToken.setCustomClaim('https://x/s', shout(event.secrets.WORD));
};
"""
PY = "def on_execute_post_login(event, api):\n    api.access_token.set_custom_claim('https://x/p', 1)\n"


def _environment(root: Path) -> tuple[str, ...]:
    package = root / "node_modules" / "shout"
    package.mkdir(parents=True)
    (package / "package.json").write_text('{"name": "shout", "version": "1.0.0"}')
    (package / "index.js").write_text("module.exports = (s) => s.toUpperCase();\n")
    return (str(root),)


def test_a_node22_action_runs_with_its_environment_next_to_a_python_one(tmp_path: Path) -> None:
    envs = {"js": _environment(tmp_path / "env"), "py": ()}
    sources = [RunSource("py", PY), RunSource("js", JS, secrets={"WORD": "hey"}, runtime="node22",
                                            dependencies=("shout@1.0.0",))]
    with Sandbox(SandboxLimits(wall_time_s=5)) as box:
        result = execute("post-login", sources, get_trigger("post-login").sample_event(), sandbox=lambda: box,
                         environments=lambda s: envs[s.name])
    assert result.status == "success", [a.error for a in result.actions]
    assert result.outcome["id_token"]["claims"] == {"https://x/s": "HEY"}
    assert result.outcome["access_token"]["claims"] == {"https://x/p": 1}


def test_stop_reaches_the_sandbox() -> None:
    cancel = threading.Event()
    cancel.set()
    spin = "exports.onExecutePostLogin = () => { while (true) {} };\n"
    with Sandbox(SandboxLimits(wall_time_s=5)) as box:
        result = execute("post-login", [RunSource("spin", spin, runtime="node22")],
                         get_trigger("post-login").sample_event(), sandbox=lambda: box, cancel=cancel)
    assert result.status == "stopped"
