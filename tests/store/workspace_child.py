"""A tiny real process that writes a workspace until it is killed (used by test_store_reliability).

    python workspace_child.py crash WORKSPACE CONFIG_DIR IMPORT_A IMPORT_B
        prints "ready", then loops forever: deploy `counter`, import A, deploy, import B, ...
        printing "deployed N" / "imported X" after each commit.
    python workspace_child.py deploys WORKSPACE CONFIG_DIR ACTION COUNT
        deploys ACTION COUNT times (for two writers at once), printing "deployed N" each time.
"""

from __future__ import annotations

import sys
from pathlib import Path

from actions_studio.services import actions, exchange
from actions_studio.services.errors import ServiceError
from actions_studio.services.vault import FileVault
from actions_studio.services.workspace import Workspace
from actions_studio.store.errors import StoreError


def say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def crash(ws: Workspace, import_a: Path, import_b: Path) -> None:
    say("ready")
    n = 0
    while True:
        n += 1
        actions.save_draft(ws, "counter", code=f"# edit {n}\n")
        version = actions.deploy(ws, "counter", note=f"op {n}")
        say(f"deployed {version.number}")
        source = import_a if n % 2 else import_b
        exchange.import_workspace(ws, source)
        say(f"imported {source.name}")


def deploys(ws: Workspace, action: str, count: int) -> None:
    say("ready")
    for i in range(count):
        actions.save_draft(ws, action, code=f"# {i}\n")
        say(f"deployed {actions.deploy(ws, action).number}")


def main() -> int:
    mode, workspace, config = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    try:
        with Workspace.open(workspace, vault=FileVault(config)) as ws:
            if mode == "crash":
                crash(ws, Path(sys.argv[4]), Path(sys.argv[5]))
            else:
                deploys(ws, sys.argv[4], int(sys.argv[5]))
    except (ServiceError, StoreError) as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
