"""Use cases on actions: create from a template, save the draft, deploy, history, revert, diff,
rename, delete. Each write is one store transaction."""

from __future__ import annotations

import difflib
from typing import Literal, Optional, Sequence, Union

from actions_studio.services import templates
from actions_studio.services.action_detail import ActionDetail
from actions_studio.services.catalog import get_trigger
from actions_studio.services.errors import ConflictError, DeployRefusedError, NotFoundError
from actions_studio.services.names import (
    CODE_SUFFIX,
    check_dependencies,
    check_entity_name,
    check_runtime,
)
from actions_studio.services.workspace import Workspace
from actions_studio.store import repository as repo
from actions_studio.store.records import (
    ActionRecord,
    DraftRecord,
    VersionRecord,
    VersionSummary,
)

Side = Union[int, Literal["draft"]]


def _require(s, name: str) -> ActionRecord:
    action = repo.find_action(s, name)
    if action is None:
        raise NotFoundError(f"no action named {name!r}")
    return action


def _same_content(draft: DraftRecord, version: Optional[VersionRecord]) -> bool:
    return version is not None and (
        draft.code == version.code and draft.dependencies == version.dependencies
        and draft.secret_names == version.secret_names and draft.runtime == version.runtime
    )


def create_action(
    ws: Workspace, name: str, trigger_id: str, *, code: Optional[str] = None,
    dependencies: Sequence[str] = (), runtime: str = "python3",
) -> ActionDetail:
    check_entity_name("action", name)
    runtime = check_runtime(runtime)
    deps = check_dependencies(tuple(dependencies), runtime)
    trigger = get_trigger(trigger_id)
    source = code if code is not None else templates.template_for(trigger.id, runtime)
    with ws.db.write() as s:
        if repo.find_action(s, name) is not None:
            raise ConflictError(f"an action named {name!r} already exists")
        action = repo.insert_action(
            s, name=name, trigger_id=trigger.id, trigger_version=trigger.version,
            runtime=runtime, code=source, dependencies=deps,
        )
        return ActionDetail(action, repo.get_draft(s, action.id), draft_differs=True)


def list_actions(ws: Workspace, trigger_id: Optional[str] = None) -> list[ActionRecord]:
    with ws.db.read() as s:
        return repo.list_actions(s, trigger_id)


def get_action(ws: Workspace, action_id: str) -> Optional[ActionRecord]:
    """The action with this id (ids never change; names do), or None once it is deleted."""
    with ws.db.read() as s:
        return repo.get_action(s, action_id)


def open_action(ws: Workspace, name: str) -> ActionDetail:
    with ws.db.read() as s:
        return _detail(s, _require(s, name))


def open_action_by_id(ws: Workspace, action_id: str) -> Optional[ActionDetail]:
    with ws.db.read() as s:
        action = repo.get_action(s, action_id)
        return _detail(s, action) if action is not None else None


def _detail(s, action: ActionRecord) -> ActionDetail:
    draft = repo.get_draft(s, action.id)
    deployed = (repo.get_version(s, action.id, action.deployed_number)
                if action.deployed_number is not None else None)
    return ActionDetail(action, draft, draft_differs=not _same_content(draft, deployed))


def save_draft(
    ws: Workspace, name: str, *, code: Optional[str] = None,
    dependencies: Optional[Sequence[str]] = None, runtime: Optional[str] = None,
) -> DraftRecord:
    if runtime is not None:
        runtime = check_runtime(runtime)
    with ws.db.write() as s:
        action = _require(s, name)
        deps = (check_dependencies(tuple(dependencies), runtime or action.runtime)
                if dependencies is not None else None)
        return repo.update_draft(s, action.id, code=code, dependencies=deps, runtime=runtime)


def check_compiles(code: str, filename: str) -> None:
    """Raises DeployRefusedError with Python's message and the 1-based line."""
    try:
        compile(code, filename, "exec", dont_inherit=True)
    except SyntaxError as exc:
        line = exc.lineno
        where = f" (line {line})" if line else ""
        raise DeployRefusedError(
            f"deploy refused: {filename} does not compile: {exc.msg}{where}", line
        ) from None
    except ValueError as exc:  # e.g. source with NUL bytes
        raise DeployRefusedError(f"deploy refused: {filename} does not compile: {exc}", None) from None


def deploy_refusal(ws: Workspace, name: str) -> Optional[DeployRefusedError]:
    """Why deploying the draft would be refused now, or None: the studio's "deploy refused"
    banner goes once the draft compiles again (issue 12 item 4)."""
    detail = open_action(ws, name)
    if detail.draft.runtime != "python3":
        return None
    try:
        check_compiles(detail.draft.code, f"{name}.py")
    except DeployRefusedError as exc:
        return exc
    return None


