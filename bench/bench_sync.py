"""Sync benchmark (issue 7, section 8).

100 actions × 3 versions (~2 kB of code each) in a fresh workspace, against a fresh bundled tenant
on loopback: the first push (create, 3 deploys each, waiting for `built`, the flow), a no-change
plan, and a pull into an empty workspace. Targets: no-change plan ≤ 1 s, first push ≤ 20 s.

    .venv/bin/python bench/bench_sync.py [--actions 100] [--versions 3] [--plans 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

TARGETS_S = {"first push": 20.0, "no-change plan": 1.0}


def _code(action: int, version: int) -> str:
    lines = ['"""Add roles and tenant claims to the tokens."""', "",
             'NAMESPACE = "https://acme.example.com"', "", "",
             "def on_execute_post_login(event, api):"]
    for i in range(40):
        lines.append(f"    # step {i}: keep claim {i} in sync (action {action}, rev {version if i % 7 == 0 else 0})")
        if i % 4 == 0:
            lines.append(f'    api.access_token.set_custom_claim(f"{{NAMESPACE}}/c{i}", {i})')
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=100)
    parser.add_argument("--versions", type=int, default=3)
    parser.add_argument("--plans", type=int, default=5)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-sync-") as tmp:
        root = Path(tmp)
        os.environ["ACTIONS_STUDIO_HOME"] = str(root / "home")
        os.environ["ACTIONS_STUDIO_VAULT"] = "file"
        from actions_studio.services.sync import LocalTenantHost, SyncSession, ensure_local_profile
        from actions_studio.services.vault import FileVault
        from actions_studio.services.workspace import Workspace
        from actions_studio.store import repository as repo

        host = LocalTenantHost(root / "tenant")
        rows: list[tuple[str, float, str]] = []
        try:
            started = time.perf_counter()
            host.connection()
            rows.append(("start local tenant", time.perf_counter() - started, ""))
            with Workspace.open(root / "w.sqlite", vault=FileVault(root / "config")) as ws:
                with ws.db.write() as s:  # built with the repository: only the sync is measured
                    for a in range(args.actions):
                        action = repo.insert_action(s, name=f"action {a:03d}", trigger_id="post-login",
                                                    trigger_version="v3", runtime="python3",
                                                    code=_code(a, 0))
                        for v in range(1, args.versions + 1):
                            repo.insert_version(s, action.id, code=_code(a, v), dependencies=(),
                                                secret_names=(), runtime="python3", note=None)
                        repo.update_draft(s, action.id, code=_code(a, args.versions))
                    first = [a.id for a in repo.list_actions(s)[:5]]
                    repo.set_flow(s, "post-login", first)
                session = SyncSession(ws, ensure_local_profile(ws), local_host=host)
                started = time.perf_counter()
                plan = session.plan()
                report = session.apply(plan)
                push_s = time.perf_counter() - started
                if not report.ok:
                    print(report.describe(), file=sys.stderr)
                    return 1
                rows.append(("first push", push_s,
                             f"{len(plan.steps())} steps, {session.client.requests} requests"))
                times = []
                for _ in range(args.plans):
                    started = time.perf_counter()
                    again = session.plan()
                    times.append(time.perf_counter() - started)
                    assert again.in_sync, [i.summary for i in again.items if i.change != "nothing"]
                rows.append(("no-change plan", statistics.median(times),
                             f"median of {args.plans}, max {max(times):.3f} s"))
                session.close()
            with Workspace.open(root / "pulled.sqlite", vault=FileVault(root / "config2")) as other:
                session = SyncSession(other, ensure_local_profile(other), local_host=host)
                started = time.perf_counter()
                plan, report = session.pull()
                pull_s = time.perf_counter() - started
                assert report.ok, report.describe()
                with other.db.read() as s:
                    versions = repo.count_versions(s)
                rows.append(("pull into an empty workspace", pull_s,
                             f"{len(plan.steps())} steps, {versions} versions"))
                session.close()
        finally:
            host.stop()

    print(f"\nsync benchmark: {args.actions} actions × {args.versions} versions, local tenant on loopback\n")
    print(f"| {'measure':<30} | {'seconds':>8} | {'target':>7} | {'ok':<3} | notes")
    print(f"|{'-' * 32}|{'-' * 10}|{'-' * 9}|{'-' * 5}|------")
    worst = 0
    for name, seconds, notes in rows:
        target = TARGETS_S.get(name)
        ok = "" if target is None else ("yes" if seconds <= target else "NO")
        worst |= ok == "NO"
        print(f"| {name:<30} | {seconds:8.3f} | {'' if target is None else f'{target:.0f} s':>7} | {ok:<3} | {notes}")
    return 1 if worst else 0


if __name__ == "__main__":
    sys.exit(main())
