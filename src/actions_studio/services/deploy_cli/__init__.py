"""The Deploy CLI's formats (issue 17, part 1): an Auth0 project's repository read and written.

    directory format                      YAML format
    actions/<name>.json                   tenant.yaml   (actions: and triggers:, other keys kept)
    actions/<name>/code.js                actions/<name>/code.js
    triggers/triggers.json

`import_tree` recognises both (`detect`) and imports the actions (code, runtime, dependencies,
secret names, supported trigger), their deployed state and the trigger bindings as flows, in one
transaction; `export_tree` writes them so the Deploy CLI imports the result unchanged — the same
bytes as the files it read, where the workspace did not change them (documents.py says how).
What the studio cannot hold is left out with the reason, never guessed: an action for a trigger
the catalog does not know, a name the workspace refuses, a runtime Auth0 no longer runs; on
export, a python3 action (the Deploy CLI and Auth0 run Node actions only: it is never written as
code.js). Keyword markers are never replaced (the files are the user's source, not a deploy), and
no secret value is ever written: a value found in a file (a marker, a placeholder) is kept as
the file's text, never taken into the vault.

What an import read is kept in workspace settings (`deploy_cli.action.<action id>`,
`deploy_cli.triggers`): the documents as read and as the workspace saw them then.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Optional

from actions_studio.services.catalog import get_trigger
from actions_studio.services.errors import InvalidInputError
from actions_studio.services.names import check_dependencies, check_entity_name, check_secret_name
from actions_studio.services.workspace import Workspace
from actions_studio.store import repository as repo
from actions_studio.triggers import TRIGGERS

from . import documents as docs
from . import yaml_io

Format = Literal["deploy-cli-directory", "deploy-cli-yaml"]
FORMATS: tuple[Format, ...] = ("deploy-cli-directory", "deploy-cli-yaml")
YAML_FILE = "tenant.yaml"
ACTION_KEY = "deploy_cli.action."
TRIGGERS_KEY = "deploy_cli.triggers"
IMPORT_NOTE = "imported from a Deploy CLI tree"


@dataclass
class TreeReport:
    written: list[str] = field(default_factory=list)     # export: files
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    created: list[str] = field(default_factory=list)     # import: actions and flows
    changed: list[str] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)    # "<what>: <why>", one line each


# -- recognising and reading a tree ----------------------------------------------------------------

def detect(root: Path) -> Optional[Format]:
    """The Deploy CLI format of `root` (a folder, or a tenant.yaml itself), else None."""
    if root.is_file():
        return "deploy-cli-yaml" if root.suffix in (".yaml", ".yml") else None
    if (root / YAML_FILE).is_file() or (root / "tenant.yml").is_file():
        return "deploy-cli-yaml"
    if (root / "triggers" / "triggers.json").is_file():
        return "deploy-cli-directory"
    actions = root / "actions"
    first = next(iter(sorted(actions.glob("*.json"))), None) if actions.is_dir() else None
    if first is not None:
        try:
            doc = json.loads(first.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if isinstance(doc, dict) and "supported_triggers" in doc:
            return "deploy-cli-directory"
    return None


@dataclass(frozen=True)
class _Tree:
    base: Path                                  # where code paths start
    actions: list[tuple[str, dict[str, Any]]]   # (file it came from, document)
    triggers: Optional[dict[str, Any]]
    yaml_file: Optional[Path] = None


def _yaml_path(root: Path) -> Path:
    if root.is_file():
        return root
    return root / "tenant.yml" if (root / "tenant.yml").is_file() and not (root / YAML_FILE).is_file() \
        else root / YAML_FILE


def _read_text(path: Path, rel: str) -> str:
    try:
        with open(path, encoding="utf-8", newline="") as handle:  # byte for byte (CRLF stays)
            return handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"{rel}: cannot be read: {exc}") from None


def _read_json(path: Path, rel: str) -> Any:
    try:
        return json.loads(_read_text(path, rel))
    except json.JSONDecodeError as exc:
        raise InvalidInputError(f"{rel}: not valid JSON: {exc.msg} (line {exc.lineno})") from None


def _read_tree(root: Path, fmt: Format) -> _Tree:
    if fmt == "deploy-cli-yaml":
        path = _yaml_path(root)
        rel = path.name
        try:
            doc = yaml_io.load(_read_text(path, rel)) or {}
        except yaml_io.yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" (line {mark.line + 1})" if mark is not None else ""
            raise InvalidInputError(f"{rel}: not valid YAML{where}: {getattr(exc, 'problem', exc)}") from None
        if not isinstance(doc, dict):
            raise InvalidInputError(f"{rel}: must be a mapping of resource types")
        actions = doc.get("actions") or []
        triggers = doc.get("triggers")
        if not isinstance(actions, list) or (triggers is not None and not isinstance(triggers, dict)):
            raise InvalidInputError(f"{rel}: actions must be a list and triggers a mapping")
        return _Tree(path.parent, [(f"{rel}: actions[{i}]", a) for i, a in enumerate(actions)],
                     triggers, path)
    actions_dir = root / "actions"
    found = []
    for path in sorted(actions_dir.glob("*.json")) if actions_dir.is_dir() else []:
        found.append((f"actions/{path.name}", _read_json(path, f"actions/{path.name}")))
    triggers_dir = root / "triggers"
    trigger_files = sorted(triggers_dir.glob("*.json")) if triggers_dir.is_dir() else []
    # The Deploy CLI reads the first JSON file of triggers/ (triggers.json as it writes it).
    chosen = triggers_dir / "triggers.json" if (triggers_dir / "triggers.json").is_file() else \
        (trigger_files[0] if trigger_files else None)
    triggers = _read_json(chosen, f"triggers/{chosen.name}") if chosen is not None else None
    if triggers is not None and not isinstance(triggers, dict):
        raise InvalidInputError("triggers/triggers.json: must map a trigger id to its bindings")
    return _Tree(root, found, triggers)


def _inside(base: Path, rel: str, what: str) -> Path:
    target = (base / rel.replace("\\", "/")).resolve()
    if not target.is_relative_to(base.resolve()):
        raise InvalidInputError(f"{what}: {rel} is outside the tree")
    return target


# -- import ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Action:
    source: str
    doc: dict[str, Any]
    name: str
    trigger_id: str
    trigger_version: str
    runtime: str
    dependencies: tuple[str, ...]
    secret_names: tuple[str, ...]
    deployed: bool
    code: str
    code_file: Optional[str]


def _parse_action(tree: _Tree, source: str, doc: Any) -> _Action:
    """Raises DocumentError (left out, with why) or InvalidInputError (the tree is broken)."""
    if not isinstance(doc, dict):
        raise InvalidInputError(f"{source}: must be an object")
    name = doc.get("name")
    if not isinstance(name, str):
        raise docs.DocumentError("it has no name")
    try:
        check_entity_name("action", name)
    except InvalidInputError as exc:
        raise docs.DocumentError(str(exc)) from None
    trigger_id, version = docs.trigger_of(doc.get("supported_triggers"))
    if trigger_id not in TRIGGERS:
        raise docs.DocumentError(f"its trigger {trigger_id} is not one the studio knows")
    runtime = docs.workspace_runtime(doc.get("runtime"))
    deps = docs.dependencies_of(doc.get("dependencies"))
    secrets = docs.secret_names_of(doc.get("secrets"))
    try:
        check_dependencies(deps, runtime)
        for secret in secrets:
            check_secret_name(secret)
    except InvalidInputError as exc:
        raise docs.DocumentError(str(exc)) from None
    code, code_file = "", None
    path_text = doc.get("code")
    if isinstance(path_text, str) and path_text:
        target = _inside(tree.base, path_text, source)
        code_file = target.relative_to(tree.base.resolve()).as_posix()
        if not target.is_file():
            raise InvalidInputError(f"{source}: its code file {path_text} is missing")
        code = _read_text(target, code_file)
    return _Action(source, doc, name, trigger_id, version or get_trigger(trigger_id).version, runtime,
                   deps, secrets, bool(doc.get("deployed")), code, code_file)


def import_tree(ws: Workspace, root: Path, fmt: Optional[Format] = None) -> TreeReport:
    root = Path(root)
    fmt = fmt or detect(root)
    if fmt is None:
        raise InvalidInputError(f"{root} is not a Deploy CLI tree (no tenant.yaml, triggers/ or "
                                "actions/*.json with supported_triggers)")
    tree = _read_tree(root, fmt)
    report = TreeReport()
    parsed: list[_Action] = []
    for source, doc in tree.actions:
        try:
            parsed.append(_parse_action(tree, source, doc))
        except docs.DocumentError as exc:
            label = doc.get("name") if isinstance(doc, dict) else None
            report.left_out.append(f"action {label or source}: {exc} (left out)")
    names = [a.name for a in parsed]
    twice = next((n for n in names if names.count(n) > 1), None)
    if twice:
        raise InvalidInputError(f"the tree has two actions named {twice!r}")
    flows, bound = _bindings(tree.triggers, set(names), report)
    with ws.db.write() as s:
        for item in parsed:
            _apply_action(s, item, item.name in bound, report)
        for trigger_id, action_names in flows.items():
            _apply_flow(s, trigger_id, action_names, report)
        for item in parsed:
            action = repo.find_action(s, item.name)
            assert action is not None
            kept = {"original": item.doc, "seen": _render(s, action), "file": item.source
                    if fmt == "deploy-cli-directory" else None, "code_file": item.code_file}
            repo.set_setting(s, ACTION_KEY + action.id, json.dumps(kept))
        if tree.triggers is not None:
            repo.set_setting(s, TRIGGERS_KEY, json.dumps(
                {"original": tree.triggers, "seen": _render_flows(s)[0], "format": fmt}))
    return report


def _bindings(triggers: Optional[dict[str, Any]], names: set[str], report: TreeReport
              ) -> tuple[dict[str, list[str]], set[str]]:
    flows: dict[str, list[str]] = {}
    bound: set[str] = set()
    for trigger_id, bindings in (triggers or {}).items():
        if not isinstance(bindings, list):
            report.left_out.append(f"the {trigger_id} bindings: not a list (kept in the tree as they are)")
            continue
        if trigger_id not in TRIGGERS or not TRIGGERS[trigger_id].has_flow:
            if bindings:
                report.left_out.append(f"the {trigger_id} bindings: a trigger the studio has no flow "
                                       "for (kept in the tree as they are)")
            continue
        wanted = []
        for b in bindings:
            name = b.get("action_name") if isinstance(b, dict) else None
            if name in names:
                wanted.append(name)
            else:
                report.left_out.append(f"the {trigger_id} binding of {name!r}: no such action in the "
                                       "tree (left out of the flow)")
        flows[trigger_id] = wanted
        bound |= set(wanted)
    return flows, bound


def _apply_action(s: Any, item: _Action, bound: bool, report: TreeReport) -> None:
    label = f"action {item.name}"
    action = repo.find_action(s, item.name)
    # A bound action needs a version: the tree holds only the draft, so that version is it.
    note = IMPORT_NOTE if item.deployed else (
        f"{IMPORT_NOTE} (deployed: false — its deployed code is not in the tree; this version "
        "holds the draft)")
    wants_version = item.deployed or bound
    if action is None:
        action = repo.insert_action(s, name=item.name, trigger_id=item.trigger_id,
                                    trigger_version=item.trigger_version, runtime=item.runtime,
                                    code=item.code, dependencies=item.dependencies,
                                    secret_names=item.secret_names)
        if wants_version:
            _deploy(s, action.id, item, note)
        report.created.append(label)
        return
    if action.trigger_id != item.trigger_id:
        raise InvalidInputError(f"{item.source}: {item.name} is a {action.trigger_id} action in this "
                                f"workspace; the tree says {item.trigger_id} (rename one of them)")
    changed = False
    draft = repo.get_draft(s, action.id)
    content = (item.code, item.dependencies, item.secret_names, item.runtime)
    if (draft.code, draft.dependencies, draft.secret_names, draft.runtime) != content:
        repo.update_draft(s, action.id, code=item.code, dependencies=item.dependencies,
                          secret_names=item.secret_names, runtime=item.runtime)
        changed = True
    deployed = (repo.get_version(s, action.id, action.deployed_number)
                if action.deployed_number is not None else None)
    same = deployed is not None and (deployed.code, deployed.dependencies, deployed.secret_names,
                                     deployed.runtime) == content
    if (item.deployed and not same) or (bound and deployed is None):
        _deploy(s, action.id, item, note)
        changed = True
    (report.changed if changed else report.unchanged).append(label)


def _deploy(s: Any, action_id: str, item: _Action, note: str) -> None:
    repo.insert_version(s, action_id, code=item.code, dependencies=item.dependencies,
                        secret_names=item.secret_names, runtime=item.runtime, note=note)


def _apply_flow(s: Any, trigger_id: str, names: list[str], report: TreeReport) -> None:
    trigger = get_trigger(trigger_id)
    if len(names) > trigger.max_bindings or len(set(names)) != len(names):
        raise InvalidInputError(f"the {trigger_id} bindings: at most {trigger.max_bindings} actions, "
                                "each at most once")
    ids = []
    for name in names:
        action = repo.find_action(s, name)
        if action is None or action.trigger_id != trigger_id:
            raise InvalidInputError(f"the {trigger_id} bindings: {name} is not a {trigger_id} action")
        ids.append(action.id)
    from actions_studio.services.exchange import set_flow_reported

    set_flow_reported(s, trigger_id, ids, report)


# -- the workspace's side, rendered ----------------------------------------------------------------

def _render(s: Any, action: Any) -> dict[str, Any]:
    draft = repo.get_draft(s, action.id)
    deployed = (repo.get_version(s, action.id, action.deployed_number)
                if action.deployed_number is not None else None)
    all_deployed = deployed is not None and (deployed.code, deployed.dependencies, deployed.secret_names,
                                             deployed.runtime) == (draft.code, draft.dependencies,
                                                                   draft.secret_names, draft.runtime)
    return docs.render_action(name=action.name, trigger_id=action.trigger_id,
                              trigger_version=action.trigger_version, runtime=draft.runtime,
                              dependencies=draft.dependencies, secret_names=draft.secret_names,
                              deployed=all_deployed, deployed_number=action.deployed_number)


def _render_flows(s: Any) -> tuple[dict[str, list[dict[str, str]]], list[str]]:
    """The bindings of the node22 actions, and the python3 ones a flow names (they cannot go)."""
    flows: dict[str, list[str]] = {}
    skipped: list[str] = []
    for trigger_id in TRIGGERS:
        items = repo.get_flow(s, trigger_id)
        flows[trigger_id] = [a.name for a in items if a.runtime == "node22"]
        skipped += [f"{a.name} in the {trigger_id} flow" for a in items if a.runtime != "node22"]
    return docs.render_triggers(flows), skipped


def _kept(s: Any, key: str) -> Optional[dict[str, Any]]:
    text = repo.get_setting(s, key)
    try:
        return json.loads(text) if text else None
    except ValueError:
        return None


# -- export ----------------------------------------------------------------------------------------

def _json_bytes(doc: Any) -> bytes:
    # JSON.stringify(doc, null, 2) plus the newline the Deploy CLI's dumpJSON adds.
    return (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _directory_order(doc: dict[str, Any]) -> dict[str, Any]:
    """mapToAction's order: id, name, code, runtime, status, dependencies, secrets,
    supported_triggers, deployed, installed_integration_id, modules (then anything else)."""
    order = ("id", *docs.DIRECTORY_ORDER, "installed_integration_id", "modules")
    return {k: doc[k] for k in order if k in doc} | {k: v for k, v in doc.items() if k not in order}


def _yaml_action(doc: dict[str, Any]) -> dict[str, Any]:
    """formatResults: `name` first, then the keys in JavaScript's sort order."""
    rest = sorted((k for k in doc if k != "name"), key=lambda k: k + ",")
    return ({"name": doc["name"]} if "name" in doc else {}) | {k: doc[k] for k in rest}


