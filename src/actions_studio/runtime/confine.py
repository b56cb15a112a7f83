"""The confinement layers of a child, and the detection of which of them this machine supports.

Layers (PITFALLS.md, "Sandbox"): running as root, RLIMIT_NPROC binds nothing, so the bound on child
processes is built from
  1. a Python audit hook refusing fork/exec/system/spawn/ctypes loading (always available),
  2. a seccomp filter refusing fork, vfork, clone without CLONE_THREAD, clone3 (ENOSYS so glibc
     falls back to clone), exec, ptrace, Unix sockets of its own and signals to other processes —
     threads stay allowed,
  3. a cgroup ``pids.max`` per execution where the pids controller is writable,
plus, as root, a per-execution uid (so siblings cannot read each other's /proc or signal each other)
and PR_SET_DUMPABLE 0 / PR_SET_NO_NEW_PRIVS; file access is limited by Landlock (landlock.py) and,
as root, the interpreter is made readable to those uids by a mount namespace (mounts.py). Nothing
is assumed: the zygote probes every layer in a throwaway child at start-up (`probe`) and children
apply exactly the layers that passed. A layer that passed the probe but fails in a child fails
that execution closed.
"""

from __future__ import annotations

import ctypes
import errno
import os
import resource
import shutil
import signal
import socket
import stat
import struct
import sys
import tempfile
from typing import Any, Optional

PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_SET_SECCOMP = 22
PR_SET_NO_NEW_PRIVS = 38
SECCOMP_MODE_FILTER = 2
CLONE_THREAD = 0x00010000
# uids handed to executions (root only): base + pid, unique among live children, owned by nobody.
UID_BASE = 0x10000000
# A value that no real pid has; patched to the child's pid in the precompiled BPF program.
PID_PLACEHOLDER = 0x3ACE5EED

_libc = ctypes.CDLL(None, use_errno=True)
_libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
_libc.prctl.restype = ctypes.c_int


def prctl(option: int, arg2: int = 0, arg3: int = 0) -> None:
    if _libc.prctl(option, arg2, arg3, 0, 0) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"prctl({option}): {os.strerror(err)}")


# ---------------------------------------------------------------------------------------- seccomp


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def build_seccomp_template() -> bytes:
    """Compile the filter once (in the zygote) with a placeholder pid; children patch and load it.

    Compiling with libseccomp costs ~0.6 ms; patching the constant and one prctl costs ~20 µs.
    """
    import pyseccomp as sc

    deny = sc.ERRNO(errno.EPERM)
    f = sc.SyscallFilter(sc.ALLOW)
    for name in ("fork", "vfork", "execve", "execveat", "ptrace", "process_vm_readv",
                 "process_vm_writev", "tkill", "pidfd_send_signal", "pidfd_open", "pidfd_getfd",
                 "setns", "unshare", "mount", "umount2", "pivot_root", "chroot", "kexec_load",
                 "bpf", "perf_event_open", "userfaultfd", "keyctl", "add_key", "request_key"):
        f.add_rule(deny, name)
    # clone is how both threads and processes are made: only thread clones pass.
    f.add_rule(deny, "clone", sc.Arg(0, sc.MASKED_EQ, CLONE_THREAD, 0))
    # clone3 passes its flags in memory seccomp cannot read; ENOSYS makes glibc fall back to clone.
    f.add_rule(sc.ERRNO(errno.ENOSYS), "clone3")
    # No Unix socket of its own (socketpair, which asyncio's event loop uses, stays allowed): with
    # the user's uid an action could otherwise talk to the desktop's D-Bus (the keyring), X11,
    # an ssh-agent or the zygote's own socket.
    f.add_rule(deny, "socket", sc.Arg(0, sc.EQ, socket.AF_UNIX))
    # Signals only to itself: not to siblings, the zygote or the studio.
    f.add_rule(deny, "kill", sc.Arg(0, sc.NE, PID_PLACEHOLDER))
    f.add_rule(deny, "tgkill", sc.Arg(0, sc.NE, PID_PLACEHOLDER))
    return export_bpf(f)


