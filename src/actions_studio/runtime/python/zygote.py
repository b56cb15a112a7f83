"""The zygote: a warm, single-threaded interpreter that forks one child per execution (one action,
or every action of one flow execution).

Started once per `Sandbox` as ``python -m actions_studio.runtime.python.zygote --socket PATH --config JSON``
with a scrubbed environment. It pre-imports pydantic and the trigger catalog (and warms them) so a
child starts with everything loaded; it never runs threads, so forking it is safe (PITFALLS.md).

It keeps a few *spares*: children forked and confined ahead of time, waiting on a control socket.
The forks themselves are done by a helper (forker.py), a copy of this process forked once at
start-up, so this loop never stalls ~1 ms in fork() while a reply or a request waits.
Loop: accept a connection (only from the process that started it), read the fixed request header,
hand header and connection to a spare (SCM_RIGHTS); the child reads the body itself. When the
child says its result is in its shared buffer the zygote sends the one reply frame at once; if the
child dies first (crash, os._exit, SIGKILL at its deadline) the reply carries the exit status the
helper got from wait4 instead. EOF on stdin (the studio went away) or SIGTERM stops the zygote,
the helper and every child.

Warm children (a `Sandbox(warm=True)`, the tenant): a flow request whose header carries a warm
key goes to an idle child bound to that key, else to a spare, which is then bound to it for life.
After its reply such a child is not killed: once the client's verdict says what it reported was
well-formed (`VERDICT_KEEP`) and the child has stopped itself (``b"I"``) or its grace ran out, the
zygote stops it (SIGSTOP: nothing of it runs while idle), checks it (one thread, RSS, runs) and
parks it under its key; the next request of that key continues it (SIGCONT). Every other path —
a crash, the deadline, a Stop, a missing verdict, a failed check, eviction — kills it. Which
children stay parked and which one a request continues is warm.py's; the confinement layers the
children get, measured once at start-up, layers.py's.
"""

from __future__ import annotations

import argparse
import array
import ctypes
import gc
import json
import mmap
import os
import select
import shutil
import signal
import socket
import struct
import sys
import tempfile
import time
from collections import deque
from dataclasses import dataclass
from typing import Any, Optional

from ..protocol import FRESH, VERDICT_KEEP, pack_reply
from .warm import Parked, WarmCaps, fit_for_reuse

# Warm children (architecture.md, "Warm children"): their caps and which are parked, in warm.py.
# After its reply a warm child cleans up and writes b"I"; one that has not by then is stopped anyway.
FREEZE_GRACE_S = 0.5
# A warm request waits this long at most for a child of its key that has just replied.
MAX_WAIT_FOR_KEY_S = 0.05


def _preimport() -> None:
    """Load (and exercise) what every child needs, so no child pays for it."""
    import asyncio  # noqa: F401
    import base64  # noqa: F401
    import datetime  # noqa: F401
    import hashlib  # noqa: F401
    import hmac  # noqa: F401
    import inspect  # noqa: F401
    import linecache  # noqa: F401
    import logging  # noqa: F401
    import re  # noqa: F401
    import traceback  # noqa: F401
    import urllib.parse  # noqa: F401
    import uuid  # noqa: F401

    import pydantic  # noqa: F401

    from actions_studio.triggers import TRIGGERS, ExecutionContext

    for trigger in TRIGGERS.values():
        event = trigger.parse_event(trigger.sample_event())
        trigger.make_api(event, ExecutionContext())
    compile("def f():\n    return 1\n", "<warm-up>", "exec")
    from .. import flow  # noqa: F401 - the flow executor also runs inside flow children
    from .child import _warm_up_event

    _warm_up_event()
    # asyncio.run's first use imports and sets up lazily; pay it here, not in each child.
    asyncio.run(asyncio.sleep(0))


