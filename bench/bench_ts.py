"""Benchmark of the TypeScript service for JavaScript Actions (issue 16), Qt-free, timings only.

Rows, each next to a same-run baseline of raw tsserver requests (the bare protocol client,
server.py, on the same virtual text, with no owner thread, no injection and no conversion):
  - first completion after start: a fresh TypeScriptWorker (tsserver started and warmed in the
    background) is asked for `event.` at once; timed from construction to the answer. Baseline: a
    raw tsserver started, configured, sent the file and asked, by hand. Median of fresh processes.
  - warm completion p95 on a 300-line action: each sample edits one line (as typing does) and
    asks at its end; the engine's round trip (thread hop, edit sent, answer converted) against
    the raw updateOpen + completionInfo for the same edit and position. Target ≤ 1.3× raw.
  - diagnostics of the 300-line action (syntactic + semantic), for context.
  - the start cost: tsserver's start (compile cache warm) and the warm-up of the first answer.
  - effects of a JavaScript action for the canvas (TypeScript's parser in the kept Node program):
    first analysis (Node + typescript.js load) and later ones, against the Python ast analysis.

    .venv/bin/python bench/bench_ts.py [--completions 200] [--first-runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time

TARGET_FIRST_COMPLETION_S = 1.5
TARGET_RATIO = 1.3
HANDLER = "exports.onExecutePostLogin = async (event, api) => {\n"
# The ends of the lines a user types a `.` after, in turn.
ASKS = ["event.", "event.user.", "api.", "api.accessToken.", "event.request.geoip.", "api.cache.", "event.stats."]


def javascript_action(lines: int) -> str:
    """A post-login action of about `lines` lines: a constant, helpers, the handler."""
    blocks = ['const NAMESPACE = "https://acme.example";\nconst crypto = require("crypto");\n']
    index = 0
    while sum(b.count("\n") for b in blocks) < lines - 30:
        blocks.append(
            f"\n/** Rule {index}: deny after too many logins from one country. */\n"
            f"function check{index}(event, api, limit = {index}) {{\n"
            f"  const country = event.request.geoip.countryCode || \"unknown\";\n"
            f"  if (event.stats.logins_count > limit && [\"KP\", \"IR\"].includes(country)) {{\n"
            f"    api.access.deny(`rule {index}: ${{country}}`);\n"
            f"    return false;\n"
            f"  }}\n"
            f"  api.accessToken.setCustomClaim(`${{NAMESPACE}}/rule{index}`, [country, crypto.randomUUID()]);\n"
            f"  return /^auth0\\|/.test(event.user.user_id);\n"
            f"}}\n"
        )
        index += 1
    body = "".join(f"  if (!check{n}(event, api)) return;\n" for n in range(min(index, 15)))
    blocks.append(f"\n{HANDLER}{body}  api.user.setAppMetadata(\"checked\", {index});\n  \n}};\n")
    return "".join(blocks)


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def ask(method, *args):
    done, got = threading.Event(), []
    method(*args, lambda _i, answer: (got.append(answer), done.set()))
    assert done.wait(120), "no answer"
    return got[0]


# -- first completion, in fresh processes ---------------------------------------------------------

def child_first(kind: str) -> None:
    # Imported first: in the studio the package is loaded long before the service starts.
    import actions_studio.analysis.typescript.engine  # noqa: F401
    from actions_studio.analysis.typescript.worker import TypeScriptWorker

    source = HANDLER + "  event.\n};\n"
    start = time.perf_counter()
    if kind == "engine":
        worker = TypeScriptWorker()
        answer = ask(worker.complete, "bench:complete", source, 2, len("  event."), "post-login")
        elapsed = time.perf_counter() - start
        worker.stop(timeout=10)
        names = {c.name for c in answer}
    else:
        server, path, text = _raw_server(source)
        body = server.request("completionInfo", {"file": path, "line": 2, "offset": _offset(text, 2, len("  event."))})
        elapsed = time.perf_counter() - start
        server.stop()
        names = {e["name"] for e in body["entries"]}
    assert "user" in names, names
    print(json.dumps({"s": elapsed}))


def measure_first(kind: str, runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, __file__, "--child-first", kind], capture_output=True, text=True,
                             timeout=300, check=True)
        samples.append(json.loads(out.stdout.strip().splitlines()[-1])["s"])
    return samples


# -- the raw client -------------------------------------------------------------------------------

def _raw_server(source: str):
    """A bare tsserver with the engine's options and the same virtual text, driven by hand."""
    import platformdirs

    from actions_studio import nodejs
    from actions_studio.analysis.typescript.engine import compiler_options
    from actions_studio.analysis.typescript.install import find_install
    from actions_studio.analysis.typescript.server import TsServer
    from actions_studio.analysis.typescript.virtual import inject_trigger_types
    from actions_studio.triggers.ts_stubs import AUTH0_GLOBALS, PACKAGE, shipped_dir

    install = find_install()
    cache = platformdirs.user_cache_dir("actions-studio", appauthor=False) + "/node-compile-cache"
    server = TsServer(install, nodejs.find_node(), compile_cache=cache)
    server.start()
    server.request("compilerOptionsForInferredProjects", {"options": compiler_options(install, shipped_dir())})
    text = inject_trigger_types(source, "post-login").text
    path = os.path.join(server._cancel_dir, "raw-action.js")
    server.request("updateOpen", {"openFiles": [
        {"file": str(shipped_dir() / PACKAGE / AUTH0_GLOBALS), "scriptKindName": "TS"},
        {"file": path, "fileContent": text, "scriptKindName": "JS"}]})
    return server, path, text


