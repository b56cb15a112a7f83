"""Running a draft, a version or a flow against a fixture in the sandbox; storing the result and
judging the expectation. The workspace's side of the one run pipeline (execution/): which code,
which secrets (`resolve_sources`), the refusals worded for the studio's user (`run_sources`), and
what is kept (`redacted`); the canvas's runs (flow_design.run_design) go through the same."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Optional, Union

from actions_studio.execution import RunSource, execute
from actions_studio.runtime.redaction import Redactor, merge_secrets
from actions_studio.runtime import ExecutionResult
from actions_studio.services.dependencies import environments_for
from actions_studio.services.errors import InvalidInputError, NotFoundError, ServiceError
from actions_studio.services.expectations import first_mismatch
from actions_studio.services.fixtures import fixture_secret_values
from actions_studio.services.secrets import action_secret_values
from actions_studio.services.workspace import Workspace
from actions_studio.store import repository as repo
from actions_studio.store.records import ActionRecord, DraftRecord, FixtureRecord, RunRecord, VersionRecord

DEFAULT_RUNS_KEPT = 50


@dataclass(frozen=True)
class RunReport:
    fixture: str
    target: str  # what ran, for people: "draft of add-roles", "add-roles v3", "post-login flow"
    status: str
    passed: Optional[bool]  # None: the fixture has no expectation
    mismatch: Optional[str]
    result: Optional[ExecutionResult]  # secrets redacted; None when the fixture could not run
    run_id: str


def runs_kept(ws: Workspace) -> int:
    with ws.db.read() as s:
        value = repo.get_setting(s, "test_runs_kept_per_fixture")
    try:
        return max(1, int(value)) if value is not None else DEFAULT_RUNS_KEPT
    except ValueError:
        return DEFAULT_RUNS_KEPT


def set_runs_kept(ws: Workspace, keep: int) -> None:
    if keep < 1:
        raise InvalidInputError("keep at least one test run per fixture")
    with ws.db.write() as s:
        repo.set_setting(s, "test_runs_kept_per_fixture", str(int(keep)))


def run_fixture(
    ws: Workspace, fixture_name: str, *, action: Optional[str] = None,
    version: Optional[int] = None, cancel: Optional[threading.Event] = None,
) -> RunReport:
    """Runs the fixture: `action`'s draft (or its `version`), else the fixture's own action's
    draft, else the trigger's flow of deployed versions. Setting `cancel` (Stop) kills the run
    at once: the report's status is "stopped" and passes no judgement (issue 12 item 5)."""
    with ws.db.read() as s:
        fixture = require_fixture(s, fixture_name)
        action_name = action or fixture.action_name
        fixture_secrets = fixture_secret_values(ws, fixture)
        if action_name is not None:
            record = repo.find_action(s, action_name)
            if record is None:
                raise NotFoundError(f"fixture {fixture.name}: no action named {action_name!r}")
            if record.trigger_id != fixture.trigger_id:
                raise InvalidInputError(
                    f"{action_name} is a {record.trigger_id} action; fixture {fixture.name} is for "
                    f"{fixture.trigger_id}")
            sources = resolve_sources(ws, s, [record], "draft" if version is None else version,
                                      fixture_secrets)
            action_id, target = record.id, "draft" if version is None else "version"
            target_label = f"draft of {record.name}" if version is None else f"{record.name} v{version}"
        else:
            if version is not None:
                raise InvalidInputError("--version needs an action: the fixture runs a whole flow")
            flow = repo.get_flow(s, fixture.trigger_id)
            if not flow:
                raise InvalidInputError(
                    f"fixture {fixture.name} runs the {fixture.trigger_id} flow, which is empty; "
                    "add deployed actions with `flows set`")
            sources = resolve_sources(ws, s, flow, "deployed", fixture_secrets)
            action_id, target, target_label = None, "flow", f"{fixture.trigger_id} flow"
    result = run_sources(ws, fixture, sources, cancel=cancel)
    judged = fixture.expect is not None and result.status != "stopped"
    mismatch = first_mismatch(fixture.expect, result.model_dump(mode="json")) if judged else None
    passed = None if not judged else mismatch is None
    stored = redacted(result, sources)
    mismatch_text = redactor_for(sources).text(str(mismatch)) if mismatch is not None else None
    keep = runs_kept(ws)
    with ws.db.write() as s:
        run = repo.insert_run(
            s, fixture_id=fixture.id, action_id=action_id, target=target,
            version_number=version, status=result.status, passed=passed,
            mismatch=mismatch_text, result=stored.model_dump(mode="json"), keep=keep,
        )
    return RunReport(fixture=fixture.name, target=target_label, status=run.status,
                     passed=passed, mismatch=mismatch_text, result=stored, run_id=run.id)


def require_fixture(s, fixture_name: str) -> FixtureRecord:
    fixture = repo.find_fixture(s, fixture_name)
    if fixture is None:
        raise NotFoundError(f"no fixture named {fixture_name!r}")
    return fixture