def export_bpf(f: Any) -> bytes:
    """A libseccomp filter as the raw BPF program, patched per pid and loaded by load_seccomp
    (the Python sandbox's filter and the Node worker's)."""
    with tempfile.TemporaryFile() as out:
        f.export_bpf(out)
        out.seek(0)
        prog = out.read()
    if len(prog) % 8 or not prog:
        raise RuntimeError("libseccomp exported a malformed BPF program")
    return prog


def patch_seccomp(template: bytes, pid: int) -> bytes:
    """Replace the placeholder constant (the ``k`` field of BPF instructions) by the real pid."""
    prog = bytearray(template)
    hits = 0
    for off in range(0, len(prog), 8):
        if struct.unpack_from("=I", prog, off + 4)[0] == PID_PLACEHOLDER:
            struct.pack_into("=I", prog, off + 4, pid)
            hits += 1
    if hits < 1:  # libseccomp may share one comparison between kill and tgkill
        raise RuntimeError("seccomp template does not contain the pid placeholder")
    return bytes(prog)


def load_seccomp(prog: bytes) -> None:
    buf = ctypes.create_string_buffer(prog, len(prog))
    fprog = _SockFprog(len(prog) // 8, ctypes.addressof(buf))
    if _libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.addressof(fprog), 0, 0) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"loading the seccomp filter failed: {os.strerror(err)}")


# ------------------------------------------------------------------------------------- audit hook

_REFUSED_EVENTS = frozenset(
    {
        "os.fork", "os.forkpty", "os.system", "os.exec", "os.posix_spawn", "os.spawn",
        "subprocess.Popen", "pty.spawn", "ctypes.dlopen", "ctypes.dlsym", "ctypes.dlsym/handle",
        "os.killpg", "signal.pthread_kill", "os.setuid", "os.setgid", "sys.remote_exec",
        "winreg", "os.startfile",
    }
)


def install_audit_hook(own_pid: int) -> None:
    """Refuse process creation and native-library loading from Python code.

    The hook cannot be removed once added. It is the first layer only: code can reach fork without
    an audit event (``_posixsubprocess``, already-loaded ctypes symbols), which seccomp catches.
    """
    refused = _REFUSED_EVENTS

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event in refused:
            raise PermissionError(f"{event} is not allowed in an action (sandbox policy)")
        if event == "os.kill" and args and args[0] != own_pid:
            raise PermissionError("signalling other processes is not allowed in an action")
        if event == "object.__setattr__" and len(args) > 1 and args[1] == "__code__":
            # Rewriting a function's code is how one would neuter this very hook.
            raise PermissionError("replacing __code__ is not allowed in an action")

    sys.addaudithook(hook)


# -------------------------------------------------------------------------------------- processes


def set_rlimits(memory_bytes: int, file_size_bytes: int, open_files: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_FSIZE, (file_size_bytes, file_size_bytes))
    resource.setrlimit(resource.RLIMIT_NOFILE, (open_files, open_files))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def execution_uid(pid: int) -> int:
    return UID_BASE + pid


def drop_privileges(uid: int) -> None:
    """As root: become a uid no other process has (capabilities go with the root uid)."""
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)


def make_undumpable() -> bool:
    """PR_SET_DUMPABLE 0 for a studio process that holds secrets (the window, the CLI, the tenant
    server, the zygote and its helper): other processes of the same user can no longer read its
    /proc/PID/environ or /proc/PID/mem, nor ptrace it. Reset by execve, so every entry point calls
    it; False where prctl refuses (the process stays as it was)."""
    try:
        prctl(PR_SET_DUMPABLE, 0)
    except OSError:
        return False
    return True


def harden_process(zygote_pid: int, *, dumpable_off: bool, no_new_privs: bool) -> None:
    """After the uid change (which would reset them): die with the zygote, no /proc access by
    others, no privilege gain."""
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != zygote_pid:  # the zygote died before PDEATHSIG was armed
        os._exit(70)
    if dumpable_off:
        prctl(PR_SET_DUMPABLE, 0)
    if no_new_privs:
        prctl(PR_SET_NO_NEW_PRIVS, 1)


