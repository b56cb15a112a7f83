"""One action and the trigger bindings as the Deploy CLI's documents say them, both ways.

The Deploy CLI (auth0-deploy-cli) writes an action as `src/context/directory/handlers/actions.ts`
(`mapToAction`) and `src/context/yaml/handlers/actions.ts` (`dump`) do:

    name, code (a path: ./actions/<sanitized name>/code.js), runtime, status, dependencies
    [{name, version[, registry_url]}], secrets [{name[, value]}] (a tenant never gives values
    back; a user may put a keyword marker there), supported_triggers [{id, version}],
    deployed (all changes deployed), modules [...] (action modules)

and the bindings as `{trigger id: [{action_name, display_name}]}` (`triggers/triggers.json`, or
`triggers:` in tenant.yaml).

A round trip must give the same bytes, yet the workspace models only part of a document (no
display names, statuses, registry URLs, module references, keyword markers in place of a list).
So an import keeps each document as it was read (`original`) together with what the workspace
made of it (`seen`: the document this module renders from the workspace right after the import).
An export renders the workspace again and, field by field, writes the original wherever the
workspace still says what it said at the import — the file's own text, keyword markers
(`##NAME##`, `@@NAME@@`) and secret placeholders included — and the workspace's value where it
changed. Secret items and dependencies merge per name, so adding a secret never erases another
one's placeholder. Nothing here ever reads a secret value from the vault.
"""

from __future__ import annotations

import re
from typing import Any, Optional

from actions_studio.sync.model import RUNTIME_ALIASES

MARKER = re.compile(r"##[A-Za-z0-9_]+##|@@[A-Za-z0-9_]+@@")
# The directory format's key order (mapToAction); YAML sorts keys after `name` (formatResults).
DIRECTORY_ORDER = ("name", "code", "runtime", "status", "dependencies", "secrets",
                   "supported_triggers", "deployed")

_ILLEGAL = re.compile(r'[/?<>\\:*|"]')
_CONTROL = re.compile(r"[\x00-\x1f\x80-\x9f]")
_RESERVED = re.compile(r"^\.+$")
_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$", re.IGNORECASE)
_WINDOWS_TRAILING = re.compile(r"[. ]+$")


def sanitize(name: str) -> str:
    """The Deploy CLI's file name for an action (`sanitize-filename` with '-' as replacement)."""
    out = name
    for pattern in (_ILLEGAL, _CONTROL, _RESERVED, _WINDOWS_RESERVED, _WINDOWS_TRAILING):
        out = pattern.sub("-", out)
    return out.encode("utf-8")[:255].decode("utf-8", "ignore") or "undefined"


def code_path(name: str) -> str:
    return f"./actions/{sanitize(name)}/code.js"


def has_marker(value: Any) -> bool:
    return isinstance(value, str) and MARKER.search(value) is not None


# -- the workspace's view --------------------------------------------------------------------------

def render_action(*, name: str, trigger_id: str, trigger_version: str, runtime: str,
                  dependencies: tuple[str, ...], secret_names: tuple[str, ...],
                  deployed: bool, deployed_number: Optional[int] = None) -> dict[str, Any]:
    """The document the Deploy CLI would write for this action, from the workspace alone.

    `_deployed_number` is no field of the format (merge_action drops it): a deploy in the
    workspace changes what `deployed` means even where the flag reads the same."""
    return {
        "_deployed_number": deployed_number,
        "name": name,
        "code": code_path(name),
        "runtime": runtime,
        "status": "built",
        "dependencies": [_dependency_doc(d) for d in dependencies],
        "secrets": [{"name": n} for n in secret_names],
        "supported_triggers": [{"id": trigger_id, "version": trigger_version}],
        "deployed": deployed,
    }


def _dependency_doc(pin: str) -> dict[str, str]:
    name, _, version = pin.partition("==")
    return {"name": name, "version": version}


def render_triggers(flows: dict[str, list[str]]) -> dict[str, list[dict[str, str]]]:
    """`{trigger: [{action_name, display_name}]}` for every non-empty workspace flow."""
    return {t: [{"action_name": n, "display_name": n} for n in names] for t, names in flows.items() if names}


# -- merging: the file's text where the workspace did not change it ------------------------------

