"""From recorded calls to what they mean: the outcome of a flow, the payload later actions see.

Records are ``(action_name, calls)`` in flow order. Later actions override earlier ones for the
same claim or metadata key; ``set_by`` maps a dotted outcome path to the action that set it last.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from .limits import NOTIFICATION_REASON_MAX_CHARS

Call = dict[str, Any]
Records = Iterable[tuple[str, Sequence[Call]]]

STOPPING_METHODS = frozenset({"access.deny", "access.reject_invalid_subject_token", "validation.error"})


def arg(call: Call, index: int, name: str, default: Any = None) -> Any:
    """A call's parameter by name (kwargs) or position (args); records from any runtime fit."""
    kwargs = call.get("kwargs") or {}
    if name in kwargs:
        return kwargs[name]
    args = call.get("args") or []
    return args[index] if index < len(args) else default


def stops_flow(calls: Sequence[Call]) -> bool:
    """True when an action's calls end the flow (access.deny, access.reject_invalid_subject_token or
    validation.error): later actions are skipped."""
    return any(call.get("method") in STOPPING_METHODS for call in calls)


def redirect_of(calls: Sequence[Call]) -> dict[str, Any] | None:
    """``{"url", "query"}`` of the action's last redirect.send_user_to, or None: the flow suspends after it."""
    found = None
    for call in calls:
        if call.get("method") == "redirect.send_user_to":
            found = {"url": arg(call, 0, "url"), "query": dict(arg(call, 1, "query") or {})}
    return found


def apply_calls(payload: dict[str, Any], calls: Sequence[Call]) -> dict[str, Any]:
    """The wire payload later actions see, with the changes of ``calls``.

    user.set_app_metadata / set_user_metadata go into user.app_metadata / user.user_metadata (None
    deletes the key), transaction.set_metadata into transaction.metadata, and a credentials-exchange
    access_token.set_custom_claim into accessToken.customClaims. The input is never changed: the
    objects on the path to a change are copied (copy on write), the rest is shared with the input,
    and when no call changes anything the input itself is returned — so a flow whose actions only
    set claims keeps one payload object, which a flow child validates once (`python/child.py`).
    The payload is JSON data (a tree: no object appears in it twice).
    """
    owned: set[int] = set()  # ids of the containers this call owns (copied from the input's)
    out = payload

    def own(parent: dict[str, Any], key: str) -> Any:
        # parent[key], copied the first time it is written here (dicts only: what else is there
        # fails the same way it would on the input's own object).
        value = parent[key]
        if isinstance(value, dict) and id(value) not in owned:
            value = parent[key] = dict(value)
            owned.add(id(value))
        return value

    for call in calls:
        method = call.get("method")
        if method in ("user.set_app_metadata", "user.set_user_metadata") and isinstance(out.get("user"), dict):
            # (custom-token-exchange has these methods but no event.user to show them in)
            if out is payload:
                out = dict(payload)
            field = "app_metadata" if method == "user.set_app_metadata" else "user_metadata"
            user = own(out, "user")
            if not isinstance(user.get(field), dict):
                user[field] = {}
                owned.add(id(user[field]))
            metadata = own(user, field)
            key, value = arg(call, 0, "key"), arg(call, 1, "value")
            if value is None:
                metadata.pop(key, None)
            else:
                metadata[key] = copy.deepcopy(value)
        elif method == "transaction.set_metadata":
            if out is payload:
                out = dict(payload)
            if not isinstance(out.get("transaction"), dict):
                out["transaction"] = {}
                owned.add(id(out["transaction"]))
            transaction = own(out, "transaction")
            transaction.setdefault("metadata", {})
            own(transaction, "metadata")[arg(call, 0, "key")] = arg(call, 1, "value")
        elif method == "access_token.set_custom_claim" and isinstance(out.get("accessToken"), dict):
            if out is payload:
                out = dict(payload)
            token = own(out, "accessToken")
            token.setdefault("customClaims", {})
            own(token, "customClaims")[arg(call, 0, "key")] = copy.deepcopy(arg(call, 1, "value"))
    return out


class _Aggregate:
    """The outcome being built for one trigger, plus who set what."""

    def __init__(self, initial: dict[str, Any]) -> None:
        self.out = initial
        self.set_by: dict[str, str] = {}

    def put(self, path: str, container: dict[str, Any], key: str, value: Any, action: str) -> None:
        container[key] = copy.deepcopy(value)
        self.set_by[f"{path}.{key}"] = action

    def once(self, key: str, value: Any, action: str) -> None:
        # A deny or validation error stops the flow: the first one is the one that counted.
        if self.out[key] is None:
            self.out[key] = value
            self.set_by[key] = action

    def last(self, key: str, value: Any, action: str) -> None:
        self.out[key] = value
        self.set_by[key] = action


