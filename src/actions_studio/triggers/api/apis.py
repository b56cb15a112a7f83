"""The ``api`` object of each trigger: which namespaces it has."""

from __future__ import annotations

from .access import CredentialsExchangeAccessApi, PostLoginAccessApi, PreUserRegistrationAccessApi
from .authentication import AuthenticationApi
from .cache import CacheApi
from .multifactor import MultifactorApi
from .recording import ApiBase
from .redirect import RedirectApi
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
