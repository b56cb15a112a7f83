"""One thread owns jedi; requests carry ids and stale ones are dropped (Spyder's broker contract).

A *channel* is one asker, e.g. ``"editor:<action id>:complete"``. Only the newest request of a
channel matters: an older one still queued is skipped without running, and an answer that arrives
after a newer request was made is not delivered. The caller (the editor, through a Qt signal in
ui/) receives ``(request_id, answer)`` in its callback, on the worker thread.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from actions_studio.analysis.engine import JediEngine
from actions_studio.latest_requests import LatestRequests

log = logging.getLogger(__name__)

Reply = Callable[[int, Any], None]


@dataclass(frozen=True)
class _Request:
    request_id: int
    channel: str
    work: Callable[[JediEngine], Any]
    reply: Reply


class AnalysisWorker:
    def __init__(self, engine_factory: Callable[[], JediEngine] = JediEngine, *, warm_up: bool = True) -> None:
        self._queue: queue.Queue[_Request | None] = queue.Queue()
        self._requests = LatestRequests()
        self._lock = threading.Lock()  # guards _extra_paths
        self._extra_paths: dict[str, tuple[Path, ...]] = {}
        self._engine_factory = engine_factory
        self._warm_up = warm_up
        self.ready = threading.Event()  # set once jedi is loaded and warm
        self._thread = threading.Thread(target=self._run, name="jedi-owner", daemon=True)
        self._thread.start()

    def submit(self, channel: str, work: Callable[[JediEngine], Any], reply: Reply) -> int:
        request_id = self._requests.begin(channel)
        self._queue.put(_Request(request_id, channel, work, reply))
        return request_id

    def set_extra_paths(self, owner: str, paths: Sequence[Path]) -> None:
        """Where jedi looks for the packages of `owner`'s requests (channels `owner` and `owner:*`),
        e.g. an editor's action environment (issue 8). One engine serves every editor, so the
        paths are applied per request."""
        with self._lock:
            self._extra_paths[owner] = tuple(Path(p) for p in paths)

    def _paths_for(self, channel: str) -> tuple[Path, ...]:
        with self._lock:
            owner = next((o for o in self._extra_paths if channel == o or channel.startswith(o + ":")), None)
            return self._extra_paths[owner] if owner is not None else ()

    def is_newest(self, channel: str, request_id: int) -> bool:
        return self._requests.is_newest(channel, request_id)

    def complete(self, channel: str, source: str, line: int, column: int, trigger_id: str | None, reply: Reply) -> int:
        return self.submit(channel, lambda e: e.complete(source, line, column, trigger_id), reply)

    def signatures(self, channel: str, source: str, line: int, column: int, trigger_id: str | None, reply: Reply) -> int:
        return self.submit(channel, lambda e: e.signatures(source, line, column, trigger_id), reply)

    def hover(self, channel: str, source: str, line: int, column: int, trigger_id: str | None, reply: Reply) -> int:
        return self.submit(channel, lambda e: e.hover(source, line, column, trigger_id), reply)

    def stop(self, timeout: float = 5.0) -> None:
        self._queue.put(None)
        self._thread.join(timeout)

    def _run(self) -> None:
        engine = self._engine_factory()
        if self._warm_up:
            engine.warm_up()
        self.ready.set()
        while (request := self._queue.get()) is not None:
            if not self.is_newest(request.channel, request.request_id):
                continue  # superseded while queued: never run
            try:
                engine.set_extra_paths(self._paths_for(request.channel))
                answer = request.work(engine)
            except Exception:  # a bug in one request must not kill the only jedi thread
                log.exception("analysis request %s failed", request.request_id)
                answer = None
            if self.is_newest(request.channel, request.request_id):
                try:
                    request.reply(request.request_id, answer)
                except Exception:  # nor may a caller's reply callback
                    log.exception("reply to analysis request %s failed", request.request_id)
