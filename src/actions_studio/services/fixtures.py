"""Fixtures: named events for a trigger, optionally with an expectation (then a test case).

One JSON format everywhere (files, export, CLI; issue 3):
    {"name": "...", "trigger": "post-login", "action": "<optional action name>", "event": {...},
     or instead of "event", "event_patch": {...} (fields deep-merged over the trigger's sample),
     "secrets": {"NAME": "value"} (optional), "expect": {"status": ..., "outcome": {...}} (optional)}
Secret values go to the vault; the workspace keeps the names. Written back out (export, `fixtures
show`), a value is `null`, meaning "kept in the vault, not exported"; reading `null` back leaves the
vault as it is.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Optional

from actions_studio.services.catalog import get_trigger, validate_event
from actions_studio.services.errors import InvalidInputError, NotFoundError
from actions_studio.services.names import check_entity_name, check_secret_name
from actions_studio.services.secrets import MAX_PER_ACTION, check_value, fixture_key
from actions_studio.services.workspace import Workspace
from actions_studio.store import repository as repo
from actions_studio.store.records import FixtureRecord

# "stopped": the user stopped the run (Stop); an expectation may pin it like any other status.
STATUSES = ("success", "denied", "error", "timeout", "suspended", "stopped")
_KEYS = ("name", "trigger", "action", "event", "event_patch", "secrets", "expect")
Change = Literal["created", "changed", "unchanged"]


@dataclass(frozen=True)
class FixtureSpec:
    name: str
    trigger: str
    action: Optional[str]
    event: dict[str, Any]
    secrets: dict[str, Optional[str]]
    expect: Optional[dict[str, Any]]


def load_fixture_file(path: Path) -> FixtureSpec:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidInputError(f"cannot read fixture file {path}: {exc.strerror}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInputError(
            f"{path}: not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from None
    return parse_fixture(data, source=str(path))


def parse_fixture(data: Any, *, source: str = "fixture") -> FixtureSpec:
    """Checks the shape and the event against the trigger's model; errors name the field path."""
    if not isinstance(data, dict):
        raise InvalidInputError(f"{source}: a fixture is a JSON object")
    unknown = sorted(set(data) - set(_KEYS))
    if unknown:
        raise InvalidInputError(
            f"{source}: unknown field(s) {', '.join(unknown)}; a fixture has {', '.join(_KEYS)}"
        )
    for key in ("name", "trigger"):
        if key not in data:
            raise InvalidInputError(f"{source}: missing field {key!r}")
    if "event" not in data and "event_patch" not in data:
        raise InvalidInputError(f"{source}: missing field 'event' (a whole event; or 'event_patch', "
                                "only the fields that differ from the trigger's sample event)")
    if "event" in data and "event_patch" in data:
        raise InvalidInputError(f"{source}: give 'event' or 'event_patch', not both")
    name = data["name"]
    try:
        check_entity_name("fixture", name)
    except InvalidInputError as exc:
        raise InvalidInputError(f"{source}: name: {exc}") from None
    if not isinstance(data["trigger"], str):
        raise InvalidInputError(f"{source}: trigger: must be a trigger id such as 'post-login'")
    trigger = get_trigger(data["trigger"])
    action = data.get("action")
    if action is not None and not isinstance(action, str):
        raise InvalidInputError(f"{source}: action: must be an action name")
    if "event_patch" in data:
        # Issue 12 item 6: the fields a test cares about, over the sample (RFC 7396); kept as the
        # whole event, so a later change of the sample cannot change a saved test.
        from actions_studio.triggers.event_patch import merge_patch

        if not isinstance(data["event_patch"], dict):
            raise InvalidInputError(f"{source}: event_patch: must be a JSON object of the fields to change")
        event = merge_patch(trigger.sample_event(), data["event_patch"])
    else:
        event = data["event"]
    if not isinstance(event, dict):
        raise InvalidInputError(f"{source}: event: must be a JSON object")
    try:
        validate_event(trigger.id, event)
    except InvalidInputError as exc:
        raise InvalidInputError(f"{source}: {exc}") from None
    secrets = data.get("secrets") or {}
    if not isinstance(secrets, dict):
        raise InvalidInputError(f"{source}: secrets: must be an object of NAME: value")
    if len(secrets) > MAX_PER_ACTION:
        raise InvalidInputError(f"{source}: secrets: at most {MAX_PER_ACTION} are allowed")
    for key, value in secrets.items():
        try:
            check_secret_name(key)
            if value is not None:
                check_value(key, value)
        except InvalidInputError as exc:
            raise InvalidInputError(f"{source}: secrets.{key}: {exc}") from None
    expect = data.get("expect")
    if expect is not None:
        _check_expect(expect, source)
    return FixtureSpec(name=name, trigger=trigger.id, action=action, event=event,
                       secrets=dict(secrets), expect=expect)


