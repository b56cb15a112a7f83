"""Runs the npm that ships with the studio's Node as a subprocess: cancellable, its log lines as
progress, no user configuration, no hanging on a dead registry.

npm reads `.npmrc` files and `npm_config_*` variables; none of them reach a build (a user's token
or registry must not decide what a shared environment holds): the settings alone do.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from actions_studio.nodejs import Node

from ..pip_runner import CancelToken, Progress, watch_process


@dataclass(frozen=True)
class NpmRun:
    returncode: int
    result: dict[str, Any]  # npm's --json answer ({"error": {"code", "summary", "detail"}} on failure)
    log: str                # its stderr: http fetches, warnings, errors


def _npm_env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.lower().startswith("npm_") and k not in ("NODE_OPTIONS", "NODE_PATH")}
    # Two files: npm refuses one file loaded as both the user and the global config.
    user_rc, global_rc = tmp / "user-npmrc", tmp / "global-npmrc"
    user_rc.write_text("", encoding="utf-8")
    global_rc.write_text("", encoding="utf-8")
    env.update({"npm_config_userconfig": str(user_rc), "npm_config_globalconfig": str(global_rc),
                "npm_config_update_notifier": "false", "NO_UPDATE_NOTIFIER": "1"})
    return env


def run_npm(node: Node, args: list[str], *, cwd: Path, timeout_s: float, cancel: Optional[CancelToken] = None,
            progress: Optional[Progress] = None) -> NpmRun:
    """`npm <args> --json` in `cwd`; `--fetch-retries 0` and a fetch timeout make a dead registry
    fail at once instead of after npm's retries with back-off."""
    cancel = cancel or CancelToken()
    cancel.check()
    with tempfile.TemporaryDirectory(prefix="actions-studio-npm-") as tmp:
        out_path = Path(tmp) / "out.json"
        command = node.npm_command(*args, "--json", "--fetch-retries", "0",
                                   "--fetch-timeout", str(int(timeout_s * 1000)), "--loglevel", "http")
        with open(out_path, "w", encoding="utf-8") as out:
            proc = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=subprocess.PIPE,
                                    stdin=subprocess.DEVNULL, env=_npm_env(Path(tmp)), text=True,
                                    encoding="utf-8", errors="replace", bufsize=1)
            assert proc.stderr is not None
            code, log = watch_process(proc, proc.stderr, cancel=cancel, progress=progress, timeout_s=timeout_s)
        text = out_path.read_text(encoding="utf-8", errors="replace")
    return NpmRun(code, _last_json(text), log)


def _last_json(text: str) -> dict[str, Any]:
    """npm prints one JSON document; tolerate anything printed before it."""
    start = text.find("{")
    while start != -1:
        try:
            value = json.loads(text[start:])
            return value if isinstance(value, dict) else {}
        except ValueError:
            start = text.find("{", start + 1)
    return {}
