"""Request bodies of the Actions endpoints. Unknown fields are refused (400 naming them).

Every rule the endpoints enforce on a body is stated in its JSON schema too (issue 13, item 10):
patterns are the validators' own regexes, the trigger catalog becomes enums, so /openapi.json
and the server agree on what is valid.
"""

from __future__ import annotations

import re
from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, StrictBool, field_validator

from actions_studio.triggers import TRIGGERS

from .runtimes import trigger_json

# A display name: no control characters, and not blank (a character other than space and control).
NAME_PATTERN = r"^[^\x00-\x1f\x7f]*[^\x00-\x20\x7f][^\x00-\x1f\x7f]*$"
_NAME = re.compile(NAME_PATTERN)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
RUNTIMES = sorted({r for t in TRIGGERS.values() for r in trigger_json(t)["runtimes"]})


def _printable(value: Optional[str]) -> Optional[str]:
    if value is None:  # PATCH: the field may be absent or null
        return None
    if not _NAME.fullmatch(value):
        raise ValueError("must not contain control characters" if _CONTROL.search(value)
                         else "must not be blank")
    return value


def name_field(default: Any) -> Any:
    def schema(field: dict[str, Any]) -> None:
        field["pattern"] = NAME_PATTERN
        if field.get("default") == "":  # "" only marks the field as not given
            del field["default"]
    return Field(default, min_length=1, max_length=128, json_schema_extra=schema)


def _trigger_ref_schema(schema: dict[str, Any]) -> None:
    # id and version together: a known trigger, at its version (or no version).
    schema["oneOf"] = [{"properties": {"id": {"const": t.id},
                                       "version": {"anyOf": [{"const": t.version}, {"type": "null"}]}},
                        "required": ["id"]} for t in TRIGGERS.values()]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TriggerRef(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra=_trigger_ref_schema)
    id: str = Field(min_length=1, max_length=64)
    version: Optional[str] = Field(default=None, max_length=16)


class Dependency(_Body):
    name: str = Field(min_length=1, max_length=214, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    version: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9.+!*_-]*$")
    registry_url: Optional[str] = Field(default=None, max_length=512)


SECRETS_DESCRIPTION = "at most 30; names must be unique (a repeated name is 409)"


class SecretIn(_Body):
    name: str = Field(min_length=1, max_length=128, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    # None on PATCH keeps the stored value (values are write-only: a client cannot send them back);
    # a name the action does not have yet needs one (409 otherwise).
    value: Optional[str] = Field(default=None, max_length=4096)


class NewSecret(SecretIn):
    value: str = Field(max_length=4096)


class ActionFields(_Body):
    code: Optional[str] = Field(default=None, max_length=100_000)
    runtime: Optional[str] = Field(default=None, max_length=32,
                                   json_schema_extra={"enum": [*RUNTIMES, None]})
    dependencies: Optional[list[Dependency]] = Field(default=None, max_length=10)
    modules: Optional[list[Any]] = Field(default=None, max_length=0)


class ActionCreate(ActionFields):
    name: str = name_field(...)
    supported_triggers: list[TriggerRef] = Field(min_length=1, max_length=1)
    secrets: Optional[list[NewSecret]] = Field(default=None, max_length=30, description=SECRETS_DESCRIPTION)
    # StrictBool: pydantic's lax mode would take "yes", "1", 1 and "on" as true (issue 13, item 11).
    deploy: Optional[StrictBool] = None

    _name = field_validator("name")(_printable)


class ActionUpdate(ActionFields):
    name: Optional[str] = name_field(None)
    supported_triggers: Optional[list[TriggerRef]] = Field(default=None, min_length=1, max_length=1)
    secrets: Optional[list[SecretIn]] = Field(default=None, max_length=30, description=SECRETS_DESCRIPTION)

    _name = field_validator("name")(_printable)


class RollbackBody(_Body):
    update_draft: Optional[StrictBool] = False


class TestBody(_Body):
    payload: dict[str, Any]


class BindingRef(_Body):
    type: Literal["action_id", "action_name", "binding_id"]
    value: str = Field(min_length=1, max_length=128)


class BindingIn(BaseModel):
    model_config = ConfigDict(extra="ignore")  # Auth0's `secrets` per binding is accepted, unused
    ref: BindingRef
    display_name: Optional[str] = Field(default=None, max_length=128)


class BindingsBody(_Body):
    bindings: list[BindingIn] = Field(max_length=20)
