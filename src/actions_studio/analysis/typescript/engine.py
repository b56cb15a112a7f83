"""The one adapter around tsserver: plain inputs in, the project's frozen dataclasses out.

The same contract as the jedi engine (analysis/engine.py): every call takes the whole source and
an editor position (1-based line, 0-based code-point column), answers with `Completion`,
`SignatureHelp`, `HoverDoc` or `Diagnostic` (analysis/model.py), and never raises on bad input —
a failure means "no answer". Not thread-safe: `TypeScriptWorker` (worker.py) owns the only
instance and calls it from one thread; only `cancel_in_flight` may be called from another.

Positions. The editor's lines are Scintilla's (``\r\n``, ``\r``, ``\n``), tsserver's TypeScript's
(those and U+2028, U+2029): an editor position becomes a string index of the source, then of the
virtual source, then tsserver's location (locations.py), and back the same way.

Documents. Each asker (an editor: the *document key*) has one virtual file in tsserver: the
source with the trigger's types injected (virtual.py), at a path chosen so ``require`` resolves
that action's ``node_modules`` when one is given. Only what changed since the last call is sent
(edits.py: one text change per edited run of lines), so tsserver re-parses incrementally.

Servers. A quick tsserver answers completions, signatures and hover while the semantic one
loads Node's types (servers.py); diagnostics wait for the semantic one (`semantic_ready`).

Restarts. When tsserver dies (a crash, out of memory, killed), the next call starts a new one,
sends the configuration and every open document again, and retries once — VS Code's TypeScript
client does the same. More than `MAX_RESTARTS` deaths within `RESTART_WINDOW_S` and the engine
gives up (`failed` says why) instead of looping.
"""

from __future__ import annotations

import difflib
import hashlib
import logging
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

from actions_studio import nodejs
from actions_studio.analysis.model import Completion, Diagnostic, HoverDoc, SignatureHelp
from actions_studio.analysis.positions import editor_line_starts, index_of_position, position_of_index
from actions_studio.analysis.typescript.edits import text_changes
from actions_studio.analysis.typescript.install import TypeScriptInstall, TypeScriptInstallError, ensure_install
from actions_studio.analysis.typescript.locations import index_of_location, location_of_index
from actions_studio.analysis.typescript.server import (
    TsRequestCancelled,
    TsServer,
    TsServerDied,
    TsServerError,
)
from actions_studio.analysis.typescript.servers import TsServers
from actions_studio.analysis.typescript.virtual import VirtualSource, inject_trigger_types
from actions_studio.triggers.javascript import javascript_view
from actions_studio.triggers.ts_stubs import AUTH0_GLOBALS, PACKAGE, shipped_dir

log = logging.getLogger(__name__)

MAX_RESTARTS = 3
RESTART_WINDOW_S = 60.0
REQUEST_TIMEOUT_S = 30.0
WARM_UP_SOURCE = "exports.onExecutePostLogin = async (event, api) => {\n  event.\n};\n"

# tsserver's completion kinds (ScriptElementKind) in the jedi vocabulary the editor's badges use.
_KINDS = {
    "method": "function", "function": "function", "local function": "function", "constructor": "function",
    "construct": "function", "call": "function",
    "property": "property", "getter": "property", "setter": "property", "accessor": "property",
    "enum member": "property",
    "var": "statement", "let": "statement", "const": "statement", "local var": "statement",
    "using": "statement", "await using": "statement",
    "parameter": "param",
    "class": "class", "local class": "class", "interface": "class", "type": "class", "enum": "class",
    "type parameter": "class",
    "module": "module", "external module name": "module", "alias": "module",
    "script": "path", "directory": "path",
    "keyword": "keyword", "primitive type": "keyword",
    "string": "instance",
}
_DISPLAY_KIND = re.compile(r"^\((?:[a-z ]+)\) ")


