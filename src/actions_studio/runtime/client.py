"""Sandbox: the studio's handle on the zygote, safe to call from many threads at once.

Each call opens its own Unix-socket connection to the zygote, so concurrent calls never share
state and really run in parallel (the zygote only forks; children run side by side). The zygote is
started once, early (in the constructor), with a scrubbed environment; if it dies, calls in flight
fail with `SandboxError` and the next call starts a new one.
"""

from __future__ import annotations

import json
import os
import select
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Optional

from .checked_event import CheckedEvent
from .confine import make_undumpable
from .flow import FlowRun, Replay, check_request, resumed_request
from .limits import SandboxLimits
from .node import is_node
from .protocol import (FRESH, VERDICT_KEEP, EventTooLargeError, ProtocolError, RawRun, SandboxError, pack_request,
                       recv_reply, result_of, warm_key)
from .redaction import merge_secrets
from .result import ActionSource, Continuation, ExecutionResult

__all__ = ["EventTooLargeError", "RawRun", "Sandbox", "SandboxError"]

ZYGOTE_START_TIMEOUT_S = 60.0
# After the deadline the zygote kills and reaps the child, then answers; this is its slack.
REPLY_GRACE_S = 15.0
# Children the zygote keeps forked and confined ahead of requests. A flow execution uses one.
SPARES = int(os.environ.get("ACTIONS_STUDIO_SPARES", "4"))
# How often a call with a ``cancel`` event looks at it while it waits for the reply.
CANCEL_POLL_MS = 10
# Caps of warm children sent to each new zygote; empty: the zygote's own (`warm.WARM_CAPS`:
# max_runs 1000, idle_per_key 8, max_idle 32, idle_s 600). Tests set smaller ones.
WARM_CAPS: dict[str, float] = {}


def _zygote_env() -> dict[str, str]:
    """The zygote's whole environment: none of the studio's variables (tokens, keys, paths)."""
    package_root = str(Path(__file__).resolve().parents[2])
    return {
        "PATH": "/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "PYTHONPATH": package_root,
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONNOUSERSITE": "1",
        "PYTHONHASHSEED": "random",
    }


def _layers_off() -> list[str]:
    """Layers the studio's environment turns off (`probe.OFF_ENV`, for diagnosis and tests)."""
    from .probe import OFF_ENV

    return [name.strip() for name in os.environ.get(OFF_ENV, "").split(",") if name.strip()]


