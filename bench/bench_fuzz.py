"""Benchmark of fuzzing an action (issue 19 part 3).

Fuzz examples/s (`services.fuzz.fuzz_action`: the seeded generator drawing events from the
trigger's event model, each run through the one run pipeline in the real sandbox and judged;
Hypothesis only shrinks findings, and the benchmarked actions have none) next to plain sandbox
executions/s of the same action on its sample event, measured in the same run, in the same
workspace and sandbox. Target: fuzzing keeps >= 0.7x of the plain rate, for a Python action and
for a JavaScript one (the row says why when this build cannot run node22).

    .venv/bin/python bench/bench_fuzz.py [--examples 200] [--rounds 3]

The machine is usually shared: the two are measured in alternating rounds and each one's best
round is reported, with every round printed below the table.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from actions_studio.execution import execute
from actions_studio.execution.pipeline import RUNTIMES_HERE
from actions_studio.services import actions, fuzz
from actions_studio.services.catalog import get_trigger
from actions_studio.services.runs import resolve_sources
from actions_studio.services.vault import FileVault
from actions_studio.services.workspace import Workspace
from actions_studio.store import repository as repo

PYTHON_ACTION = """
def on_execute_post_login(event, api):
    roles = list(event.authorization.roles) if event.authorization else []
    api.access_token.set_custom_claim("https://acme.example/roles", roles)
    if event.stats.logins_count > 100:
        api.id_token.set_custom_claim("https://acme.example/loyal", True)
    print("login", event.user.email)
"""
JS_ACTION = """
exports.onExecutePostLogin = async (event, api) => {
  const roles = (event.authorization && event.authorization.roles) || [];
  api.accessToken.setCustomClaim("https://acme.example/roles", roles);
  if (event.stats.logins_count > 100) api.idToken.setCustomClaim("https://acme.example/loyal", true);
  console.log("login", event.user.email);
};
"""


def plain_rate(ws: Workspace, name: str, runs: int) -> float:
    with ws.db.read() as s:
        sources = resolve_sources(ws, s, [repo.find_action(s, name)], "draft", {})
    event = get_trigger("post-login").sample_event()
    started = time.perf_counter()
    for _ in range(runs):
        result = execute("post-login", sources, event, sandbox=ws.sandbox)
        assert result.status == "success", result
    return runs / (time.perf_counter() - started)


def fuzz_rate(ws: Workspace, name: str, examples: int, seed: int) -> float:
    started = time.perf_counter()
    report = fuzz.fuzz_action(ws, name, examples=examples, seed=seed)
    elapsed = time.perf_counter() - started
    assert not report.findings, report.findings
    return report.examples / elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=200, help="fuzz examples (and plain runs) per round")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-fuzz-"))
    rows, rounds_text = [], []
    with Workspace.open(folder / "w.sqlite", vault=FileVault(folder / "vault")) as ws:
        cases = [("python3", "py", PYTHON_ACTION), ("node22", "js", JS_ACTION)]
        for runtime, name, code in cases:
            label = f"{'Python' if runtime == 'python3' else 'JavaScript'} action"
            if runtime not in RUNTIMES_HERE:
                rows.append((label, None, None, f"not measured: the {runtime} runtime is not in this build"))
                continue
            actions.create_action(ws, name, "post-login", code=code, runtime=runtime)
            plain_rate(ws, name, 20)  # warm: the zygote, the worker, the first imports
            plains, fuzzes = [], []
            for round_number in range(args.rounds):
                plains.append(plain_rate(ws, name, args.examples))
                fuzzes.append(fuzz_rate(ws, name, args.examples, seed=round_number))
            best_plain, best_fuzz = max(plains), max(fuzzes)
            rows.append((label, best_plain, best_fuzz, ""))
            rounds_text.append(f"  {label:<18} plain " + " ".join(f"{r:6.1f}" for r in plains)
                               + " | fuzz " + " ".join(f"{r:6.1f}" for r in fuzzes))
    print(f"fuzz benchmark — {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}, "
          f"{args.examples} examples per round, {args.rounds} rounds")
    print()
    header = f"{'case':<20} {'plain exec/s':>13} {'fuzz examples/s':>16} {'ratio':>7}  target"
    print(header)
    print("-" * len(header))
    for label, plain, fuzzed, note in rows:
        if plain is None:
            print(f"{label:<20} {'-':>13} {'-':>16} {'-':>7}  >= 0.7x  ({note})")
            continue
        ratio = fuzzed / plain
        verdict = "met" if ratio >= 0.7 else "MISSED"
        print(f"{label:<20} {plain:>13.1f} {fuzzed:>16.1f} {ratio:>6.2f}x  >= 0.7x  {verdict}")
    print()
    print("plain: the same action on its trigger's sample event through execution.execute, one after another")
    print("fuzz: services.fuzz.fuzz_action (generate, run, judge) with no finding to shrink; best round each. "
          "Rounds:")
    for line in rounds_text:
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
