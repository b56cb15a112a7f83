"""The zygote's forking helper: a copy of the warm zygote whose only job is forking spares.

A fork costs the forking process ~1 ms here (page tables of the warm heap). Done by the zygote's
own single-threaded loop it would hold up replies and requests whenever executions come back to
back; done here, on the other core, it overlaps them. The helper is forked from the zygote once,
right after start-up (still single-threaded, still warm), and dies with it (PR_SET_PDEATHSIG).

Channel with the zygote (SOCK_SEQPACKET, one message each):
  zygote → helper  b"F"                          fork one more spare
  helper → zygote  {"spare": pid} + 4 fds        control socket, notify pipe, buffer memfd, pidfd
                   {"exit": pid, ...}            a child was reaped (exit status, ru_maxrss)
The helper reaps its children, removes their work dirs and recycles their cgroup slots.
"""

from __future__ import annotations

import array
import json
import mmap
import os
import selectors
import shutil
import signal
import socket
import sys
from typing import Any, Optional

from .. import confine
from ..capture import Layout
from .child import ChildSetup, spare_main


class Forker:
    def __init__(self, chan: socket.socket, setup: ChildSetup, layout: Layout, cgroups: Any) -> None:
        self.chan = chan
        self.setup = setup
        self.layout = layout
        self.cgroups = cgroups
        self.children: dict[int, tuple[int, Optional[str]]] = {}  # pid -> (pidfd, cgroup slot)
        self.sel = selectors.DefaultSelector()
        self.sel.register(chan, selectors.EVENT_READ, 0)

    def serve(self) -> None:
        while True:
            for key, _ in self.sel.select():
                if key.data == 0:
                    try:
                        msg = self.chan.recv(64)
                    except ConnectionResetError:
                        msg = b""
                    if not msg:
                        return  # the zygote is gone or closing
                    for _ in range(msg.count(b"F")):
                        self._fork()
                else:
                    self._reap(key.data)

    def _fork(self) -> None:
        memfd = os.memfd_create("actions-studio-exec")
        os.ftruncate(memfd, self.layout.size)
        buf = mmap.mmap(memfd, self.layout.size)
        slot = self.cgroups.acquire() if self.cgroups is not None else None
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        notify_r, notify_w = os.pipe()
        pid = os.fork()
        if pid == 0:
            try:
                for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGCHLD):
                    signal.signal(sig, signal.SIG_DFL)
                # Nothing of the helper's (its channel, other children's pidfds, this buffer's
                # memfd) stays open in the child: only its control socket and notify pipe.
                keep = sorted((theirs.fileno(), notify_w))
                os.closerange(3, keep[0])
                os.closerange(keep[0] + 1, keep[1])
                os.closerange(keep[1] + 1, 1 << 20)
                spare_main(theirs, notify_w, buf, self.setup, slot)
            finally:
                os._exit(70)
        theirs.close()
        os.close(notify_w)
        pidfd = os.pidfd_open(pid)
        fds = [ours.fileno(), notify_r, memfd, os.dup(pidfd)]
        try:
            self.chan.sendmsg([json.dumps({"spare": pid}).encode()],
                              [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))])
        except OSError:
            os.kill(pid, signal.SIGKILL)  # the zygote is gone; it is reaped below
        ours.close()
        for fd in fds[1:]:
            os.close(fd)
        buf.close()
        self.children[pid] = (pidfd, slot)
        self.sel.register(pidfd, selectors.EVENT_READ, pid)

    def _reap(self, pid: int) -> None:
        pidfd, slot = self.children.pop(pid)
        self.sel.unregister(pidfd)
        os.close(pidfd)
        _, status, usage = os.wait4(pid, 0)
        report = {
            "exit": pid,
            "exit_code": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
            "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
            "maxrss_kb": usage.ru_maxrss,
        }
        try:
            self.chan.send(json.dumps(report).encode())
        except OSError:
            pass
        workdir = os.path.join(self.setup.workbase, str(pid))
        try:
            os.rmdir(workdir)
        except FileNotFoundError:
            pass
        except OSError:
            shutil.rmtree(workdir, ignore_errors=True)
        if slot is not None:
            self.cgroups.release(slot)
        layers = self.setup.layers
        if layers.get("separate_uid") and not layers.get("landlock"):
            # Without Landlock an action may write to /tmp & co.: what its uid owns there goes too.
            confine.remove_left_behind(confine.execution_uid(pid))

    def shutdown(self) -> None:
        for pid, (pidfd, _) in self.children.items():
            try:
                signal.pidfd_send_signal(pidfd, signal.SIGKILL)
            except OSError:
                pass
        for pid in list(self.children):
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass


def start_forker(setup: ChildSetup, layout: Layout, cgroups: Any) -> tuple[int, socket.socket]:
    """Fork the helper from the (single-threaded) zygote; returns (pid, the zygote's channel end)."""
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    zygote_pid = os.getpid()
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            confine.prctl(confine.PR_SET_PDEATHSIG, signal.SIGKILL)
            if os.getppid() != zygote_pid:
                os._exit(0)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # the zygote decides when to stop
            ours.close()
            devnull = os.open(os.devnull, os.O_RDWR)
            os.dup2(devnull, 0)  # the zygote's stdin is its lifeline, not ours
            os.dup2(devnull, 1)  # nor its stdout (the client's ready line)
            os.close(devnull)
            # Spares check their parent against this pid before arming PR_SET_PDEATHSIG.
            setup.zygote_pid = os.getpid()
            forker = Forker(theirs, setup, layout, cgroups)
            try:
                forker.serve()
            finally:
                forker.shutdown()
        except BaseException as exc:  # noqa: BLE001 - reported, then the zygote sees EOF
            print(f"actions-studio forker: {exc!r}", file=sys.stderr)
            code = 70
        finally:
            os._exit(code)
    theirs.close()
    return pid, ours
