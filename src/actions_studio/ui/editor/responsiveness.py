"""Keep keystrokes fast while jedi works on its thread: two process-wide interpreter settings.

jedi is pure Python, so while it completes on a big file it holds the GIL most of the time. Every
keystroke calls into Python several times (key handler, Scintilla notifications, repaint slots),
and each call waits for the GIL. Measured on a 3,000-line file (bench/bench_editor.py):

- with the default 5 ms switch interval, each of those waits can last 5 ms: keystroke p95
  13.5 ms; at 1 ms it is 7.8 ms;
- the cyclic garbage collector's full collections, run on the jedi thread over jedi's warm-up
  caches, took ~200 ms each and froze typing for as long; `gc.freeze()` after the warm-up moves
  those long-lived objects out of the collector's way (full collections ~16 ms).

Both are process-wide, so they are applied once per process, idempotently, and never loosen a
stricter setting. The natural owner is the worker or the app's start-up; the editor applies them
so that every process with an editor gets them.
"""

from __future__ import annotations

import gc
import sys
import threading
import weakref

from actions_studio.analysis.owner import EngineOwner

SWITCH_INTERVAL_S = 0.001
_lock = threading.Lock()
_frozen_for: weakref.WeakSet[EngineOwner] = weakref.WeakSet()


def keep_typing_responsive(worker: EngineOwner) -> None:
    """Shorten GIL hand-offs now; freeze the GC's view of jedi's caches once the worker is warm."""
    if sys.getswitchinterval() > SWITCH_INTERVAL_S:
        sys.setswitchinterval(SWITCH_INTERVAL_S)
    with _lock:
        if worker in _frozen_for:
            return
        _frozen_for.add(worker)
    # Queued behind the warm-up on the worker's own thread, so it runs once jedi's caches exist.
    worker.submit("process:gc-freeze", lambda _engine: gc.freeze(), lambda _request_id, _answer: None)