def _offset(virtual_text: str, line: int, column: int) -> int:
    """tsserver's offset of a column on a line the injection did not touch."""
    from actions_studio.analysis.positions import column_to_utf16

    return column_to_utf16(virtual_text.split("\n")[line - 1], column) + 1


# -- warm completions -----------------------------------------------------------------------------

def edits(source: str, count: int) -> list[tuple[str, int, str]]:
    """(new source, line, what the line ends with) for `count` typing steps on the handler's
    last (empty) line: each step types the next ask there."""
    lines = source.split("\n")
    target = len(lines) - 2  # the empty line before `};` (0-based)
    steps = []
    for n in range(count):
        typed = f"  const x{n} = 1; {ASKS[n % len(ASKS)]}"
        new = lines[:target] + [typed] + lines[target + 1:]
        steps.append(("\n".join(new), target + 1, typed))
    return steps


def measure_completions(count: int) -> tuple[list[float], list[float], int, list[float]]:
    from actions_studio.analysis.typescript.worker import TypeScriptWorker

    source = javascript_action(300)
    steps = edits(source, count)
    worker = TypeScriptWorker()
    ask(worker.complete, "bench:complete", source, 2, 0, "post-login")  # opened, warm
    server, path, text = _raw_server(source)
    server.request("completionInfo", {"file": path, "line": 2, "offset": 1})
    engine_ms, raw_ms = [], []
    previous = text

    def engine_asks(new_source: str, line: int, typed: str) -> None:
        start = time.perf_counter()
        answer = ask(worker.complete, "bench:complete", new_source, line, len(typed), "post-login")
        engine_ms.append((time.perf_counter() - start) * 1000)
        assert answer, typed

    def raw_asks(old_line: str, line: int, typed: str) -> None:
        # The same edit and question, by hand: one line replaced, then completionInfo.
        start = time.perf_counter()
        server.request("updateOpen", {"changedFiles": [{"fileName": path, "textChanges": [{
            "start": {"line": line, "offset": 1}, "end": {"line": line, "offset": len(old_line) + 1}, "newText": typed}]}]})
        body = server.request("completionInfo", {"file": path, "line": line, "offset": len(typed) + 1,
                                                 "includeExternalModuleExports": False,
                                                 "includeInsertTextCompletions": True, "triggerCharacter": "."})
        raw_ms.append((time.perf_counter() - start) * 1000)
        assert body["entries"]

    for n, (new_source, line, typed) in enumerate(steps):
        old_line = previous.split("\n")[line - 1]
        # Alternate who goes first, so neither always meets the other's leftovers (GC, caches).
        if n % 2:
            raw_asks(old_line, line, typed)
            engine_asks(new_source, line, typed)
        else:
            engine_asks(new_source, line, typed)
            raw_asks(old_line, line, typed)
        lines = previous.split("\n")
        lines[line - 1] = typed
        previous = "\n".join(lines)
    diagnostics = []
    for n in range(5):  # an edited text each time: tsserver keeps the diagnostics of an unchanged one
        start = time.perf_counter()
        ask(worker.diagnostics, "bench:diagnostics", steps[n][0], "post-login")
        diagnostics.append((time.perf_counter() - start) * 1000)
    worker.stop(timeout=10)
    server.stop()
    return engine_ms, raw_ms, len(source.split("\n")), diagnostics


