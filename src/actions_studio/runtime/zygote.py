"""The zygote: a warm, single-threaded interpreter that forks one child per action execution.

Started once per `Sandbox` as ``python -m actions_studio.runtime.zygote --socket PATH --config JSON``
with a scrubbed environment. It pre-imports pydantic and the trigger catalog (and warms them) so a
child starts with everything loaded; it never runs threads, so forking it is safe (PITFALLS.md).

Loop: accept a connection (only from the process that started it), read the fixed request header,
fork; the child reads the body itself. The zygote watches each child through a pidfd, SIGKILLs it
at its deadline, reaps it with wait4 (exit status, rusage), reads its shared buffer and sends the
one reply frame. EOF on stdin (the studio went away) or SIGTERM stops it and every child.
"""

from __future__ import annotations

import argparse
import json
import os
import selectors
import shutil
import signal
import socket
import struct
import sys
import tempfile
import time
from dataclasses import dataclass
from typing import Any, Optional


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
    # asyncio.run's first use imports and sets up lazily; pay it here, not in each child.
    asyncio.run(asyncio.sleep(0))


@dataclass
class Running:
    conn: socket.socket
    buf: Any
    pidfd: int
    deadline: float
    started: float
    slot: Optional[str]
    killed: bool = False


class Zygote:
    def __init__(self, socket_path: str, config: dict[str, Any]) -> None:
        from . import confine
        from .capture import Layout
        from .child import ChildSetup
        from .probe import probe

        self.limits = config["limits"]
        self.layout = Layout(int(self.limits["output_bytes"]))
        self.children: dict[int, Running] = {}
        self.workbase = tempfile.mkdtemp(prefix="actions-studio-exec-")
        os.chmod(self.workbase, 0o711)  # children find their own dir by name but cannot list others

        template, seccomp_note = None, ""
        try:
            template = confine.build_seccomp_template()
        except Exception as exc:  # noqa: BLE001 - missing libseccomp, unknown arch, ...
            seccomp_note = f"unavailable: {exc}"
        self.cgroups = None
        cgroup_note, probe_slot = "", None
        try:
            self.cgroups = confine.PidsCgroups(int(self.limits["max_processes"]))
            probe_slot = self.cgroups.acquire()
        except Exception as exc:  # noqa: BLE001 - read-only cgroupfs, v2 without delegation, ...
            cgroup_note = f"unavailable: {exc}"
        verdict = probe(template, seccomp_note, probe_slot, cgroup_note)
        if self.cgroups is not None:
            if probe_slot is not None:
                self.cgroups.release(probe_slot)
            if not verdict["layers"]["cgroup_pids"]:
                self.cgroups.close()
                self.cgroups = None
        self.capabilities = verdict
        self.setup = ChildSetup(
            zygote_pid=os.getpid(), layout=self.layout, limits=self.limits,
            layers=verdict["layers"], seccomp_template=template, workbase=self.workbase,
        )
        self.parent_pid = os.getppid()
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(socket_path)
        self.listener.listen(512)
        self.listener.setblocking(False)
        self.sel = selectors.DefaultSelector()
        self.sel.register(self.listener, selectors.EVENT_READ, "accept")
        self.sel.register(0, selectors.EVENT_READ, "parent")

    # -------------------------------------------------------------------------------- main loop

    def serve(self) -> None:
        while True:
            timeout = None
            if self.children:
                pending = [r.deadline for r in self.children.values() if not r.killed]
                if pending:
                    timeout = max(0.0, min(pending) - time.monotonic())
            for key, _ in self.sel.select(timeout):
                if key.data == "accept":
                    self._accept_all()
                elif key.data == "parent":
                    if not os.read(0, 4096):
                        return  # the studio is gone
                else:
                    self._reap(key.data)
            now = time.monotonic()
            for pid, run in self.children.items():
                if not run.killed and now >= run.deadline:
                    run.killed = True
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass

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
        from .child import child_main
        from .protocol import REQUEST, REQUEST_MAGIC, recv_exact

        # Only the process that started the zygote may ask for executions: an action that finds
        # the socket path must not be able to fork itself more children through it.
        peer_pid = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12))[0]
        if peer_pid != self.parent_pid:
            conn.close()
            return
        conn.setblocking(True)
        conn.settimeout(5.0)
        magic, timeout_ms, body_len = REQUEST.unpack(recv_exact(conn, REQUEST.size))
        if magic != REQUEST_MAGIC:
            conn.close()
            return
        buf = self.layout.new_buffer()
        slot = self.cgroups.acquire() if self.cgroups is not None else None
        started = time.monotonic()
        pid = os.fork()
        if pid == 0:
            try:
                self._become_child(conn)
                child_main(conn, buf, self.setup, timeout_ms, body_len, slot)
            finally:
                os._exit(70)
        pidfd = os.pidfd_open(pid)
        self.sel.register(pidfd, selectors.EVENT_READ, pid)
        self.children[pid] = Running(conn, buf, pidfd, started + timeout_ms / 1000, started, slot)

    def _become_child(self, conn: socket.socket) -> None:
        """Drop everything of the zygote the action must not reach: other executions' sockets and
        shared buffers (their consoles may hold secrets), the listener, the zygote's signals."""
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGCHLD):
            signal.signal(sig, signal.SIG_DFL)
        for run in self.children.values():
            run.conn.close()
            run.buf.close()
            os.close(run.pidfd)
        self.children.clear()
        self.sel.close()
        self.listener.close()
        keep = conn.fileno()
        os.closerange(3, keep)
        os.closerange(keep + 1, 1 << 20)

    def _reap(self, pid: int) -> None:
        from .capture import read_back
        from .protocol import pack_reply

        run = self.children.pop(pid)
        self.sel.unregister(run.pidfd)
        os.close(run.pidfd)
        _, status, usage = os.wait4(pid, 0)
        logs, dropped, truncated, result = read_back(run.buf, self.layout)
        run.buf.close()
        meta = {
            "pid": pid,
            "exit_code": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
            "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
            "timed_out": run.killed,
            "maxrss_kb": usage.ru_maxrss,
            "wall_ms": (time.monotonic() - run.started) * 1000,
            "dropped": dropped,
            "truncated": truncated,
        }
        try:
            run.conn.settimeout(10.0)
            run.conn.sendall(pack_reply(json.dumps(meta).encode(), result, logs))
        except OSError:
            pass  # the caller gave up; nothing to tell
        run.conn.close()
        workdir = os.path.join(self.workbase, str(pid))
        try:
            os.rmdir(workdir)
        except FileNotFoundError:
            pass
        except OSError:
            shutil.rmtree(workdir, ignore_errors=True)
        if run.slot is not None and self.cgroups is not None:
            self.cgroups.release(run.slot)

    def shutdown(self) -> None:
        for pid in list(self.children):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        for pid in list(self.children):
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass
        shutil.rmtree(self.workbase, ignore_errors=True)
        if self.cgroups is not None:
            self.cgroups.close()


def _stop(signum: int, frame: Any) -> None:
    raise SystemExit(0)


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="actions_studio.runtime.zygote")
    parser.add_argument("--socket", required=True)
    parser.add_argument("--config", required=True)
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    _preimport()
    zygote = Zygote(args.socket, json.loads(args.config))
    try:
        ready = {"ready": True, "pid": os.getpid(), "capabilities": zygote.capabilities}
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
