"""The ``api`` object of each trigger: which namespaces it has."""

from __future__ import annotations

from .access import CredentialsExchangeAccessApi, PostLoginAccessApi, PreUserRegistrationAccessApi
from .authentication import AuthenticationApi
from .cache import CacheApi
from .multifactor import MultifactorApi
from .notification import NotificationApi
from .password_reset import (
    PasswordResetAccessApi,
    PasswordResetAuthenticationApi,
    PasswordResetRedirectApi,
    PasswordResetTransactionApi,
)
from .recording import ApiBase
from .redirect import RedirectApi
from .token_exchange import (
    CustomTokenExchangeAccessApi,
    CustomTokenExchangeAuthenticationApi,
    CustomTokenExchangeUserApi,
)
from .tokens import CredentialsExchangeAccessTokenApi, IdTokenApi, PostLoginAccessTokenApi
from .transaction import TransactionApi
from .user import UserApi
from .validation import ValidationApi


class PostLoginApi(ApiBase):
    """What a post-login action can do: deny, change tokens, require MFA, redirect, set metadata."""

    TRIGGER_ID = "post-login"
    NAMESPACES = {
        "access": PostLoginAccessApi,
        "access_token": PostLoginAccessTokenApi,
        "id_token": IdTokenApi,
        "multifactor": MultifactorApi,
        "redirect": RedirectApi,
        "user": UserApi,
        "cache": CacheApi,
        "authentication": AuthenticationApi,
        "validation": ValidationApi,
        "transaction": TransactionApi,
    }
    access: PostLoginAccessApi
    access_token: PostLoginAccessTokenApi
    id_token: IdTokenApi
    multifactor: MultifactorApi
    redirect: RedirectApi
    user: UserApi
    cache: CacheApi
    authentication: AuthenticationApi
    validation: ValidationApi
    transaction: TransactionApi


class CredentialsExchangeApi(ApiBase):
    """What a credentials-exchange action can do: deny the token, add claims."""

    TRIGGER_ID = "credentials-exchange"
    NAMESPACES = {
        "access": CredentialsExchangeAccessApi,
        "access_token": CredentialsExchangeAccessTokenApi,
        "cache": CacheApi,
    }
    access: CredentialsExchangeAccessApi
    access_token: CredentialsExchangeAccessTokenApi
    cache: CacheApi


class PreUserRegistrationApi(ApiBase):
    """What a pre-user-registration action can do: deny the signup, set metadata, report a validation error."""

    TRIGGER_ID = "pre-user-registration"
    NAMESPACES = {
        "access": PreUserRegistrationAccessApi,
        "user": UserApi,
        "validation": ValidationApi,
        "cache": CacheApi,
    }
    access: PreUserRegistrationAccessApi
    user: UserApi
    validation: ValidationApi
    cache: CacheApi


class PostUserRegistrationApi(ApiBase):
    """post-user-registration runs asynchronously: its actions cannot change the signup, only use the cache."""

    TRIGGER_ID = "post-user-registration"
    NAMESPACES = {"cache": CacheApi}
    cache: CacheApi


class PostChangePasswordApi(ApiBase):
    """post-change-password runs asynchronously: its actions cannot change anything, only use the cache."""

    TRIGGER_ID = "post-change-password"
    NAMESPACES = {"cache": CacheApi}
    cache: CacheApi


class SendPhoneMessageApi(ApiBase):
    """A send-phone-message action delivers the message itself (through your provider); the api offers the cache."""

    TRIGGER_ID = "send-phone-message"
    NAMESPACES = {"cache": CacheApi}
    cache: CacheApi


class PasswordResetPostChallengeApi(ApiBase):
    """What a password-reset-post-challenge action can do: deny the reset, ask for a second factor, redirect, choose the result page."""

    TRIGGER_ID = "password-reset-post-challenge"
    NAMESPACES = {
        "access": PasswordResetAccessApi,
        "authentication": PasswordResetAuthenticationApi,
        "redirect": PasswordResetRedirectApi,
        "cache": CacheApi,
        "transaction": PasswordResetTransactionApi,
    }
    access: PasswordResetAccessApi
    authentication: PasswordResetAuthenticationApi
    redirect: PasswordResetRedirectApi
    cache: CacheApi
    transaction: PasswordResetTransactionApi


class CustomTokenExchangeApi(ApiBase):
    """What a custom-token-exchange action can do: reject the exchange, or set the user (and actor, organization, metadata) the tokens are for."""

    TRIGGER_ID = "custom-token-exchange"
    NAMESPACES = {
        "access": CustomTokenExchangeAccessApi,
        "authentication": CustomTokenExchangeAuthenticationApi,
        "user": CustomTokenExchangeUserApi,
        "cache": CacheApi,
    }
    access: CustomTokenExchangeAccessApi
    authentication: CustomTokenExchangeAuthenticationApi
    user: CustomTokenExchangeUserApi
    cache: CacheApi


class CustomEmailProviderApi(ApiBase):
    """A custom-email-provider action delivers the email itself (through your provider); the api reports a failed delivery."""

    TRIGGER_ID = "custom-email-provider"
    NAMESPACES = {"cache": CacheApi, "notification": NotificationApi}
    cache: CacheApi
    notification: NotificationApi


class CustomPhoneProviderApi(ApiBase):
    """A custom-phone-provider action delivers the SMS or voice message itself (through your provider); the api reports a failed delivery."""

    TRIGGER_ID = "custom-phone-provider"
    NAMESPACES = {"cache": CacheApi, "notification": NotificationApi}
    cache: CacheApi
    notification: NotificationApi


class EventStreamApi(ApiBase):
    """An event-stream action runs asynchronously: it forwards the event (e.g. to your HTTP API); the api offers the cache.

    A handler that raises fails the delivery, and Auth0 retries it.
    """

    TRIGGER_ID = "event-stream"
    NAMESPACES = {"cache": CacheApi}
    cache: CacheApi
