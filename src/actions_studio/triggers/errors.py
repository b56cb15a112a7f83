"""The errors the catalog raises; each message names what is wrong and where."""

from __future__ import annotations

from dataclasses import dataclass


class UnknownTriggerError(KeyError):
    """A trigger id the catalog does not know; the message lists the valid ids."""

    def __init__(self, trigger_id: object, valid_ids: list[str]) -> None:
        self.trigger_id = trigger_id
        self.valid_ids = list(valid_ids)
        super().__init__(f"unknown trigger {trigger_id!r}; valid triggers: {', '.join(valid_ids)}")

    def __str__(self) -> str:
        # KeyError's str() quotes its argument; a message should read as a sentence.
        return str(self.args[0])


@dataclass(frozen=True)
class FieldError:
    """One problem in an event payload: ``path`` is dotted wire names (``user.identities.0.provider``)."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path or '(event)'}: {self.message}"


class EventValidationError(ValueError):
    """An event payload that does not fit its trigger's event model."""

    def __init__(self, trigger_id: str, errors: list[FieldError]) -> None:
        self.trigger_id = trigger_id
        self.errors = list(errors)
        super().__init__("\n".join(str(e) for e in self.errors))

    def fields(self, indent: str = "  ") -> str:
        """The bad fields, one a line: what goes under a one-line headline (issue 12 item 6)."""
        return "\n".join(f"{indent}{e}" for e in self.errors)

    @property
    def missing_fields(self) -> bool:
        return any(e.message == "required field is missing" for e in self.errors)


class ApiUsageError(ValueError, TypeError):
    """An api method called with a bad argument, or where it is not allowed.

    Both a ValueError and a TypeError, so action code catching either (as it would for a wrong
    type or a wrong value) catches it.
    """
