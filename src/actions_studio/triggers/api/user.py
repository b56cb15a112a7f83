"""api.user: change the user's app_metadata and user_metadata."""

from __future__ import annotations

from typing import Any

from ..errors import ApiUsageError
from .recording import Namespace, api_method, json_safe, require_str


def check_metadata_key(method: str, key: Any) -> None:
    require_str(method, "key", key)
    # Auth0 refuses metadata field names with a dot or starting with "$" (they are MongoDB-style paths).
    if "." in key or key.startswith("$"):
        raise ApiUsageError(f"api.{method}: key {key!r} must not contain '.' nor start with '$'")


class UserApi(Namespace):
    """Change the user's metadata (written once at the end of the flow)."""

    _name = "user"

    @api_method
    def set_app_metadata(self, key: str, value: Any) -> None:
        """Set app_metadata[``key``] to ``value`` (JSON data); None deletes the key.

        Batched and written once at the end of the flow; later actions in the flow see the new value
        in event.user.app_metadata, this action's event does not change. Keys must not contain "."
        nor start with "$".
        """
        check_metadata_key("user.set_app_metadata", key)
        json_safe(value, where=f"api.user.set_app_metadata: value of {key!r}")

    @api_method
    def set_user_metadata(self, key: str, value: Any) -> None:
        """Set user_metadata[``key``] to ``value`` (JSON data); None deletes the key.

        Batched and written once at the end of the flow; later actions in the flow see the new value
        in event.user.user_metadata, this action's event does not change. Keys must not contain "."
        nor start with "$".
        """
        check_metadata_key("user.set_user_metadata", key)
        json_safe(value, where=f"api.user.set_user_metadata: value of {key!r}")
