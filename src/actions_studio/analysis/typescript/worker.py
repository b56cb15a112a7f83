"""One thread owns the TypeScript engine (tsserver); the jedi worker's contract (owner.py), plus
tsserver's cancellation: a request superseded while tsserver works on it is cancelled there, and
so is a document's diagnostics run when a completion, call tip or hover of it arrives (it runs
again after the answer; owner.py's lanes).

The calls are the jedi worker's, so an editor asks either the same way: ``complete(channel,
source, line, column, trigger_id, reply)``, ``signatures``, ``hover``, and ``diagnostics(channel,
source, trigger_id, reply)``. A channel is ``"<document>:<question>"`` (the editor's
``"editor:<id>:complete"``): every question of one document shares its virtual file in tsserver.
``set_extra_paths(document, [dir])`` names the folder whose ``node_modules`` that document's
``require`` resolves (the folder itself when it is a ``node_modules``).

Start-up runs on the owner's thread, never the caller's: install on first use (``progress``
gets each line, e.g. for a status bar), start tsserver, warm up. `state` says where it is.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from actions_studio.analysis.owner import DEFER, EngineOwner, Reply, Request, document_of
from actions_studio.analysis.typescript.server import TsServerError

if TYPE_CHECKING:
    # Imported on the owner's thread when the engine is made (_default_engine): the engine reads
    # the whole trigger catalog (pydantic models) for its types, which a window restoring a
    # JavaScript tab must not pay before it is shown (issue 12 item 10, issue 16's start row).
    from actions_studio.analysis.typescript.engine import TypeScriptEngine


def _default_engine(progress: Callable[[str], None] | None) -> "TypeScriptEngine":
    from actions_studio.analysis.typescript.engine import TypeScriptEngine

    return TypeScriptEngine(progress=progress)


__all__ = ["TypeScriptWorker", "document_of"]


class TypeScriptWorker(EngineOwner["TypeScriptEngine"]):
    interruptible = True  # tsserver's cancellation files

    def __init__(
        self,
        engine_factory: Callable[[], TypeScriptEngine] | None = None,
        *,
        warm_up: bool = True,
        progress: Callable[[str], None] | None = None,
    ) -> None:
        self._engine_factory = engine_factory or (lambda: _default_engine(progress))
        self._node_modules: Path | None = None
        self.state = "starting"
        super().__init__("tsserver-owner", warm_up=warm_up)

    def _create_engine(self) -> TypeScriptEngine:
        return self._engine_factory()

    def _warm(self, engine: TypeScriptEngine) -> None:
        self.state = "installing or starting"
        try:
            engine.start()
            engine.warm_up()
        except TsServerError as exc:  # later questions try again; the state says why for now
            self.state = f"failed: {engine.failed or exc}"
        else:
            self.state = f"failed: {engine.failed}" if engine.failed else "ready"

    def _started(self, engine: TypeScriptEngine, request: Request[TypeScriptEngine]) -> None:
        engine.begin_question()  # under the owner's lock: a cancel from now on is this request's

    def _prepare(self, engine: TypeScriptEngine, request: Request[TypeScriptEngine]) -> None:
        paths = self._paths_for(request.channel)
        self._node_modules = _node_modules(paths[0]) if paths else None

    def _superseded(self, engine: TypeScriptEngine) -> None:
        engine.cancel_in_flight()

    def _shutdown(self, engine: TypeScriptEngine) -> None:
        engine.stop()

    def complete(self, channel: str, source: str, line: int, column: int, trigger_id: str | None, reply: Reply) -> int:
        key = document_of(channel)
        return self.submit(channel, lambda e: e.complete(key, source, line, column, trigger_id, self._node_modules), reply,
                           interactive=True)

    def signatures(self, channel: str, source: str, line: int, column: int, trigger_id: str | None, reply: Reply) -> int:
        key = document_of(channel)
        return self.submit(channel, lambda e: e.signatures(key, source, line, column, trigger_id, self._node_modules), reply,
                           interactive=True)

    def hover(self, channel: str, source: str, line: int, column: int, trigger_id: str | None, reply: Reply) -> int:
        key = document_of(channel)
        return self.submit(channel, lambda e: e.hover(key, source, line, column, trigger_id, self._node_modules), reply,
                           interactive=True)

    def diagnostics(self, channel: str, source: str, trigger_id: str | None, reply: Reply) -> int:
        """Answered by the semantic server only: deferred (not blocking other questions) while it
        loads Node's types."""
        key = document_of(channel)

        def work(engine: TypeScriptEngine):
            if not engine.semantic_ready() and not engine.failed:
                engine.start()
                return DEFER
            return engine.diagnostics(key, source, trigger_id, self._node_modules)

        return self.submit(channel, work, reply)

    def close(self, document: str) -> None:
        """The document's editor closed: tsserver forgets its file."""
        self.submit(f"{document}:close", lambda e: e.close(document), lambda _request_id, _answer: None)


def _node_modules(path: Path) -> Path:
    return path if path.name == "node_modules" else path / "node_modules"
