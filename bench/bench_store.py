"""Workspace store benchmark (issue 3, section 7).

A workspace of 200 actions x 50 versions (10,000 versions) against a baseline of 1 action x 50
versions, both built in this process in temp folders, then the p50 (and p95) of:
list an action's history, open an action with its draft, diff two versions (targets 20 ms),
save a draft (10 ms), deploy (30 ms). All through the services, as the studio calls them.

    .venv/bin/python bench/bench_store.py [--actions 200] [--versions 50] [--samples 200]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from actions_studio.services import actions
from actions_studio.services.vault import FileVault
from actions_studio.services.workspace import Workspace
from actions_studio.store import repository as repo

TARGETS_MS = {"history": 20.0, "open": 20.0, "diff": 20.0, "save draft": 10.0, "deploy": 30.0}


def _code(action: int, version: int) -> str:
    # ~2 kB of realistic-looking action code that changes a little from version to version.
    lines = [
        '"""Add roles and tenant claims to the tokens."""',
        "",
        'NAMESPACE = "https://acme.example.com"',
        "",
        "",
        "def on_execute_post_login(event, api):",
    ]
    for i in range(40):
        lines.append(f"    # step {i}: keep claim {i} in sync (action {action}, rev {version if i % 7 == 0 else 0})")
        if i % 4 == 0:
            lines.append(f'    api.access_token.set_custom_claim(f"{{NAMESPACE}}/c{i}", {i})')
    return "\n".join(lines) + "\n"


def build(path: Path, n_actions: int, n_versions: int) -> Workspace:
    ws = Workspace.open(path, vault=FileVault(path.parent / "config"))
    # Built with the repository in one transaction: 10,000 deploys through the service would
    # only measure the build. The measured operations below go through the services.
    with ws.db.write() as s:
        for a in range(n_actions):
            action = repo.insert_action(s, name=f"action-{a:03d}", trigger_id="post-login",
                                        trigger_version="v3", runtime="python3", code=_code(a, 0))
            for v in range(1, n_versions + 1):
                repo.insert_version(s, action.id, code=_code(a, v), dependencies=["pyjwt==2.9.0"],
                                    secret_names=[], runtime="python3", note=f"rev {v}")
    return ws


def measure(fn: Callable[[int], object], samples: int) -> tuple[float, float]:
    for i in range(5):  # warm caches, as a studio that has been open for a while would be
        fn(i)
    times = []
    for i in range(samples):
        start = time.perf_counter()
        fn(i)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def operations(ws: Workspace, n_actions: int, n_versions: int, seed: int) -> dict[str, Callable[[int], object]]:
    rng = random.Random(seed)
    names = [f"action-{a:03d}" for a in range(n_actions)]
    pick = lambda: rng.choice(names)  # noqa: E731
    return {
        "history": lambda i: actions.list_versions(ws, pick()),
        "open": lambda i: actions.open_action(ws, pick()),
        "diff": lambda i: actions.diff(ws, pick(), rng.randint(1, n_versions // 2),
                                       rng.randint(n_versions // 2 + 1, n_versions)),
        "save draft": lambda i: actions.save_draft(ws, pick(), code=_code(0, 1000 + i)),
        "deploy": lambda i: actions.deploy(ws, pick(), note="bench"),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=200)
    parser.add_argument("--versions", type=int, default=50)
    parser.add_argument("--samples", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-store-") as tmp:
        root = Path(tmp)
        start = time.perf_counter()
        big = build(root / "big" / "w.sqlite", args.actions, args.versions)
        built_s = time.perf_counter() - start
        base = build(root / "base" / "w.sqlite", 1, args.versions)
        with big.db.read() as s:
            total = repo.count_versions(s)
        size_mb = (root / "big" / "w.sqlite").stat().st_size / 1e6
        print(f"workspace: {args.actions} actions x {args.versions} versions = {total} versions, "
              f"{size_mb:.1f} MB, built in {built_s:.1f} s; {args.samples} samples per operation")
        big_ops = operations(big, args.actions, args.versions, seed=1)
        base_ops = operations(base, 1, args.versions, seed=1)
        header = f"{'operation':<12} {'p50 ms':>8} {'p95 ms':>8} {'baseline p50':>13} {'target':>8}  verdict"
        print(header)
        print("-" * len(header))
        failed = False
        for name in TARGETS_MS:
            p50, p95 = measure(big_ops[name], args.samples)
            b50, _ = measure(base_ops[name], args.samples)
            ok = p50 <= TARGETS_MS[name]
            failed |= not ok
            print(f"{name:<12} {p50:>8.2f} {p95:>8.2f} {b50:>13.2f} {TARGETS_MS[name]:>7.0f}  "
                  f"{'ok' if ok else 'OVER TARGET'}")
        print("baseline: the same operation on a 1-action workspace with the same history length")
        big.close()
        base.close()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
