"""Dependency environments benchmark (issue 8): what a user waits for, measured offline.

A local wheelhouse of hand-made pure-Python wheels (--find-links, --no-index):
- cold build of a 2-package set (resolve + install), and of a second set of 10 packages;
- a second action with the same resolved set, declared differently (resolve only, env reused);
- the same pins again (offline lookup: no pip at all);
- a new set with an unreachable index (must fail fast);
- a sandbox execution importing the dependency vs one importing nothing (p50 of N runs);
- npm (node22 actions), from a local registry on loopback: cold install of a set of 2 declared
  packages pulling 10 in all, warm reuse of it (offline lookup), and as the same-run baseline a
  plain `npm install` of the same set into a fresh folder (its own fresh npm cache), the same npm.

    .venv/bin/python bench/bench_deps.py [--runs 50]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]


def _timed(fn):
    started = time.perf_counter()
    value = fn()
    return value, (time.perf_counter() - started) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()

    from actions_studio.deps import DepsSettings, DependencyError, build_environment, find_environment, sandbox_path
    from actions_studio.runtime import ActionSource, Sandbox
    from actions_studio.triggers import get_trigger
    from tests.deps.wheels import make_wheel

    with tempfile.TemporaryDirectory() as tmp:
        house = Path(tmp) / "wheels"
        make_wheel(house, "tiny-greeter", "1.0", "def greet(n):\n    return 'hello ' + n\n")
        make_wheel(house, "tiny-app", "2.0", "import tiny_greeter\n", requires=("tiny-greeter==1.0",))
        for i in range(10):
            make_wheel(house, f"pkg{i}", "1.0", f"VALUE = {i}\n")
        settings = DepsSettings(no_index=True, find_links=(str(house),), cache_dir=Path(tmp) / "cache")
        rows = []
        env, ms = _timed(lambda: build_environment(["tiny-app==2.0"], settings))
        rows.append(("cold build, 2 packages", ms))
        _, ms = _timed(lambda: build_environment([f"pkg{i}==1.0" for i in range(10)], settings))
        rows.append(("cold build, 10 packages", ms))
        _, ms = _timed(lambda: build_environment(["tiny-greeter==1.0", "tiny-app==2.0"], settings))
        rows.append(("same set declared differently (reused)", ms))
        _, ms = _timed(lambda: find_environment(["tiny-app==2.0"], settings))
        rows.append(("same pins again (offline lookup)", ms))
        dead = DepsSettings(index_url="http://127.0.0.1:9/simple", cache_dir=settings.cache, timeout_s=5)

        def unreachable() -> None:
            try:
                build_environment(["tiny-greeter==9.0"], dead)
            except DependencyError:
                return
            raise AssertionError("an unreachable index built something")

        _, ms = _timed(unreachable)
        rows.append(("unreachable index fails", ms))
        plain = "def on_execute_post_login(event, api):\n    pass\n"
        importing = "import tiny_app\n" + plain
        event = get_trigger("post-login").sample_event()
        path = (str(sandbox_path(env.path)),)
        with Sandbox() as sandbox:
            for label, source in (("sandbox run, no dependency", ActionSource("a", plain)),
                                  ("sandbox run, importing it", ActionSource("a", importing, sys_path=path))):
                times = []
                for _ in range(args.runs):
                    result, ms = _timed(lambda: sandbox.run_action("post-login", source, event))
                    assert result.status == "success", result.actions[0].error
                    times.append(ms)
                rows.append((f"{label} (p50 of {args.runs})", statistics.median(times)))
    rows += npm_rows()
    width = max(len(r[0]) for r in rows)
    for label, ms in rows:
        print(f"{label:<{width}}  {ms:9.1f} ms")
    return 0


def npm_rows() -> list[tuple[str, float]]:
    import json
    import subprocess

    from actions_studio import nodejs
    from actions_studio.deps import DepsSettings
    from actions_studio.deps.npm import build_npm_environment
    from tests.deps.npm_registry import NpmRegistry

    registry = NpmRegistry()
    for i in range(8):
        registry.publish(f"leaf{i}", "1.0.0", index_js=f"module.exports = {i};\n")
    registry.publish("app-a", "1.0.0", dependencies={f"leaf{i}": "^1.0.0" for i in range(4)})
    registry.publish("app-b", "1.0.0", dependencies={f"leaf{i}": "^1.0.0" for i in range(4, 8)})
    registry.start()
    pins = ["app-a@1.0.0", "app-b@1.0.0"]
    node = nodejs.find_node()
    rows = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            settings = DepsSettings(npm_registry=registry.url, cache_dir=Path(tmp) / "cache")
            env, ms = _timed(lambda: build_npm_environment(pins, settings, node=node))
            assert env is not None and len(env.packages) == 10, env
            rows.append(("npm cold install, 2 declared / 10 packages", ms))
            again, ms = _timed(lambda: build_npm_environment(pins, settings, node=node))
            assert again is not None and again.reused
            rows.append(("npm same set again (reused, offline)", ms))
            plain = Path(tmp) / "plain"
            plain.mkdir()
            (plain / "package.json").write_text(json.dumps({"name": "plain", "version": "0.0.0", "private": True,
                                                            "dependencies": {"app-a": "1.0.0", "app-b": "1.0.0"}}))
            done, ms = _timed(lambda: subprocess.run(
                node.npm_command("install", "--registry", registry.url, "--cache", str(Path(tmp) / "plain-cache"),
                                 "--no-audit", "--no-fund"),
                cwd=plain, capture_output=True, text=True, timeout=300))
            assert done.returncode == 0, done.stderr
            rows.append(("baseline: plain `npm install` of the same set", ms))
    finally:
        registry.stop()
    return rows


if __name__ == "__main__":
    raise SystemExit(main())
