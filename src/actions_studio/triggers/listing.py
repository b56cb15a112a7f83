"""The trigger catalog's light index: each trigger's id and one-line description, in the
catalog's order. catalog.py builds every `Trigger` from it, so this is no second list to keep in
step; it exists because the catalog's event models take ~0.1 s to build, and the studio's explorer
lists the triggers before anything needs a model (issue 12 item 10).
"""

from __future__ import annotations

DESCRIPTIONS: dict[str, str] = {
    "post-login": "After a user authenticates, before tokens are issued.",
    "credentials-exchange": "Before an access token is issued for a client-credentials (M2M) grant.",
    "pre-user-registration": "Before a database or passwordless user is created.",
    "post-user-registration": "After a user is created (asynchronous: cannot change the signup).",
    "post-change-password": "After a user's password changes (asynchronous).",
    "send-phone-message": "When an MFA code must be sent by SMS or voice through your own provider.",
    "password-reset-post-challenge": "During a password reset, after the user passed the first challenge and before the new password is set.",
    "custom-token-exchange": "When an application exchanges its own token for Auth0 tokens (RFC 8693, a custom subject_token_type).",
    "custom-email-provider": "When the tenant sends an email, to deliver it through your own provider.",
    "custom-phone-provider": "When the tenant sends an SMS or voice message, to deliver it through your own provider.",
    "event-stream": "When an event that an event stream subscribes to happens in the tenant.",
}
