"""api.notification of the custom provider triggers: report that a message could not be delivered.

From Auth0's generated reference (auth0/docs-v2, main/docs/actions/reference/custom-email-provider/
custom-email-provider-api-object.mdx; custom-phone-provider is the same): "If several calls are
made, only the last one is considered." An action that returns without calling either delivered the
message.
"""

from __future__ import annotations

from ..limits import NOTIFICATION_REASON_MAX_CHARS
from .recording import Namespace, api_method, require_str


class NotificationApi(Namespace):
    """Report a failed delivery: retry the message later, or drop it."""

    _name = "notification"

    def _check(self, method: str, reason: object) -> None:
        require_str(f"notification.{method}", "reason", reason)
        if len(reason) > NOTIFICATION_REASON_MAX_CHARS:  # type: ignore[arg-type]
            self._warn(
                f"api.notification.{method}: reason is {len(reason)} characters; "  # type: ignore[arg-type]
                f"Auth0 keeps the first {NOTIFICATION_REASON_MAX_CHARS}"
            )

    @api_method
    def drop(self, reason: str) -> None:
        """The delivery failed for good: Auth0 logs ``reason`` and never sends this message again.

        ``reason`` is kept to its first {NOTIFICATION_REASON_MAX_CHARS} characters. Only the last
        retry or drop call counts.
        """
        self._check("drop", reason)

    @api_method
    def retry(self, reason: str) -> None:
        """The delivery failed but may succeed later: Auth0 logs ``reason`` and retries up to {NOTIFICATION_MAX_RETRIES} times.

        ``reason`` is kept to its first {NOTIFICATION_REASON_MAX_CHARS} characters. Only the last
        retry or drop call counts.
        """
        self._check("retry", reason)