def export_tree(ws: Workspace, root: Path, fmt: Format) -> TreeReport:
    root = Path(root)
    yaml_file: Optional[Path] = None
    if root.suffix in (".yaml", ".yml"):  # the tenant.yaml itself was named
        yaml_file, root = root, root.parent
    if fmt not in FORMATS:
        raise InvalidInputError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    report = TreeReport()
    files: dict[str, bytes] = {}
    written_docs: list[dict[str, Any]] = []
    renamed_from: list[str] = []
    with ws.db.read() as s:
        actions = repo.list_actions(s)
        known = {a.id for a in actions}
        for action in actions:
            if action.runtime != "node22":
                report.left_out.append(
                    f"action {action.name}: a {action.runtime} action — the Deploy CLI and Auth0 run "
                    "Node actions only, so it is not written into the tree as code.js (left out)")
                continue
            kept = _kept(s, ACTION_KEY + action.id)
            if kept is not None:  # what it was written as (a rename moves it): gone unless rewritten
                renamed_from += [rel for rel in (kept.get("file"), kept.get("code_file")) if rel]
            doc = docs.merge_action(_render(s, action), kept)
            code_rel = _code_rel(root, fmt, doc, action.name)
            files[code_rel] = repo.get_draft(s, action.id).code.encode("utf-8")
            if fmt == "deploy-cli-directory":
                same_name = kept is not None and kept["original"].get("name") == action.name
                rel = kept["file"] if same_name and kept.get("file") else f"actions/{docs.sanitize(action.name)}.json"
                # A document read from this format keeps its own key order; one read from YAML
                # (keys sorted there) or new is written in the directory handler's order.
                files[rel] = _json_bytes(doc if kept is not None and kept.get("file") else _directory_order(doc))
            written_docs.append(doc)
        current, skipped = _render_flows(s)
        report.left_out += [f"the binding of {what}: a python3 action (left out)" for what in skipped]
        kept_triggers = _kept(s, TRIGGERS_KEY)
        triggers = docs.merge_triggers(current, kept_triggers)
        if fmt == "deploy-cli-directory" and (kept_triggers or {}).get("format") != fmt:
            # triggers.json lists triggers as the tenant does (the catalog's order is Auth0's);
            # the YAML format sorts them.
            rank = {t: i for i, t in enumerate(TRIGGERS)}
            triggers = dict(sorted(triggers.items(), key=lambda kv: rank.get(kv[0], len(rank))))
        stale = _stale_files(s, known) + renamed_from
    if fmt == "deploy-cli-directory":
        files["triggers/triggers.json"] = _json_bytes(triggers)
    else:
        path = yaml_file or (_yaml_path(root) if root.is_dir() else root / YAML_FILE)
        existing = _existing_yaml(path)
        existing["actions"] = sorted((_yaml_action(d) for d in written_docs),
                                     key=lambda d: str(d.get("name", "")))
        existing["triggers"] = dict(sorted(triggers.items(), key=lambda kv: kv[0] + ","))
        files[path.name] = yaml_io.dump(existing).encode("utf-8")
    _write(root, files, stale, report)
    return report


