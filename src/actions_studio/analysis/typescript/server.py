"""One tsserver process and its protocol: requests with sequence numbers, responses matched to
them, cancellation files, and death noticed (VS Code's TypeScript client, STYLE.md).

tsserver reads one JSON request per line on stdin and writes ``Content-Length: N`` framed JSON
(responses carry ``request_seq``; events carry ``event``) on stdout. A writer thread feeds stdin
in order — tsserver does not read while it loads a program, and a large document must not hold
the caller at a full pipe — and a reader thread matches responses to waiting requests; a response nobody waits for any more (a timed-out or abandoned
request) is dropped. Cancellation is tsserver's own: started with ``--cancellationPipeName
<dir>/cancel-*``, it checks for the file ``<dir>/cancel-<seq>`` while it works on request ``seq``
and answers ``{"canceled": true}``.

Not thread-safe beyond what the owner needs: `request` may be called from one thread at a time
(the owner's), `cancel` from any thread.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import queue
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from actions_studio import nodejs
from actions_studio.analysis.typescript.install import TypeScriptInstall

log = logging.getLogger(__name__)

# tsserver's heap: the default (~2 GB on 64-bit) is far more than an action's program needs.
MAX_OLD_SPACE_MB = 1024
DEFAULT_TIMEOUT_S = 30.0


class TsServerError(RuntimeError):
    """tsserver could not answer."""


class TsServerDied(TsServerError):
    """The process exited (crashed, was killed, or never started); the owner restarts it."""


class TsRequestTimeout(TsServerError):
    pass


class TsRequestCancelled(TsServerError):
    pass


@dataclass
class _Pending:
    done: threading.Event = field(default_factory=threading.Event)
    message: dict[str, Any] | None = None


class TsServer:
    def __init__(
        self,
        install: TypeScriptInstall,
        node: nodejs.Node,
        *,
        on_event: Callable[[dict[str, Any]], None] | None = None,
        compile_cache: Path | None = None,
    ) -> None:
        self._install = install
        self._node = node
        self._on_event = on_event
        self._compile_cache = compile_cache
        self._seq = itertools.count(1)
        self._pending: dict[int, _Pending] = {}
        self._watched: dict[int, _Pending] = {}
        self._lock = threading.Lock()  # guards _pending and the pipe
        self._cancel_dir = Path(tempfile.mkdtemp(prefix="actions-studio-tsserver-"))
        self._proc: subprocess.Popen[bytes] | None = None
        self._reader: threading.Thread | None = None
        self._outbox: queue.Queue[bytes | None] = queue.Queue()
        self._dead = threading.Event()

    # -- lifecycle ------------------------------------------------------------------------------

    def start(self) -> None:
        command = self._node.command(
            f"--max-old-space-size={MAX_OLD_SPACE_MB}",
            str(self._install.tsserver),
            "--disableAutomaticTypingAcquisition",  # never download @types behind the user's back
            "--suppressDiagnosticEvents",  # diagnostics are asked for, not pushed
            "--useSingleInferredProject",
            "--locale", "en",
            "--cancellationPipeName", str(self._cancel_dir / "cancel-*"),
        )
        env = {k: v for k, v in os.environ.items() if k not in ("NODE_OPTIONS", "TSS_LOG", "TSS_DEBUG")}
        if self._compile_cache is not None:
            # Node 22 caches the compiled typescript.js (~9 MB): tsserver starts ~0.4 s sooner.
            env["NODE_COMPILE_CACHE"] = str(self._compile_cache)
        self._dead.clear()
        try:
            self._proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                          stderr=subprocess.DEVNULL, env=env, cwd=self._cancel_dir)
        except OSError as exc:
            self._dead.set()
            raise TsServerDied(f"tsserver did not start: {exc}") from None
        self._reader = threading.Thread(target=self._read_loop, args=(self._proc,), name="tsserver-reader", daemon=True)
        self._reader.start()
        threading.Thread(target=self._write_loop, args=(self._proc, self._outbox), name="tsserver-writer",
                         daemon=True).start()

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None and not self._dead.is_set()

    def stop(self, timeout: float = 5.0) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            self._outbox.put(None)  # the writer closes stdin after what it holds: tsserver exits at EOF
            try:
                proc.wait(timeout)
            except (OSError, subprocess.TimeoutExpired):
                proc.kill()
                proc.wait(timeout)
            if proc.stdout:
                proc.stdout.close()
        if self._reader is not None:
            self._reader.join(timeout)
        self._fail_pending()
        shutil.rmtree(self._cancel_dir, ignore_errors=True)

    # -- requests -------------------------------------------------------------------------------

    def send(self, command: str, arguments: dict[str, Any] | None = None, *, watch: bool = False) -> int:
        """Write a request without waiting for an answer; its sequence number. With ``watch``,
        `answered(seq)` tells later whether tsserver has answered it (successfully)."""
        seq = next(self._seq)
        pending = _Pending() if watch else None
        self._write(seq, command, arguments, pending)
        if pending is not None:
            self._watched[seq] = pending
        return seq

    def answered(self, seq: int) -> bool:
        pending = self._watched.get(seq)
        return pending is not None and pending.done.is_set() and pending.message is not None

    def request(
        self,
        command: str,
        arguments: dict[str, Any] | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT_S,
        on_sent: Callable[[int], None] | None = None,
    ) -> Any:
        """Send and wait for the response body. ``on_sent(seq)`` runs once the request is written
        (the owner records what it may cancel)."""
        seq = next(self._seq)
        pending = _Pending()
        self._write(seq, command, arguments, pending)
        if on_sent is not None:
            on_sent(seq)
        answered = pending.done.wait(timeout)
        with self._lock:
            self._pending.pop(seq, None)
        if not answered:
            self.cancel(seq)  # left in place: tsserver may still be working on it
            raise TsRequestTimeout(f"tsserver did not answer {command} within {timeout:g} s")
        self._clear_cancel(seq)
        message = pending.message
        if message is None:
            raise TsServerDied(f"tsserver exited while answering {command}")
        body = message.get("body")
        if isinstance(body, dict) and body.get("canceled"):
            raise TsRequestCancelled(f"{command} was cancelled")
        if not message.get("success", False):
            # "No content available." is tsserver's way of saying "nothing here", not an error.
            text = str(message.get("message", ""))
            if text.startswith("No content available"):
                return None
            raise TsServerError(f"tsserver failed {command}: {text.splitlines()[0] if text else 'no message'}")
        return body

    def cancel(self, seq: int) -> None:
        """Ask tsserver to stop working on request ``seq`` (harmless once it has answered)."""
        try:
            (self._cancel_dir / f"cancel-{seq}").touch()
        except OSError:
            pass

    def _clear_cancel(self, seq: int) -> None:
        try:
            (self._cancel_dir / f"cancel-{seq}").unlink()
        except OSError:
            pass

    def _write(self, seq: int, command: str, arguments: dict[str, Any] | None, pending: _Pending | None) -> None:
        line = json.dumps({"seq": seq, "type": "request", "command": command, "arguments": arguments},
                          ensure_ascii=False, separators=(",", ":"))
        with self._lock:
            if self._proc is None or self._dead.is_set():
                raise TsServerDied("tsserver is not running")
            if pending is not None:
                self._pending[seq] = pending
            self._outbox.put(line.encode("utf-8") + b"\n")

    def _write_loop(self, proc: subprocess.Popen[bytes], outbox: queue.Queue[bytes | None]) -> None:
        stream = proc.stdin
        assert stream is not None
        try:
            while (data := outbox.get()) is not None:
                stream.write(data)
                if outbox.empty():
                    stream.flush()
        except (OSError, ValueError):
            log.debug("tsserver's input closed", exc_info=True)
            self._dead.set()
            self._fail_pending()
        finally:
            try:
                stream.close()
            except OSError:
                pass

    # -- the reader thread ----------------------------------------------------------------------

    def _read_loop(self, proc: subprocess.Popen[bytes]) -> None:
        stream = proc.stdout
        assert stream is not None
        try:
            while True:
                message = _read_message(stream)
                if message is None:
                    break
                if message.get("type") == "response":
                    with self._lock:
                        pending = self._pending.pop(message.get("request_seq", -1), None)
                    if pending is not None:
                        pending.message = message
                        pending.done.set()
                elif message.get("type") == "event" and self._on_event is not None:
                    try:
                        self._on_event(message)
                    except Exception:
                        log.exception("tsserver event handler failed")
        except (OSError, ValueError):
            log.debug("tsserver output unreadable", exc_info=True)
        finally:
            self._dead.set()
            self._fail_pending()

    def _fail_pending(self) -> None:
        with self._lock:
            pending, self._pending = list(self._pending.values()), {}
        for item in pending:
            item.done.set()  # message stays None: the waiter raises TsServerDied


def _read_message(stream: Any) -> dict[str, Any] | None:
    """One ``Content-Length`` framed message; None at the end of the stream."""
    length = None
    while True:
        line = stream.readline()
        if not line:
            return None
        line = line.strip()
        if not line:
            if length is not None:
                break
            continue
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    body = stream.read(length)
    if len(body) < length:
        return None
    return json.loads(body)