def merge_action(current: dict[str, Any], kept: Optional[dict[str, Any]]) -> dict[str, Any]:
    if kept is None:
        return {k: v for k, v in current.items() if not k.startswith("_")}
    original, seen = kept["original"], kept["seen"]
    out: dict[str, Any] = {}
    redeployed = current.get("_deployed_number") != seen.get("_deployed_number")
    for key in list(original) + [k for k in current if k not in original]:
        if key.startswith("_"):
            continue
        if key == "deployed" and redeployed and key in current:
            out[key] = current[key]
        elif key not in current:
            out[key] = original[key]          # a field the workspace does not model
        elif key not in original:
            out[key] = current[key]
        elif current[key] == seen.get(key):
            out[key] = original[key]          # unchanged since the import: the file's own text
        elif key == "secrets":
            out[key] = _merge_items(current[key], original[key], "name")
        elif key == "dependencies":
            out[key] = _merge_items(current[key], original[key], "name", same=("version",))
        else:
            out[key] = current[key]
    return out


def _merge_items(current: list[dict[str, Any]], original: Any, key: str,
                 same: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Per name: the original item (its placeholder value, registry_url) when it still applies."""
    by_name = ({item.get(key): item for item in original if isinstance(item, dict)}
               if isinstance(original, list) else {})
    out = []
    for item in current:
        old = by_name.get(item[key])
        out.append(old if old is not None and all(old.get(f) == item.get(f) for f in same) else item)
    return out


def merge_triggers(current: dict[str, list[dict[str, str]]], kept: Optional[dict[str, Any]]
                   ) -> dict[str, Any]:
    if kept is None:
        return current
    original, seen = kept["original"], kept["seen"]
    if current == seen:
        return original
    out: dict[str, Any] = {}
    for trigger_id, bindings in original.items():
        if trigger_id in current:
            names = {b.get("action_name"): b for b in bindings if isinstance(b, dict)} \
                if isinstance(bindings, list) else {}
            out[trigger_id] = [names.get(b["action_name"], b) for b in current[trigger_id]]
        elif trigger_id in seen:
            out[trigger_id] = []  # emptied in the workspace: an explicit [] unbinds on import
        else:
            out[trigger_id] = bindings  # a trigger the studio does not model, or empty already
    for trigger_id, bindings in current.items():
        if trigger_id not in out:
            out[trigger_id] = bindings
    return out


# -- reading a document ---------------------------------------------------------------------------

class DocumentError(ValueError):
    """A document the studio cannot take; the message says why (the action is left out)."""


def workspace_runtime(runtime: Any) -> str:
    if runtime is None:
        return "node22"  # Auth0's default runtime for a new action
    if not isinstance(runtime, str):
        raise DocumentError(f"runtime {runtime!r} is not a runtime name")
    if has_marker(runtime):
        return "node22"  # a keyword marker: kept in the file, node22 in the workspace
    runtime = RUNTIME_ALIASES.get(runtime, runtime)
    if runtime != "node22":
        raise DocumentError(f"runtime {runtime} is not one Auth0 runs (node18 or node22)")
    return runtime


def dependencies_of(value: Any) -> tuple[str, ...]:
    if value is None or has_marker(value):
        return ()
    if not isinstance(value, list):
        raise DocumentError("dependencies must be a list of {name, version}")
    out = []
    for item in value:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise DocumentError(f"dependency {item!r} has no name")
        version = item.get("version")
        out.append(f"{item['name']}=={version if isinstance(version, str) and version else 'latest'}")
    return tuple(out)


def secret_names_of(value: Any) -> tuple[str, ...]:
    if value is None or has_marker(value):
        return ()  # "@@SECRETS@@": the whole list is a marker, kept as it is
    if not isinstance(value, list):
        raise DocumentError("secrets must be a list of {name, value}")
    names = []
    for item in value:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise DocumentError(f"secret {item!r} has no name")
        names.append(item["name"])
    return tuple(names)


def trigger_of(value: Any) -> tuple[str, str]:
    if not isinstance(value, list) or not value or not isinstance(value[0], dict) \
            or not isinstance(value[0].get("id"), str):
        raise DocumentError("supported_triggers must name the action's trigger")
    first = value[0]
    return first["id"], str(first.get("version") or "")
