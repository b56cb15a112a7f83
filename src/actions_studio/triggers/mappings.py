"""Read-only views of the event's free-form JSON objects (metadata, query, body, secrets).

The event an action receives is read-only (DESIGN.md); changes go through ``api``. A
``ReadOnlyMapping`` is a ``collections.abc.Mapping`` over a private dict: nested objects come back
as read-only views and arrays as tuples, so no path through the event can mutate it.
"""

from __future__ import annotations

from collections.abc import ItemsView, Iterator, KeysView, Mapping, ValuesView
from typing import Any

_READ_ONLY = (
    "the event is read-only; record changes through api "
    "(e.g. api.user.set_app_metadata(key, value) or api.transaction.set_metadata(key, value))"
)


def freeze(value: Any) -> Any:
    """A read-only view of a JSON-like value (dicts → ReadOnlyMapping, lists → tuples)."""
    if isinstance(value, dict):
        return ReadOnlyMapping(value, _copy=False)
    if isinstance(value, list):
        return tuple(freeze(v) for v in value)
    return value


def thaw(value: Any) -> Any:
    """A plain, independent JSON-like copy (mappings → dicts, tuples → lists)."""
    if isinstance(value, ReadOnlyMapping):
        value = value._data
    if isinstance(value, Mapping):
        return {str(k): thaw(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [thaw(v) for v in value]
    return value


class ReadOnlyMapping(Mapping[str, Any]):
    """A JSON object of the event that action code can read but not change."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, Any] | None = None, *, _copy: bool = True) -> None:
        # Copy on construction so the caller's dict (the wire payload) cannot change the event later.
        self._data: dict[str, Any] = thaw(data or {}) if _copy else (data if data is not None else {})

    def __getitem__(self, key: str) -> Any:
        """The value under ``key`` (objects come back read-only, arrays as tuples); KeyError if absent."""
        return freeze(self._data[key])

    def __iter__(self) -> Iterator[str]:
        """The keys, in the event's order."""
        return iter(self._data)

    def __len__(self) -> int:
        """How many keys there are."""
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        """True when ``key`` is present."""
        return key in self._data

    def get(self, key: str, default: Any = None) -> Any:
        """The value under ``key``, or ``default`` (None) when it is absent."""
        return self[key] if key in self._data else default

    def keys(self) -> KeysView[str]:
        """A view of the keys."""
        return KeysView(self)

    def items(self) -> ItemsView[str, Any]:
        """A view of (key, read-only value) pairs."""
        return ItemsView(self)

    def values(self) -> ValuesView[Any]:
        """A view of the read-only values."""
        return ValuesView(self)

    def __repr__(self) -> str:
        return f"ReadOnlyMapping({self._data!r})"

    def __eq__(self, other: object) -> bool:
        # Compare as JSON: nested arrays come back as tuples, yet {"a": [1]} is the same object.
        if not isinstance(other, Mapping):
            return NotImplemented
        return self._data == thaw(other)

    __hash__ = None  # type: ignore[assignment]

    def to_dict(self) -> dict[str, Any]:
        """A plain, mutable deep copy (for json.dumps or building a new value)."""
        return thaw(self._data)

    def __setitem__(self, key: str, value: Any) -> None:
        raise TypeError(f"cannot set {key!r}: {_READ_ONLY}")

    def __delitem__(self, key: str) -> None:
        raise TypeError(f"cannot delete {key!r}: {_READ_ONLY}")

    def _refuse(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError(_READ_ONLY)

    update = pop = popitem = setdefault = clear = _refuse

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        return mapping_core_schema(string_values=False)


class StringValues:
    """Pydantic marker: a ReadOnlyMapping whose values must be strings (``event.secrets``)."""

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        return mapping_core_schema(string_values=True)


def mapping_core_schema(*, string_values: bool) -> Any:
    # Imported here: pydantic_core is already loaded with pydantic, this keeps the module light.
    from pydantic_core import core_schema

    values = core_schema.str_schema() if string_values else core_schema.any_schema()
    as_dict = core_schema.no_info_before_validator_function(
        lambda v: v._data if isinstance(v, ReadOnlyMapping) else v,
        core_schema.dict_schema(keys_schema=core_schema.str_schema(), values_schema=values),
    )
    return core_schema.no_info_after_validator_function(
        ReadOnlyMapping,
        as_dict,
        serialization=core_schema.plain_serializer_function_ser_schema(thaw, when_used="always"),
    )


def writable(mapping: ReadOnlyMapping) -> dict[str, Any]:
    """The dict under a mapping, for the catalog's own recorders only.

    api.transaction.set_metadata must be visible at once in event.transaction.metadata
    (TRIGGERS.md), so its recorder writes through the view.
    """
    return mapping._data
