"""The ``api`` object of each trigger: which namespaces it has."""

from __future__ import annotations

from .access import CredentialsExchangeAccess, PostLoginAccess, PreUserRegistrationAccess
from .authentication import Authentication
from .cache import Cache
from .multifactor import Multifactor
from .recording import ApiBase
from .redirect import Redirect
from .tokens import CredentialsExchangeAccessToken, IdToken, PostLoginAccessToken
from .transaction import TransactionApi
from .user import UserApi
from .validation import Validation


class PostLoginApi(ApiBase):
    """What a post-login action can do: deny, change tokens, require MFA, redirect, set metadata."""

    TRIGGER_ID = "post-login"
    NAMESPACES = {
        "access": PostLoginAccess,
        "access_token": PostLoginAccessToken,
        "id_token": IdToken,
        "multifactor": Multifactor,
        "redirect": Redirect,
        "user": UserApi,
        "cache": Cache,
        "authentication": Authentication,
        "validation": Validation,
        "transaction": TransactionApi,
    }
    access: PostLoginAccess
    access_token: PostLoginAccessToken
    id_token: IdToken
    multifactor: Multifactor
    redirect: Redirect
    user: UserApi
    cache: Cache
    authentication: Authentication
    validation: Validation
    transaction: TransactionApi


class CredentialsExchangeApi(ApiBase):
    """What a credentials-exchange action can do: deny the token, add claims."""

    TRIGGER_ID = "credentials-exchange"
    NAMESPACES = {
        "access": CredentialsExchangeAccess,
        "access_token": CredentialsExchangeAccessToken,
        "cache": Cache,
    }
    access: CredentialsExchangeAccess
    access_token: CredentialsExchangeAccessToken
    cache: Cache


class PreUserRegistrationApi(ApiBase):
    """What a pre-user-registration action can do: deny the signup, set metadata, report a validation error."""

    TRIGGER_ID = "pre-user-registration"
    NAMESPACES = {
        "access": PreUserRegistrationAccess,
        "user": UserApi,
        "validation": Validation,
        "cache": Cache,
    }
    access: PreUserRegistrationAccess
    user: UserApi
    validation: Validation
    cache: Cache


class PostUserRegistrationApi(ApiBase):
    """post-user-registration runs asynchronously: its actions cannot change the signup, only use the cache."""

    TRIGGER_ID = "post-user-registration"
    NAMESPACES = {"cache": Cache}
    cache: Cache


class PostChangePasswordApi(ApiBase):
    """post-change-password runs asynchronously: its actions cannot change anything, only use the cache."""

    TRIGGER_ID = "post-change-password"
    NAMESPACES = {"cache": Cache}
    cache: Cache


class SendPhoneMessageApi(ApiBase):
    """A send-phone-message action delivers the message itself (through your provider); the api offers the cache."""

    TRIGGER_ID = "send-phone-message"
    NAMESPACES = {"cache": Cache}
    cache: Cache