def _code_rel(root: Path, fmt: Format, doc: dict[str, Any], name: str) -> str:
    text = doc.get("code")
    if not isinstance(text, str) or not text or docs.has_marker(text):
        text = docs.code_path(name)
        doc["code"] = text
    base = root
    target = (base / text.replace("\\", "/")).resolve()
    if not target.is_relative_to(base.resolve()):
        text = docs.code_path(name)
        doc["code"] = text
        target = (base / text).resolve()
    return target.relative_to(base.resolve()).as_posix()


def _existing_yaml(path: Path) -> dict[str, Any]:
    """tenant.yaml's other resources (clients, tenant, …) stay as they are: only actions and
    triggers are the studio's."""
    if not path.is_file():
        return {}
    try:
        doc = yaml_io.load(_read_text(path, path.name))
    except yaml_io.yaml.YAMLError:
        raise InvalidInputError(f"{path.name}: not valid YAML; fix it or export elsewhere") from None
    return dict(doc) if isinstance(doc, dict) else {}


def _stale_files(s: Any, known: set[str]) -> list[str]:
    """Files of actions the workspace deleted since it imported them from this tree."""
    stale = []
    for key in repo.settings_with_prefix(s, ACTION_KEY):
        if key[len(ACTION_KEY):] in known:
            continue
        kept = _kept(s, key) or {}
        stale += [rel for rel in (kept.get("file"), kept.get("code_file")) if rel]
    return stale


def _write(root: Path, files: dict[str, bytes], stale: list[str], report: TreeReport) -> None:
    from actions_studio.services.exchange import write_files

    write_files(root, files, report.written, report.unchanged)
    for rel in sorted(set(stale) - set(files)):
        path = root / rel
        if path.is_file():
            path.unlink()
            report.removed.append(rel)
            if path.parent != root and path.parent.is_dir() and not any(path.parent.iterdir()):
                path.parent.rmdir()
