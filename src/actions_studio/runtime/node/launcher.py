"""How one Node worker process is started: its command line (Node's permission model), its
environment (nothing of the studio's) and its OS confinement.

Node's own layer (`--permission`, stable in Node 22): file reads only of the worker script, the
action's dependency directories and its work dir, writes only to its work dir; no child processes,
no worker threads, no native addons, no inspector (ERR_ACCESS_DENIED). It cannot limit the network
(Node < 25), and `vm` is not a boundary: isolation between actions is by process.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from actions_studio.nodejs import Node, find_node
from actions_studio.resources import node_scripts_dir

from .. import confine, landlock
from ..limits import MIB, SandboxLimits
from ..probe import OFF_ENV
from .seccomp import EXEC_FD

WORKER_SCRIPT = "action_worker.js"
PERMISSION_LAYER = "node_permission"


def layers_off() -> set[str]:
    return {n.strip() for n in os.environ.get(OFF_ENV, "").split(",") if n.strip()}
# V8 reserves address space far beyond what it uses (code range, cages): Node 22 does not start
# under 1 GiB of RLIMIT_AS (measured: 512 MiB aborts at start). The action's memory is bounded by
# the heap limit (--max-old-space-size) and this reserve on top of it.
ADDRESS_SPACE_RESERVE = 1024 * MIB
# What the worker sees as its environment: nothing of the studio's.
WORKER_ENV = {"LANG": "C.UTF-8", "TZ": "UTC", "PATH": "/usr/bin:/bin",
              # libuv's io_uring is a second way into the kernel that a seccomp filter cannot see.
              "UV_USE_IO_URING": "0"}


def worker_script() -> str:
    return str((node_scripts_dir() / WORKER_SCRIPT).resolve())


def heap_mb(limits: SandboxLimits) -> int:
    return max(16, limits.memory_bytes // MIB)


def command(node: Node, script: str, dirs: tuple[str, ...], workdir: str, limits: SandboxLimits, *,
            permission: bool = True) -> list[str]:
    """Node's command line for one worker: the permission model's allow-list and the heap limit
    (``permission=False``: a diagnosis turned the model off, the OS layers alone stand)."""
    reads = [script, workdir, *(os.path.realpath(d) for d in dirs)]
    allow = ["--permission", *(f"--allow-fs-read={path}" for path in reads), f"--allow-fs-write={workdir}"]
    return [str(node.executable), *(allow if permission else []),
            f"--max-old-space-size={heap_mb(limits)}",
            # Without the trap handler WebAssembly memories need no 10 GiB reservations, which
            # the address-space limit would refuse.
            "--disable-wasm-trap-handler",
            "--no-warnings", "--unhandled-rejections=warn", script]


@dataclass
class WorkerProcess:
    """A started worker process and the studio's ends of its two channels."""

    pid: int
    ctl: socket.socket
    api: socket.socket
    workdir: str
    proc: Optional[subprocess.Popen] = field(default=None, repr=False)
    # As root without Landlock: the uid whose files in /tmp & co. are removed after it (private temp).
    leftover_uid: Optional[int] = None

    def kill(self) -> None:
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def wait(self, timeout: float = 5.0) -> dict[str, int]:
        """``{"signal": N}`` or ``{"exit_code": N}`` once it exited (killed if it does not)."""
        assert self.proc is not None
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            code = self.proc.wait(5)
        return {"signal": -code} if code < 0 else {"exit_code": code}

    def console(self, limit: int) -> bytes:
        """The console the worker wrote through to its work dir in the execution it was in (for
        one that timed out, was stopped or crashed), at most ``limit`` bytes."""
        try:
            with open(os.path.join(self.workdir, "console"), "rb") as fh:
                return fh.read(limit)
        except OSError:
            return b""

    def stderr_tail(self, limit: int = 2000) -> str:
        """The end of what Node itself wrote (a fatal error: out of memory, an abort)."""
        try:
            with open(os.path.join(self.workdir, "node.stderr"), "rb") as fh:
                fh.seek(0, os.SEEK_END)
                fh.seek(max(0, fh.tell() - limit))
                return fh.read().decode("utf-8", "replace").strip()
        except OSError:
            return ""

    def close(self) -> None:
        for sock in (self.ctl, self.api):
            try:
                sock.close()
            except OSError:
                pass
        if self.proc is not None and self.proc.poll() is None:
            self.kill()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                pass
        shutil.rmtree(self.workdir, ignore_errors=True)
        if self.leftover_uid is not None:
            confine.remove_left_behind(self.leftover_uid)