def _claims(agg: _Aggregate, token: str, call: Call, action: str) -> None:
    agg.put(f"{token}.claims", agg.out[token]["claims"], arg(call, 0, "key"), arg(call, 1, "value"), action)


def _scope(agg: _Aggregate, call: Call, action: str, *, add: bool) -> None:
    scope = arg(call, 0, "scope")
    token = agg.out["access_token"]
    into, away = ("scopes_added", "scopes_removed") if add else ("scopes_removed", "scopes_added")
    if scope in token[away]:
        token[away].remove(scope)
    if scope not in token[into]:
        token[into].append(scope)
    agg.set_by[f"access_token.{into}.{scope}"] = action


def _metadata(agg: _Aggregate, field: str, call: Call, action: str) -> None:
    agg.put(f"user.{field}", agg.out["user"][field], arg(call, 0, "key"), arg(call, 1, "value"), action)


def _factors(call: Call) -> list[Any]:
    method = call["method"].rsplit(".", 1)[1]
    if method in ("challenge_with", "enroll_with"):
        return [arg(call, 0, "factor"), *(arg(call, 1, "additional_factors") or [])]
    return list(arg(call, 0, "factors") or [])


Handler = Callable[[_Aggregate, Call, str], None]

_POST_LOGIN: dict[str, Handler] = {
    "access.deny": lambda a, c, n: a.once("denied", {"reason": arg(c, 0, "reason")}, n),
    "access_token.set_custom_claim": lambda a, c, n: _claims(a, "access_token", c, n),
    "access_token.add_scope": lambda a, c, n: _scope(a, c, n, add=True),
    "access_token.remove_scope": lambda a, c, n: _scope(a, c, n, add=False),
    "id_token.set_custom_claim": lambda a, c, n: _claims(a, "id_token", c, n),
    "user.set_app_metadata": lambda a, c, n: _metadata(a, "app_metadata", c, n),
    "user.set_user_metadata": lambda a, c, n: _metadata(a, "user_metadata", c, n),
    "multifactor.enable": lambda a, c, n: a.last(
        "multifactor",
        {"provider": arg(c, 0, "provider"), "allow_remember_browser": bool(arg(c, 1, "allow_remember_browser", False))},
        n,
    ),
    "authentication.challenge_with": lambda a, c, n: a.out["authentication"]["challenges"].append(
        {"action": n, "method": "challenge_with", "factors": _factors(c)}
    ),
    "authentication.challenge_with_any": lambda a, c, n: a.out["authentication"]["challenges"].append(
        {"action": n, "method": "challenge_with_any", "factors": _factors(c)}
    ),
    "authentication.enroll_with": lambda a, c, n: a.out["authentication"]["enrollments"].append(
        {"action": n, "method": "enroll_with", "factors": _factors(c)}
    ),
    "authentication.enroll_with_any": lambda a, c, n: a.out["authentication"]["enrollments"].append(
        {"action": n, "method": "enroll_with_any", "factors": _factors(c)}
    ),
    "redirect.send_user_to": lambda a, c, n: a.last("redirect", redirect_of([c]), n),
    "validation.error": lambda a, c, n: a.once(
        "validation_error", {"code": arg(c, 0, "code"), "message": arg(c, 1, "message")}, n
    ),
    "transaction.set_metadata": lambda a, c, n: a.put(
        "transaction_metadata", a.out["transaction_metadata"], arg(c, 0, "key"), arg(c, 1, "value"), n
    ),
}

_CREDENTIALS_EXCHANGE: dict[str, Handler] = {
    "access.deny": lambda a, c, n: a.once("denied", {"code": arg(c, 0, "code"), "reason": arg(c, 1, "reason")}, n),
    "access_token.set_custom_claim": lambda a, c, n: _claims(a, "access_token", c, n),
}

_PRE_USER_REGISTRATION: dict[str, Handler] = {
    "access.deny": lambda a, c, n: a.once(
        "denied", {"reason": arg(c, 0, "reason"), "user_message": arg(c, 1, "user_message")}, n
    ),
    "validation.error": _POST_LOGIN["validation.error"],
    "user.set_app_metadata": _POST_LOGIN["user.set_app_metadata"],
    "user.set_user_metadata": _POST_LOGIN["user.set_user_metadata"],
}


_PASSWORD_RESET_POST_CHALLENGE: dict[str, Handler] = {
    "access.deny": _POST_LOGIN["access.deny"],
    "authentication.challenge_with": _POST_LOGIN["authentication.challenge_with"],
    "authentication.challenge_with_any": _POST_LOGIN["authentication.challenge_with_any"],
    "redirect.send_user_to": _POST_LOGIN["redirect.send_user_to"],
    "transaction.set_result_url": lambda a, c, n: a.last(
        "result_url", {"url": arg(c, 0, "url"), "query": dict(arg(c, 1, "query") or {})}, n
    ),
}


