"""One thread owns jedi; requests carry ids and stale ones are dropped (owner.py has the contract).

jedi cannot be interrupted, so a request superseded while it runs finishes and its answer is
dropped; one superseded while queued never runs. Completions, call tips and hover are interactive
(owner.py): they pass a queued diagnostics run, but not one in flight.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from actions_studio.analysis.owner import EngineOwner, Reply, Request

if TYPE_CHECKING:
    from actions_studio.analysis.engine import JediEngine


def jedi_engine() -> "JediEngine":
    # Imported on the owner's thread when the engine is made: importing jedi costs ~0.1 s, which
    # the studio's start must not pay before its window is shown (issue 12 item 10).
    from actions_studio.analysis.engine import JediEngine

    return JediEngine()


class AnalysisWorker(EngineOwner["JediEngine"]):
    def __init__(self, engine_factory: Callable[[], "JediEngine"] = jedi_engine, *, warm_up: bool = True) -> None:
        self._engine_factory = engine_factory
        super().__init__("jedi-owner", warm_up=warm_up)

    def _create_engine(self) -> "JediEngine":
        return self._engine_factory()

    def _warm(self, engine: "JediEngine") -> None:
        engine.warm_up()

    def _prepare(self, engine: "JediEngine", request: Request["JediEngine"]) -> None:
        engine.set_extra_paths(self._paths_for(request.channel))

    def complete(self, channel: str, source: str, line: int, column: int, trigger_id: str | None, reply: Reply) -> int:
        return self.submit(channel, lambda e: e.complete(source, line, column, trigger_id), reply, interactive=True)

    def signatures(self, channel: str, source: str, line: int, column: int, trigger_id: str | None, reply: Reply) -> int:
        return self.submit(channel, lambda e: e.signatures(source, line, column, trigger_id), reply, interactive=True)

    def hover(self, channel: str, source: str, line: int, column: int, trigger_id: str | None, reply: Reply) -> int:
        return self.submit(channel, lambda e: e.hover(source, line, column, trigger_id), reply, interactive=True)
