"""The semantic tsserver, and a quick one while it loads Node's types (VS Code's TypeScript
client keeps a separate server for cheap answers while the semantic one warms up; STYLE.md).

Loading ``@types/node`` (~70 declaration files) takes tsserver 1-3 s on these machines, during
which it answers nothing; without them a server answers ``event.`` in a fraction of a second. So
two start together: the *semantic* server with Node's types, set up without waiting, and a
*quick* one without them, waited for. Questions go to the quick one until the semantic one has
answered its set-up, then to the semantic one, and the quick one stops. Diagnostics always come
from the semantic server (the quick one would call ``require`` and ``console`` unknown), and
every document update goes to both while both run. Only the semantic server's death counts:
the quick one is a convenience.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from actions_studio import nodejs
from actions_studio.analysis.typescript.install import TypeScriptInstall
from actions_studio.analysis.typescript.server import TsServer, TsServerError

PREFERENCES = {"includeCompletionsWithInsertText": True, "quotePreference": "double"}


class TsServers:
    def __init__(self, install: TypeScriptInstall, node: nodejs.Node, options: dict[str, Any], *,
                 compile_cache: Path | None = None, quick: bool = True) -> None:
        self._options = options
        self.semantic = TsServer(install, node, compile_cache=compile_cache)
        self.quick: TsServer | None = TsServer(install, node, compile_cache=compile_cache) if quick else None
        self._ready_seq: int | None = None

    def start(self, opened: list[dict[str, Any]], shared: list[dict[str, Any]]) -> None:
        """Start both; ``opened`` are the documents, ``shared`` the declaration files every
        project opens (they are opened first)."""
        self.semantic.start()
        self.semantic.send("configure", {"hostInfo": "actions-studio", "preferences": PREFERENCES})
        self.semantic.send("compilerOptionsForInferredProjects", {"options": self._options})
        # tsserver loads the program for this update: its answer means "ready".
        self._ready_seq = self.semantic.send("updateOpen", {"openFiles": shared + opened}, watch=True)
        if self.quick is not None:
            try:
                self.quick.start()
                self.quick.request("configure", {"hostInfo": "actions-studio", "preferences": PREFERENCES})
                self.quick.request("compilerOptionsForInferredProjects", {"options": {**self._options, "types": []}})
                self.quick.request("updateOpen", {"openFiles": shared + opened})
            except TsServerError:
                self._drop_quick()

    def semantic_ready(self) -> bool:
        return self._ready_seq is not None and self.semantic.answered(self._ready_seq)

    def alive(self) -> bool:
        return self.semantic.alive()

    def for_question(self, *, semantic: bool) -> TsServer:
        """The server to ask: the semantic one once ready (or when the question needs Node's
        types), else the quick one."""
        if self.semantic_ready():
            self._drop_quick()
            return self.semantic
        if not semantic and self.quick is not None and self.quick.alive():
            return self.quick
        return self.semantic

    def send_all(self, command: str, arguments: dict[str, Any]) -> None:
        """A document update, to every running server, without waiting (tsserver applies its
        input in order, so a later question sees it)."""
        if self.quick is not None:
            try:
                self.quick.send(command, arguments)
            except TsServerError:
                self._drop_quick()
        self.semantic.send(command, arguments)

    def _drop_quick(self) -> None:
        quick, self.quick = self.quick, None
        if quick is not None:
            quick.stop(timeout=2.0)

    def stop(self, timeout: float = 5.0) -> None:
        self._drop_quick()
        self.semantic.stop(timeout)
