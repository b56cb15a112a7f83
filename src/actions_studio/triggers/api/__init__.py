"""api recorders: one namespace class per module, composed per trigger in apis.py."""

from __future__ import annotations

from .apis import (
    CredentialsExchangeApi,
    CustomEmailProviderApi,
    CustomPhoneProviderApi,
    CustomTokenExchangeApi,
    EventStreamApi,
    PasswordResetPostChallengeApi,
    PostChangePasswordApi,
    PostLoginApi,
    PostUserRegistrationApi,
    PreUserRegistrationApi,
    SendPhoneMessageApi,
)
from .recording import ApiBase, Namespace, api_methods_of

__all__ = [
    "ApiBase",
    "CredentialsExchangeApi",
    "CustomEmailProviderApi",
    "CustomPhoneProviderApi",
    "CustomTokenExchangeApi",
    "EventStreamApi",
    "Namespace",
    "PasswordResetPostChallengeApi",
    "PostChangePasswordApi",
    "PostLoginApi",
    "PostUserRegistrationApi",
    "PreUserRegistrationApi",
    "SendPhoneMessageApi",
    "api_methods_of",
]