def _subject(call: Call) -> dict[str, Any]:
    if call["method"] == "authentication.set_user_by_id":
        return {"method": "set_user_by_id", "user_id": arg(call, 0, "user_id")}
    return {
        "method": "set_user_by_connection",
        "connection": arg(call, 0, "connection_name"),
        "user_attributes": copy.deepcopy(arg(call, 1, "user_attributes")),
        "creation_behavior": arg(call, 2, "creation_behavior"),
        "update_behavior": arg(call, 3, "update_behavior"),
    }


_CUSTOM_TOKEN_EXCHANGE: dict[str, Handler] = {
    "access.deny": _CREDENTIALS_EXCHANGE["access.deny"],
    # Auth0 answers "invalid_request" and counts the attempt for attack protection.
    "access.reject_invalid_subject_token": lambda a, c, n: a.once(
        "denied", {"code": "invalid_request", "reason": arg(c, 0, "reason"), "invalid_subject_token": True}, n
    ),
    "authentication.set_user_by_id": lambda a, c, n: a.last("subject", _subject(c), n),
    "authentication.set_user_by_connection": lambda a, c, n: a.last("subject", _subject(c), n),
    "authentication.set_organization": lambda a, c, n: a.last("organization", arg(c, 0, "organization_id_or_name"), n),
    "authentication.set_actor": lambda a, c, n: a.last("actor", copy.deepcopy(arg(c, 0, "actor")), n),
    "user.set_app_metadata": _POST_LOGIN["user.set_app_metadata"],
    "user.set_user_metadata": _POST_LOGIN["user.set_user_metadata"],
}


def _notification(result: str) -> Handler:
    # Only the last drop or retry counts (Auth0's api reference); Auth0 keeps 1024 characters of the reason.
    def handle(a: _Aggregate, c: Call, n: str) -> None:
        reason = arg(c, 0, "reason")
        if isinstance(reason, str):
            reason = reason[:NOTIFICATION_REASON_MAX_CHARS]
        a.last("notification", {"result": result, "reason": reason}, n)

    return handle


_CUSTOM_PROVIDER: dict[str, Handler] = {
    "notification.drop": _notification("drop"),
    "notification.retry": _notification("retry"),
}


def _post_login_initial() -> dict[str, Any]:
    return {
        "denied": None,
        "access_token": {"claims": {}, "scopes_added": [], "scopes_removed": []},
        "id_token": {"claims": {}},
        "user": {"app_metadata": {}, "user_metadata": {}},
        "multifactor": None,
        "authentication": {"challenges": [], "enrollments": []},
        "redirect": None,
        "validation_error": None,
        "transaction_metadata": {},
    }


def _credentials_exchange_initial() -> dict[str, Any]:
    return {"denied": None, "access_token": {"claims": {}}}


def _pre_user_registration_initial() -> dict[str, Any]:
    return {"denied": None, "validation_error": None, "user": {"app_metadata": {}, "user_metadata": {}}}


def _password_reset_post_challenge_initial() -> dict[str, Any]:
    return {"denied": None, "authentication": {"challenges": []}, "redirect": None, "result_url": None}


def _custom_token_exchange_initial() -> dict[str, Any]:
    return {"denied": None, "subject": None, "organization": None, "actor": None,
            "user": {"app_metadata": {}, "user_metadata": {}}}


def _custom_provider_initial() -> dict[str, Any]:
    return {"notification": None}


# trigger id → (initial outcome, handlers); triggers not listed have the empty outcome {}.
_OUTCOMES: dict[str, tuple[Callable[[], dict[str, Any]], dict[str, Handler]]] = {
    "post-login": (_post_login_initial, _POST_LOGIN),
    "credentials-exchange": (_credentials_exchange_initial, _CREDENTIALS_EXCHANGE),
    "pre-user-registration": (_pre_user_registration_initial, _PRE_USER_REGISTRATION),
    "password-reset-post-challenge": (_password_reset_post_challenge_initial, _PASSWORD_RESET_POST_CHALLENGE),
    "custom-token-exchange": (_custom_token_exchange_initial, _CUSTOM_TOKEN_EXCHANGE),
    "custom-email-provider": (_custom_provider_initial, _CUSTOM_PROVIDER),
    "custom-phone-provider": (_custom_provider_initial, _CUSTOM_PROVIDER),
}


def aggregate_outcome(trigger_id: str, records: Records) -> dict[str, Any]:
    """The outcome of a flow of ``trigger_id`` (TRIGGERS.md's table, plus ``set_by``)."""
    if trigger_id not in _OUTCOMES:
        # Async triggers (event-stream too) and send-phone-message: nothing to aggregate, the calls tell everything.
        return {}
    initial, handlers = _OUTCOMES[trigger_id]
    agg = _Aggregate(initial())
    for action, calls in records:
        for call in calls:
            handler = handlers.get(call.get("method", ""))
            if handler is not None:
                handler(agg, call, action)
    return {**agg.out, "set_by": agg.set_by}
