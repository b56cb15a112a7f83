"""Benchmark of the Action editor (issue 4, section 8), real widgets offscreen, timings only.

Rows (targets from the issue), each next to a same-run baseline:
  - first completion after start-up: a fresh process builds the AnalysisWorker (jedi warms up in
    the background), waits a realistic ~1 s of start-up, then types `event.` into an ActionEditor;
    timed from the `.` keystroke to the list on screen. Baseline: the same with no warm-up.
  - completion p95 on a 300-line action after warm-up: `.` typed at the end of varied lines,
    timed to the list on screen (worker round trip + relay + list). Baseline: the jedi call alone.
  - keystroke p95 while typing 1,000 characters into a 3,000-line file: one key event plus the
    event-loop turn that repaints. Baseline: the same typing into a QPlainTextEdit.
  - diagnostics of the 3,000-line file (off the GUI thread, once per typing pause), for context.
  - process start → main window shown and idle: see `measure_startup_to_idle` (left to the
    main-window engineer; bench/bench_window.py measures it today).

    .venv/bin/python bench/bench_editor.py [--completions 60] [--keys 1000]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

TARGET_FIRST_COMPLETION_MS = 300.0
TARGET_COMPLETION_P95_MS = 50.0
TARGET_KEYSTROKE_P95_MS = 16.0
TARGET_STARTUP_S = 1.5
STARTUP_DELAY_S = 1.0  # what building the main window takes before a user can type

HANDLER = "def on_execute_post_login(event, api):\n"

# Typed into the big file: real code, with `.`, `(`, `,` and newlines that start completions,
# call tips and auto-indent on the way, as a user's typing does.
TYPED = (
    "    if event.user.email_verified and event.stats.logins_count > 3:\n"
    "roles = list(event.authorization.roles) if event.authorization else []\n"
    "api.access_token.set_custom_claim('https://acme.example/roles', roles)\n"
    "note = f\"{event.user.user_id} from {event.request.geoip.country_code}\"\n"
)


def realistic_action(lines: int) -> str:
    """A post-login action of about `lines` lines: helpers, constants, the handler."""
    blocks = ['"""Benchmark action."""\n\nimport json\nimport re\n\nNAMESPACE = "https://acme.example"\n\n']
    index = 0
    while sum(b.count("\n") for b in blocks) < lines - 45:
        blocks.append(
            f"\n\ndef check_{index}(event, api, limit={index}):\n"
            f'    """Rule {index}: deny after too many logins from one country."""\n'
            f"    country = event.request.geoip.country_code or 'unknown'\n"
            f"    if event.stats.logins_count > limit and country in ('KP', 'IR'):\n"
            f"        api.access.deny(f'rule {index}: {{country}}')\n"
            f"        return False\n"
            f"    api.access_token.set_custom_claim(f'{{NAMESPACE}}/rule{index}', json.dumps([country]))\n"
            f"    return re.match(r'^auth0\\|', event.user.user_id) is not None\n"
        )
        index += 1
    body = "".join(f"    if not check_{n}(event, api):\n        return\n" for n in range(min(index, 15)))
    blocks.append(f"\n\n{HANDLER}{body}    api.user.set_app_metadata('checked', {index})\n")
    return "".join(blocks)


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def _app():
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication([])


def _wait_until(predicate: Callable[[], bool], timeout_s: float = 20.0) -> None:
    app = _app()
    deadline = time.perf_counter() + timeout_s
    while not predicate():
        if time.perf_counter() > deadline:
            raise TimeoutError("condition not reached")
        app.processEvents()
        time.sleep(0.0005)


def _shown_editor(worker, text: str, trigger_id: str | None = "post-login"):
    from actions_studio.ui.editor.action_editor import ActionEditor

    editor = ActionEditor(worker, trigger_id)
    editor.resize(1000, 700)
    editor.set_text(text)
    editor.show()
    _app().processEvents()
    return editor


def _type_char(area, char: str) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    if char == "\n":
        QTest.keyClick(area, Qt.Key.Key_Return)
    else:
        QTest.keyClicks(area, char)


# ------------------------------------------------------------------------- first completion
def first_completion_child(warm_up: bool) -> None:
    """Runs in a fresh process: start-up, then one completion; prints the ms as JSON."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    app = _app()
    from actions_studio.analysis.worker import AnalysisWorker

    worker = AnalysisWorker(warm_up=warm_up)  # jedi loads (and warms) on its thread from here
    editor = _shown_editor(worker, HANDLER + "    ")
    deadline = time.perf_counter() + (STARTUP_DELAY_S if warm_up else 0.0)
    while time.perf_counter() < deadline:  # the rest of start-up: the window keeps the loop busy
        app.processEvents()
        time.sleep(0.005)
    view = editor.view()
    view.set_caret(view.length())
    QTest.keyClicks(editor.text_area(), "event")
    start = time.perf_counter()
    QTest.keyClick(editor.text_area(), Qt.Key.Key_Period)
    _wait_until(view.completion_active)
    elapsed = (time.perf_counter() - start) * 1000
    print(json.dumps({"ms": elapsed, "warm": worker.ready.is_set()}))
    editor.close()
    worker.stop()


