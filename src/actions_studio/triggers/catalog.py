"""The triggers (Auth0's action types) the catalog models, and how to look one up.

Sources of each trigger's event and api are named in its events/ and api/ modules; the binding
policies and limits here come from Auth0's docs and its Management API (docs/architecture.md,
"Triggers that are not flows").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from . import outcome, samples
from .api import (
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
from .api.recording import ApiBase
from .context import ExecutionContext
from .errors import EventValidationError, FieldError, UnknownTriggerError
from .listing import DESCRIPTIONS
from .limits import MAX_ACTIONS_CUSTOM_PROVIDER, MAX_ACTIONS_PASSWORD_RESET_POST_CHALLENGE, MAX_ACTIONS_PER_FLOW

# Auth0's binding_policy values (GET /api/v2/actions/triggers).
TRIGGER_BOUND = "trigger-bound"
ENTITY_BOUND = "entity-bound"
from .events import (
    CredentialsExchangeEvent,
    CustomEmailProviderEvent,
    CustomPhoneProviderEvent,
    CustomTokenExchangeEvent,
    EventStreamEvent,
    PasswordResetPostChallengeEvent,
    PostChangePasswordEvent,
    PostLoginEvent,
    PostUserRegistrationEvent,
    PreUserRegistrationEvent,
    SendPhoneMessageEvent,
)


@dataclass(frozen=True)
class Trigger:
    """One extensibility point: its handlers, event model, api and outcome."""

    id: str
    version: str
    execute_handler: str
    continue_handler: str | None
    blocking: bool
    event_model: type[BaseModel]
    # Names of the api namespaces ("access", "access_token", ...), in TRIGGERS.md's order.
    api_namespaces: tuple[str, ...]
    api_class: type[ApiBase] = field(repr=False)
    description: str = ""
    # "trigger-bound": the actions run as the trigger's flow (PATCH .../triggers/ID/bindings), at
    # most max_bindings of them. "entity-bound": an action is attached to an entity instead (bound_to
    # names it: a token exchange profile, an event stream); the trigger has no flow, max_bindings is 0.
    binding_policy: str = TRIGGER_BOUND
    max_bindings: int = MAX_ACTIONS_PER_FLOW
    bound_to: str | None = None

    @property
    def has_flow(self) -> bool:
        """True when this trigger's actions are bound to it as an ordered flow (Auth0's "trigger-bound")."""
        return self.binding_policy == TRIGGER_BOUND

    @property
    def binding_description(self) -> str:
        """One sentence on how actions of this trigger are bound (for stubs, docs and tooltips)."""
        if not self.has_flow:
            article = "an" if (self.bound_to or "x")[0] in "aeiou" else "a"
            return (f"Not a flow: each action is attached to {article} {self.bound_to}, which names the one "
                    "action it runs (Auth0's entity-bound trigger).")
        if self.max_bindings == 1:
            return "Its flow holds one action at most."
        return f"Its flow runs at most {self.max_bindings} actions, in order."

    @property
    def stub_module(self) -> str:
        """The stub module of this trigger, e.g. ``actions_types.post_login``."""
        return "actions_types." + self.id.replace("-", "_")

    def sample_event(self) -> dict[str, Any]:
        """A realistic event as wire JSON (a fresh deep copy each call)."""
        return samples.sample_event(self.id)

    def parse_event(self, payload: Any) -> Any:
        """Validate wire JSON into the read-only event model; EventValidationError names each bad field path."""
        if not isinstance(payload, dict):
            raise EventValidationError(
                self.id, [FieldError("", f"the event must be a JSON object, got {_json_type(payload)}")]
            )
        try:
            return self.event_model.model_validate(payload)
        except ValidationError as exc:
            errors: list[FieldError] = []
            for e in exc.errors(include_url=False):
                error = FieldError(wire_path(payload, e["loc"]), _message(e))
                if error not in errors:
                    errors.append(error)
            raise EventValidationError(self.id, errors) from None

    def make_api(self, event: Any, context: ExecutionContext | None = None) -> ApiBase:
        """A new api recorder bound to one action's execution (``event`` may be the model or wire JSON)."""
        if not isinstance(event, self.event_model):
            event = self.parse_event(event)
        return self.api_class(event, context if context is not None else ExecutionContext())

    def apply_calls(self, payload: dict[str, Any], calls: Sequence[dict[str, Any]]) -> dict[str, Any]:
        """A new wire payload with what later actions must see (user metadata, transaction metadata)."""
        return outcome.apply_calls(payload, calls)

    def aggregate_outcome(self, records: Sequence[tuple[str, Sequence[dict[str, Any]]]]) -> dict[str, Any]:
        """``records``: ``(action_name, calls)`` in flow order → the outcome dict of TRIGGERS.md plus ``set_by``."""
        return outcome.aggregate_outcome(self.id, records)

    def stops_flow(self, calls: Sequence[dict[str, Any]]) -> bool:
        """True when these calls (one action's) end the flow: access.deny or validation.error."""
        return outcome.stops_flow(calls)

    def redirect_of(self, calls: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
        """The ``{"url", "query"}`` of one action's last redirect, or None."""
        return outcome.redirect_of(calls)

    def handler_names(self) -> tuple[str, ...]:
        """The handler function names an action of this trigger may define."""
        return (self.execute_handler,) + ((self.continue_handler,) if self.continue_handler else ())

    def handler_signature(self, phase: str = "execute") -> str:
        """E.g. ``def on_execute_post_login(event: PostLoginEvent, api: PostLoginApi) -> None``."""
        name = self.continue_handler if phase == "continue" else self.execute_handler
        if name is None:
            raise ValueError(f"{self.id} has no continue handler")
        return f"def {name}(event: {self.event_model.__name__}, api: {self.api_class.__name__}) -> None"

    def to_management_api(self) -> dict[str, Any]:
        """This trigger as Auth0's GET /api/v2/actions/triggers lists it."""
        return {
            "id": self.id,
            "version": self.version,
            "status": "CURRENT",
            "runtimes": ["python3"],
            "default_runtime": "python3",
            "compatible_triggers": [],
            "binding_policy": self.binding_policy,
        }


def wire_path(payload: Any, loc: Sequence[Any]) -> str:
    """The dotted wire path of a pydantic error location, without pydantic's union-member tags.

    A location walks the payload; a segment that is not a key or index of the value reached (e.g.
    ``str`` or ``tuple[str, ...]`` for a ``str | list`` field) is a tag, except a missing key of an
    object, which is what a "Field required" error names.
    """
    parts: list[str] = []
    current: Any = payload
    for index, segment in enumerate(loc):
        if isinstance(current, dict) and segment in current:
            current = current[segment]
        elif isinstance(current, (list, tuple)) and isinstance(segment, int) and 0 <= segment < len(current):
            current = current[segment]
        elif isinstance(current, dict) and index == len(loc) - 1:
            current = None
        else:
            continue
        parts.append(str(segment))
    return ".".join(parts)


# Pydantic speaks Python ("a valid tuple"); fixtures are JSON, so say it in JSON words.
_JSON_MESSAGES = {
    "missing": "required field is missing",
    "tuple_type": "should be an array",
    "list_type": "should be an array",
    "dict_type": "should be an object",
    "model_type": "should be an object",
    "model_attributes_type": "should be an object",
}


def _message(error: Any) -> str:
    text = _JSON_MESSAGES.get(error["type"], str(error["msg"]))
    if error["type"] in ("tuple_type", "list_type", "dict_type", "model_type", "model_attributes_type"):
        text += f", got {_json_type(error.get('input'))}"
    return text


def _json_type(value: Any) -> str:
    names = {list: "an array", dict: "an object", str: "a string", int: "a number", float: "a number", bool: "a boolean"}
    return "null" if value is None else names.get(type(value), type(value).__name__)


def _trigger(
    trigger_id: str,
    version: str,
    event_model: type[BaseModel],
    api_class: type[ApiBase],
    *,
    blocking: bool = True,
    resumable: bool = False,
    handler: str | None = None,
    max_bindings: int = MAX_ACTIONS_PER_FLOW,
    bound_to: str | None = None,
) -> Trigger:
    # Handlers are Auth0's names in snake_case; most are the trigger id's, password-reset-post-challenge's
    # are not (onExecutePostChallenge).
    handler = handler or trigger_id.replace("-", "_")
    return Trigger(
        id=trigger_id,
        version=version,
        execute_handler=f"on_execute_{handler}",
        continue_handler=f"on_continue_{handler}" if resumable else None,
        blocking=blocking,
        event_model=event_model,
        api_namespaces=tuple(api_class.NAMESPACES),
        api_class=api_class,
        description=DESCRIPTIONS[trigger_id],
        binding_policy=ENTITY_BOUND if bound_to else TRIGGER_BOUND,
        max_bindings=0 if bound_to else max_bindings,
        bound_to=bound_to,
    )


# Each trigger's description is in listing.py (the light index the studio's explorer reads).
TRIGGERS: dict[str, Trigger] = {
    t.id: t
    for t in (
        _trigger(
            "post-login", "v3", PostLoginEvent, PostLoginApi, resumable=True,
        ),
        _trigger(
            "credentials-exchange", "v2", CredentialsExchangeEvent, CredentialsExchangeApi,
        ),
        _trigger(
            "pre-user-registration", "v2", PreUserRegistrationEvent, PreUserRegistrationApi,
        ),
        _trigger(
            "post-user-registration", "v2", PostUserRegistrationEvent, PostUserRegistrationApi, blocking=False,
        ),
        _trigger(
            "post-change-password", "v2", PostChangePasswordEvent, PostChangePasswordApi, blocking=False,
        ),
        _trigger(
            "send-phone-message", "v2", SendPhoneMessageEvent, SendPhoneMessageApi,
        ),
        _trigger(
            "password-reset-post-challenge", "v1", PasswordResetPostChallengeEvent, PasswordResetPostChallengeApi,
            resumable=True, handler="post_challenge", max_bindings=MAX_ACTIONS_PASSWORD_RESET_POST_CHALLENGE,
        ),
        # Entity-bound on Auth0: "binding_policy": "entity-bound" in a real tenant's GET /actions/triggers
        # (auth0/terraform-provider-auth0 pull request 1409); a token exchange profile names its one action
        # (docs-v2, authenticate/custom-token-exchange/configure-custom-token-exchange.mdx).
        _trigger(
            "custom-token-exchange", "v1", CustomTokenExchangeEvent, CustomTokenExchangeApi,
            bound_to="token exchange profile",
        ),
        _trigger(
            "custom-email-provider", "v1", CustomEmailProviderEvent, CustomEmailProviderApi,
            max_bindings=MAX_ACTIONS_CUSTOM_PROVIDER,
        ),
        _trigger(
            "custom-phone-provider", "v1", CustomPhoneProviderEvent, CustomPhoneProviderApi,
            max_bindings=MAX_ACTIONS_CUSTOM_PROVIDER,
        ),
        # An event stream of type "action" names its action ({"configuration": {"action_id": ...}}; docs-v2,
        # customize/events/create-an-event-stream.mdx): the action binds to the stream, not to a flow.
        _trigger(
            "event-stream", "v1", EventStreamEvent, EventStreamApi, blocking=False, bound_to="event stream",
        ),
    )
}


def get_trigger(trigger_id: str) -> Trigger:
    """The trigger with this id; UnknownTriggerError lists the valid ids."""
    try:
        return TRIGGERS[trigger_id]
    except (KeyError, TypeError):
        raise UnknownTriggerError(trigger_id, list(TRIGGERS)) from None