def _check_expect(expect: Any, source: str) -> None:
    if not isinstance(expect, dict):
        raise InvalidInputError(f"{source}: expect: must be an object with status and/or outcome")
    unknown = sorted(set(expect) - {"status", "outcome"})
    if unknown:
        raise InvalidInputError(f"{source}: expect: unknown field(s) {', '.join(unknown)}")
    if "status" in expect and expect["status"] not in STATUSES:
        raise InvalidInputError(
            f"{source}: expect.status: {expect['status']!r} is not one of {', '.join(STATUSES)}"
        )
    if "outcome" in expect and not isinstance(expect["outcome"], dict):
        raise InvalidInputError(f"{source}: expect.outcome: must be an object (matched as a subset)")


def save_fixture(ws: Workspace, spec: FixtureSpec, *, session: Any = None) -> tuple[FixtureRecord, Change]:
    """Creates or replaces the fixture; reports whether anything changed.

    With `session` the write joins the caller's transaction (import); otherwise it is its own.
    """
    if session is not None:
        return _save(ws, session, spec)
    with ws.db.write() as s:
        return _save(ws, s, spec)


def _save(ws: Workspace, s: Any, spec: FixtureSpec) -> tuple[FixtureRecord, Change]:
    if spec.action is not None:
        action = repo.find_action(s, spec.action)
        if action is None:
            raise NotFoundError(f"fixture {spec.name}: no action named {spec.action!r}")
        if action.trigger_id != spec.trigger:
            raise InvalidInputError(
                f"fixture {spec.name}: {spec.action} is a {action.trigger_id} action, "
                f"the fixture is for {spec.trigger}"
            )
    old = repo.find_fixture(s, spec.name)
    names = sorted(spec.secrets)
    new_values = {k: v for k, v in spec.secrets.items() if v is not None}
    if old is not None and _same(old, spec, names) and not _values_differ(ws, old, new_values):
        return old, "unchanged"
    record = repo.save_fixture(s, name=spec.name, trigger_id=spec.trigger, action_name=spec.action,
                               event=spec.event, secret_names=names, expect=spec.expect)
    for key, value in new_values.items():
        ws.vault.set(ws.id, fixture_key(record.id, key), value)
    return record, "created" if old is None else "changed"


def _same(old: FixtureRecord, spec: FixtureSpec, names: list[str]) -> bool:
    return (old.trigger_id == spec.trigger and old.action_name == spec.action
            and old.event == spec.event and list(old.secret_names) == names
            and old.expect == spec.expect)


def _values_differ(ws: Workspace, old: FixtureRecord, values: dict[str, str]) -> bool:
    return any(ws.vault.get(ws.id, fixture_key(old.id, k)) != v for k, v in values.items())


def add_fixture_file(ws: Workspace, path: Path) -> tuple[FixtureRecord, Change]:
    return save_fixture(ws, load_fixture_file(path))


def list_fixtures(ws: Workspace, trigger_id: Optional[str] = None) -> list[FixtureRecord]:
    with ws.db.read() as s:
        return repo.list_fixtures(s, trigger_id)


def get_fixture(ws: Workspace, name: str) -> FixtureRecord:
    with ws.db.read() as s:
        fixture = repo.find_fixture(s, name)
    if fixture is None:
        raise NotFoundError(f"no fixture named {name!r}")
    return fixture


def delete_fixture(ws: Workspace, name: str) -> None:
    fixture = get_fixture(ws, name)
    with ws.db.write() as s:
        repo.delete_fixture(s, fixture.id)
    for key in fixture.secret_names:
        ws.vault.delete(ws.id, fixture_key(fixture.id, key))


def fixture_secret_values(ws: Workspace, fixture: FixtureRecord) -> dict[str, str]:
    values = {}
    for key in fixture.secret_names:
        value = ws.vault.get(ws.id, fixture_key(fixture.id, key))
        if value is not None:
            values[key] = value
    return values


def to_document(fixture: FixtureRecord) -> dict[str, Any]:
    """The fixture in the file format, secret values as null (never exported)."""
    doc: dict[str, Any] = {"name": fixture.name, "trigger": fixture.trigger_id}
    if fixture.action_name is not None:
        doc["action"] = fixture.action_name
    doc["event"] = fixture.event
    if fixture.secret_names:
        doc["secrets"] = {k: None for k in fixture.secret_names}
    if fixture.expect is not None:
        doc["expect"] = fixture.expect
    return doc


def sample_fixture(trigger_id: str, name: str, action: Optional[str] = None) -> dict[str, Any]:
    """A fixture document holding the trigger's sample event (the studio's "new fixture")."""
    trigger = get_trigger(trigger_id)
    doc: dict[str, Any] = {"name": check_entity_name("fixture", name), "trigger": trigger.id}
    if action is not None:
        doc["action"] = action
    doc["event"] = trigger.sample_event()
    return doc
