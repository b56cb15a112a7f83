"""`Workspace`: the context object every use case takes (STYLE.md habit 6: no global accessors).

It bundles the open store, the secrets vault and, lazily, one sandbox for runs. The studio window
opens one per project; the CLI one per command; tests one per tmp_path.

Opening never repairs silently: an empty or damaged file is refused with its backups named
(store.backups), and what the user should hear that did not stop the open (a vault key that was
readable by others, a daily backup that failed) is in `notices`, which the CLI prints and the
window shows.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Optional

from actions_studio.services import locations
from actions_studio.services.vault import Vault, open_vault
from actions_studio.store import Database, backups
from actions_studio.store import repository as repo


class Workspace:
    def __init__(self, db: Database, vault: Vault, *, sandbox_limits: Any = None) -> None:
        self.db = db
        self.vault = vault
        with db.read() as s:
            self.id = repo.workspace_id(s)
        self._sandbox_limits = sandbox_limits
        self._sandbox: Any = None
        self._sandbox_lock = threading.Lock()  # the studio runs tests off the GUI thread

    @classmethod
    def open(
        cls, path: Optional[Path] = None, *, vault: Optional[Vault] = None,
        config_dir: Optional[Path] = None, create: bool = True, sandbox_limits: Any = None,
    ) -> "Workspace":
        """Opens (creating and upgrading as needed) the workspace at `path` (default location)."""
        path = Path(path) if path is not None else locations.default_workspace_path()
        db = Database.open(path, create=create)
        try:
            vault = vault if vault is not None else open_vault(config_dir)
            check = getattr(vault, "check", None)
            if check is not None:
                check()  # the key's mode now, not at the first secret a command happens to read
            return cls(db, vault, sandbox_limits=sandbox_limits)
        except BaseException:
            db.close()
            raise

    @property
    def notices(self) -> list[str]:
        """One-line warnings from opening the workspace and its vault (shown, never fatal)."""
        return [*self.db.notices, *getattr(self.vault, "notices", ())]

    @property
    def path(self) -> Path:
        return self.db.path

    def sandbox(self) -> Any:
        """The runtime's Sandbox, started on first use (its zygote costs ~100 ms)."""
        with self._sandbox_lock:
            if self._sandbox is None:
                from actions_studio.runtime import Sandbox, SandboxLimits

                limits = self._sandbox_limits if self._sandbox_limits is not None else SandboxLimits()
                sandbox = Sandbox(limits)
                sandbox.__enter__()
                self._sandbox = sandbox
            return self._sandbox

    def close(self) -> None:
        with self._sandbox_lock:
            sandbox, self._sandbox = self._sandbox, None
        if sandbox is not None:
            sandbox.__exit__(None, None, None)
        self.db.close()

    def __enter__(self) -> "Workspace":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# -- backups (issue 13, item 12): they work on the file, so a workspace that cannot open has them --


def list_backups(path: Optional[Path] = None) -> list[backups.Backup]:
    """The backups of the workspace at `path` (default location), newest first."""
    return backups.list_backups(Path(path) if path is not None else locations.default_workspace_path())


def restore_backup(which: str, path: Optional[Path] = None
                   ) -> tuple[backups.Backup, Optional[backups.Backup]]:
    """Restores backup `which` (1 = newest, or a file name); returns (restored, kept aside)."""
    return backups.restore(Path(path) if path is not None else locations.default_workspace_path(),
                           which)
