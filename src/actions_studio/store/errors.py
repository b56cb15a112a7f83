"""Store errors. Every message is one line a user can act on (the CLI prints it as is)."""

from __future__ import annotations


class StoreError(Exception):
    """Base of every error the store raises on purpose."""


class WorkspaceBusyError(StoreError):
    """Another process held the write lock longer than the busy timeout."""


class WorkspaceCorruptError(StoreError):
    """The file is not a workspace or SQLite cannot read it."""


class SchemaTooNewError(StoreError):
    """The workspace was written by a newer studio."""