def deploy(ws: Workspace, name: str, *, note: Optional[str] = None) -> VersionRecord:
    """Snapshots the draft as the next version number and marks it deployed."""
    with ws.db.write() as s:
        action = _require(s, name)
        draft = repo.get_draft(s, action.id)
        if draft.runtime == "python3":
            # JavaScript is checked by the Node runtime when it runs; no Node is needed to deploy.
            check_compiles(draft.code, f"{name}.py")
        return repo.insert_version(
            s, action.id, code=draft.code, dependencies=draft.dependencies,
            secret_names=draft.secret_names, runtime=draft.runtime, note=note,
        )


def list_versions(ws: Workspace, name: str) -> list[VersionSummary]:
    with ws.db.read() as s:
        return repo.list_versions(s, _require(s, name).id)


def get_version(ws: Workspace, name: str, number: int) -> VersionRecord:
    with ws.db.read() as s:
        return _version_of(s, _require(s, name), number)


def _version_of(s, action: ActionRecord, number: int) -> VersionRecord:
    version = repo.get_version(s, action.id, number)
    if version is None:
        have = f"versions 1-{action.last_number}" if action.last_number else "no versions yet"
        raise NotFoundError(f"{action.name} has no version {number} ({have})")
    return version


def revert(ws: Workspace, name: str, number: int, *, update_draft: bool = False) -> VersionRecord:
    """Deploys a copy of version `number` as a new number (as Auth0 does); numbers never repeat."""
    with ws.db.write() as s:
        action = _require(s, name)
        old = _version_of(s, action, number)
        new = repo.insert_version(
            s, action.id, code=old.code, dependencies=old.dependencies,
            secret_names=old.secret_names, runtime=old.runtime,
            note=f"revert to version {number}",
        )
        if update_draft:
            repo.update_draft(s, action.id, code=old.code, dependencies=old.dependencies,
                              secret_names=old.secret_names, runtime=old.runtime)
        return new


def parse_side(text: str) -> Side:
    """CLI form of one side of a diff: a version number or the word `draft`."""
    if text.strip().lower() == "draft":
        return "draft"
    try:
        number = int(text)
    except ValueError:
        raise NotFoundError(f"{text!r} is neither a version number nor 'draft'") from None
    return number


def diff(ws: Workspace, name: str, a: Side, b: Side) -> str:
    """Unified diff of the code (and dependency list, when it differs) from side a to side b."""
    with ws.db.read() as s:
        action = _require(s, name)

        def side(which: Side) -> tuple[str, str, tuple[str, ...]]:
            if which == "draft":
                draft = repo.get_draft(s, action.id)
                return f"{name}@draft", draft.code, draft.dependencies
            version = _version_of(s, action, int(which))
            return f"{name}@v{version.number}", version.code, version.dependencies

        (label_a, code_a, deps_a), (label_b, code_b, deps_b) = side(a), side(b)
    code_file = "code" + CODE_SUFFIX.get(action.runtime, ".py")
    out = list(difflib.unified_diff(
        code_a.splitlines(keepends=True), code_b.splitlines(keepends=True),
        fromfile=f"{label_a}/{code_file}", tofile=f"{label_b}/{code_file}",
    ))
    if deps_a != deps_b:
        out += difflib.unified_diff(
            [d + "\n" for d in deps_a], [d + "\n" for d in deps_b],
            fromfile=f"{label_a}/dependencies", tofile=f"{label_b}/dependencies",
        )
    # A file without a final newline would glue the next header onto its last line.
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
                   for line in out)


def rename(ws: Workspace, name: str, new_name: str) -> ActionRecord:
    check_entity_name("action", new_name)
    with ws.db.write() as s:
        action = _require(s, name)
        if new_name != name and repo.find_action(s, new_name) is not None:
            raise ConflictError(f"an action named {new_name!r} already exists")
        return repo.rename_action(s, action.id, new_name)


def delete(ws: Workspace, name: str, *, force: bool = False) -> None:
    """Deletes the action, its draft, versions and secret values; refused while in a flow."""
    with ws.db.write() as s:
        action = _require(s, name)
        flows = repo.flows_containing(s, action.id)
        if flows and not force:
            raise ConflictError(
                f"{name} is in the {', '.join(flows)} flow; remove it from the flow first "
                "or delete with --force"
            )
        secret_names = repo.get_draft(s, action.id).secret_names
        repo.delete_action(s, action.id)
    # After the commit: a vault failure must not resurrect the action; leftovers are unreachable.
    from actions_studio.services.secrets import forget_action_secrets

    forget_action_secrets(ws, action.id, secret_names)
