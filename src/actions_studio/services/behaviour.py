"""Behavioural diff: what a change to an action will *do*, before it goes live (issue 19 part 1).

Each of the action's fixtures — and each flow fixture of its trigger when the action is in that
flow — runs twice through the one run pipeline (services/runs.resolve_sources/run_sources): once on
one side (the deployed version by default) and once on the other (the draft by default). The two
ExecutionResults are compared aspect by aspect: the status (denied or not), every leaf of the
trigger's outcome (each claim, each metadata key, MFA, redirects, validation errors), each
action's error and console output. Time is shown next to them but never makes two runs "behave
differently": it varies from run to run of the same code.

`compare_results` is the comparison alone; replay (services/replay.py) uses it with what the
tenant did on one side. Nothing here writes to the workspace: diff runs are not test runs, so the
fixtures' run history stays the user's own.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Optional, Union

from actions_studio.services.errors import InvalidInputError, NotFoundError, ServiceError
from actions_studio.services.fixtures import fixture_secret_values
from actions_studio.services.workspace import Workspace
from actions_studio.store import repository as repo
from actions_studio.store.records import ActionRecord, FixtureRecord

@dataclass(frozen=True)
class CodeSide:
    """A side that is code from elsewhere, not a workspace version: the tenant's copy of the
    action in the Sync dialog. It runs with the action's own secrets, like its draft."""

    label: str
    code: str
    runtime: str
    dependencies: tuple[str, ...] = ()


# A side of the comparison: "deployed", "draft", a version number, or code from elsewhere.
Side = Union[str, int, CodeSide]

ABSENT = "(absent)"  # how a key that one side has and the other has not is shown


@dataclass(frozen=True)
class Difference:
    """One aspect where the two sides' results are not the same."""

    aspect: str  # "status", "outcome.access_token.claims.https://acme/roles", "error of add-roles", ...
    before: Any  # ABSENT when the key is missing on that side
    after: Any

    def to_json(self) -> dict[str, Any]:
        return {"aspect": self.aspect, "before": self.before, "after": self.after}

    def __str__(self) -> str:
        return f"{self.aspect}: {_show(self.before)} → {_show(self.after)}"


@dataclass(frozen=True)
class SideRun:
    """What one side did for one fixture: the (redacted) result JSON, or why it could not run."""

    label: str  # "v3", "draft", "what happened"
    result: Optional[dict[str, Any]]
    not_run: Optional[str] = None

    @property
    def status(self) -> str:
        return self.result["status"] if self.result is not None else "not run"

    @property
    def duration_ms(self) -> Optional[float]:
        if self.result is None:
            return None
        return float(self.result.get("stats", {}).get("duration_ms") or 0.0)

    def to_json(self) -> dict[str, Any]:
        return {"label": self.label, "status": self.status, "not_run": self.not_run,
                "duration_ms": self.duration_ms, "result": self.result}


@dataclass(frozen=True)
class FixtureComparison:
    fixture: str
    kind: str  # "action": the action alone; "flow": the trigger's flow with the action in it
    before: SideRun
    after: SideRun
    differences: tuple[Difference, ...]

    @property
    def same(self) -> bool:
        return not self.differences

    def to_json(self) -> dict[str, Any]:
        return {"fixture": self.fixture, "kind": self.kind, "same": self.same,
                "differences": [d.to_json() for d in self.differences],
                "before": self.before.to_json(), "after": self.after.to_json()}