class _Poller:
    """epoll with a payload per fd (selectors cannot ask for EPOLLRDHUP alone)."""

    def __init__(self) -> None:
        self.epoll = select.epoll()
        self.data: dict[int, tuple[str, int]] = {}

    def register(self, fd: int, events: int, data: tuple[str, int]) -> None:
        self.epoll.register(fd, events)
        self.data[fd] = data

    def unregister(self, fd: int) -> None:
        if self.data.pop(fd, None) is not None:
            self.epoll.unregister(fd)

    def poll(self, timeout: Optional[float]) -> list[tuple[tuple[str, int], int]]:
        events = self.epoll.poll(-1 if timeout is None else timeout)
        return [(self.data[fd], ev) for fd, ev in events if fd in self.data]


def _send_reply(sel: _Poller, conn: socket.socket, frame: bytes, *, close: bool = True) -> bool:
    sel.unregister(conn.fileno())
    try:
        conn.settimeout(10.0)
        conn.sendall(frame)
        sent = True
    except OSError:
        sent = False  # the caller gave up; nothing to tell
    if close or not sent:
        conn.close()
    return sent


@dataclass
class Proc:
    """A child: a spare waiting for a request, or an execution in progress."""

    pid: int
    pidfd: int  # to signal it without any risk of a reused pid; its exit is reported by the helper
    buf: Any
    ctrl: Optional[socket.socket]  # the zygote's end of the spare's control socket
    notify: Optional[int]  # read end: the child writes one byte when its result is in the buffer
    conn: Optional[socket.socket] = None
    deadline: float = 0.0
    started: float = 0.0
    killed: Optional[str] = None  # why it was SIGKILLed: "deadline", "replied", "stopped", "retired"
    # A warm child: the key it is bound to for life (FRESH: killed after its one reply), how many
    # executions it ran, and where it is between two of them.
    key: bytes = FRESH
    runs: int = 0
    verdict: Optional[socket.socket] = None  # the connection of its last reply, until the client's verdict
    kept: bool = False  # the client's verdict said keep
    frozen: bool = False  # SIGSTOPped
    stop_at: float = 0.0  # when to stop it if it has not said b"I"


