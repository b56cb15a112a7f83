"""A JavaScript completion asked while its document's diagnostics run in tsserver (issue 16),
Qt-free, timings only.

Each sample edits the 300-line action (a line `  event` in the handler, numbered so every check
is new), submits its diagnostics, waits until tsserver works on them (`engine.in_flight`), then
types the `.`: the completion is timed from its submit to its answer. The same-run baseline is
the same completion asked with no diagnostics in flight; the two alternate who goes first. Also
printed: when the diagnostics answer arrived, and how many were cut short (owner.py's lanes).

    .venv/bin/python bench/bench_behind_diagnostics.py [--samples 40]
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_ts import javascript_action, percentile  # noqa: E402


def _ms(samples: list[float], fraction: float) -> str:
    return f"{percentile(samples, fraction):.1f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=40)
    args = parser.parse_args()
    load = os.getloadavg()

    from actions_studio.analysis.typescript.engine import TypeScriptEngine
    from actions_studio.analysis.typescript.worker import TypeScriptWorker
    from bench_ts import ask

    engine = TypeScriptEngine()
    worker = TypeScriptWorker(lambda: engine)
    source = javascript_action(300)
    lines = source.split("\n")
    at = next(n for n, text in enumerate(lines) if text.startswith("  api.user.setAppMetadata"))
    ask(worker.diagnostics, "bench:1:diagnostics", source, "post-login")  # the semantic server is up

    def texts(index: int) -> tuple[str, str, int]:
        edited = lines[:at] + [f"  const n{index} = {index};", "  event"] + lines[at:]
        typed = lines[:at] + [f"  const n{index} = {index};", "  event."] + lines[at:]
        return "\n".join(edited), "\n".join(typed), at + 2

    def complete(typed: str, line: int) -> float:
        start = time.perf_counter()
        names = ask(worker.complete, "bench:1:complete", typed, line, len("  event."), "post-login")
        assert names, "no completions"
        return (time.perf_counter() - start) * 1000

    behind, alone, diagnostics_after = [], [], []
    for index in range(args.samples + 3):
        edited, typed, line = texts(index)
        if index % 2:
            alone_ms = complete(typed, line)
        done = threading.Event()
        submitted = time.perf_counter()
        finished: list[float] = []
        worker.diagnostics("bench:1:diagnostics", edited, "post-login",
                           lambda _i, _a: (finished.append(time.perf_counter()), done.set()))
        while engine.in_flight is None and not done.is_set():
            time.sleep(0.0005)
        behind_ms = complete(typed, line)
        assert done.wait(120), "no diagnostics"
        if not index % 2:
            alone_ms = complete(typed, line)
        if index >= 3:
            behind.append(behind_ms)
            alone.append(alone_ms)
            diagnostics_after.append((finished[0] - submitted) * 1000)
    worker.stop(timeout=10)
    print("| measurement | result | same-run baseline |")
    print("|---|---|---|")
    print(f"| completion while its document's diagnostics run in tsserver (n={len(behind)}) | "
          f"p50 {_ms(behind, 0.5)}, p95 {_ms(behind, 0.95)} | "
          f"the same completion alone: p50 {_ms(alone, 0.5)}, p95 {_ms(alone, 0.95)} |")
    print(f"| diagnostics answer, from their submit | p50 {_ms(diagnostics_after, 0.5)}, "
          f"p95 {_ms(diagnostics_after, 0.95)} | — |")
    print(f"\ncut short and run again: {getattr(worker, 'interrupted', 'not counted')}; "
          f"tsserver cancellations: {engine.cancelled}")
    print(f"load average (1, 5, 15 min) at start {', '.join(f'{x:.2f}' for x in load)}; "
          f"at end {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
