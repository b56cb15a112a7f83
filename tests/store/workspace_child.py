"""A tiny real process that writes a workspace until it is killed (used by test_store_reliability).

    python workspace_child.py crash WORKSPACE CONFIG_DIR IMPORT_A IMPORT_B
        prints "ready", then loops forever: deploy `counter`, import A, deploy, import B, ...
        printing "deployed N" / "imported X" after each commit.
    python workspace_child.py deploys WORKSPACE CONFIG_DIR ACTION COUNT
        deploys ACTION COUNT times (for two writers at once), printing "deployed N" each time.
    python workspace_child.py forkserver IMPORT_A IMPORT_B
        imports everything once, then for each RUN_DIR line on stdin forks a child that runs
        `crash` on RUN_DIR/w.sqlite, writing its lines to RUN_DIR/out.log; prints the child's pid.
        Fifty fresh interpreters would spend most of the test importing; a fork costs ~2 ms.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from pathlib import Path

from actions_studio.services import actions, exchange
from actions_studio.services.errors import ServiceError
from actions_studio.services.vault import FileVault
from actions_studio.services.workspace import Workspace
from actions_studio.store.errors import StoreError


_out_fd: int | None = None  # set in a forked child: lines go straight to its log file


def say(text: str) -> None:
    if _out_fd is not None:
        os.write(_out_fd, (text + "\n").encode())  # unbuffered: a SIGKILL loses nothing written
        return
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def forkserver(import_a: Path, import_b: Path) -> int:
    global _out_fd
    # The kernel reaps killed children; the test sees them gone with os.kill(pid, 0).
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    assert threading.active_count() == 1, "fork only from a single-threaded process"
    for line in sys.stdin:
        run = Path(line.strip())
        pid = os.fork()
        if pid == 0:
            _out_fd = os.open(run / "out.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            try:
                with Workspace.open(run / "w.sqlite", vault=FileVault(run / "config")) as ws:
                    crash(ws, import_a, import_b)
            finally:
                os._exit(3)  # never return into the server's loop
        sys.stdout.write(f"{pid}\n")
        sys.stdout.flush()
    return 0


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
    if sys.argv[1] == "forkserver":
        return forkserver(Path(sys.argv[2]), Path(sys.argv[3]))
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
