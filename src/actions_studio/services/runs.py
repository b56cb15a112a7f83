"""Running a draft, a version or a flow against a fixture in the sandbox; storing the result and
judging the expectation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from actions_studio.runtime.redaction import Redactor, merge_secrets
from actions_studio.services.errors import InvalidInputError, NotFoundError, ServiceError
from actions_studio.services.expectations import first_mismatch
from actions_studio.services.fixtures import fixture_secret_values
from actions_studio.services.secrets import action_secret_values
from actions_studio.services.workspace import Workspace
from actions_studio.store import repository as repo
from actions_studio.store.records import FixtureRecord, RunRecord

DEFAULT_RUNS_KEPT = 50


@dataclass(frozen=True)
class RunReport:
    fixture: str
    target: str  # what ran, for people: "draft of add-roles", "add-roles v3", "post-login flow"
    status: str
    passed: Optional[bool]  # None: the fixture has no expectation
    mismatch: Optional[str]
    result: dict[str, Any]  # the ExecutionResult wire JSON (secrets redacted)
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
    version: Optional[int] = None,
) -> RunReport:
    """Runs the fixture: `action`'s draft (or its `version`), else the fixture's own action's
    draft, else the trigger's flow of deployed versions."""
    with ws.db.read() as s:
        fixture = repo.find_fixture(s, fixture_name)
        if fixture is None:
            raise NotFoundError(f"no fixture named {fixture_name!r}")
        action_name = action or fixture.action_name
        fixture_secrets = fixture_secret_values(ws, fixture)
        if action_name is not None:
            sources, action_id, target, target_label = _one_action(
                ws, s, fixture, action_name, version, fixture_secrets)
        else:
            if version is not None:
                raise InvalidInputError("--version needs an action: the fixture runs a whole flow")
            sources, target_label = _flow(ws, s, fixture, fixture_secrets)
            action_id, target = None, "flow"
    from actions_studio.runtime import ActionSource, EventTooLargeError, SandboxError

    from actions_studio.services.dependencies import prepare_sources

    try:
        # Environments are built here, before the run; one that cannot be built is an error result.
        ready, refused = prepare_sources(ws, fixture.trigger_id, sources)
        result_model = refused or ws.sandbox().run_flow(
            fixture.trigger_id, [ActionSource(**src) for src in ready], fixture.event)
    except EventTooLargeError as exc:
        raise InvalidInputError(f"fixture {fixture.name}: {exc}") from None
    except SandboxError as exc:
        # Not the action's fault and not a verdict: say so rather than store a fake result.
        raise ServiceError(f"the sandbox failed while running {fixture.name}: {exc}") from None
    result = result_model.model_dump(mode="json")
    mismatch = first_mismatch(fixture.expect, result) if fixture.expect is not None else None
    passed = None if fixture.expect is None else mismatch is None
    # Secret values never reach the workspace file, even if an action put one in a claim.
    redactor = Redactor(merge_secrets((src["name"], src["secrets"]) for src in sources))
    stored = redactor.json(result)
    mismatch_text = redactor.text(str(mismatch)) if mismatch is not None else None
    keep = runs_kept(ws)
    with ws.db.write() as s:
        record = repo.insert_run(
            s, fixture_id=fixture.id, action_id=action_id, target=target,
            version_number=version, status=str(result.get("status")), passed=passed,
            mismatch=mismatch_text, result=stored, keep=keep,
        )
    return RunReport(fixture=fixture.name, target=target_label, status=record.status,
                     passed=passed, mismatch=mismatch_text, result=stored, run_id=record.id)


def _one_action(ws, s, fixture: FixtureRecord, action_name: str, version: Optional[int],
                fixture_secrets: dict[str, str]):
    action = repo.find_action(s, action_name)
    if action is None:
        raise NotFoundError(f"fixture {fixture.name}: no action named {action_name!r}")
    if action.trigger_id != fixture.trigger_id:
        raise InvalidInputError(
            f"{action_name} is a {action.trigger_id} action; fixture {fixture.name} is for "
            f"{fixture.trigger_id}")
    if version is None:
        draft = repo.get_draft(s, action.id)
        code, names, label, target = draft.code, draft.secret_names, f"draft of {action.name}", "draft"
        dependencies = draft.dependencies
    else:
        found = repo.get_version(s, action.id, version)
        if found is None:
            raise NotFoundError(f"{action.name} has no version {version}")
        code, names, label, target = found.code, found.secret_names, f"{action.name} v{version}", "version"
        dependencies = found.dependencies
    secrets = {**_values_for(ws, action.id, names, fixture_secrets), **fixture_secrets}
    source = {"name": action.name, "code": code, "version": version, "secrets": secrets,
              "dependencies": dependencies}
    return [source], action.id, target, label


def _values_for(ws, action_id: str, names, fixture_secrets: dict[str, str]) -> dict[str, str]:
    # A secret the fixture supplies need not be in the vault (a test may stub it).
    return action_secret_values(ws, action_id, [n for n in names if n not in fixture_secrets])


def _flow(ws, s, fixture: FixtureRecord, fixture_secrets: dict[str, str]):
    actions = repo.get_flow(s, fixture.trigger_id)
    if not actions:
        raise InvalidInputError(
            f"fixture {fixture.name} runs the {fixture.trigger_id} flow, which is empty; "
            "add deployed actions with `flows set`")
    sources = []
    for action in actions:
        version = repo.get_version(s, action.id, action.deployed_number)
        assert version is not None, "a flow holds deployed actions only"
        secrets = {**_values_for(ws, action.id, version.secret_names, fixture_secrets),
                   **fixture_secrets}
        sources.append({"name": action.name, "code": version.code, "version": version.number,
                        "secrets": secrets, "dependencies": version.dependencies})
    return sources, f"{fixture.trigger_id} flow"


def run_tests(ws: Workspace) -> list[RunReport]:
    """Every fixture with an expectation, in name order (the CLI's `test`).

    A fixture that cannot run (its action was deleted, a secret has no value) is a failed test
    with the reason as its mismatch; the others still run.
    """
    with ws.db.read() as s:
        names = [f.name for f in repo.list_fixtures(s) if f.expect is not None]
    reports = []
    for name in names:
        try:
            reports.append(run_fixture(ws, name))
        except ServiceError as exc:
            reports.append(RunReport(fixture=name, target="-", status="not run", passed=False,
                                     mismatch=str(exc), result={}, run_id=""))
    return reports


def list_runs(ws: Workspace, fixture_name: str, limit: Optional[int] = None) -> list[RunRecord]:
    with ws.db.read() as s:
        fixture = repo.find_fixture(s, fixture_name)
        if fixture is None:
            raise NotFoundError(f"no fixture named {fixture_name!r}")
        return repo.list_runs(s, fixture.id, limit)
