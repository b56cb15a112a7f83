"""Warm Node workers: spares started ahead, workers kept per action version, recycled.

Firebase's emulator pool taught the states and keys (STYLE.md): a worker is a *spare* (started,
ready, no action code yet), then bound to one *key* — the action's name, code, secrets and
dependency directories — for the rest of its life. An execution takes an idle worker of its key,
else a spare (a spare can only take an action without dependencies: its file allow-list was fixed
at start), else starts one. Afterwards the worker goes back idle under its key unless it must be
recycled: it crashed, timed out or was stopped, its top-level code threw, it ran `MAX_RUNS` times or
its memory grew past `RSS_LIMIT_FRACTION` of the memory limit. Spares are refilled by a thread of
the pool, off the caller's path. Two actions whose secrets differ never share a process.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from typing import Optional

from ..capture import REDACTION_SLACK
from ..limits import SandboxLimits
from ..result import ActionSource
from .launcher import Launcher
from .worker import NodeWorker

SPARES = int(os.environ.get("ACTIONS_STUDIO_NODE_SPARES", "2"))
MAX_RUNS = 1000
RSS_LIMIT_FRACTION = 0.5
# Idle workers kept per key (concurrent executions of one action each need one): IDLE_PER_KEY, or
# as many as that key had in use at once when that is more, as the Python sandbox's warm
# children (python/warm.WARM_CAPS). A fixed cap closed a burst's workers past it as they came back and
# started new ones for the next burst: with 4, bench_tenant's JS flow (16 concurrent logins), 6
# phases each, load average 4-4.5, spent 3.2-19.9 ms of sandbox CPU per login (3 of 6 phases over
# 17) at 61.1 logins/s median; with 8, 3.1-4.7 ms and 66.8. MAX_IDLE bounds them all (least
# recently used key first).
IDLE_PER_KEY = 8
MAX_IDLE = 32


def worker_key(trigger_id: str, source: ActionSource) -> str:
    """What a worker is bound to: the same key means the same code, name, secrets and
    dependencies, so reusing its process shows nothing another action put there."""
    data = json.dumps([trigger_id, source.name, source.code, sorted(source.secrets.items()),
                       list(source.sys_path)], ensure_ascii=False)
    return hashlib.sha256(data.encode("utf-8", "surrogatepass")).hexdigest()


class NodePool:
    def __init__(self, limits: SandboxLimits, *, spares: int = SPARES, launcher: Optional[Launcher] = None) -> None:
        self.limits = limits
        self.launcher = launcher or Launcher(limits)
        self.target = max(0, spares)
        self._lock = threading.Condition()
        self._spares: list[NodeWorker] = []
        self._idle: OrderedDict[str, list[NodeWorker]] = OrderedDict()  # least recently used first
        # Per key: workers in use now, and the most in use at once while the key has workers.
        self._busy: dict[str, int] = {}
        self._peak: dict[str, int] = {}
        self._starting = 0
        self._closed = False
        # Every worker is started from these long-lived threads: a worker dies with the thread that
        # started it (PR_SET_PDEATHSIG), so never from a caller's thread, which may end any time.
        self._starter = ThreadPoolExecutor(max_workers=2, thread_name_prefix="node-start")
        self._probed = self._starter.submit(self.launcher.probe)
        self._refill = threading.Thread(target=self._refill_loop, name="node-pool-refill", daemon=True)
        self._refill.start()

    # ----------------------------------------------------------------------------------- use

    def acquire(self, key: str, dirs: tuple[str, ...]) -> NodeWorker:
        with self._lock:
            if self._closed:
                raise RuntimeError("the Node pool is closed")
            idle = self._idle.get(key)
            if idle:
                worker = idle.pop()
                if not idle:
                    del self._idle[key]
                return self._taken(worker, key)
            if not dirs and self._spares:
                worker = self._spares.pop()
                self._lock.notify_all()  # the refill thread starts the next spare
                return self._taken(worker, key)
        worker = self._start(dirs)
        with self._lock:
            return self._taken(worker, key)

    def _taken(self, worker: NodeWorker, key: str) -> NodeWorker:
        """Bind ``worker`` to ``key`` and count it in use (the lock held)."""
        worker.key = key
        busy = self._busy[key] = self._busy.get(key, 0) + 1
        self._peak[key] = max(self._peak.get(key, 0), busy)
        return worker

    def release(self, worker: NodeWorker) -> None:
        recycle = (worker.dead or worker.runs >= MAX_RUNS
                   or worker.rss > self.limits.memory_bytes * RSS_LIMIT_FRACTION)
        evicted: list[NodeWorker] = []
        with self._lock:
            key = worker.key
            if key is not None and self._busy.get(key):
                self._busy[key] -= 1
            if recycle or key is None or self._closed:
                evicted.append(worker)
            else:
                idle = self._idle.setdefault(key, [])
                self._idle.move_to_end(key)
                idle.append(worker)
                if len(idle) > max(IDLE_PER_KEY, self._peak.get(key, 0)):
                    evicted.append(idle.pop(0))
                while sum(len(v) for v in self._idle.values()) > MAX_IDLE:
                    oldest_key, oldest = next(iter(self._idle.items()))
                    evicted.append(oldest.pop(0))
                    if not oldest:
                        del self._idle[oldest_key]
            for gone in {w.key for w in evicted} - {None}:
                if not self._busy.get(gone) and not self._idle.get(gone):
                    # Its last worker: a later burst of the key starts over.
                    self._busy.pop(gone, None)
                    self._peak.pop(gone, None)
        for w in evicted:
            w.close()

    def stats(self) -> dict[str, int]:
        with self._lock:
            return {"spares": len(self._spares), "idle": sum(len(v) for v in self._idle.values()),
                    "keys": len(self._idle)}

    # ------------------------------------------------------------------------------- workers

    def _start(self, dirs: tuple[str, ...] = ()) -> NodeWorker:
        self._probed.result()
        return self._starter.submit(self._start_here, dirs).result()

    def _start_here(self, dirs: tuple[str, ...]) -> NodeWorker:
        worker = NodeWorker(self.launcher.start(dirs))
        worker.console_limit = self.limits.output_bytes + REDACTION_SLACK
        worker.wait_ready()
        return worker

    def layers(self) -> dict[str, dict[str, object]]:
        """The OS layers measured for the workers (probe.py): ``{"layers": …, "notes": …}``."""
        self._probed.result()
        return {"layers": dict(self.launcher.layers), "notes": dict(self.launcher.notes)}

    def _refill_loop(self) -> None:
        while True:
            with self._lock:
                while not self._closed and len(self._spares) + self._starting >= self.target:
                    self._lock.wait()
                if self._closed:
                    return
                self._starting += 1
            try:
                worker: Optional[NodeWorker] = self._start()
            except Exception:  # noqa: BLE001 - reported by the next acquire that starts one itself
                worker = None
            with self._lock:
                self._starting -= 1
                if worker is not None and not self._closed:
                    self._spares.append(worker)
                    worker = None
            if worker is not None:
                worker.close()
            if worker is None and not self._spares:
                # Do not spin when Node cannot start: acquire() starts workers itself and says why.
                with self._lock:
                    self._lock.wait(1.0)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers = self._spares + [w for ws in self._idle.values() for w in ws]
            self._spares, self._idle = [], OrderedDict()
            self._lock.notify_all()
        for w in workers:
            w.close()
        self._refill.join(timeout=10)
        self._starter.shutdown(wait=True, cancel_futures=True)
        for w in self._drain():
            w.close()
        self.launcher.close()

    def _drain(self) -> list[NodeWorker]:
        with self._lock:
            workers, self._spares = self._spares, []
        return workers
