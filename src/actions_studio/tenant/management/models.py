"""Request bodies of the Actions endpoints. Unknown fields are refused (400 naming them)."""

from __future__ import annotations

import re
from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, StrictBool, field_validator

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _printable(value: Optional[str]) -> Optional[str]:
    if value is None:  # PATCH: the field may be absent or null
        return None
    if _CONTROL.search(value):
        raise ValueError("must not contain control characters")
    if not value.strip():
        raise ValueError("must not be blank")
    return value


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TriggerRef(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: str = Field(min_length=1, max_length=64)
    version: Optional[str] = Field(default=None, max_length=16)


class Dependency(_Body):
    name: str = Field(min_length=1, max_length=214, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    version: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9.+!*_-]*$")
    registry_url: Optional[str] = Field(default=None, max_length=512)


class SecretIn(_Body):
    name: str = Field(min_length=1, max_length=128, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    # None on PATCH keeps the stored value (values are write-only: a client cannot send them back).
    value: Optional[str] = Field(default=None, max_length=4096)


class ActionFields(_Body):
    code: Optional[str] = Field(default=None, max_length=100_000)
    runtime: Optional[str] = Field(default=None, max_length=32)
    dependencies: Optional[list[Dependency]] = Field(default=None, max_length=10)
    secrets: Optional[list[SecretIn]] = Field(default=None, max_length=30)
    modules: Optional[list[Any]] = Field(default=None, max_length=0)


class ActionCreate(ActionFields):
    name: str = Field(min_length=1, max_length=128)
    supported_triggers: list[TriggerRef] = Field(min_length=1, max_length=1)
    # StrictBool: pydantic's lax mode would take "yes", "1", 1 and "on" as true (issue 13, item 11).
    deploy: Optional[StrictBool] = None

    _name = field_validator("name")(_printable)


class ActionUpdate(ActionFields):
    name: Optional[str] = Field(default=None, min_length=1, max_length=128)
    supported_triggers: Optional[list[TriggerRef]] = Field(default=None, min_length=1, max_length=1)

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
