"""Export / import of a workspace as git-friendly files (issue 3, section 4).

    actions/<name>.json          trigger, runtime, dependencies, secret names, deployed version
    actions/<name>/code.py       the draft (code.js for a node22 action)
    actions/<name>/deployed.py   the deployed version's code, only when it differs from the draft
                                 (deployed.js for node22)
    fixtures/<trigger>/<name>.json   the fixture format, secret values as null
    flows/flows.json             trigger -> ordered action names

`deployed.py` is this project's addition to the issue's layout: without it an import would have to
pretend the draft is what was deployed, silently changing what a flow runs.

Export mirrors the workspace: files it would not write are removed from those folders (only
files of the layout's shapes). Import reads and checks every file first, then applies everything
in one transaction: a failure or a crash leaves the workspace as it was. It is idempotent and
reports what it created, changed and left alone. No secret value is ever written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from actions_studio.services import fixtures as fixture_service
from actions_studio.services.actions import check_compiles
from actions_studio.services.catalog import get_trigger
from actions_studio.services.errors import InvalidInputError
from actions_studio.services.names import (
    CODE_SUFFIX,
    check_dependencies,
    check_entity_name,
    check_runtime,
    check_secret_name,
    runtime_notice,
)
from actions_studio.services.workspace import Workspace
from actions_studio.store import repository as repo

_ACTION_KEYS = ("trigger", "runtime", "dependencies", "secrets", "deployed_version")


@dataclass
class ExportReport:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    # One line per thing the user should know that changed nothing's meaning (a node18 action
    # stored as node22).
    notes: list[str] = field(default_factory=list)


def _json_bytes(data: Any) -> bytes:
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


# -- export --------------------------------------------------------------------------------------


def export_workspace(ws: Workspace, directory: Path) -> ExportReport:
    root = Path(directory)
    files: dict[str, bytes] = {}
    with ws.db.read() as s:
        for action in repo.list_actions(s):
            draft = repo.get_draft(s, action.id)
            deployed = (repo.get_version(s, action.id, action.deployed_number)
                        if action.deployed_number is not None else None)
            files[f"actions/{action.name}.json"] = _json_bytes({
                "trigger": action.trigger_id,
                "runtime": draft.runtime,
                "dependencies": list(draft.dependencies),
                "secrets": list(draft.secret_names),
                "deployed_version": action.deployed_number,
            })
            files[f"actions/{action.name}/code{CODE_SUFFIX[draft.runtime]}"] = draft.code.encode("utf-8")
            if deployed is not None and (deployed.code, deployed.runtime) != (draft.code, draft.runtime):
                files[f"actions/{action.name}/deployed{CODE_SUFFIX[deployed.runtime]}"] = \
                    deployed.code.encode("utf-8")
        for fixture in repo.list_fixtures(s):
            files[f"fixtures/{fixture.trigger_id}/{fixture.name}.json"] = _json_bytes(
                fixture_service.to_document(fixture))
        flows = {t: [a.name for a in actions] for t, actions in repo.list_flows(s).items() if actions}
    files["flows/flows.json"] = _json_bytes(flows)

    report = ExportReport()
    write_files(root, files, report.written, report.unchanged)
    for rel in sorted(_layout_files(root) - set(files)):
        (root / rel).unlink()
        report.removed.append(rel)
    for folder in sorted((root / "actions").glob("*/"), reverse=True) if (root / "actions").is_dir() else []:
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
    return report


def write_files(root: Path, files: dict[str, bytes], written: list[str], unchanged: list[str]) -> None:
    """Writes each file that differs (by rename: never half-written), in path order; a file
    that already holds those bytes is left alone, so an export changes only what changed."""
    for rel, content in sorted(files.items()):
        path = root / rel
        if path.is_file() and path.read_bytes() == content:
            unchanged.append(rel)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(content)
        tmp.replace(path)
        written.append(rel)


def _layout_files(root: Path) -> set[str]:
    """Files under root that have the shape of an export (so export may replace or remove them)."""
    found: set[str] = set()
    actions = root / "actions"
    if actions.is_dir():
        found |= {f"actions/{p.name}" for p in actions.glob("*.json") if p.is_file()}
        for sub in actions.iterdir():
            if sub.is_dir():
                for leaf in ("code.py", "deployed.py", "code.js", "deployed.js"):
                    if (sub / leaf).is_file():
                        found.add(f"actions/{sub.name}/{leaf}")
    fixtures = root / "fixtures"
    if fixtures.is_dir():
        found |= {p.relative_to(root).as_posix() for p in fixtures.glob("*/*.json") if p.is_file()}
    if (root / "flows" / "flows.json").is_file():
        found.add("flows/flows.json")
    return found


# -- import --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _ActionFile:
    name: str
    trigger: str
    runtime: str
    dependencies: tuple[str, ...]
    secrets: tuple[str, ...]
    deployed_version: Optional[int]
    code: str
    deployed_code: str
    has_deployed_file: bool
    deployed_runtime: str  # the draft's, unless deployed.py/.js says another (a runtime change)
    note: Optional[str] = None  # the file named a runtime Auth0 deprecated


def _read_json(path: Path, rel: str) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InvalidInputError(f"{rel}: not valid JSON: {exc.msg} (line {exc.lineno})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"{rel}: cannot be read: {exc}") from None


def _read_text(path: Path, rel: str) -> str:
    try:
        # newline="": code comes back byte for byte (a CRLF file stays CRLF).
        with open(path, encoding="utf-8", newline="") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"{rel}: cannot be read: {exc}") from None


def _load_action(root: Path, json_path: Path) -> _ActionFile:
    name = json_path.stem
    rel = f"actions/{json_path.name}"
    try:
        check_entity_name("action", name)
    except InvalidInputError as exc:
        raise InvalidInputError(f"{rel}: {exc}") from None
    data = _read_json(json_path, rel)
    if not isinstance(data, dict):
        raise InvalidInputError(f"{rel}: must be a JSON object")
    unknown = sorted(set(data) - set(_ACTION_KEYS))
    if unknown:
        raise InvalidInputError(f"{rel}: unknown field(s) {', '.join(unknown)}")
    if "trigger" not in data:
        raise InvalidInputError(f"{rel}: missing field 'trigger'")
    try:
        trigger = get_trigger(data["trigger"]).id
        runtime = check_runtime(data.get("runtime", "python3"))
        deps = data.get("dependencies", [])
        secrets = data.get("secrets", [])
        if not isinstance(deps, list) or not isinstance(secrets, list):
            raise InvalidInputError("dependencies and secrets must be lists")
        check_dependencies(deps, runtime)
        for secret in secrets:
            check_secret_name(secret)
        deployed = data.get("deployed_version")
        if deployed is not None and (not isinstance(deployed, int) or isinstance(deployed, bool)
                                     or deployed < 1):
            raise InvalidInputError("deployed_version must be a version number or null")
    except InvalidInputError as exc:
        raise InvalidInputError(f"{rel}: {exc}") from None
    suffix = CODE_SUFFIX[runtime]
    code_rel = f"actions/{name}/code{suffix}"
    code_path = root / code_rel
    if not code_path.is_file():
        other = [f"code{s}" for r, s in CODE_SUFFIX.items()
                 if r != runtime and (root / "actions" / name / f"code{s}").is_file()]
        hint = f" (found {other[0]}: set \"runtime\" in {rel} to match)" if other else ""
        raise InvalidInputError(f"{code_rel} is missing (the draft of {name}, a {runtime} action){hint}")
    code = _read_text(code_path, code_rel)
    # The deployed file's suffix is the deployed version's runtime: export writes deployed.py next
    # to code.js when the draft moved from python3 to node22 since the deploy (issue 15).
    found = [(r, f"actions/{name}/deployed{s}") for r, s in CODE_SUFFIX.items()
             if (root / "actions" / name / f"deployed{s}").is_file()]
    if len(found) > 1:
        raise InvalidInputError(f"actions/{name}/: {' and '.join(rel for _, rel in found)} both exist; "
                                "keep the one of the deployed version")
    deployed_runtime, deployed_rel = found[0] if found else (runtime, code_rel)
    deployed_code = _read_text(root / deployed_rel, deployed_rel) if found else code
    if deployed is not None and deployed_runtime == "python3":
        check_compiles(deployed_code, deployed_rel)
    notice = runtime_notice(data.get("runtime"))
    return _ActionFile(name, trigger, runtime, tuple(deps), tuple(secrets), deployed, code,
                       deployed_code, bool(found), deployed_runtime,
                       note=f"action {name}: {notice}; stored as {runtime}" if notice else None)


def _load_flows(root: Path) -> dict[str, list[str]]:
    path = root / "flows" / "flows.json"
    if not path.is_file():
        return {}
    data = _read_json(path, "flows/flows.json")
    if not isinstance(data, dict) or not all(
            isinstance(v, list) and all(isinstance(n, str) for n in v) for v in data.values()):
        raise InvalidInputError("flows/flows.json: must map a trigger id to a list of action names")
    for trigger_id in data:
        get_trigger(trigger_id)
    return data


def import_workspace(ws: Workspace, directory: Path) -> ImportReport:
    root = Path(directory)
    if not root.is_dir():
        raise InvalidInputError(f"{root} is not a folder")
    actions = [_load_action(root, p) for p in sorted((root / "actions").glob("*.json"))] \
        if (root / "actions").is_dir() else []
    specs = []
    for path in sorted((root / "fixtures").glob("*/*.json")) if (root / "fixtures").is_dir() else []:
        rel = path.relative_to(root).as_posix()
        spec = fixture_service.parse_fixture(_read_json(path, rel), source=rel)
        if spec.trigger != path.parent.name or spec.name != path.stem:
            raise InvalidInputError(
                f"{rel}: the file says fixture {spec.name!r} for {spec.trigger}; "
                f"expected fixtures/{spec.trigger}/{spec.name}.json")
        specs.append(spec)
    flows = _load_flows(root)

    report = ImportReport(notes=[a.note for a in actions if a.note])
    with ws.db.write() as s:
        for item in actions:
            _apply_action(s, item, report)
        for spec in specs:
            _, change = fixture_service.save_fixture(ws, spec, session=s)
            getattr(report, change).append(f"fixture {spec.name}")
        for trigger_id, names in sorted(flows.items()):
            _apply_flow(s, trigger_id, names, report)
    return report


def _apply_action(s: Any, item: _ActionFile, report: ImportReport) -> None:
    trigger = get_trigger(item.trigger)
    action = repo.find_action(s, item.name)
    label = f"action {item.name}"
    if action is None:
        action = repo.insert_action(
            s, name=item.name, trigger_id=trigger.id, trigger_version=trigger.version,
            runtime=item.runtime, code=item.code, dependencies=item.dependencies,
            secret_names=item.secrets)
        if item.deployed_version is not None:
            # Keep the exported number so a round trip exports the same file.
            repo.insert_version(s, action.id, code=item.deployed_code,
                                dependencies=item.dependencies, secret_names=item.secrets,
                                runtime=item.deployed_runtime, note="imported",
                                number=item.deployed_version)
        report.created.append(label)
        return
    if action.trigger_id != trigger.id:
        raise InvalidInputError(
            f"actions/{item.name}.json: {item.name} is a {action.trigger_id} action in this "
            f"workspace; the file says {trigger.id} (rename one of them)")
    changed = False
    draft = repo.get_draft(s, action.id)
    if (draft.code, draft.dependencies, draft.secret_names, draft.runtime) != (
            item.code, item.dependencies, item.secrets, item.runtime):
        repo.update_draft(s, action.id, code=item.code, dependencies=item.dependencies,
                          secret_names=item.secrets, runtime=item.runtime)
        changed = True
    if item.deployed_version is not None:
        deployed = (repo.get_version(s, action.id, action.deployed_number)
                    if action.deployed_number is not None else None)
        # Without deployed.py the files say "deployed = draft" only as of the export; an edit of
        # code.py alone is a draft edit. A deploy is imported when deployed.py says so, or when
        # the file's number differs from ours — and in both cases only if the code differs, so
        # a second import of the same files changes nothing.
        differs = deployed is None or (deployed.code, deployed.runtime) != (
            item.deployed_code, item.deployed_runtime)
        signalled = item.has_deployed_file or item.deployed_version != action.deployed_number
        if differs and signalled:
            number = item.deployed_version if item.deployed_version > action.last_number else None
            repo.insert_version(s, action.id, code=item.deployed_code,
                                dependencies=item.dependencies, secret_names=item.secrets,
                                runtime=item.deployed_runtime, note="imported", number=number)
            changed = True
    (report.changed if changed else report.unchanged).append(label)


def _apply_flow(s: Any, trigger_id: str, names: list[str], report: ImportReport) -> None:
    ids = []
    for name in names:
        action = repo.find_action(s, name)
        if action is None:
            raise InvalidInputError(f"flows/flows.json: {trigger_id}: no action named {name!r}")
        if action.trigger_id != trigger_id or action.deployed_number is None:
            raise InvalidInputError(
                f"flows/flows.json: {trigger_id}: {name} is not a deployed {trigger_id} action")
        ids.append(action.id)
    if len(set(ids)) != len(ids) or len(ids) > 20:
        raise InvalidInputError(
            f"flows/flows.json: {trigger_id}: at most 20 actions, each at most once")
    set_flow_reported(s, trigger_id, ids, report)


def set_flow_reported(s: Any, trigger_id: str, ids: list[str], report: Any) -> None:
    """Sets an imported flow unless it is already so; says which in `report`."""
    current = [a.id for a in repo.get_flow(s, trigger_id)]
    label = f"flow {trigger_id}"
    if current == ids:
        report.unchanged.append(label)
    else:
        repo.set_flow(s, trigger_id, ids)
        (report.created if not current else report.changed).append(label)
