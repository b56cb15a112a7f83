"""Event models of the catalog's triggers (one module per trigger, shared parts in common.py)."""

from __future__ import annotations

from .credentials_exchange import CredentialsExchangeEvent
from .custom_providers import CustomEmailProviderEvent, CustomPhoneProviderEvent
from .custom_token_exchange import CustomTokenExchangeEvent
from .event_stream import EventStreamEvent
from .password_reset import PasswordResetPostChallengeEvent
from .post_change_password import PostChangePasswordEvent
from .post_login import PostLoginEvent
from .registration import PostUserRegistrationEvent, PreUserRegistrationEvent
from .send_phone_message import SendPhoneMessageEvent

__all__ = [
    "CredentialsExchangeEvent",
    "CustomEmailProviderEvent",
    "CustomPhoneProviderEvent",
    "CustomTokenExchangeEvent",
    "EventStreamEvent",
    "PasswordResetPostChallengeEvent",
    "PostChangePasswordEvent",
    "PostLoginEvent",
    "PostUserRegistrationEvent",
    "PreUserRegistrationEvent",
    "SendPhoneMessageEvent",
]