def measure_start_cost(runs: int) -> tuple[list[float], list[float], list[float]]:
    from actions_studio.analysis.typescript.engine import TypeScriptEngine

    starts, warms, semantic = [], [], []
    for _ in range(runs):
        engine = TypeScriptEngine()
        t0 = time.perf_counter()
        engine.start()
        t1 = time.perf_counter()
        engine.warm_up()
        t2 = time.perf_counter()
        while not engine.semantic_ready():
            time.sleep(0.005)
        semantic.append(time.perf_counter() - t0)
        engine.stop()
        starts.append(t1 - t0)
        warms.append(t2 - t1)
    return starts, warms, semantic


def measure_effects(runs: int) -> tuple[float, list[float], list[float]]:
    from actions_studio.analysis.effects import analyze_effects
    from actions_studio.analysis.typescript.effects import JsEffectsAnalyzer

    code = javascript_action(300)
    python_code = "def on_execute_post_login(event, api):\n" + "".join(
        f"    api.access_token.set_custom_claim('https://x/{n}', {n})\n" for n in range(150))
    with JsEffectsAnalyzer() as analyzer:
        start = time.perf_counter()
        assert analyzer.analyze(code + "\n// 0").kinds()
        first = time.perf_counter() - start
        warm = []
        for n in range(runs):
            start = time.perf_counter()
            analyzer.analyze(code + f"\n// {n + 1}")  # a new text each time: never the cache
            warm.append((time.perf_counter() - start) * 1000)
    python = []
    for _ in range(runs):
        start = time.perf_counter()
        analyze_effects(python_code)
        python.append((time.perf_counter() - start) * 1000)
    return first, warm, python


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--completions", type=int, default=200)
    parser.add_argument("--first-runs", type=int, default=3)
    parser.add_argument("--child-first", choices=("engine", "raw"))
    args = parser.parse_args()
    if args.child_first:
        child_first(args.child_first)
        return 0
    from actions_studio.analysis.typescript.install import find_install

    if find_install() is None:
        print("TypeScript is not installed: python -m actions_studio.analysis.typescript.install", file=sys.stderr)
        return 2
    first_engine = measure_first("engine", args.first_runs)
    first_raw = measure_first("raw", args.first_runs)
    engine_ms, raw_ms, lines, diagnostics = measure_completions(args.completions)
    starts, warms, semantic = measure_start_cost(args.first_runs)
    effects_first, effects_warm, effects_python = measure_effects(30)

    ratio = percentile(engine_ms, 0.95) / percentile(raw_ms, 0.95)
    ratio50 = percentile(engine_ms, 0.5) / percentile(raw_ms, 0.5)
    print(f"load average: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    print("| measurement | target | result | same-run baseline |")
    print("|---|---|---|---|")
    print(f"| first JavaScript completion after start (worker built → `event.` answered; median of "
          f"{len(first_engine)} fresh processes, max) | ≤ {TARGET_FIRST_COMPLETION_S} s | "
          f"{statistics.median(first_engine):.2f} s (max {max(first_engine):.2f}) | raw tsserver started and asked by "
          f"hand: {statistics.median(first_raw):.2f} s |")
    print(f"| warm completion p95, {lines}-line action, one line edited per request (n={len(engine_ms)}) | "
          f"≤ {TARGET_RATIO}× raw | {percentile(engine_ms, 0.95):.1f} ms (p50 {percentile(engine_ms, 0.5):.1f}); "
          f"{ratio:.2f}× raw (p50 {ratio50:.2f}×) | raw updateOpen + completionInfo p95 {percentile(raw_ms, 0.95):.1f} ms "
          f"(p50 {percentile(raw_ms, 0.5):.1f}) |")
    print(f"| diagnostics of the {lines}-line action (syntactic + semantic, worker round trip) | — | "
          f"median {statistics.median(diagnostics):.0f} ms | — |")
    print(f"| start cost: both tsservers started (the quick one answering); the first answer (warm-up); "
          f"the semantic one ready (Node's types loaded: diagnostics, `require` of built-ins) | — | "
          f"start {statistics.median(starts):.2f} s, warm-up {statistics.median(warms):.2f} s, semantic ready "
          f"{statistics.median(semantic):.2f} s after start | — |")
    print(f"| effects of a {lines}-line JavaScript action (TypeScript parser in the kept Node program) | — | "
          f"first {effects_first:.2f} s (Node + typescript.js), then p50 {percentile(effects_warm, 0.5):.1f} ms "
          f"(p95 {percentile(effects_warm, 0.95):.1f}) | Python ast, 150 calls: p50 {percentile(effects_python, 0.5):.1f} ms |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
