"""What a JavaScript action's code can do, for the flow canvas and the flow validation: the same
`EffectReport` and `Effect` records as analysis/effects.py gives for Python (issue 5), read with
TypeScript's own parser.

A small Node program (resources/node/js_effects.js) parses the code with the installed
``typescript`` package (``createSourceFile``: syntax only, nothing is type-checked or run) and
reports the api call chains ending in a known ``namespace.method`` (Auth0's camelCase names),
their line and literal first argument, and the names read from ``event.secrets`` (``.NAME``,
``["NAME"]`` and ``const {NAME} = event.secrets``). Names are mapped to the catalog's canonical
methods through the JavaScript view, then to effects through the Python analysis's own table, so
both runtimes' cards and validation speak of the same effects.

Loading typescript.js costs a Node process ~0.4 s; the program therefore stays running and
answers each analysis in a few milliseconds (bench/bench_ts.py measures both), and answers are
cached by code. Thread-safe: one lock around the process.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import subprocess
import threading
from collections import OrderedDict
from dataclasses import dataclass

import platformdirs

from actions_studio import nodejs
from actions_studio.analysis.effects import KINDS, METHODS, Effect, EffectReport
from actions_studio.analysis.typescript.install import TypeScriptInstall, TypeScriptInstallError, find_install
from actions_studio.resources import node_scripts_dir
from actions_studio.triggers.javascript import all_views

log = logging.getLogger(__name__)

ANSWER_TIMEOUT_S = 20.0
CACHE_SIZE = 256


def _js_paths() -> dict[str, tuple[str, str]]:
    """``"accessToken.setCustomClaim"`` → ``("access_token", "set_custom_claim")`` for every api
    method with an effect, across triggers (one JavaScript name never means two methods)."""
    found: dict[str, tuple[str, str]] = {}
    for view in all_views().values():
        for method in view.methods():
            canonical = tuple(method.canonical.split("."))
            if canonical in METHODS:
                assert found.setdefault(method.path, canonical) == canonical, method.path
    return found


@dataclass(frozen=True)
class _Call:
    path: str
    line: int
    target: str | None


class JsEffectsAnalyzer:
    def __init__(self, install: TypeScriptInstall | None = None, node: nodejs.Node | None = None) -> None:
        self._install = install
        self._node = node
        self._paths = _js_paths()
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[str] | None = None
        self._ids = 0
        self._cache: OrderedDict[str, EffectReport] = OrderedDict()

    def analyze(self, code: str) -> EffectReport:
        """The effects ``code`` can have; never raises (a syntax error or a missing TypeScript is
        reported in ``parse_error``, as the Python analysis reports a syntax error)."""
        digest = hashlib.sha256(code.encode("utf-8", "surrogatepass")).hexdigest()
        with self._lock:
            cached = self._cache.get(digest)
            if cached is not None:
                self._cache.move_to_end(digest)
                return cached
            report = self._ask(code)
            if report.parse_error is None or report.parse_error.startswith("the code does not parse"):
                self._cache[digest] = report
                while len(self._cache) > CACHE_SIZE:
                    self._cache.popitem(last=False)
            return report

    def close(self) -> None:
        with self._lock:
            self._stop()

    def __enter__(self) -> JsEffectsAnalyzer:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- the Node program -------------------------------------------------------------------------

    def _start(self) -> subprocess.Popen[str]:
        if self._proc is not None and self._proc.poll() is None:
            return self._proc
        install = self._install or find_install()
        if install is None:
            raise TypeScriptInstallError("TypeScript is not installed yet")
        if not (install.typescript_module / "package.json").is_file():
            raise TypeScriptInstallError(f"TypeScript is missing at {install.typescript_module}")
        node = self._node or nodejs.find_node()
        script = node_scripts_dir() / "js_effects.js"
        cache = platformdirs.user_cache_dir("actions-studio", appauthor=False) + "/node-compile-cache"
        self._proc = subprocess.Popen(
            node.command(str(script), str(install.typescript_module), json.dumps(sorted(self._paths))),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
            encoding="utf-8", errors="surrogateescape", bufsize=1,
            env={**{k: v for k, v in os.environ.items() if k != "NODE_OPTIONS"}, "NODE_COMPILE_CACHE": cache},
        )
        return self._proc

    def _stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        for stream in (proc.stdin, proc.stdout):
            try:
                if stream:
                    stream.close()
            except OSError:
                pass
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)

    def _ask(self, code: str) -> EffectReport:
        try:
            proc = self._start()
        except (TypeScriptInstallError, nodejs.NodeError, OSError) as exc:
            return EffectReport(parse_error=f"JavaScript analysis is not available ({exc})")
        self._ids += 1
        request_id = self._ids
        answer = None
        timer = threading.Timer(ANSWER_TIMEOUT_S, proc.kill)
        timer.start()
        try:
            assert proc.stdin is not None and proc.stdout is not None
            proc.stdin.write(json.dumps({"id": request_id, "code": code}) + "\n")
            proc.stdin.flush()
            while answer is None:
                line = proc.stdout.readline()
                if not line:
                    break
                message = json.loads(line)
                if message.get("id") == request_id:
                    answer = message
        except (OSError, ValueError):
            log.debug("the JavaScript effect analysis failed", exc_info=True)
        finally:
            timer.cancel()
        if answer is None:
            self._stop()  # the next analysis starts a fresh program
            return EffectReport(parse_error="JavaScript analysis failed (its Node process stopped)")
        return self._report(answer)

    def _report(self, answer: dict) -> EffectReport:
        if answer.get("parse_error"):
            return EffectReport(parse_error=str(answer["parse_error"]))
        effects = []
        for call in (_Call(**c) for c in answer.get("calls", ())):
            kind, token = METHODS[self._paths[call.path]]
            target = call.target if kind in ("claims", "metadata") else None
            effects.append(Effect(kind=kind, token=token, target=target, line=call.line))
        effects.sort(key=lambda e: (e.line, KINDS.index(e.kind)))
        return EffectReport(tuple(effects), tuple(str(s) for s in answer.get("secrets", ())))