# Which code of each action a run takes: the draft, the deployed version, or version N.
Code = Union[Literal["draft", "deployed"], int]


def resolve_sources(ws: Workspace, s, actions: Sequence[ActionRecord], code: Code,
                    fixture_secrets: dict[str, str]) -> list[RunSource]:
    """The workspace's one way to turn actions into what a run executes: the chosen code, its
    dependencies and runtime, and each action's own secrets (a secret the fixture supplies wins
    over the vault's, and need not be in the vault at all: a test may stub it)."""
    sources = []
    for action in actions:
        picked: Union[DraftRecord, VersionRecord, None]
        if code == "draft":
            picked, number = repo.get_draft(s, action.id), None
        else:
            number = action.deployed_number if code == "deployed" else int(code)
            if number is None:
                raise InvalidInputError(
                    f"{action.name} has never been deployed; deploy it or run with drafts")
            picked = repo.get_version(s, action.id, number)
            if picked is None:
                raise NotFoundError(f"{action.name} has no version {number}")
        secrets = {**_values_for(ws, action.id, picked.secret_names, fixture_secrets), **fixture_secrets}
        sources.append(RunSource(name=action.name, code=picked.code, version=number, secrets=secrets,
                                 dependencies=tuple(picked.dependencies), runtime=picked.runtime))
    return sources


def _values_for(ws, action_id: str, names, fixture_secrets: dict[str, str]) -> dict[str, str]:
    return action_secret_values(ws, action_id, [n for n in names if n not in fixture_secrets])


def run_sources(ws: Workspace, fixture: FixtureRecord, sources: Sequence[RunSource], *,
                cancel: Optional[threading.Event] = None) -> ExecutionResult:
    """Runs `sources` against the fixture's event through the one pipeline (environments built
    first, from the workspace's dependency settings). The result is NOT redacted: the expectation
    is judged on what the actions really produced; `redacted` is for what is kept or shown."""
    from actions_studio.runtime import EventTooLargeError, SandboxError

    try:
        return execute(fixture.trigger_id, sources, fixture.event, sandbox=ws.sandbox,
                       environments=environments_for(ws), cancel=cancel)
    except EventTooLargeError as exc:
        raise InvalidInputError(f"fixture {fixture.name}: {exc}") from None
    except SandboxError as exc:
        # Not the action's fault and not a verdict: say so rather than store a fake result.
        raise ServiceError(f"the sandbox failed while running {fixture.name}: {exc}") from None
    except ValueError as exc:  # more than 20 actions: the runtime refuses like Auth0
        raise InvalidInputError(str(exc)) from None


def redactor_for(sources: Sequence[RunSource]) -> Redactor:
    """The one redaction rule (runtime/redaction.py) for every secret of the run's actions."""
    return Redactor(merge_secrets((src.name, src.secrets) for src in sources))


def redacted(result: ExecutionResult, sources: Sequence[RunSource]) -> ExecutionResult:
    """The result with the run's secret values replaced (what is stored and shown). Only string
    values are rewritten, so keys and the runtime's own status words stay as they are."""
    return ExecutionResult.model_validate(redactor_for(sources).json(result.model_dump(mode="json")))


def run_tests(ws: Workspace) -> list[RunReport]:
    """Every fixture with an expectation, in name order (the CLI's `test`)."""
    with ws.db.read() as s:
        names = [f.name for f in repo.list_fixtures(s) if f.expect is not None]
    return list(run_many(ws, names))


def run_many(ws: Workspace, fixture_names: Sequence[str], *, action: Optional[str] = None,
             superseded: Callable[[], bool] = lambda: False,
             catch: tuple[type[Exception], ...] = (ServiceError,),
             cancel: Optional[threading.Event] = None) -> Iterator[RunReport]:
    """Runs the fixtures one after another (the CLI's `test`, the Test panel's Run all).

    A fixture that cannot run (its action was deleted, a secret has no value) is a failed test
    with the reason as its mismatch; the others still run. `superseded` is asked before each
    fixture: once it says True nobody reads the answers, so no more sandbox time is spent.
    Setting `cancel` (Stop) stops the fixture that is running ("stopped") and ends the batch.
    """
    for name in fixture_names:
        if superseded() or (cancel is not None and cancel.is_set()):
            return
        try:
            yield run_fixture(ws, name, action=action, cancel=cancel)
        except catch as exc:
            yield not_run(name, str(exc))


def not_run(fixture_name: str, reason: str) -> RunReport:
    """The report of a fixture that could not run: a failed test with the reason as mismatch."""
    return RunReport(fixture=fixture_name, target="-", status="not run", passed=False,
                     mismatch=reason, result=None, run_id="")


def list_runs(ws: Workspace, fixture_name: str, limit: Optional[int] = None) -> list[RunRecord]:
    with ws.db.read() as s:
        fixture = repo.find_fixture(s, fixture_name)
        if fixture is None:
            raise NotFoundError(f"no fixture named {fixture_name!r}")
        return repo.list_runs(s, fixture.id, limit)
