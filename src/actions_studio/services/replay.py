"""Replay what really happened: a tenant execution's recorded event, run locally (issue 19 part 2).

The tenant records each execution's input event (tenant/event_records.py). Replay fetches the
execution and its event, runs the same flow locally through the one run pipeline — the actions
the tenant ran, in its order, each at the workspace's deployed version, except the chosen action
(or every one) at its draft or at version N — and compares the two with the behavioural diff's
comparison (services/behaviour.py): "what happened" on one side, the local run on the other.

*Save as fixture* turns the event into a test case and names the fields that hold personal data
(`personal_data_fields`), for the user to scrub before the fixture is shared.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Optional, Union

from actions_studio.services.behaviour import FixtureComparison, SideRun, compare_results
from actions_studio.services.errors import InvalidInputError, NotFoundError, ServiceError
from actions_studio.services.workspace import Workspace
from actions_studio.store import repository as repo

HAPPENED = "what happened"


@dataclass(frozen=True)
class Replay:
    execution_id: str
    trigger_id: str
    event: dict[str, Any]  # the recorded event (secrets never recorded)
    actions: tuple[str, ...]  # what the tenant ran, in order
    comparison: FixtureComparison  # before: what happened; after: the local run

    @property
    def same(self) -> bool:
        return self.comparison.same

    def headline(self) -> str:
        after = self.comparison.after.label
        if self.same:
            return f"execution {self.execution_id}: the {after} behaves as the tenant did"
        n = len(self.comparison.differences)
        return (f"execution {self.execution_id}: the {after} behaves differently from what happened "
                f"({n} difference{'s' if n != 1 else ''})")

    def to_json(self) -> dict[str, Any]:
        return {"execution_id": self.execution_id, "trigger_id": self.trigger_id, "same": self.same,
                "actions": list(self.actions), "event": self.event,
                "personal_data_fields": personal_data_fields(self.event),
                **{k: v for k, v in self.comparison.to_json().items() if k not in ("fixture", "kind")}}


def what_happened(execution: dict[str, Any]) -> dict[str, Any]:
    """The tenant's execution record in the ExecutionResult shape the comparison reads."""
    actions = []
    for item in execution.get("results") or []:
        error = item.get("error")
        actions.append({
            "name": item.get("action_name"), "version": item.get("version"),
            "status": item.get("status"), "duration_ms": item.get("duration_ms") or 0.0,
            "logs": item.get("logs") or "", "calls": item.get("calls") or [],
            "error": ({"type": error.get("id"), "message": error.get("msg")} if error else None),
        })
    status = execution.get("flow_status") or execution.get("status")
    return {"trigger": execution.get("trigger_id"), "status": status, "actions": actions,
            "outcome": execution.get("outcome") or {}, "stats": execution.get("stats") or {}}


Code = Union[str, int]  # "deployed", "draft" or a version number


def replay_execution(ws: Workspace, client: Any, execution_id: str, *, action: Optional[str] = None,
                     code: Code = "deployed") -> Replay:
    """Replays `execution_id` of the tenant behind `client` (a sync TenantClient).

    `action` names the one action whose `code` is swapped in; None: `code` applies to every
    action of the flow. The tenant must have recorded the event (it says why when it did not).
    """
    from actions_studio.sync.errors import SyncError

    if not execution_id or not execution_id.strip():
        raise InvalidInputError("give the id of an execution (a tenant log entry names it)")
    try:
        execution = client.execution(execution_id)
        recorded = client.recorded_event(execution_id)
    except SyncError as exc:
        raise ServiceError(str(exc)) from None
    happened = what_happened(execution)
    ran = tuple(a["name"] for a in happened["actions"] if a["name"])
    if not ran:
        raise InvalidInputError(f"execution {execution_id} ran no action: nothing to replay")
    if action is not None and action not in ran:
        raise InvalidInputError(f"{action} did not run in execution {execution_id} (it ran {', '.join(ran)})")
    trigger_id = recorded.get("trigger_id") or execution.get("trigger_id")
    label = _label(action, code)
    local = _run_locally(ws, trigger_id, ran, recorded["event"], action, code, label)
    comparison = FixtureComparison(
        fixture=execution_id, kind="replay", before=SideRun(HAPPENED, happened), after=local,
        differences=compare_results(happened, local.result, after_not_run=local.not_run))
    return Replay(execution_id=execution_id, trigger_id=trigger_id, event=recorded["event"],
                  actions=ran, comparison=comparison)


