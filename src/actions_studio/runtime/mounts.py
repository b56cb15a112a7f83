"""As root: make the Python installation readable to the per-execution uids, and nothing else.

Executions run as uids of their own (confine.execution_uid). When the interpreter lives under a
directory only root may enter (`/root` is 0700 on many machines and in most containers), those
uids can import only what the zygote imported before forking: `import urllib.request` fails. The
zygote therefore moves itself (and so every child it forks) into a mount namespace of its own in
which each such directory is covered by an empty tmpfs (0755) and only the import roots under it
are bound back, read-only, at their own paths. The studio's own files under that directory
(its data, config and caches) are not there at all. Done once at zygote start (~1 ms); children
inherit it at fork, so an execution pays nothing. Mount propagation is made private first, so
nothing of this reaches the studio's own namespace.
"""

from __future__ import annotations

import ctypes
import os
import stat
from collections.abc import Iterable

CLONE_NEWNS = 0x00020000
MS_RDONLY = 1
MS_NOSUID = 2
MS_NODEV = 4
MS_REMOUNT = 32
MS_BIND = 4096
MS_REC = 16384
MS_PRIVATE = 1 << 18

_libc = ctypes.CDLL(None, use_errno=True)
_libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p]


def _mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    enc = (lambda s: s.encode() if s is not None else None)
    if _libc.mount(enc(source), enc(target), enc(fstype), flags, enc(data)) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"mount {target}: {os.strerror(err)}")


def _others_may_enter(path: str) -> bool:
    try:
        return bool(os.stat(path).st_mode & stat.S_IXOTH)
    except OSError:
        return False


def blocking_dir(path: str) -> str | None:
    """The outermost directory on ``path``'s way that other uids may not enter, or None."""
    parts = os.path.realpath(path).split(os.sep)
    for i in range(2, len(parts)):
        ancestor = os.sep.join(parts[:i])
        if not _others_may_enter(ancestor):
            return ancestor
    return None


def outermost(paths: Iterable[str]) -> list[str]:
    """Existing real paths, without those inside another one of them."""
    real = sorted({os.path.realpath(p) for p in paths if p and os.path.exists(p)})
    out: list[str] = []
    for p in real:
        if not any(p == q or p.startswith(q.rstrip(os.sep) + os.sep) for q in out):
            out.append(p)
    return out


def expose(roots: Iterable[str], writable: Iterable[str] = ()) -> dict[str, list[str]]:
    """Enter a private mount namespace in which every root is reachable by every uid: each
    directory in the way is covered by an empty tmpfs with only the roots bound back, read-only
    (``writable`` ones read-write: the sandbox's own directory of work dirs). Returns ``{covered
    directory: [roots bound back under it]}`` ({} when nothing was in the way, and then the
    namespace is left alone)."""
    keep_writable = {os.path.realpath(p) for p in writable}
    plan: dict[str, list[str]] = {}
    for root in outermost([*roots, *keep_writable]):
        blocker = blocking_dir(root)
        if blocker is not None:
            plan.setdefault(blocker, []).append(root)
    if not plan:
        return {}
    if _libc.unshare(CLONE_NEWNS) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"unshare(CLONE_NEWNS): {os.strerror(err)}")
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    for blocker, under in plan.items():
        # Handles on the roots before the tmpfs hides them; bound back from the handle.
        fds = [os.open(r, os.O_PATH | os.O_CLOEXEC) for r in under]
        try:
            _mount("tmpfs", blocker, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=1m")
            for root, fd in zip(under, fds):
                if os.path.isdir(f"/proc/self/fd/{fd}"):
                    os.makedirs(root, mode=0o755, exist_ok=True)
                else:
                    os.makedirs(os.path.dirname(root), mode=0o755, exist_ok=True)
                    open(root, "x").close()
                _mount(f"/proc/self/fd/{fd}", root, None, MS_BIND | MS_REC)
                read_only = 0 if root in keep_writable else MS_RDONLY
                _mount(None, root, None, MS_REMOUNT | MS_BIND | read_only | MS_NOSUID | MS_NODEV)
        finally:
            for fd in fds:
                os.close(fd)
    return plan
