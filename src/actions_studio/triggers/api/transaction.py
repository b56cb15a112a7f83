"""api.transaction: metadata that lives as long as the login transaction."""

from __future__ import annotations

import math
from typing import Any

from ..errors import ApiUsageError
from ..limits import (
    TRANSACTION_METADATA_MAX_KEY_CHARS,
    TRANSACTION_METADATA_MAX_TOTAL_BYTES,
    TRANSACTION_METADATA_MAX_VALUE_BYTES,
)
from ..mappings import writable
from .recording import Namespace, api_method, require_str


def metadata_size(metadata: dict[str, Any]) -> int:
    """Bytes of keys plus values (values as their text), the way the limits are counted here."""
    return sum(len(k.encode()) + len(_text(v).encode()) for k, v in metadata.items())


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class TransactionApi(Namespace):
    """Data shared by every action of this login transaction."""

    _name = "transaction"

    @api_method
    def set_metadata(self, key: str, value: str | int | float | bool) -> None:
        """Set transaction metadata ``key`` to a str, number or bool ``value``.

        Visible at once in event.transaction.metadata, in this action and the later ones (also after
        a redirect). Limits: key ≤ {TRANSACTION_METADATA_MAX_KEY_CHARS} chars, value ≤
        {TRANSACTION_METADATA_MAX_VALUE_BYTES} bytes, all metadata ≤ {TRANSACTION_METADATA_MAX_TOTAL_BYTES} bytes.
        """
        method = "transaction.set_metadata"
        require_str(method, "key", key)
        if len(key) > TRANSACTION_METADATA_MAX_KEY_CHARS:
            raise ApiUsageError(
                f"api.{method}: key is {len(key)} chars, the limit is {TRANSACTION_METADATA_MAX_KEY_CHARS}"
            )
        if not isinstance(value, (str, int, float, bool)) or (isinstance(value, float) and not math.isfinite(value)):
            raise ApiUsageError(
                f"api.{method}: value of {key!r} must be a str, number or bool, got {type(value).__name__} {value!r}"
            )
        size = len(_text(value).encode())
        if size > TRANSACTION_METADATA_MAX_VALUE_BYTES:
            raise ApiUsageError(
                f"api.{method}: value of {key!r} is {size} bytes, the limit is {TRANSACTION_METADATA_MAX_VALUE_BYTES}"
            )
        current = self._metadata()
        total = metadata_size({**current, key: value})
        if total > TRANSACTION_METADATA_MAX_TOTAL_BYTES:
            raise ApiUsageError(
                f"api.{method}: transaction metadata would be {total} bytes, "
                f"the limit is {TRANSACTION_METADATA_MAX_TOTAL_BYTES}"
            )
        current[key] = value

    def _metadata(self) -> dict[str, Any]:
        # The dict under event.transaction.metadata; writing it makes the value visible at once.
        transaction = getattr(self._event, "transaction", None)
        metadata = getattr(transaction, "metadata", None)
        if metadata is not None:
            return writable(metadata)
        # An event without a transaction has nowhere to show it; still count the limits.
        if self._detached is None:
            self._detached = {}
        return self._detached

    _detached: dict[str, Any] | None = None