def compiler_options(install: TypeScriptInstall, stubs: Path) -> dict[str, Any]:
    """checkJs for Node 22 CommonJS, with the trigger declarations under their package name."""
    return {
        "allowJs": True,
        "checkJs": True,
        "noEmit": True,
        "module": "node16",
        "moduleResolution": "node16",
        "moduleDetection": "force",  # every action file is a module: no clashes between editors
        "target": "es2023",
        "lib": ["es2023"],
        "types": ["node"],
        "typeRoots": [str(install.types_root)],
        "paths": {f"{PACKAGE}/*": [str(stubs / PACKAGE / "*")], PACKAGE: [str(stubs / PACKAGE / "index.d.ts")]},
        # Like VS Code's `// @ts-check` for JavaScript: wrong types and unknown names, not strictness.
        "strict": False,
        "skipLibCheck": True,
        "maxNodeModuleJsDepth": 0,
    }


@dataclass
class _Document:
    path: str
    virtual: VirtualSource
    node_modules: Path | None


class TypeScriptEngine:
    def __init__(
        self,
        install: TypeScriptInstall | None = None,
        node: nodejs.Node | None = None,
        *,
        progress: Callable[[str], None] | None = None,
        quick: bool = True,
    ) -> None:
        self._install = install
        self._node = node
        self._progress = progress
        self._stubs = shipped_dir()
        self._root = Path(tempfile.mkdtemp(prefix="actions-studio-js-"))
        self._documents: dict[str, _Document] = {}
        self._servers: TsServers | None = None
        self._quick = quick
        self._deaths: list[float] = []
        self._in_flight_lock = threading.Lock()
        self._in_flight: tuple[TsServer, int] | None = None
        self._superseded = False
        self.failed: str | None = None  # why the engine gave up, once it has
        self.restarts = 0
        self.cancelled = 0  # requests tsserver dropped because a newer one superseded them

    # -- lifecycle ------------------------------------------------------------------------------

    def start(self) -> None:
        """Install on first use (progress reported), then start tsserver; idempotent."""
        if self._servers is not None:
            if self._servers.alive():
                return
            self._server_died()  # it died between two calls
        if self.failed:
            raise TsServerDied(self.failed)
        try:
            if self._install is None:
                self._install = ensure_install(self._progress)
            if self._node is None:
                self._node = nodejs.find_node()
        except (TypeScriptInstallError, nodejs.NodeError) as exc:
            self.failed = str(exc)
            raise TsServerDied(self.failed) from None
        if not self._install.tsserver.is_file():
            self.failed = f"TypeScript's tsserver is missing at {self._install.tsserver}; reinstall it"
            raise TsServerDied(self.failed)
        cache = Path(platformdirs.user_cache_dir("actions-studio", appauthor=False)) / "node-compile-cache"
        servers = TsServers(self._install, self._node, compiler_options(self._install, self._stubs),
                            compile_cache=cache, quick=self._quick)
        self._servers = servers
        servers.start([self._open_args(doc) for doc in self._documents.values()],
                      [{"file": str(self._stubs / PACKAGE / AUTH0_GLOBALS), "scriptKindName": "TS"}])

    def semantic_ready(self) -> bool:
        """True once the semantic server (Node's types loaded) answers; diagnostics wait for it."""
        return self._servers is not None and self._servers.semantic_ready()

    def warm_up(self) -> None:
        """The first answer loads the stubs: pay it before anyone asks (the quick server)."""
        self.complete("warm-up", WARM_UP_SOURCE, 2, len("  event."), "post-login")
        self.close("warm-up")

    def stop(self) -> None:
        servers, self._servers = self._servers, None
        if servers is not None:
            servers.stop()
        shutil.rmtree(self._root, ignore_errors=True)

    @property
    def install(self) -> TypeScriptInstall | None:
        return self._install

    @property
    def server_pid(self) -> int | None:
        """The semantic server's process id."""
        return self._servers.semantic.pid if self._servers is not None else None

    @property
    def in_flight(self) -> int | None:
        """The sequence number of the request tsserver is working on, if any."""
        with self._in_flight_lock:
            return self._in_flight[1] if self._in_flight is not None else None

    def begin_question(self) -> None:
        """A new question starts (the owner's thread): nothing of it is cancelled yet."""
        with self._in_flight_lock:
            self._superseded = False

    def cancel_in_flight(self) -> None:
        """The question being answered was superseded (called from another thread): tsserver
        drops the request it is working on, and the question's later requests are not sent.
        Document updates still go out: tsserver's copy must stay the editor's."""
        with self._in_flight_lock:
            self._superseded = True
            in_flight = self._in_flight
        if in_flight is not None:
            in_flight[0].cancel(in_flight[1])

    # -- documents ------------------------------------------------------------------------------

    def _path_for(self, key: str, node_modules: Path | None) -> str:
        name = "action-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16] + ".js"
        # tsserver resolves `require("pkg")` by walking up from the file: put the virtual file in
        # a folder beside the action's node_modules.
        folder = node_modules.parent / ".actions-studio-editor" if node_modules is not None else self._root
        return str(folder / name)

    def _open_args(self, doc: _Document) -> dict[str, Any]:
        return {"file": doc.path, "fileContent": doc.virtual.text, "scriptKindName": "JS"}

    def _sync(self, key: str, source: str, trigger_id: str | None, node_modules: Path | None) -> _Document:
        virtual = inject_trigger_types(source, trigger_id)
        path = self._path_for(key, node_modules)
        old = self._documents.get(key)
        document = _Document(path, virtual, node_modules)
        if old is not None and old.path == path and old.virtual.text == virtual.text:
            return old
        if old is None or old.path != path:
            arguments: dict[str, Any] = {"openFiles": [self._open_args(document)]}
            if old is not None:
                arguments["closedFiles"] = [old.path]
        else:
            changes = text_changes(old.virtual.text, virtual.text, old.virtual.line_starts)
            arguments = {"changedFiles": [{"fileName": path, "textChanges": changes}]}
        self.start()  # a (re)start opens the documents it knows: this one must not be among them yet
        self._documents[key] = document
        try:
            assert self._servers is not None
            self._servers.send_all("updateOpen", arguments)
        except TsServerDied:
            self._server_died()
            self.start()  # sends every document as it is now, this one included
        return document

    def close(self, key: str) -> None:
        """Forget a document (its editor closed)."""
        doc = self._documents.pop(key, None)
        if doc is not None and self._servers is not None and self._servers.alive():
            try:
                self._servers.send_all("updateOpen", {"closedFiles": [doc.path]})
            except TsServerError:
                log.debug("closing %s failed", key, exc_info=True)

    # -- requests -------------------------------------------------------------------------------

    def _call(self, command: str, arguments: dict[str, Any], *, semantic: bool = False) -> Any:
        """One question, restarting a dead tsserver (open documents re-sent) and retrying once.
        ``semantic`` questions go to the semantic server even while the quick one runs."""
        for attempt in (1, 2):
            try:
                self.start()
                assert self._servers is not None
                server = self._servers.for_question(semantic=semantic)
                with self._in_flight_lock:
                    if self._superseded:
                        raise TsRequestCancelled(f"{command} was superseded before it was sent")
                try:
                    return server.request(command, arguments, timeout=REQUEST_TIMEOUT_S,
                                          on_sent=lambda seq: self._sent(server, seq))
                finally:
                    with self._in_flight_lock:
                        self._in_flight = None
            except TsServerDied:
                if self._servers is not None and self._servers.alive():
                    raise  # the quick server died mid-answer: no answer this time, nothing to restart
                self._server_died()
                if attempt == 2 or self.failed:
                    raise
        raise AssertionError("unreachable")

    def _sent(self, server: TsServer, seq: int) -> None:
        with self._in_flight_lock:
            self._in_flight = (server, seq)
            superseded = self._superseded
        if superseded:
            server.cancel(seq)  # superseded between the check and the write

    def _server_died(self) -> None:
        servers, self._servers = self._servers, None
        if servers is not None:
            servers.stop(timeout=1.0)
        now = time.monotonic()
        self._deaths = [t for t in self._deaths if now - t < RESTART_WINDOW_S] + [now]
        if len(self._deaths) > MAX_RESTARTS:
            self.failed = f"tsserver died {len(self._deaths)} times within {RESTART_WINDOW_S:g} s; JavaScript analysis is off"
            log.error(self.failed)
        else:
            self.restarts += 1
            log.warning("tsserver died; restarting it with %d open documents", len(self._documents))

    def _at(self, key: str, source: str, index: int, trigger_id: str | None,
            node_modules: Path | None) -> dict[str, Any]:
        """Sync the document and give tsserver's location of a string index of the source."""
        doc = self._sync(key, source, trigger_id, node_modules)
        virtual = doc.virtual
        return {"file": doc.path, **location_of_index(virtual.text, virtual.line_starts, virtual.to_virtual(index))}

    def _guarded(self, what: str, work: Callable[[], Any], empty: Any) -> Any:
        try:
            return work()
        except TsRequestCancelled:
            self.cancelled += 1
            return empty
        except TsServerError:
            log.debug("%s failed", what, exc_info=True)
            return empty
        except Exception:  # a bug here must not break the editor; the log says what
            log.exception("%s failed", what)
            return empty

    def complete(self, key: str, source: str, line: int, column: int, trigger_id: str | None,
                 node_modules: Path | None = None) -> list[Completion]:
        def work() -> list[Completion]:
            cursor = _cursor(source, line, column)
            if cursor is None:
                return []
            where = self._at(key, source, cursor[1], trigger_id, node_modules)
            before = source[cursor[0]:cursor[1]]
            arguments = {**where, "includeExternalModuleExports": False, "includeInsertTextCompletions": True}
            if before.endswith("."):
                arguments["triggerCharacter"] = "."
            body = self._call("completionInfo", arguments) or {}
            typed = _typed_prefix(before)
            return [_completion(entry, typed) for entry in body.get("entries", ())]

        return self._guarded("completion", work, [])

    def signatures(self, key: str, source: str, line: int, column: int, trigger_id: str | None,
                   node_modules: Path | None = None) -> SignatureHelp | None:
        def work() -> SignatureHelp | None:
            cursor = _cursor(source, line, column)
            where = self._at(key, source, cursor[1], trigger_id, node_modules) if cursor is not None else None
            body = self._call("signatureHelp", where) if where is not None else None
            if not body or not body.get("items"):
                return None
            item = body["items"][min(body.get("selectedItemIndex", 0), len(body["items"]) - 1)]
            name = _text(item.get("prefixDisplayParts")).rstrip("(").split(".")[-1]
            params = tuple(_text(p.get("displayParts")) for p in item.get("parameters", ()))
            index = body.get("argumentIndex")
            return SignatureHelp(name, params, index if params else None, _documentation(item))

        return self._guarded("signature help", work, None)

    def hover(self, key: str, source: str, line: int, column: int, trigger_id: str | None,
              node_modules: Path | None = None) -> HoverDoc | None:
        def work() -> HoverDoc | None:
            cursor = _cursor(source, line, column)
            where = self._at(key, source, cursor[1], trigger_id, node_modules) if cursor is not None else None
            body = self._call("quickinfo", where) if where is not None else None
            if not body or not body.get("displayString"):
                return None
            if not body.get("kind") and not body.get("documentation"):
                return None  # a name TypeScript cannot resolve: its "any" tells the user nothing
            doc = _documentation(body)
            if not doc:
                # A bare parameter (`event`, `api`) has no doc of its own: show its type's.
                doc = self._type_documentation(where)
            return HoverDoc(title=_DISPLAY_KIND.sub("", body["displayString"]), doc=doc)

        return self._guarded("hover", work, None)

    def _type_documentation(self, where: dict[str, Any]) -> str:
        for location in self._call("typeDefinition", where) or ():
            # The context starts at the doc comment or `export`, the span at the name: try both.
            starts = [p for p in (location.get("contextStart"), location.get("start")) if p]
            for start in [p for i, p in enumerate(starts) if p not in starts[:i]]:
                body = self._call("quickinfo", {"file": location["file"], **start})
                if body and _documentation(body):
                    return _documentation(body)
        return ""

    def diagnostics(self, key: str, source: str, trigger_id: str | None,
                    node_modules: Path | None = None) -> list[Diagnostic]:
        def work() -> list[Diagnostic]:
            doc = self._sync(key, source, trigger_id, node_modules)
            starts = editor_line_starts(source)
            found = []
            for command in ("syntacticDiagnosticsSync", "semanticDiagnosticsSync"):
                for item in self._call(command, {"file": doc.path}, semantic=True) or ():
                    diagnostic = _diagnostic(doc.virtual, source, starts, item)
                    if diagnostic is not None:
                        found.append(diagnostic)
            if trigger_id:
                found += handler_problems(source, trigger_id)
            return sorted(set(found), key=lambda d: (d.line, d.column, d.message))

        return self._guarded("diagnostics", work, [])