class Launcher:
    """Starts confined workers for one Sandbox: each through `confined.py` (a fresh interpreter
    that applies the OS layers, then becomes Node), with the layers the probe found to hold."""

    def __init__(self, limits: SandboxLimits, node: Optional[Node] = None) -> None:
        if limits.open_files >= EXEC_FD:
            raise ValueError(f"SandboxLimits.open_files must stay below {EXEC_FD} for Node workers")
        self.limits = limits
        self.node = node or find_node()
        self.executable = os.path.realpath(self.node.executable)
        self.script = worker_script()
        self.base = tempfile.mkdtemp(prefix="actions-studio-node-")
        os.chmod(self.base, 0o711)
        self.layers: dict[str, bool] = {}
        self.notes: dict[str, str] = {}
        # `ACTIONS_STUDIO_SANDBOX_WITHOUT=node_permission`: to tell whether Node's permission model
        # is what breaks an action, and to test that the OS layers hold without it.
        self.permission = PERMISSION_LAYER not in layers_off()

    def probe(self) -> None:
        from .probe import probe_layers

        found = probe_layers(self)
        self.layers, self.notes = found["layers"], found["notes"]
        self.layers[PERMISSION_LAYER] = self.permission
        self.notes[PERMISSION_LAYER] = (
            "node --permission: reads only of the worker script, the action's node_modules and its work "
            "dir, writes only there; no child processes, worker threads, native addons or inspector"
            if self.permission else f"turned off ({OFF_ENV})")

    def config(self, layers: dict[str, bool], dirs: tuple[str, ...], **extra: object) -> str:
        reads = [os.path.dirname(self.executable), self.script, *(os.path.realpath(d) for d in dirs)]
        return json.dumps({
            "layers": layers, "base": self.base, "node": self.executable, "read_roots": reads,
            "parent": os.getpid(), "limits": self.limits.to_json(), "landlock_abi": landlock.abi_version(),
            "address_space": self.limits.memory_bytes + ADDRESS_SPACE_RESERVE,
            "env": dict(WORKER_ENV, HOME="{workdir}", TMPDIR="{workdir}"), **extra,
        })

    def python_command(self, config: str, node_command: tuple[str, ...] = ()) -> list[str]:
        return [sys.executable, "-P", "-s", "-B", "-m", "actions_studio.runtime.node.confined", config,
                "--", *node_command]

    def python_env(self) -> dict[str, str]:
        return {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1",
                "PYTHONNOUSERSITE": "1", "PYTHONPATH": str(Path(__file__).resolve().parents[3])}

    def start(self, dirs: tuple[str, ...] = ()) -> WorkerProcess:
        """A new worker (its process started; `NodeWorker.wait_ready` waits for Node)."""
        ctl_parent, ctl_child = socket.socketpair()
        api_parent, api_child = socket.socketpair()
        fds = f"{ctl_child.fileno()},{api_child.fileno()}"
        config = json.loads(self.config({k: v for k, v in self.layers.items() if k != PERMISSION_LAYER}, dirs))
        config["env"]["ACTIONS_STUDIO_WORKER_FDS"] = fds
        node_command = command(self.node, self.script, dirs, "{workdir}", self.limits, permission=self.permission)
        node_command[0] = self.executable
        try:
            proc = subprocess.Popen(
                self.python_command(json.dumps(config), tuple(node_command)),
                pass_fds=(ctl_child.fileno(), api_child.fileno()), env=self.python_env(), cwd="/",
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        finally:
            ctl_child.close()
            api_child.close()
        workdir = os.path.join(self.base, str(proc.pid))
        uid = confine.execution_uid(proc.pid) if self.layers.get("separate_uid") else None
        cleanup_temp = uid is not None and not self.layers.get("landlock")
        return WorkerProcess(proc.pid, ctl_parent, api_parent, workdir, proc,
                             leftover_uid=uid if cleanup_temp else None)

    def close(self) -> None:
        shutil.rmtree(self.base, ignore_errors=True)