def _label(action: Optional[str], code: Code) -> str:
    what = code if code in ("draft", "deployed") else f"v{code}"
    return f"{what} of {action}" if action else f"{what} flow"


def _run_locally(ws: Workspace, trigger_id: str, ran: tuple[str, ...], event: dict[str, Any],
                 action: Optional[str], code: Code, label: str) -> SideRun:
    from actions_studio.execution import execute
    from actions_studio.runtime import EventTooLargeError, SandboxError
    from actions_studio.services.dependencies import environments_for
    from actions_studio.services.runs import redacted, resolve_sources

    with ws.db.read() as s:
        sources = []
        for name in ran:
            record = repo.find_action(s, name)
            if record is None:
                raise NotFoundError(f"the tenant ran {name}, which this workspace does not have; "
                                    "pull it from the tenant first")
            if record.trigger_id != trigger_id:
                raise InvalidInputError(f"{name} is a {record.trigger_id} action here; the execution "
                                        f"ran {trigger_id}")
            chosen = code if action is None or name == action else "deployed"
            try:
                sources.extend(resolve_sources(ws, s, [record], chosen, {}))
            except ServiceError as exc:
                return SideRun(label, None, not_run=str(exc))
    try:
        result = execute(trigger_id, sources, event, sandbox=ws.sandbox, environments=environments_for(ws))
    except EventTooLargeError as exc:
        raise InvalidInputError(f"the recorded event: {exc}") from None
    except SandboxError as exc:
        raise ServiceError(f"the sandbox failed while replaying: {exc}") from None
    except ValueError as exc:  # an event the model refuses (recorded by an older tenant)
        return SideRun(label, None, not_run=f"the recorded event does not validate here: {exc}")
    return SideRun(label, redacted(result, sources).model_dump(mode="json"))


# -- save as fixture, with personal data flagged -----------------------------------------------

# Wire names whose values identify a person (GDPR's "personal data"), wherever they appear...
_PERSONAL_KEYS = frozenset({
    "email", "phone_number", "user_id", "ip", "user_agent", "cityName", "latitude", "longitude",
    "subdivisionName", "subdivisionCode", "timeZone", "profileData", "last_ip",
})
# ... and those that do only in the user's own objects (a client's or connection's "name" does not).
_PERSONAL_USER_KEYS = frozenset({"name", "given_name", "family_name", "nickname", "username", "picture"})
# Free-form objects the user's application writes: anything may be in them.
_PERSONAL_OBJECTS = ("user.user_metadata", "user.app_metadata", "request.body", "request.query")


def personal_data_fields(event: dict[str, Any]) -> list[str]:
    """Dotted paths of the event's fields that hold personal data (list items as [i])."""
    found: list[str] = []

    def personal(path: str, key: str) -> bool:
        return key in _PERSONAL_KEYS or (key in _PERSONAL_USER_KEYS and path.split(".")[0] == "user")

    def walk(value: Any, path: str) -> None:
        if path in _PERSONAL_OBJECTS:
            if value:
                found.append(path)
            return
        if isinstance(value, dict):
            for key, inner in value.items():
                child = f"{path}.{key}" if path else str(key)
                if personal(path, str(key)) and inner not in (None, "", {}, []):
                    found.append(child)
                else:
                    walk(inner, child)
        elif isinstance(value, list):
            for index, inner in enumerate(value):
                walk(inner, f"{path}[{index}]")

    walk(event, "")
    return found


def save_as_fixture(ws: Workspace, replay: Replay, name: str, *, action: Optional[str] = None) -> tuple[str, list[str]]:
    """Saves the replayed event as a fixture (of `action`, or of the trigger's flow) expecting
    what happened; returns its name and the personal-data fields the user should scrub."""
    from actions_studio.services import fixtures

    if action is not None:
        with ws.db.read() as s:
            if repo.find_action(s, action) is None:
                raise NotFoundError(f"no action named {action!r}")
    happened = replay.comparison.before.result or {}
    expect: dict[str, Any] = {"status": happened.get("status")} if happened.get("status") in fixtures.STATUSES else {}
    doc: dict[str, Any] = {"name": name, "trigger": replay.trigger_id, "event": replay.event}
    if action is not None:
        doc["action"] = action
    if expect:
        doc["expect"] = expect
    record, _ = fixtures.save_fixture(ws, fixtures.parse_fixture(doc, source=f"execution {replay.execution_id}"))
    return record.name, personal_data_fields(replay.event)


def fixture_name_for(execution_id: str) -> str:
    return f"replay {re.sub(r'[^A-Za-z0-9_.-]+', '', execution_id)[:80] or 'execution'}"