def _cursor(source: str, line: int, column: int) -> tuple[int, int] | None:
    """(where the cursor's line starts, the cursor) as string indices of the source, for an
    editor position; None for a line the source does not have. A column past the line's end
    clamps to it (python-lsp-server's column-1000 case)."""
    starts = editor_line_starts(source)
    if not 1 <= line <= len(starts):
        return None
    return starts[line - 1], index_of_position(source, starts, line, column)


def _typed_prefix(before: str) -> str:
    index = len(before)
    while index > 0 and (before[index - 1].isalnum() or before[index - 1] in "_$"):
        index -= 1
    return before[index:]


def _completion(entry: dict[str, Any], typed: str) -> Completion:
    name = entry.get("name", "")
    kind = entry.get("kind", "")
    # "declare" and "export" say where it is declared, not what it is
    modifiers = ",".join(m for m in entry.get("kindModifiers", "").split(",") if m and m not in ("declare", "export"))
    description = f"{kind} ({modifiers})" if modifiers else kind
    return Completion(name, name[len(typed):] if name.startswith(typed) else "", _KINDS.get(kind, kind), description)


def _text(parts: Any) -> str:
    return "".join(p.get("text", "") for p in parts or ())


def _documentation(item: dict[str, Any]) -> str:
    doc = item.get("documentation", "")
    text = doc if isinstance(doc, str) else _text(doc)
    tags = []
    for tag in item.get("tags", ()) or ():
        value = tag.get("text", "")
        value = value if isinstance(value, str) else _text(value)
        tags.append(f"@{tag.get('name', '')} {value}".rstrip())
    return "\n\n".join(part for part in (text.strip(), "\n".join(tags)) if part)


