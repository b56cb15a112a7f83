"""The seccomp filter of a Node worker: the Python children's refusals (confine.py), adapted.

Threads stay allowed (Node's platform threads, libuv's pool): clone with CLONE_THREAD passes,
clone3 answers ENOSYS (glibc falls back to clone). Process creation is refused (fork, vfork, clone
without CLONE_THREAD), and so is exec — but the filter is loaded BEFORE Node is executed, so one
exec must pass: only ``execveat(EXEC_FD, "", …, AT_EMPTY_PATH)``, where EXEC_FD is a descriptor of
the node binary numbered above RLIMIT_NOFILE and closed by the exec (O_CLOEXEC). After the exec no
call can name that descriptor (open and dup refuse numbers at or above the limit, and the filter
refuses raising the limit), so no exec passes any more. io_uring is refused too: its operations
would not pass through this filter at all (libuv falls back to its thread pool).
"""

from __future__ import annotations

import errno
import socket
from functools import cache

from ..confine import CLONE_THREAD, PID_PLACEHOLDER, export_bpf

# Above any RLIMIT_NOFILE a worker gets (SandboxLimits.open_files is checked against it).
EXEC_FD = 1000
AT_EMPTY_PATH = 0x1000
RLIMIT_NOFILE = 7


@cache
def build_filter() -> bytes:
    import pyseccomp as sc

    deny = sc.ERRNO(errno.EPERM)
    f = sc.SyscallFilter(sc.ALLOW)
    for name in ("fork", "vfork", "execve", "ptrace", "process_vm_readv", "process_vm_writev", "tkill",
                 "pidfd_send_signal", "pidfd_open", "pidfd_getfd", "setns", "unshare", "mount", "umount2",
                 "pivot_root", "chroot", "kexec_load", "bpf", "perf_event_open", "userfaultfd", "keyctl",
                 "add_key", "request_key", "setrlimit"):
        f.add_rule(deny, name)
    f.add_rule(deny, "execveat", sc.Arg(0, sc.NE, EXEC_FD))
    f.add_rule(deny, "execveat", sc.Arg(4, sc.NE, AT_EMPTY_PATH))
    f.add_rule(deny, "prlimit64", sc.Arg(2, sc.NE, 0))  # reading limits is fine, raising them is not
    f.add_rule(deny, "clone", sc.Arg(0, sc.MASKED_EQ, CLONE_THREAD, 0))
    f.add_rule(sc.ERRNO(errno.ENOSYS), "clone3")
    for name in ("io_uring_setup", "io_uring_enter", "io_uring_register"):
        f.add_rule(sc.ERRNO(errno.ENOSYS), name)
    f.add_rule(deny, "socket", sc.Arg(0, sc.EQ, socket.AF_UNIX))
    f.add_rule(deny, "kill", sc.Arg(0, sc.NE, PID_PLACEHOLDER))
    f.add_rule(deny, "tgkill", sc.Arg(0, sc.NE, PID_PLACEHOLDER))
    return export_bpf(f)
