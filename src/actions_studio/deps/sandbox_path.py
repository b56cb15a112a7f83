"""The path an execution imports an environment from.

As root the sandbox runs each execution under a uid of its own (docs/architecture.md, runtime/),
and that uid cannot traverse a private cache dir (`/root` is 0700; so is pytest's tmp dir). The
environment holds only public packages, so when its own path is not reachable by every uid it is
mirrored (hard links, copies across file systems) into a directory under the system temp dir that
is: owned by us, 0755, never a symlink. The mirror is disposable; the cache stays the truth.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from pathlib import Path


def _reachable_by_others(path: Path) -> bool:
    path = path.resolve()
    for part in [path, *path.parents]:
        try:
            mode = part.stat().st_mode
        except OSError:
            return False
        if not mode & stat.S_IXOTH:
            return False
    return bool(path.stat().st_mode & stat.S_IROTH)


def _mirror_root() -> Path:
    root = Path(tempfile.gettempdir()) / f"actions-studio-environments-{os.geteuid()}"
    try:
        root.mkdir(mode=0o755)
    except FileExistsError:
        pass
    info = os.lstat(root)
    if stat.S_ISLNK(info.st_mode) or info.st_uid != os.geteuid() or info.st_mode & 0o022:
        raise PermissionError(f"{root} is not a directory of ours; refusing to mirror environments there")
    os.chmod(root, 0o755)
    return root


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def sandbox_path(env_dir: Path) -> Path:
    """`env_dir` itself when every uid can read it (or the sandbox keeps our uid), else its mirror."""
    env_dir = Path(env_dir)
    if os.geteuid() != 0 or _reachable_by_others(env_dir):
        return env_dir
    mirror = _mirror_root() / env_dir.name
    if (mirror / "actions-env.json").is_file():
        return mirror
    tmp = Path(tempfile.mkdtemp(prefix=".mirror-", dir=mirror.parent))
    try:
        shutil.copytree(env_dir, tmp / "env", copy_function=_link_or_copy, symlinks=True)
        for dirpath, _, _ in os.walk(tmp):
            os.chmod(dirpath, 0o755)
        try:
            os.rename(tmp / "env", mirror)
        except OSError:
            if not (mirror / "actions-env.json").is_file():
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return mirror