class Zygote:
    def __init__(self, socket_path: str, config: dict[str, Any]) -> None:
        from ..capture import Layout
        from .child import prepare_zygote
        from .forker import start_forker
        from .layers import measure_layers

        prepare_zygote()
        self.limits = config["limits"]
        self.spares_wanted = max(1, int(config.get("spares", 2)))
        self.caps = WarmCaps.from_config(config.get("warm"))
        self.layout = Layout(int(self.limits["output_bytes"]))
        self.procs: dict[int, Proc] = {}
        self.spares: deque[int] = deque()
        self.requested = 0  # spares asked of the helper and not yet arrived
        # Requests without a child yet: connection, header, timeout, warm key, when it arrived.
        self.waiting: deque[tuple[socket.socket, bytes, int, bytes, float]] = deque()
        self.parked = Parked(self.caps)  # warm children idle under their key
        self.deferred = 0  # waiting requests that wait for a child of their key, not for a spare
        # Under the client's directory when given, so the client can remove it even if this
        # process is killed.
        self.workbase = tempfile.mkdtemp(prefix="exec-", dir=config.get("workdir_parent"))
        os.chmod(self.workbase, 0o711)  # children find their own dir by name but cannot list others

        confinement = measure_layers(self.limits, config.get("layers_off") or (), self.workbase, self.layout)
        self.setup, self.capabilities, self.cgroups = (
            confinement.setup, confinement.capabilities, confinement.cgroups)
        self.parent_pid = os.getppid()
        # The objects that exist now are never freed: keep the collector (and with it, copy-on-
        # write faults in every child) off them.
        gc.collect()
        gc.freeze()
        try:  # fewer heap pages, fewer page-table entries to copy at every fork
            ctypes.CDLL(None).malloc_trim(0)
        except (OSError, AttributeError):
            pass
        # Forked before the listener exists: the helper holds nothing but its channel.
        self.forker_pid, self.forker = start_forker(self.setup, self.layout, self.cgroups)
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(socket_path)
        self.listener.listen(512)
        self.listener.setblocking(False)
        self.sel = _Poller()
        self.sel.register(self.listener.fileno(), select.EPOLLIN, ("accept", 0))
        self.sel.register(0, select.EPOLLIN, ("parent", 0))
        self.sel.register(self.forker.fileno(), select.EPOLLIN, ("forker", 0))
        self._replenish()

    # -------------------------------------------------------------------------------- main loop

    def serve(self) -> None:
        while True:
            pending = [p.deadline for p in self.procs.values() if p.conn is not None and not p.killed]
            pending += [p.stop_at for p in self.procs.values() if p.stop_at and not p.killed]
            if self.deferred:  # when a deferred request stops waiting for its key (only ahead: no spin)
                now = time.monotonic()
                pending += [w[4] + MAX_WAIT_FOR_KEY_S for w in self.waiting
                            if w[3] != FRESH and w[4] + MAX_WAIT_FOR_KEY_S > now]
            expiry = self.parked.next_expiry()
            if expiry is not None:
                pending.append(expiry)
            timeout = max(0.0, min(pending) - time.monotonic()) if pending else None
            for (kind, pid), _ in self.sel.poll(timeout):
                if kind == "accept":
                    self._accept_all()
                elif kind == "forker":
                    self._from_forker()
                elif kind == "parent":
                    if not os.read(0, 4096):
                        return  # the studio is gone
                elif kind == "hangup":
                    self._hung_up(pid)
                elif kind == "verdict":
                    if pid in self.procs:
                        self._guarded(self._verdict, pid)
                elif pid in self.procs:
                    self._guarded(self._notified, pid)
            self._kill_overdue()
            self._dispatch()
            self._replenish()

    def _replenish(self) -> None:
        """Keep spares (ready or on their way) at the wanted number, plus one per waiting request."""
        deficit = self.spares_wanted + len(self.waiting) - self.deferred - len(self.spares) - self.requested
        if deficit > 0:
            self.forker.send(b"F" * deficit)
            self.requested += deficit

    def _guarded(self, handler: Any, pid: int) -> None:
        """One child's bookkeeping failing must not take down the zygote and every other child."""
        try:
            handler(pid)
        except Exception as exc:  # noqa: BLE001 - logged; the child is dropped from the loop
            print(f"actions-studio zygote: handling child {pid} failed: {exc!r}", file=sys.stderr)
            proc = self.procs.get(pid)
            if proc is not None and proc.notify is not None:
                try:
                    self.sel.unregister(proc.notify)
                except (KeyError, ValueError):
                    pass
                os.close(proc.notify)
                proc.notify = None

    def _kill_overdue(self) -> None:
        now = time.monotonic()
        for proc in list(self.procs.values()):
            if proc.conn is not None and not proc.killed and now >= proc.deadline:
                self._kill(proc, "deadline")
            elif proc.stop_at and not proc.killed and now >= proc.stop_at:
                self._freeze(proc)
        for _, pid in self.parked.expired(now):
            self._kill(self.procs[pid], "expired")

    def _accept_all(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            try:
                self._start(conn)
            except Exception as exc:  # noqa: BLE001 - one bad request must not stop the zygote
                print(f"actions-studio zygote: request failed: {exc!r}", file=sys.stderr)
                conn.close()

    def _start(self, conn: socket.socket) -> None:
        from ..protocol import REQUEST, REQUEST_MAGIC, recv_exact

        # Only the process that started the zygote may ask for executions: an action that finds
        # the socket path must not be able to get itself more children through it.
        peer_pid = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12))[0]
        if peer_pid != self.parent_pid:
            conn.close()
            return
        conn.setblocking(True)
        conn.settimeout(5.0)
        header = recv_exact(conn, REQUEST.size)
        magic, timeout_ms, _, key = REQUEST.unpack(header)
        if magic != REQUEST_MAGIC:
            conn.close()
            return
        self.waiting.append((conn, header, timeout_ms, key, time.monotonic()))
        # The client closes (or half-closes) its end to stop this execution (Sandbox's cancel).
        # Only the hang-up is watched, never the data: the child reads the body itself.
        self.sel.register(conn.fileno(), select.EPOLLRDHUP, ("hangup", conn.fileno()))
        self._dispatch()

    def _dispatch(self) -> None:
        """Hand waiting requests to children: a warm request to an idle child of its key, else (as
        every fresh request) to a ready spare. Header and connection go over SCM_RIGHTS; the child
        reads the body itself. Requests no child can take yet keep their order."""
        self.deferred = 0
        if not self.waiting:
            return
        left: deque[tuple[socket.socket, bytes, int, bytes, float]] = deque()
        waiting_for: dict[bytes, int] = {}  # per key: requests that wait for a child of it in this round
        while self.waiting:
            item = self.waiting.popleft()
            if not self._hand_over(*item, waiting_for):
                left.append(item)
        self.waiting = left

    def _cooling(self, key: bytes) -> int:
        """Children of ``key`` between their reply and their parking (verdict or stop pending)."""
        return sum(1 for p in self.procs.values() if p.key == key and p.runs and p.conn is None and not p.killed
                   and not (p.frozen and p.kept))

    def _hand_over(self, conn: socket.socket, header: bytes, timeout_ms: int, key: bytes, arrived: float,
                   waiting_for: dict[bytes, int]) -> bool:
        from ..capture import HEADER

        while key != FRESH and (pid := self.parked.take(key)) is not None:
            proc = self.procs[pid]
            # The last execution's records and flags go; its stray notifications too. The child is
            # stopped: nothing of it can write meanwhile.
            HEADER.pack_into(proc.buf, 0, 0, 0, 0, 0)
            if not self._drain(proc) or not self._send_request(proc, header, conn):
                continue
            try:
                signal.pidfd_send_signal(proc.pidfd, signal.SIGCONT)
            except OSError:
                pass  # gone: its exit report answers this request
            proc.frozen = proc.kept = False
            self._running(proc, conn, timeout_ms)
            return True
        if (key != FRESH and time.monotonic() < arrived + MAX_WAIT_FOR_KEY_S
                and self._cooling(key) > waiting_for.get(key, 0)):
            # A child of this key has just replied and is about to be parked (a moment: the
            # client's verdict and the child's b"I"): waiting for it is cheaper than binding a
            # spare, whose fork and warm-up would be paid again. A spare it is if that child dies
            # or is not parked within MAX_WAIT_FOR_KEY_S.
            waiting_for[key] = waiting_for.get(key, 0) + 1
            self.deferred += 1
            return False
        while self.spares:
            proc = self.procs[self.spares.popleft()]
            if not self._send_request(proc, header, conn):
                continue
            if key == FRESH:
                assert proc.ctrl is not None
                proc.ctrl.close()
                proc.ctrl = None
            proc.key = key  # bound for life
            self._running(proc, conn, timeout_ms)
            return True
        return False

    def _send_request(self, proc: Proc, header: bytes, conn: socket.socket) -> bool:
        assert proc.ctrl is not None
        try:
            proc.ctrl.sendmsg([header], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [conn.fileno()]))])
        except OSError:  # a child that died while waiting (killed from outside): skip it
            self._kill(proc, "retired")
            return False
        return True

    def _running(self, proc: Proc, conn: socket.socket, timeout_ms: int) -> None:
        proc.conn = conn
        proc.runs += 1
        proc.started = time.monotonic()
        proc.deadline = proc.started + timeout_ms / 1000
        if proc.key != FRESH:
            self.parked.running(proc.key, sum(1 for p in self.procs.values()
                                              if p.key == proc.key and p.conn is not None))

    def _drain(self, proc: Proc) -> bool:
        """Empty a warm child's notify pipe; False when it is closed (the child cannot answer)."""
        if proc.notify is None:
            self._kill(proc, "retired")
            return False
        while True:
            try:
                if not os.read(proc.notify, 4096):
                    self._kill(proc, "retired")
                    return False
            except BlockingIOError:
                return True

    def _from_forker(self) -> None:
        try:
            data, ancdata, _, _ = self.forker.recvmsg(4096, socket.CMSG_SPACE(4 * 4))
        except ConnectionResetError:
            data, ancdata = b"", []
        if not data:
            raise SystemExit("actions-studio zygote: the forking helper died")
        fds = array.array("i")
        for level, kind, payload in ancdata:
            if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                fds.frombytes(payload[: len(payload) - len(payload) % fds.itemsize])
        message = json.loads(data)
        if "spare" in message:
            ctrl_fd, notify, memfd, pidfd = fds
            buf = mmap.mmap(memfd, self.layout.size)
            os.close(memfd)
            pid = message["spare"]
            self.procs[pid] = Proc(pid, pidfd, buf, socket.socket(fileno=ctrl_fd), notify)
            os.set_blocking(notify, False)  # a warm child's stray notifications are drained at reuse
            self.sel.register(notify, select.EPOLLIN, ("notify", pid))
            self.requested = max(0, self.requested - 1)
            self.spares.append(pid)
        else:
            self._exited(message)

    def _reply(self, proc: Proc, meta: dict[str, Any], *, close: bool = True) -> bool:
        from ..capture import read_back
        logs, dropped, truncated, result = read_back(proc.buf, self.layout)
        meta.update(dropped=dropped, truncated=truncated, pid=proc.pid,
                    wall_ms=(time.monotonic() - proc.started) * 1000)
        assert proc.conn is not None
        sent = _send_reply(self.sel, proc.conn, pack_reply(json.dumps(meta).encode(), result, logs), close=close)
        proc.conn = None
        return sent

    def _notified(self, pid: int) -> None:
        from ..capture import FLAG_RESULT, HEADER

        proc = self.procs[pid]
        assert proc.notify is not None
        try:
            data = os.read(proc.notify, 64)
        except BlockingIOError:  # drained by a reuse in the same round
            return
        if not data:  # the child is exiting; the helper will report it
            self.sel.unregister(proc.notify)
            os.close(proc.notify)
            proc.notify = None
            if proc.key != FRESH and proc.conn is None:
                self._kill(proc, "retired")  # a warm child that can no longer answer
            return
        if proc.conn is not None and not proc.killed and HEADER.unpack_from(proc.buf, 0)[3] & FLAG_RESULT:
            meta = {"exit_code": None, "signal": None, "timed_out": False, "maxrss_kb": 0}
            if proc.key == FRESH:
                # The result is complete: answer without waiting for the process teardown (~1 ms).
                self._reply(proc, meta)
                # The flag and the pipe are the child's to write, so an action can raise them itself
                # (and then keep running): a child whose reply is sent dies now, whatever it wrote.
                # A well-behaved one is already in os._exit; the helper reaps either.
                self._kill(proc, "replied")
                return
            # A warm child: the same reply, then the connection waits for the client's verdict and
            # the child for its stop. Whatever it still runs meanwhile can touch only its own
            # buffer and pipe, i.e. the next execution of its own key.
            conn = proc.conn
            if not self._reply(proc, meta, close=False):
                self._kill(proc, "retired")
                return
            proc.verdict = conn
            self.sel.register(conn.fileno(), select.EPOLLIN | select.EPOLLRDHUP, ("verdict", pid))
            proc.stop_at = time.monotonic() + FREEZE_GRACE_S
        if b"I" in data and proc.conn is None and proc.stop_at and not proc.killed:
            self._freeze(proc)

    def _verdict(self, pid: int) -> None:
        """The client's word on a warm child's reply: keep it only on `VERDICT_KEEP` (an EOF, the
        client going away, or anything else kills it)."""
        proc = self.procs[pid]
        conn = proc.verdict
        if conn is None:
            return
        try:
            data = conn.recv(16)
        except OSError:
            data = b""
        self._close_verdict(proc)
        if data[:1] == VERDICT_KEEP and not proc.killed:
            proc.kept = True
            self._park(proc)
        else:
            self._kill(proc, "retired")

    def _close_verdict(self, proc: Proc) -> None:
        if proc.verdict is not None:
            self.sel.unregister(proc.verdict.fileno())
            proc.verdict.close()
            proc.verdict = None

    def _freeze(self, proc: Proc) -> None:
        """Stop a warm child after its reply (nothing of it runs while idle, not even a thread
        its action left behind), then check it is fit for another execution of its key."""
        proc.stop_at = 0.0
        try:
            signal.pidfd_send_signal(proc.pidfd, signal.SIGSTOP)
        except OSError:
            return  # gone: the helper reports it
        proc.frozen = True
        if not fit_for_reuse(proc.pid, proc.pidfd, proc.runs, self.caps, int(self.limits["memory_bytes"])):
            self._kill(proc, "retired")
            return
        self._park(proc)

    def _park(self, proc: Proc) -> None:
        """Idle under its key once stopped, checked and kept by the client; evict beyond the caps."""
        if not (proc.frozen and proc.kept) or proc.killed or proc.conn is not None:
            return
        for pid in self.parked.park(proc.key, proc.pid, time.monotonic()):
            self._kill(self.procs[pid], "evicted")

    def _hung_up(self, fd: int) -> None:
        """The client stopped waiting for this execution: kill its child now (the reply, with
        what the child had written, follows once it is reaped) or drop the request."""
        self.sel.unregister(fd)  # level-triggered: it would fire again and again
        for i, (conn, _, _, _, _) in enumerate(self.waiting):
            if conn.fileno() == fd:
                del self.waiting[i]
                meta = {"exit_code": None, "signal": None, "timed_out": False, "stopped": True, "maxrss_kb": 0,
                        "dropped": 0, "truncated": False, "pid": None, "wall_ms": 0.0}
                _send_reply(self.sel, conn, pack_reply(json.dumps(meta).encode(), b"", b""))
                return
        for proc in self.procs.values():
            if proc.conn is not None and proc.conn.fileno() == fd:
                self._kill(proc, "stopped")
                return

    def _kill(self, proc: Proc, why: str) -> None:
        proc.killed = proc.killed or why
        proc.stop_at = 0.0
        self.parked.unpark(proc.key, proc.pid)
        self._close_verdict(proc)
        try:
            signal.pidfd_send_signal(proc.pidfd, signal.SIGKILL)
        except OSError:
            pass

    def _exited(self, report: dict[str, Any]) -> None:
        proc = self.procs.pop(report["exit"], None)
        if proc is None:
            return
        if proc.pid in self.spares:
            self.spares.remove(proc.pid)
        self.parked.unpark(proc.key, proc.pid)
        self._close_verdict(proc)
        if proc.key != FRESH and not any(p.key == proc.key for p in self.procs.values()):
            self.parked.forget(proc.key)
        if proc.notify is not None:
            self.sel.unregister(proc.notify)
            os.close(proc.notify)
        if proc.ctrl is not None:
            proc.ctrl.close()
        if proc.conn is not None:
            self._reply(proc, {"exit_code": report["exit_code"], "signal": report["signal"],
                               "timed_out": proc.killed == "deadline", "stopped": proc.killed == "stopped",
                               "maxrss_kb": report["maxrss_kb"]})
        os.close(proc.pidfd)
        proc.buf.close()

    def shutdown(self) -> None:
        for conn, _, _, _, _ in self.waiting:
            conn.close()
        self.forker.close()  # EOF: the helper kills and reaps every child, then exits
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            if os.waitpid(self.forker_pid, os.WNOHANG)[0]:
                break
            time.sleep(0.01)
        else:
            os.kill(self.forker_pid, signal.SIGKILL)
            os.waitpid(self.forker_pid, 0)
        shutil.rmtree(self.workbase, ignore_errors=True)
        if self.cgroups is not None:
            self.cgroups.close()


def _stop(signum: int, frame: Any) -> None:
    raise SystemExit(0)


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="actions_studio.runtime.python.zygote")
    parser.add_argument("--socket", required=True)
    parser.add_argument("--config", required=True)
    args = parser.parse_args(argv)
    from ..confine import make_undumpable

    make_undumpable()  # its helper inherits it: neither is readable through /proc by the same user
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    _preimport()
    zygote = Zygote(args.socket, json.loads(args.config))
    try:
        ready = {"ready": True, "pid": os.getpid(), "capabilities": zygote.capabilities,
                 "cgroup_base": zygote.cgroups.base if zygote.cgroups is not None else None}
        sys.stdout.write(json.dumps(ready) + "\n")
        sys.stdout.flush()
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)  # nothing more to say on stdout; the client stops reading it
        os.close(devnull)
        zygote.serve()
    finally:
        zygote.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
