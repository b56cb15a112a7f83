"""Reliability with real processes: SIGKILL at random moments, two writers at once.

A killed writer must leave a workspace that opens and holds the state before or after each
transaction, never a mix: versions 1..N without gaps, every import all-or-nothing.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from actions_studio.services import actions, exchange
from actions_studio.services.vault import FileVault
from actions_studio.services.workspace import Workspace

CHILD = Path(__file__).with_name("workspace_child.py")
IMPORTED = [f"imp-{i}" for i in range(8)]
KILLS = 50


def _write_import(root: Path, tag: str) -> Path:
    for name in IMPORTED:
        (root / "actions" / name).mkdir(parents=True)
        (root / "actions" / f"{name}.json").write_text(
            '{"trigger": "post-login", "runtime": "python3", "dependencies": [], '
            '"secrets": [], "deployed_version": 1}\n')
        (root / "actions" / name / "code.py").write_text(
            f"def on_execute_post_login(event, api):\n    pass  # {tag}\n")
    (root / "flows").mkdir()
    (root / "flows" / "flows.json").write_text(
        '{"post-login": [%s]}\n' % ", ".join(f'"{n}"' for n in (IMPORTED if tag == "A" else IMPORTED[::-1])))
    return root


def _seed(tmp_path: Path) -> tuple[Path, Path, Path]:
    a = _write_import(tmp_path / "A", "A")
    b = _write_import(tmp_path / "B", "B")
    seed = tmp_path / "seed" / "w.sqlite"
    with Workspace.open(seed, vault=FileVault(tmp_path / "seed-config")) as ws:
        actions.create_action(ws, "counter", "post-login", code="# 0\n")
        exchange.import_workspace(ws, a)
    return seed, a, b


def _check_consistent(path: Path, acked_deploys: int) -> None:
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        for action_id, name, last, deployed in conn.execute(
                "SELECT id, name, last_number, deployed_number FROM action"):
            numbers = [r[0] for r in conn.execute(
                "SELECT number FROM version WHERE action_id = ? ORDER BY number", (action_id,))]
            assert numbers == list(range(1, last + 1)), name
            assert deployed is None or 1 <= deployed <= last, name
            assert conn.execute("SELECT COUNT(*) FROM draft WHERE action_id = ?",
                                (action_id,)).fetchone() == (1,), name
        # each import is one transaction: all eight drafts say A or all say B
        codes = {r[0] for r in conn.execute(
            "SELECT d.code FROM draft d JOIN action a ON a.id = d.action_id WHERE a.name LIKE 'imp-%'")}
        assert len(codes) == 1, codes
        flow = [r[0] for r in conn.execute(
            "SELECT a.name FROM flow_binding f JOIN action a ON a.id = f.action_id "
            "WHERE f.trigger_id = 'post-login' ORDER BY f.position")]
        tag = codes.pop().rsplit("# ", 1)[1].strip()
        assert flow == (IMPORTED if tag == "A" else IMPORTED[::-1])
        counter = conn.execute("SELECT last_number FROM action WHERE name = 'counter'").fetchone()[0]
        # Durable: everything the child reported is there; at most the one in flight beyond it.
        assert acked_deploys <= counter <= acked_deploys + 1
    finally:
        conn.close()


def _start(args: list[str]) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, str(CHILD), *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


@pytest.mark.slow
def test_sigkill_at_random_moments_never_leaves_half_a_change(tmp_path: Path) -> None:
    seed, a, b = _seed(tmp_path)
    rng = random.Random(1234)
    server = subprocess.Popen([sys.executable, str(CHILD), "forkserver", str(a), str(b)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert server.stdin is not None and server.stdout is not None
    lines_at_kill = []
    try:
        for i in range(KILLS):
            run = tmp_path / f"run-{i}"
            run.mkdir()
            for f in seed.parent.glob("w.sqlite*"):
                shutil.copy(f, run / f.name)
            server.stdin.write(f"{run}\n")
            server.stdin.flush()
            pid = int(server.stdout.readline())
            log = run / "out.log"
            deadline = time.monotonic() + 20
            while not (log.exists() and log.read_text().startswith("ready")):
                assert time.monotonic() < deadline, "the child never got ready"
                time.sleep(0.002)
            # Kill it at a random moment while it commits as fast as it can.
            time.sleep(rng.uniform(0.0, 0.15))
            os.kill(pid, signal.SIGKILL)
            _wait_gone(pid)
            lines = log.read_text().splitlines()
            acked = [int(l.split()[1]) for l in lines if l.startswith("deployed ")]
            _check_consistent(run / "w.sqlite", acked[-1] if acked else 0)
            lines_at_kill.append(len(lines))
            # and the studio opens it normally afterwards
            with Workspace.open(run / "w.sqlite", vault=FileVault(run / "config")) as ws:
                assert actions.open_action(ws, "counter").action.name == "counter"
    finally:
        server.stdin.close()
        server.wait(timeout=30)
        server.stdout.close()
    assert len(lines_at_kill) == KILLS
    # The kills really landed in both kinds of write: an even number of lines means the child
    # was killed during an import, an odd one during a draft save or deploy.
    assert {n % 2 for n in lines_at_kill} == {0, 1}, lines_at_kill


def _wait_gone(pid: int) -> None:
    deadline = time.monotonic() + 10
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        assert time.monotonic() < deadline, f"process {pid} survived SIGKILL"
        time.sleep(0.001)


@pytest.mark.slow
def test_two_processes_deploying_at_once_both_succeed_without_corruption(tmp_path: Path) -> None:
    path = tmp_path / "w.sqlite"
    with Workspace.open(path, vault=FileVault(tmp_path / "config")) as ws:
        actions.create_action(ws, "shared", "post-login", code="# 0\n")
    count = 25
    procs = [_start(["deploys", str(path), str(tmp_path / "config"), "shared", str(count)])
             for _ in range(2)]
    results = [p.communicate(timeout=60) for p in procs]
    for proc, (out, err) in zip(procs, results):
        assert proc.returncode == 0, err
    numbers = sorted(int(l.split()[1]) for out, _ in results for l in out.splitlines()
                     if l.startswith("deployed "))
    assert numbers == list(range(1, 2 * count + 1))  # each number given exactly once
    with Workspace.open(path, vault=FileVault(tmp_path / "config")) as ws:
        history = actions.list_versions(ws, "shared")
    assert [v.number for v in history] == list(range(2 * count, 0, -1))
