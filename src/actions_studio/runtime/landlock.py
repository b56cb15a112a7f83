"""Landlock (Linux ≥ 5.13): an unprivileged allow-list of what a process may open, through the
three syscalls (the same numbers on every architecture since they were added, 444–446).

A child builds its ruleset while it is a spare (one O_PATH open and one syscall per allowed
path, ~2 µs each), adds the action's dependency environments once the request names them, and
restricts itself before any action code exists. What the child can then reach is exactly:

- read (and map/execute): the Python installation and every entry of the zygote's import path,
  the action's dependency environments, the system directories (/usr, /lib*, /bin, /sbin, /etc)
  and the files networking reads (whose real path may be elsewhere, e.g. resolv.conf under /run),
  its own /proc/PID and the CPU list glibc reads for os.cpu_count();
- read and write: its own work dir (HOME/TMPDIR) and /dev/null, /dev/zero, /dev/full.

Everything else — the studio's workspace, vault and config, other executions' work dirs,
/tmp, /var/tmp, /dev/shm, other processes' /proc entries — is refused (EACCES). Landlock also
confines ptrace (so /proc/PID/mem of any process outside the domain) and, from ABI 6, signals
and abstract Unix sockets to processes outside it.
"""

from __future__ import annotations

import ctypes
import os
import stat
from collections.abc import Iterable
from typing import Optional

_SYS_CREATE_RULESET, _SYS_ADD_RULE, _SYS_RESTRICT_SELF = 444, 445, 446
_CREATE_RULESET_VERSION = 1
_RULE_PATH_BENEATH = 1

EXECUTE = 1 << 0
WRITE_FILE = 1 << 1
READ_FILE = 1 << 2
READ_DIR = 1 << 3
REMOVE_DIR = 1 << 4
REMOVE_FILE = 1 << 5
MAKE_CHAR = 1 << 6
MAKE_DIR = 1 << 7
MAKE_REG = 1 << 8
MAKE_SOCK = 1 << 9
MAKE_FIFO = 1 << 10
MAKE_BLOCK = 1 << 11
MAKE_SYM = 1 << 12
REFER = 1 << 13  # ABI 2
TRUNCATE = 1 << 14  # ABI 3
IOCTL_DEV = 1 << 15  # ABI 5
SCOPE_ABSTRACT_UNIX_SOCKET = 1 << 0  # ABI 6
SCOPE_SIGNAL = 1 << 1  # ABI 6

# The rights a rule on a regular file (not a directory) may carry.
_FILE_RIGHTS = EXECUTE | WRITE_FILE | READ_FILE | TRUNCATE | IOCTL_DEV
READ = EXECUTE | READ_FILE | READ_DIR
DEVICE = READ_FILE | WRITE_FILE | TRUNCATE | IOCTL_DEV

SYSTEM_DIRS = ("/usr", "/lib", "/lib32", "/lib64", "/libx32", "/bin", "/sbin", "/etc")
# Read by name resolution, TLS and time zones; listed so their real paths (often symlinks out of
# /etc, e.g. resolv.conf → /run/systemd/resolve/stub-resolv.conf) are allowed too.
SYSTEM_FILES = ("/etc/resolv.conf", "/etc/hosts", "/etc/nsswitch.conf", "/etc/gai.conf", "/etc/host.conf",
                "/etc/services", "/etc/protocols", "/etc/localtime", "/etc/ssl/certs/ca-certificates.crt",
                "/sys/devices/system/cpu")
DEVICES_RW = ("/dev/null", "/dev/zero", "/dev/full")
DEVICES_R = ("/dev/random", "/dev/urandom")

_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64),
                ("scoped", ctypes.c_uint64)]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def _fail(what: str) -> OSError:
    err = ctypes.get_errno()
    return OSError(err, f"landlock {what}: {os.strerror(err)}")


def abi_version() -> int:
    """The kernel's Landlock ABI (0: not available — too old, or not enabled at boot)."""
    version = _libc.syscall(_SYS_CREATE_RULESET, None, ctypes.c_size_t(0), ctypes.c_uint32(_CREATE_RULESET_VERSION))
    return max(0, int(version))


def handled_rights(abi: int) -> int:
    rights = (1 << 13) - 1  # EXECUTE … MAKE_SYM (ABI 1)
    if abi >= 2:
        rights |= REFER
    if abi >= 3:
        rights |= TRUNCATE
    if abi >= 5:
        rights |= IOCTL_DEV
    return rights


class Ruleset:
    """One process's ruleset, built in steps, applied once (`restrict`)."""

    def __init__(self, abi: int) -> None:
        self.abi = abi
        self.handled = handled_rights(abi)
        attr = _RulesetAttr(self.handled, 0, SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL if abi >= 6 else 0)
        # The size tells the kernel which fields this caller knows (scoped is ABI 6).
        size = ctypes.sizeof(_RulesetAttr) if abi >= 6 else 16 if abi >= 4 else 8
        fd = _libc.syscall(_SYS_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(size), ctypes.c_uint32(0))
        if fd < 0:
            raise _fail("create_ruleset")
        self.fd: Optional[int] = int(fd)

    def allow(self, path: str, rights: int) -> bool:
        """Allow ``rights`` on ``path`` and below (False when the path does not exist)."""
        assert self.fd is not None
        try:
            target = os.open(path, os.O_PATH | os.O_CLOEXEC)
        except OSError:
            return False
        try:
            if not stat.S_ISDIR(os.fstat(target).st_mode):
                rights &= _FILE_RIGHTS
            rule = _PathBeneathAttr(rights & self.handled, target)
            if _libc.syscall(_SYS_ADD_RULE, self.fd, _RULE_PATH_BENEATH, ctypes.byref(rule), ctypes.c_uint32(0)) != 0:
                raise _fail(f"add_rule {path}")
        finally:
            os.close(target)
        return True

    def allow_all(self, paths: Iterable[str], rights: int) -> None:
        for path in paths:
            self.allow(path, rights)

    def restrict(self) -> None:
        """Apply it to this process (needs PR_SET_NO_NEW_PRIVS). Irreversible; inherited by threads."""
        assert self.fd is not None
        try:
            if _libc.syscall(_SYS_RESTRICT_SELF, self.fd, ctypes.c_uint32(0)) != 0:
                raise _fail("restrict_self")
        finally:
            os.close(self.fd)
            self.fd = None


def rules_for(read_roots: Iterable[str]) -> list[tuple[str, int]]:
    """The (path, rights) every execution gets, resolved once in the zygote: existing paths only,
    real paths of the listed files added, directories inside another one dropped."""
    from .mounts import outermost

    dirs = outermost([*read_roots, *SYSTEM_DIRS])
    inside = (lambda p: any(p == d or p.startswith(d.rstrip("/") + "/") for d in dirs))
    files = sorted({q for p in SYSTEM_FILES for q in (p, os.path.realpath(p)) if os.path.exists(q) and not inside(q)})
    return ([(d, READ) for d in dirs] + [(f, READ) for f in files]
            + [(d, READ_FILE) for d in DEVICES_R if os.path.exists(d)]
            + [(d, DEVICE) for d in DEVICES_RW if os.path.exists(d)])


def execution_ruleset(abi: int, rules: Iterable[tuple[str, int]], workdir: str) -> Ruleset:
    """The ruleset of one execution, before its request: everything but its dependencies."""
    ruleset = Ruleset(abi)
    for path, rights in rules:
        ruleset.allow(path, rights)
    ruleset.allow(f"/proc/{os.getpid()}", READ_FILE | READ_DIR)
    ruleset.allow(workdir, ruleset.handled)
    return ruleset