@dataclass(frozen=True)
class BehaviourDiff:
    action: str
    before: str  # labels of the two sides, e.g. "v3" and "draft"
    after: str
    fixtures: tuple[FixtureComparison, ...] = field(default=())

    @property
    def differing(self) -> list[FixtureComparison]:
        return [f for f in self.fixtures if not f.same]

    @property
    def same(self) -> bool:
        return not self.differing

    def headline(self) -> str:
        """One line: identical behaviour says so; otherwise how many fixtures differ."""
        total = len(self.fixtures)
        if total == 0:
            return f"{self.action} has no fixtures: no behaviour to compare"
        if self.same:
            noun = "the fixture behaves" if total == 1 else f"all {total} fixtures behave"
            return f"{self.action}: {noun} the same on {self.before} and {self.after}"
        n = len(self.differing)
        verb = "behaves" if n == 1 else "behave"
        return f"{n} of {total} fixture{'s' if total != 1 else ''} {verb} differently ({self.before} → {self.after})"

    def to_json(self) -> dict[str, Any]:
        return {"action": self.action, "before": self.before, "after": self.after,
                "same": self.same, "differing": len(self.differing),
                "fixtures": [f.to_json() for f in self.fixtures]}


def _show(value: Any) -> str:
    if value == ABSENT:
        return ABSENT
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= 120 else text[:117] + "..."


# -- the comparison ---------------------------------------------------------------------------


def aspects(result: Optional[dict[str, Any]], not_run: Optional[str] = None) -> dict[str, Any]:
    """The observable behaviour of one result as flat aspect → value (time left out)."""
    if result is None:
        return {"status": "not run", "not run": not_run}
    found: dict[str, Any] = {"status": result.get("status")}
    _flatten(result.get("outcome") or {}, "outcome", found)
    for action in result.get("actions") or []:
        name = action.get("name")
        if action.get("status") != result.get("status"):
            found[f"status of {name}"] = action.get("status")
        error = action.get("error")
        if error:
            # Type and message, not the traceback: its line numbers move with every edit.
            found[f"error of {name}"] = f"{error.get('type')}: {error.get('message')}"
        if action.get("logs"):
            found[f"console of {name}"] = action["logs"]
    return found


def _flatten(value: Any, path: str, into: dict[str, Any]) -> None:
    if isinstance(value, dict) and value:
        for key, inner in value.items():
            _flatten(inner, f"{path}.{key}", into)
    elif value not in (None, {}, []):
        # An empty or null leaf is the same as no leaf: a trigger's outcome always lists its keys
        # (claims: {}, redirect: null), so "nothing set" must compare equal to "not there".
        into[path] = value


def compare_results(before: Optional[dict[str, Any]], after: Optional[dict[str, Any]], *,
                    before_not_run: Optional[str] = None,
                    after_not_run: Optional[str] = None) -> tuple[Difference, ...]:
    a, b = aspects(before, before_not_run), aspects(after, after_not_run)
    keys = list(a) + [k for k in b if k not in a]
    differing = [k for k in keys if a.get(k, ABSENT) != b.get(k, ABSENT)]
    # "outcome.set_by.X" says which action set X: worth a row only when X itself is the same
    # (another action of the flow set it), not beside a row that already shows X changing.
    shown = set(differing)
    return tuple(Difference(k, a.get(k, ABSENT), b.get(k, ABSENT)) for k in differing
                 if not (k.startswith(_SET_BY) and f"outcome.{k[len(_SET_BY):]}" in shown))


_SET_BY = "outcome.set_by."


# -- running the fixtures on both sides -------------------------------------------------------


def side_label(side: Side) -> str:
    if isinstance(side, CodeSide):
        return side.label
    return side if side in ("draft", "deployed") else f"v{int(side)}"


def parse_side(text: str) -> Side:
    """`deployed`, `draft`, `vN` or `N` (the CLI's --from/--to)."""
    value = text.strip().lower()
    if value in ("draft", "deployed"):
        return value
    digits = value[1:] if value.startswith("v") else value
    if digits.isdigit() and int(digits) >= 1:
        return int(digits)
    raise InvalidInputError(f"{text!r} is not a side to compare: use draft, deployed or vN (e.g. v3)")