class _Zygote:
    def __init__(self, limits: SandboxLimits) -> None:
        self.dir = tempfile.mkdtemp(prefix="actions-studio-zygote-")
        # Children (other uids) must traverse it to reach their work dirs; they cannot list it, and
        # cannot use the socket (no write permission; the zygote also checks SO_PEERCRED).
        os.chmod(self.dir, 0o711)
        self.path = os.path.join(self.dir, "zygote.sock")
        self.broken = False  # set by a call that lost its connection: restart before the next one
        config = json.dumps({"limits": limits.to_json(), "spares": SPARES, "workdir_parent": self.dir,
                             "layers_off": _layers_off(), "warm": WARM_CAPS})
        self.proc = subprocess.Popen(
            [sys.executable, "-P", "-s", "-B", "-m", "actions_studio.runtime.python.zygote",
             "--socket", self.path, "--config", config],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=_zygote_env(), cwd="/",
            close_fds=True, start_new_session=True,  # a Ctrl-C in the terminal is the studio's to handle
        )
        try:
            self.ready = self._wait_ready()
        except BaseException:
            self.stop()
            raise
        self.capabilities: dict[str, Any] = self.ready["capabilities"]
        self.cgroup_base: Optional[str] = self.ready.get("cgroup_base")

    def _wait_ready(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        with selectors.DefaultSelector() as sel:
            sel.register(self.proc.stdout, selectors.EVENT_READ)
            if not sel.select(ZYGOTE_START_TIMEOUT_S):
                raise SandboxError(f"the sandbox zygote did not start within {ZYGOTE_START_TIMEOUT_S:.0f} s")
        line = self.proc.stdout.readline()
        self.proc.stdout.close()
        try:
            ready = json.loads(line)
        except ValueError:
            code = self.proc.wait(5)
            raise SandboxError(f"the sandbox zygote failed to start (exit code {code}); see stderr") from None
        return ready

    def note_lost_connection(self) -> None:
        """A call lost its connection. A zygote that is exiting closes its sockets a moment before
        it can be waited for: wait that moment, so the next call does not reuse a dying process.
        A zygote that is still running only failed this one request and stays in service."""
        try:
            self.proc.wait(0.5)
        except subprocess.TimeoutExpired:
            return
        self.broken = True

    def alive(self) -> bool:
        return not self.broken and self.proc.poll() is None

    def stop(self) -> None:
        if self.broken and self.proc.poll() is None:
            self.proc.kill()  # lost its connections: whatever state it is in, it is not trusted
        if self.proc.poll() is None:
            assert self.proc.stdin is not None
            try:
                self.proc.stdin.close()  # EOF: the zygote kills its children and cleans up
            except OSError:
                pass
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        elif self.proc.stdin is not None:
            try:
                self.proc.stdin.close()
            except OSError:
                pass
        shutil.rmtree(self.dir, ignore_errors=True)  # work dirs too, even if the zygote was killed
        self._remove_cgroups()

    def _remove_cgroups(self) -> None:
        """A killed zygote cannot remove its cgroups; empty ones are removed here (as root)."""
        base = getattr(self, "cgroup_base", None)
        deadline = time.monotonic() + 2.0
        while base and os.path.isdir(base):
            for name in os.listdir(base):
                slot = os.path.join(base, name)
                if not os.path.isdir(slot):
                    continue
                try:  # its children die with it (PDEATHSIG); stragglers are killed here
                    with open(os.path.join(slot, "cgroup.procs"), encoding="ascii") as fh:
                        for pid in fh.read().split():
                            os.kill(int(pid), signal.SIGKILL)
                    os.rmdir(slot)
                except OSError:
                    pass
            try:
                os.rmdir(base)
            except OSError:
                if time.monotonic() > deadline:
                    return
                time.sleep(0.02)


class Sandbox:
    """Runs actions and flows in forked, confined children of one warm zygote.

    >>> with Sandbox(SandboxLimits(wall_time_s=5)) as sandbox:
    ...     result = sandbox.run_flow("post-login", [ActionSource("a", code)], event)
    """

    def __init__(self, limits: SandboxLimits = SandboxLimits(), *, node: Optional[str] = None,
                 warm: bool = False) -> None:
        """``node``: the Node for JavaScript actions when the workspace names one (setting
        ``node.path``); else `nodejs.find_node`'s choice ($ACTIONS_STUDIO_NODE, the wheel's).

        ``warm`` (the tenant): an all-Python `run_flow`/`resume` may run in a warm child bound for
        life to that flow's key (`protocol.warm_key`: trigger, and each action's name, version,
        code, secrets, dependencies), kept stopped between executions, so its module-level state
        persists as on Auth0. Off (the studio, the CLI, fuzz and replay): one fresh child per
        execution, always. `run_action` and mixed flows get fresh children either way."""
        self.limits = limits
        self.warm = warm
        self.node_path = node
        self._lock = threading.Lock()
        self._closed = False
        self._zygote: Optional[_Zygote] = None
        self._node_pool: Optional[Any] = None  # node/pool.NodePool, started by the first JavaScript action
        # As an ordinary user every execution runs with this process's uid, and this process holds
        # the secrets it hands to actions. The studio's entry points are undumpable already; this
        # covers any other program that embeds the runtime (a script, a test run, the bench): on a
        # kernel without Landlock an action could otherwise read its /proc/PID/mem.
        make_undumpable()
        self._live()  # early: the first execution must not pay the start-up

    # ------------------------------------------------------------------------------- lifecycle

    def __enter__(self) -> "Sandbox":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            zygote, self._zygote = self._zygote, None
            pool, self._node_pool = self._node_pool, None
        if pool is not None:
            pool.close()
        if zygote is not None:
            zygote.stop()

    def _live(self) -> _Zygote:
        with self._lock:
            if self._closed:
                raise SandboxError("this Sandbox is closed")
            zygote = self._zygote
            if zygote is None or not zygote.alive():
                if zygote is not None:
                    zygote.stop()
                self._zygote = None
                zygote = self._zygote = _Zygote(self.limits)
            return zygote

    def node_pool(self) -> Any:
        """The warm Node workers (runtime/node/pool.py), started on first use."""
        with self._lock:
            if self._closed:
                raise SandboxError("this Sandbox is closed")
            if self._node_pool is None:
                from actions_studio.nodejs import find_node

                from .node.launcher import Launcher
                from .node.pool import NodePool

                self._node_pool = NodePool(self.limits, launcher=Launcher(self.limits, find_node(self.node_path)))
            return self._node_pool

    def prepare_node(self) -> None:
        """Start the Node workers' pool now, in the background (its probe and spares run on the
        pool's threads): for a caller that knows JavaScript actions will run (a workspace or a
        tenant holding node22 actions), so the first execution does not wait for them. Without a
        usable Node this does nothing; the JavaScript actions' results will say why."""
        from actions_studio.nodejs import NodeError

        try:
            self.node_pool()
        except NodeError:
            pass

    def node_capabilities(self) -> dict[str, Any]:
        """The layers of the Node workers, measured on this machine (starts the pool):
        ``{"layers": {name: bool}, "notes": {name: why}}``."""
        from .node.executor import node_capabilities

        return node_capabilities(self.node_pool())

    @property
    def zygote_pid(self) -> Optional[int]:
        zygote = self._zygote
        return zygote.proc.pid if zygote is not None else None

    def capabilities(self) -> dict[str, Any]:
        """The confinement layers measured on this machine: ``{"layers": {name: bool}, "notes": {name: str}}``."""
        caps = self._live().capabilities
        return {"layers": dict(caps["layers"]), "notes": dict(caps["notes"])}

    # ---------------------------------------------------------------------------- executions

    # ``cancel`` (every execution call): setting it stops the execution at once — its child is
    # killed and reaped, the action it was in gets status "stopped" (error type "Stopped"), later
    # ones "skipped", and the call returns an ExecutionResult with status "stopped". Distinct
    # from a timeout (the budget ran out) and from an error (the action failed).

    def run_action(self, trigger_id: str, source: ActionSource, event_payload: dict[str, Any], *,
                   phase: str = "execute", cache: Optional[dict[str, Any]] = None,
                   timeout_s: Optional[float] = None, cancel: Optional[threading.Event] = None) -> ExecutionResult:
        """One action as a flow of one. ``cache`` (if given) is read and updated in place."""
        run = self._flow_run(trigger_id, [source], event_payload, timeout_s=timeout_s, first_phase=phase,
                             cache=cache)
        return run.run(_ChildPerAction(self, run.trigger.id, cancel))

    def _in_one_child_or_per_action(self, run: FlowRun, cancel: Optional[threading.Event]) -> ExecutionResult:
        # A flow with a JavaScript action: each JavaScript one in a warm Node worker of its own, each
        # run of consecutive Python ones in one child (the loop applies each action's calls to the
        # payload the next one sees, whatever its runtime).
        if any(is_node(a.runtime) for a in run.actions[run.start:]):
            return run.run(_Mixed(self, run, cancel))
        return self._in_one_child(run, cancel)

    def run_flow(self, trigger_id: str, actions: list[ActionSource], event_payload: dict[str, Any], *,
                 timeout_s: Optional[float] = None, cancel: Optional[threading.Event] = None) -> ExecutionResult:
        """The actions in order, with TRIGGERS.md's flow semantics and one wall-time budget."""
        return self._in_one_child_or_per_action(
            self._flow_run(trigger_id, list(actions), event_payload, timeout_s=timeout_s), cancel)

    def resume(self, continuation: Continuation, query: dict[str, Any], *,
               cancel: Optional[threading.Event] = None) -> ExecutionResult:
        """Continue a suspended flow: the redirecting action's continue handler with
        ``event.request.query = query``, then the rest of the flow, with a fresh budget."""
        return self._in_one_child_or_per_action(self._flow_run(**resumed_request(continuation, query)), cancel)

    def _flow_run(self, trigger_id: str, actions: list[ActionSource], payload: dict[str, Any], *,
                  timeout_s: Optional[float], first_phase: str = "execute", **rest: Any) -> FlowRun:
        encoded = check_request(trigger_id, actions, payload, first_phase=first_phase, timeout_s=timeout_s,
                                limits=self.limits)
        run = FlowRun(trigger_id, actions, payload, limits=self.limits, timeout_s=timeout_s,
                      first_phase=first_phase,
                      secrets=merge_secrets((a.name, a.secrets) for a in actions), **rest)
        run.payload_json = encoded
        return run

    def _in_one_child(self, run: FlowRun, cancel: Optional[threading.Event]) -> ExecutionResult:
        """Every action of this execution in one forked, confined child (`flow.Replay`). Warm: the
        request carries the whole flow (the key's) and the resume point; once the replay has
        judged what the child reported, the verdict tells the zygote whether to keep the child."""
        if not self.warm:
            def fetch(timeout_s: float) -> RawRun:
                return self.execute_flow(run.trigger.id, run.actions[run.start:], run.payload, run.first_phase,
                                         run.cache, timeout_s, cancel, payload_json=run.payload_json)

            return run.run(Replay(run, fetch))
        key = warm_key(run.trigger.id, run.actions)
        held: list[socket.socket] = []

        def fetch_warm(timeout_s: float) -> RawRun:
            return self.execute_flow(run.trigger.id, run.actions, run.payload, run.first_phase, run.cache,
                                     timeout_s, cancel, start=run.start, key=key, held=held,
                                     payload_json=run.payload_json)

        result: Optional[ExecutionResult] = None
        try:
            result = run.run(Replay(run, fetch_warm))
            return result
        finally:
            for sock in held:
                _settle(sock, result)

    def execute_one(self, trigger_id: str, source: ActionSource, payload: dict[str, Any], phase: str,
                    cache: dict[str, Any], timeout_s: float, cancel: Optional[threading.Event] = None) -> RawRun:
        """One child execution of one action (`run_action`): send the request, wait for the reply."""
        body = json.dumps(
            {"trigger": trigger_id, "name": source.name, "code": source.code, "phase": phase,
             "secrets": source.secrets, "event": payload, "cache": cache,
             "sys_path": list(source.sys_path)},
            separators=(",", ":"), ensure_ascii=False,
        ).encode("utf-8", "surrogatepass")
        meta, result, logs, wall_ms = self._roundtrip(body, timeout_s, cancel)
        return RawRun(meta, result_of(result) if result else None, logs, wall_ms)

    def execute_flow(self, trigger_id: str, actions: list[ActionSource], payload: dict[str, Any],
                     first_phase: str, cache: dict[str, Any], timeout_s: float,
                     cancel: Optional[threading.Event] = None, *, start: int = 0, key: bytes = FRESH,
                     held: Optional[list[socket.socket]] = None, payload_json: Optional[bytes] = None) -> RawRun:
        """Every action of one flow execution in one child (used by the flow executor): the reply
        carries the child's per-action records (``records``, relative to ``start``) and the console
        of the action it was in when it stopped (``logs``). With a warm ``key`` the connection is
        appended to ``held`` for the verdict (`_settle`) instead of being closed. ``payload_json``:
        ``payload`` encoded already (`flow.check_request`), put in the request as it is."""
        request: dict[str, Any] = {
            "trigger": trigger_id, "cache": cache, "first_phase": first_phase, "start": start,
            "actions": [{"name": a.name, "version": a.version, "code": a.code, "secrets": a.secrets,
                         "sys_path": list(a.sys_path)} for a in actions]}
        if payload_json is None:
            request["event"] = payload
        body = json.dumps(request, separators=(",", ":"), ensure_ascii=False).encode("utf-8", "surrogatepass")
        if payload_json is not None:
            body = b'{"event":' + payload_json + b"," + body[1:]
        meta, records, logs, wall_ms = self._roundtrip(body, timeout_s, cancel, key=key, held=held)
        return RawRun(meta, None, logs, wall_ms, records)

    def _roundtrip(self, body: bytes, timeout_s: float, cancel: Optional[threading.Event] = None, *,
                   key: bytes = FRESH, held: Optional[list[socket.socket]] = None
                   ) -> tuple[dict[str, Any], bytes, bytes, float]:
        """Send one request to the zygote, wait for its one reply frame (or stop it: ``cancel``)."""
        started = time.perf_counter()
        if cancel is not None and cancel.is_set():
            return {"stopped": True}, b"", b"", 0.0  # stopped before it was sent: nothing ran
        for attempt in (1, 2):
            zygote = self._live()
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                sock.settimeout(timeout_s + REPLY_GRACE_S)
                try:
                    sock.connect(zygote.path)
                except (ConnectionRefusedError, FileNotFoundError):
                    # A zygote that died (its listener gone) before this request reached it: nothing
                    # started, so starting a new zygote and trying once more is safe.
                    zygote.broken = True
                    if attempt == 1:
                        continue
                    raise
                sock.sendall(pack_request(max(1, int(timeout_s * 1000)), body, key))
                if cancel is not None:
                    _wait_or_stop(sock, cancel, timeout_s + REPLY_GRACE_S)
                meta, result, logs = recv_reply(sock)
                parsed = _parse_meta(meta)
                if held is not None:
                    held.append(sock)
                    sock = None  # type: ignore[assignment]  # closed by _settle, after the verdict
                break
            except (OSError, EOFError, ProtocolError) as exc:
                if isinstance(exc, socket.timeout):
                    raise SandboxError(
                        f"the sandbox did not answer within {timeout_s + REPLY_GRACE_S:.0f} s") from None
                zygote.note_lost_connection()
                raise SandboxError(
                    "the sandbox zygote stopped while this action ran; it is restarted on the next call "
                    f"({type(exc).__name__}: {exc})"
                ) from None
            finally:
                if sock is not None:
                    sock.close()
        wall_ms = (time.perf_counter() - started) * 1000
        return parsed, result, logs, wall_ms


# What the zygote puts in a reply's meta, and the types the client relies on.
_META_TYPES: dict[str, tuple[type, ...]] = {
    "exit_code": (int, type(None)), "signal": (int, type(None)), "timed_out": (bool,), "stopped": (bool,),
    "maxrss_kb": (int,), "dropped": (int,), "truncated": (bool,), "pid": (int, type(None)),
    "wall_ms": (int, float)}


def _parse_meta(data: bytes) -> dict[str, Any]:
    """The reply's meta, checked: a warm child holds its key's connections (architecture.md), so
    a reply frame may be its forgery; a malformed one is the zygote's garbage to the client."""
    try:
        meta = json.loads(data)
    except ValueError:
        raise ProtocolError("the sandbox's reply carries unreadable metadata") from None
    if not isinstance(meta, dict) or not all(isinstance(meta.get(k), t) for k, t in _META_TYPES.items() if k in meta):
        raise ProtocolError("the sandbox's reply carries malformed metadata")
    return meta


# An action error that says the warm child's process, or what it reported, cannot be trusted again.
_RECYCLE_ERRORS = frozenset({"InvalidResult", "SandboxError", "Crash", "Timeout", "Stopped"})


def _settle(sock: socket.socket, result: Optional[ExecutionResult]) -> None:
    """Tell the zygote whether to keep a warm child: only when the replay went through and every
    record it reported was well-formed. Anything else (no verdict at all) kills it."""
    keep = result is not None and not any(a.error is not None and a.error.type in _RECYCLE_ERRORS
                                          for a in result.actions)
    try:
        if keep:
            sock.sendall(VERDICT_KEEP)
    except OSError:
        pass
    finally:
        sock.close()


def _wait_or_stop(sock: socket.socket, cancel: threading.Event, limit_s: float) -> None:
    """Until the reply starts arriving; if ``cancel`` is set first, half-close the connection:
    the zygote takes that as "stop", kills the child at once and answers with what it had."""
    poller = select.poll()
    poller.register(sock, select.POLLIN)
    deadline = time.monotonic() + limit_s
    while not poller.poll(CANCEL_POLL_MS):
        if cancel.is_set():
            sock.shutdown(socket.SHUT_WR)
            return
        if time.monotonic() > deadline:
            raise socket.timeout()


class _ChildPerAction:
    """One execution per action: a Python child over RPC (what `Sandbox.run_action`, a flow of
    one, uses), or a warm Node worker for a JavaScript action."""

    needs_payload = True

    def __init__(self, sandbox: Sandbox, trigger_id: str, cancel: Optional[threading.Event]) -> None:
        self.sandbox = sandbox
        self.trigger_id = trigger_id
        self.cancel = cancel
        # The JavaScript actions' event, validated and dumped once while the payload stays the same.
        self.checked = CheckedEvent()

    def remaining(self, index: int, deadline: float) -> float:
        return deadline - time.monotonic()

    def __call__(self, index: int, source: ActionSource, payload: dict[str, Any], phase: str,
                 cache: dict[str, Any], remaining: float) -> RawRun:
        if is_node(source.runtime):
            from actions_studio.nodejs import NodeError

            from .node.executor import run_js_action, runtime_unavailable

            try:
                pool = self.sandbox.node_pool()
            except NodeError as exc:  # no Node 22 here: that action's error, never the caller's crash
                return runtime_unavailable(source.runtime, str(exc))
            return run_js_action(pool, self.trigger_id, source, payload, phase, cache, remaining, self.cancel,
                                 self.checked)
        return self.sandbox.execute_one(self.trigger_id, source, payload, phase, cache, remaining, self.cancel)


class _Mixed(_ChildPerAction):
    """A flow with JavaScript actions: each JavaScript action in its worker, and each run of two or
    more consecutive Python actions in ONE child, replayed (`flow.Replay` over that segment) as an
    all-Python flow is — so Python, JavaScript, Python costs two children, and Python, Python,
    JavaScript one."""

    def __init__(self, sandbox: Sandbox, run: FlowRun, cancel: Optional[threading.Event]) -> None:
        super().__init__(sandbox, run.trigger.id, cancel)
        self.run = run
        self.segment: Optional[tuple[int, int, Replay]] = None  # first index, end, its replay

    def _in_segment(self, index: int) -> Optional[tuple[int, int, Replay]]:
        seg = self.segment
        return seg if seg is not None and seg[0] <= index < seg[1] else None

    def remaining(self, index: int, deadline: float) -> float:
        seg = self._in_segment(index)
        if seg is not None:
            return seg[2].remaining(index - seg[0], deadline)
        return deadline - time.monotonic()

    def __call__(self, index: int, source: ActionSource, payload: dict[str, Any], phase: str,
                 cache: dict[str, Any], remaining: float) -> RawRun:
        if is_node(source.runtime):
            return super().__call__(index, source, payload, phase, cache, remaining)
        seg = self._in_segment(index)
        if seg is None:
            actions = self.run.actions
            end = index
            while end < len(actions) and not is_node(actions[end].runtime):
                end += 1
            if end - index == 1:
                return super().__call__(index, source, payload, phase, cache, remaining)
            part = FlowRun(self.trigger_id, list(actions[index:end]), payload, limits=self.sandbox.limits,
                           timeout_s=remaining, first_phase=phase, cache=cache)

            def fetch(timeout_s: float) -> RawRun:
                return self.sandbox.execute_flow(self.trigger_id, part.actions, payload, phase, cache, timeout_s,
                                                 self.cancel)

            seg = self.segment = (index, end, Replay(part, fetch))
            seg[2].remaining(0, time.monotonic() + remaining)  # sends the segment's one request
        return seg[2](index - seg[0], source, payload, phase, cache, remaining)
