"""Store errors. Every message is one line a user can act on (the CLI prints it as is)."""

from __future__ import annotations

from typing import Any


class StoreError(Exception):
    """Base of every error the store raises on purpose."""


class WorkspaceBusyError(StoreError):
    """Another process held the write lock longer than the busy timeout."""


class WorkspaceCorruptError(StoreError):
    """The file is not a workspace or SQLite cannot read it.

    `backups` lists the backups of that workspace (store.backups.Backup, newest first), so a
    window can offer them without parsing the message.
    """

    def __init__(self, message: str, backups: tuple[Any, ...] = ()) -> None:
        super().__init__(message)
        self.backups = backups


class WorkspaceEmptyError(WorkspaceCorruptError):
    """The file exists with 0 bytes: truncated or replaced outside the studio (issue 13, item 12).

    Never taken for a new workspace: that would hide the loss behind an empty action list.
    """


class SchemaTooNewError(StoreError):
    """The workspace was written by a newer studio."""


class BackupNotFoundError(StoreError):
    """`workspace restore NAME_OR_INDEX` named no backup of this workspace."""
