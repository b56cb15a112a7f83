"""Errors the services raise on purpose. `str(error)` is one line a user can act on."""

from __future__ import annotations


class ServiceError(Exception):
    """Base of every refusal a use case explains to the user."""


class NotFoundError(ServiceError):
    pass


class ConflictError(ServiceError):
    """The request clashes with what the workspace holds (a taken name, an action in a flow)."""


class InvalidInputError(ServiceError):
    """Bad input: a name, a fixture file, a dependency, a secret past a limit."""


class DeployRefusedError(ServiceError):
    """The draft does not compile; `line` is 1-based (None when Python gave none)."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


class VaultError(ServiceError):
    """The secrets vault could not be read or written."""