SHARED_TEMP_DIRS = ("/tmp", "/var/tmp", "/dev/shm")


def remove_left_behind(uid: int, dirs: tuple[str, ...] = SHARED_TEMP_DIRS) -> None:
    """As root, after an execution's uid is gone: remove what it owns in the shared temp dirs, and
    in the world-writable directories inside them (``/tmp/.X11-unix`` and the like). Nothing
    else can own anything there: the uid is unique to that execution."""
    for top in dirs:
        pending = [top]
        while pending:
            try:
                entries = list(os.scandir(pending.pop()))
            except OSError:
                continue
            for entry in entries:
                try:
                    info = entry.stat(follow_symlinks=False)
                except OSError:
                    continue
                if info.st_uid == uid:
                    if entry.is_dir(follow_symlinks=False):
                        shutil.rmtree(entry.path, ignore_errors=True)
                    else:
                        try:
                            os.unlink(entry.path)
                        except OSError:
                            pass
                elif entry.is_dir(follow_symlinks=False) and info.st_mode & stat.S_IWOTH:
                    pending.append(entry.path)


# ---------------------------------------------------------------------------------------- cgroups


def _pids_cgroup_dir() -> Optional[str]:
    """The directory of this process's cgroup in the pids hierarchy (v1) or the unified one (v2)."""
    try:
        lines = open("/proc/self/cgroup", encoding="ascii").read().splitlines()
    except OSError:
        return None
    v1 = next((ln.split(":", 2)[2] for ln in lines if ln.split(":")[1:2] == ["pids"]), None)
    if v1 is not None and os.path.isdir("/sys/fs/cgroup/pids"):
        return "/sys/fs/cgroup/pids" + v1.rstrip("/")
    v2 = next((ln.split(":", 2)[2] for ln in lines if ln.startswith("0::")), None)
    if v2 is not None and os.path.exists("/sys/fs/cgroup/cgroup.controllers"):
        return "/sys/fs/cgroup" + v2.rstrip("/")
    return None


class PidsCgroups:
    """A pool of per-execution cgroups with ``pids.max`` (slots are reused: mkdir costs ~0.2 ms)."""

    def __init__(self, max_pids: int) -> None:
        parent = _pids_cgroup_dir()
        if parent is None:
            raise OSError("no pids cgroup hierarchy found")
        self.base = os.path.join(parent, f"actions-studio-{os.getpid()}")
        self.max_pids = max_pids
        self._free: list[str] = []
        self._count = 0
        os.mkdir(self.base)
        try:
            self.release(self._new_slot())
        except OSError:
            self.close()
            raise

    def _new_slot(self) -> str:
        path = os.path.join(self.base, f"x{self._count}")
        self._count += 1
        os.mkdir(path)
        with open(os.path.join(path, "pids.max"), "w", encoding="ascii") as fh:
            fh.write(str(self.max_pids))
        return path

    def acquire(self) -> str:
        return self._free.pop() if self._free else self._new_slot()

    def release(self, path: str) -> None:
        # Anything still in the slot escaped its execution: kill it before the slot is reused.
        try:
            with open(os.path.join(path, "cgroup.procs"), encoding="ascii") as fh:
                stray = [int(p) for p in fh.read().split()]
        except OSError:
            return
        for pid in stray:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        if not stray:
            self._free.append(path)

    def close(self) -> None:
        for name in sorted(os.listdir(self.base)) if os.path.isdir(self.base) else []:
            path = os.path.join(self.base, name)
            if os.path.isdir(path):
                try:
                    os.rmdir(path)
                except OSError:
                    pass
        try:
            os.rmdir(self.base)
        except OSError:
            pass


def join_cgroup(slot: str) -> None:
    with open(os.path.join(slot, "cgroup.procs"), "w", encoding="ascii") as fh:
        fh.write(str(os.getpid()))
