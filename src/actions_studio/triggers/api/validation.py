"""api.validation: reject the transaction with a validation error."""

from __future__ import annotations

from .recording import Namespace, api_method, require_str


class ValidationApi(Namespace):
    """Report a validation error."""

    _name = "validation"

    @api_method
    def error(self, code: str, message: str) -> None:
        """Fail the transaction with a validation error ``code`` and ``message``.

        Like a deny, the flow stops: later actions do not run.
        """
        require_str("validation.error", "code", code)
        require_str("validation.error", "message", message)