def _diagnostic(virtual: VirtualSource, source: str, starts: tuple[int, ...],
                item: dict[str, Any]) -> Diagnostic | None:
    """tsserver's diagnostic in editor positions of ``source`` (whose editor line starts these are)."""
    start = virtual.to_user(index_of_location(virtual.text, virtual.line_starts, item["start"]))
    end = virtual.to_user(index_of_location(virtual.text, virtual.line_starts, item["end"]))
    if start is None:
        return None  # inside the injected annotation: not the user's text
    begin, finish = position_of_index(source, starts, start), position_of_index(source, starts, start if end is None else end)
    severity = "error" if item.get("category") == "error" else "warning"
    return Diagnostic(begin.line, begin.column, finish.line, finish.column, severity, str(item.get("text", "")),
                      "typescript")


# At the start of any of JavaScript's lines: MULTILINE's ^ follows \n only.
_LINE_START = r"(?:^|(?<=[\r\u2028\u2029]))"
_DEFINED = re.compile(rf"{_LINE_START}\s*(?:module\.)?exports\.([A-Za-z_$][\w$]*)\s*=|{_LINE_START}\s*module\.exports\s*=",
                      re.MULTILINE)


def handler_problems(source: str, trigger_id: str) -> list[Diagnostic]:
    """A warning when the action exports no handler the trigger calls (or a near miss of one)."""
    view = javascript_view(trigger_id)
    execute = view.execute_handler
    found = [(m.group(1), m.start(1)) for m in _DEFINED.finditer(source)]
    if any(name in (execute, None) for name, _ in found):
        return []
    starts = editor_line_starts(source)
    for name, start in found:
        if difflib.get_close_matches(name, [execute], n=1, cutoff=0.75):
            at, end = position_of_index(source, starts, start), position_of_index(source, starts, start + len(name))
            return [Diagnostic(at.line, at.column, end.line, end.column, "warning",
                               f"{name} looks like a misspelling of {execute}: the {trigger_id} trigger calls "
                               f"exports.{execute}(event, api)", "actions")]
    return [Diagnostic(1, 0, 1, 0, "warning",
                       f"no exports.{execute} handler: the {trigger_id} trigger will not run this action", "actions")]