def measure_first_completion(runs: int, warm_up: bool) -> list[float]:
    samples = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, __file__, "--child-first-completion", "warm" if warm_up else "cold"],
                             capture_output=True, text=True, check=True, timeout=120)
        samples.append(json.loads(out.stdout.strip().splitlines()[-1])["ms"])
    return samples


# --------------------------------------------------------------------- completion after warm-up
def measure_completions(worker, count: int) -> tuple[list[float], list[float]]:
    """(editor round trips, bare jedi calls) in ms, on a 300-line action."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from actions_studio.analysis.engine import JediEngine

    source = realistic_action(300)
    editor = _shown_editor(worker, source)
    view = editor.view()
    area = editor.text_area()
    # `event.` in the handler (trigger types), `re.` in the helpers (stdlib), on varied lines
    places = [(n, "event") for n in range(1, view.line_count() + 1) if view.line_text(n - 1).strip() == "return"]
    places += [(n, "re") for n in range(1, view.line_count() + 1) if view.line_text(n - 1).strip().startswith("country")]
    places = [place for pair in zip(places[: len(places) // 2], places[len(places) // 2:]) for place in pair]
    samples = []
    for attempt in range(count + 5):
        line, name = places[attempt % len(places)]
        view.set_caret(view.position_of(line, 10_000))
        QTest.keyClick(area, Qt.Key.Key_Return)
        QTest.keyClicks(area, name)
        start = time.perf_counter()
        QTest.keyClick(area, Qt.Key.Key_Period)
        _wait_until(view.completion_active)
        if attempt >= 5:  # the first few warm this file's parse in jedi
            samples.append((time.perf_counter() - start) * 1000)
        QTest.keyClick(area, Qt.Key.Key_Escape)
        editor.undo()
        while editor.text() != source and editor.can_undo():
            editor.undo()
    editor.close()
    engine = JediEngine()
    engine.warm_up()
    target = source.replace("    api.user.set_app_metadata", "    event.\n    api.user.set_app_metadata")
    line = target.split("\n").index("    event.") + 1
    bare = []
    for attempt in range(count + 5):
        start = time.perf_counter()
        assert engine.complete(target, line, 10, "post-login")
        if attempt >= 5:
            bare.append((time.perf_counter() - start) * 1000)
    return samples, bare


# ------------------------------------------------------------------------------- keystrokes
def measure_keystrokes(worker, keys: int) -> tuple[list[float], list[float]]:
    """(ActionEditor, QPlainTextEdit baseline) ms per keystroke incl. the repaint turn."""
    from PySide6.QtWidgets import QPlainTextEdit

    source = realistic_action(3000)
    text = (TYPED * (keys // len(TYPED) + 1))[:keys]
    app = _app()

    def type_into(area, place_caret: Callable[[], None]) -> list[float]:
        place_caret()
        samples = []
        for char in text:
            start = time.perf_counter()
            _type_char(area, char)
            app.processEvents()
            samples.append((time.perf_counter() - start) * 1000)
        return samples

    editor = _shown_editor(worker, source)
    view = editor.view()
    middle = view.line_count() // 2
    editor_samples = type_into(editor.text_area(), lambda: view.set_caret(view.position_of(middle, 10_000)))
    editor.close()

    plain = QPlainTextEdit()
    plain.resize(1000, 700)
    plain.setPlainText(source)
    plain.show()
    app.processEvents()

    def plain_caret() -> None:
        cursor = plain.textCursor()
        block = plain.document().findBlockByNumber(middle - 1)
        cursor.setPosition(block.position() + block.length() - 1)
        plain.setTextCursor(cursor)

    plain_samples = type_into(plain, plain_caret)
    plain.close()
    return editor_samples, plain_samples


def measure_diagnostics(runs: int) -> tuple[list[float], list[float]]:
    from actions_studio.analysis.diagnostics import diagnose

    big, small = realistic_action(3000), realistic_action(300)
    result = []
    for source in (big, small):
        samples = []
        for _ in range(runs):
            start = time.perf_counter()
            diagnose(source, "post-login", [])
            samples.append((time.perf_counter() - start) * 1000)
        result.append(samples)
    return result[0], result[1]


# ----------------------------------------------------------------- left for the main window
def measure_startup_to_idle() -> float | None:
    """MAIN-WINDOW ENGINEER: process start → main window shown and idle, in seconds.

    Left unfilled on purpose by the editor's owner (issue 4, section 8 row 1); return a median of
    fresh-process samples here (bench/bench_window.py measures it today) and the row shows it.
    """
    # Filled in by the main-window engineer: the studio on an existing workspace (tabs restored),
    # fresh processes timed to the window's first idle turn; bench_window.py prints the baselines.
    from bench_window import startup_samples

    return statistics.median(startup_samples(runs=5)["later"])


def _row(name: str, target: str, result: str, baseline: str) -> str:
    return f"| {name} | {target} | {result} | {baseline} |"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--completions", type=int, default=60)
    parser.add_argument("--keys", type=int, default=1000)
    parser.add_argument("--first-runs", type=int, default=3)
    parser.add_argument("--child-first-completion", choices=("warm", "cold"))
    args = parser.parse_args()
    if args.child_first_completion:
        first_completion_child(args.child_first_completion == "warm")
        return 0

    _app()
    from actions_studio.analysis.worker import AnalysisWorker

    first = measure_first_completion(args.first_runs, warm_up=True)
    cold = measure_first_completion(args.first_runs, warm_up=False)
    worker = AnalysisWorker()
    worker.ready.wait(30)
    completions, bare = measure_completions(worker, args.completions)
    keystrokes, plain = measure_keystrokes(worker, args.keys)
    diagnostics_big, diagnostics_small = measure_diagnostics(5)
    worker.stop()
    startup = measure_startup_to_idle()

    def ms(samples: list[float], fraction: float) -> str:
        return f"{percentile(samples, fraction):.1f} ms"

    print("| measurement | target | result | same-run baseline |")
    print("|---|---|---|---|")
    print(_row("process start → main window shown and idle", f"≤ {TARGET_STARTUP_S} s",
               f"{startup:.2f} s" if startup is not None else "— (main-window engineer: bench_window.py)", "—"))
    print(_row(f"first completion after start-up (`.` → list; ~{STARTUP_DELAY_S:.0f} s start-up, jedi warming in "
               f"the background; median of {len(first)} fresh processes, max)",
               f"≤ {TARGET_FIRST_COMPLETION_MS:.0f} ms",
               f"{statistics.median(first):.0f} ms (max {max(first):.0f})",
               f"no warm-up, typed at once: {statistics.median(cold):.0f} ms"))
    print(_row(f"completion p95, 300-line action, after warm-up (`.` → list on screen, n={len(completions)})",
               f"≤ {TARGET_COMPLETION_P95_MS:.0f} ms", f"{ms(completions, 0.95)} (p50 {ms(completions, 0.5)})",
               f"jedi call alone p95 {ms(bare, 0.95)}"))
    print(_row(f"keystroke p95, typing {len(keystrokes)} chars into a 3,000-line file (key + repaint turn)",
               f"≤ {TARGET_KEYSTROKE_P95_MS:.0f} ms", f"{ms(keystrokes, 0.95)} (p50 {ms(keystrokes, 0.5)}, "
               f"max {max(keystrokes):.1f} ms)", f"QPlainTextEdit p95 {ms(plain, 0.95)}"))
    print(_row("diagnostics of the 3,000-line file (worker thread, once per pause)", "—",
               f"median {statistics.median(diagnostics_big):.0f} ms",
               f"300 lines: {statistics.median(diagnostics_small):.0f} ms"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