def fixtures_for(s, action: ActionRecord) -> list[tuple[FixtureRecord, str]]:
    """The action's own fixtures, then its trigger's flow fixtures when the action is bound there."""
    chosen = []
    in_flow = any(a.id == action.id for a in repo.get_flow(s, action.trigger_id))
    for fixture in repo.list_fixtures(s, action.trigger_id):
        if fixture.action_name == action.name:
            chosen.append((fixture, "action"))
        elif fixture.action_name is None and in_flow:
            chosen.append((fixture, "flow"))
    return chosen


def behaviour_diff(ws: Workspace, action_name: str, *, before: Side = "deployed",
                   after: Side = "draft",
                   superseded: Callable[[], bool] = lambda: False,
                   on_progress: Callable[[int, int], None] = lambda done, total: None) -> BehaviourDiff:
    """Runs every fixture of `action_name` on both sides and compares the outcomes.

    `before` = "deployed" on an action never deployed is refused with a message saying what to
    compare instead. `superseded` stops early (the dialog closed): the diff then holds the
    fixtures compared so far.
    """
    with ws.db.read() as s:
        action = repo.find_action(s, action_name)
        if action is None:
            raise NotFoundError(f"no action named {action_name!r}")
        resolved = [_resolve(action, side) for side in (before, after)]
        chosen = fixtures_for(s, action)
        flow = repo.get_flow(s, action.trigger_id)
    for side in resolved:
        if side != "draft" and not isinstance(side, CodeSide):
            _check_version(ws, action, side)
    labels = [side_label(side) for side in resolved]
    compared: list[FixtureComparison] = []
    for index, (fixture, kind) in enumerate(chosen):
        if superseded():
            break
        runs = [_run_side(ws, fixture, kind, action, flow, side, label)
                for side, label in zip(resolved, labels)]
        compared.append(FixtureComparison(
            fixture=fixture.name, kind=kind, before=runs[0], after=runs[1],
            differences=compare_results(runs[0].result, runs[1].result,
                                        before_not_run=runs[0].not_run, after_not_run=runs[1].not_run)))
        on_progress(index + 1, len(chosen))
    return BehaviourDiff(action=action.name, before=labels[0], after=labels[1], fixtures=tuple(compared))


def _resolve(action: ActionRecord, side: Side) -> Side:
    if isinstance(side, CodeSide):
        return side
    if side == "deployed":
        if action.deployed_number is None:
            raise InvalidInputError(
                f"{action.name} has never been deployed: there is no deployed behaviour to compare "
                "with; compare two versions with --from vN --to vM, or deploy it first")
        return action.deployed_number
    return side


def _check_version(ws: Workspace, action: ActionRecord, number: Side) -> None:
    with ws.db.read() as s:
        if repo.get_version(s, action.id, int(number)) is None:
            raise NotFoundError(f"{action.name} has no version {number}")


def _run_side(ws: Workspace, fixture: FixtureRecord, kind: str, action: ActionRecord,
              flow: Sequence[ActionRecord], side: Side, label: str) -> SideRun:
    from actions_studio.services.runs import redacted, resolve_sources, run_sources

    def source_of(s, member: ActionRecord, code: Side, secrets: dict[str, str]):
        if isinstance(code, CodeSide):
            (draft,) = resolve_sources(ws, s, [member], "draft", secrets)
            return replace(draft, code=code.code, runtime=code.runtime,
                           dependencies=tuple(code.dependencies), version=None)
        return resolve_sources(ws, s, [member], code, secrets)[0]

    try:
        with ws.db.read() as s:
            secrets = fixture_secret_values(ws, fixture)
            if kind == "action":
                sources = [source_of(s, action, side, secrets)]
            else:
                # The flow as it runs today, with only this action's code swapped for the side.
                sources = [source_of(s, member, side if member.id == action.id else "deployed", secrets)
                           for member in flow]
        result = run_sources(ws, fixture, sources)
    except ServiceError as exc:
        return SideRun(label=label, result=None, not_run=str(exc))
    return SideRun(label=label, result=redacted(result, sources).model_dump(mode="json"))
