"""The tenant's "build" of a draft: Python must compile it and its dependencies must install.

A real tenant packages node modules here; for the python3 runtime a build is a compile check (the
same check the studio's deploy does, services/actions.check_compiles) plus the draft's dependency
environment (issue 8, deps/): pinned, pure-Python wheels in the content-addressed cache the studio
shares. Compiling is instant and done in the request; installing is not, so a draft whose
environment is not built yet is `building` and a background build moves it to `built`, or
`failed` with `errors[]` naming the package (Auth0's lifecycle). Deploy needs `built`.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from actions_studio import deps

if TYPE_CHECKING:
    from .context import TenantContext

log = logging.getLogger(__name__)

DOCS_URL = "https://docs.python.org/3/reference/lexical_analysis.html"


def _pins(dependencies: list[dict[str, Any]]) -> list[str]:
    return [f"{d['name']}=={d['version']}" if d.get("version") else str(d["name"]) for d in dependencies]


def build_errors(name: str, code: str, dependencies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What is wrong without installing anything: the code, and pins that are not `name==version`."""
    errors: list[dict[str, Any]] = []
    try:
        compile(code, f"<action:{name}>", "exec", dont_inherit=True)
    except SyntaxError as exc:
        where = f" (line {exc.lineno})" if exc.lineno else ""
        errors.append({"id": "syntax_error", "msg": f"{name} does not compile: {exc.msg}{where}",
                       "url": DOCS_URL})
    except ValueError as exc:  # e.g. NUL bytes in the source
        errors.append({"id": "syntax_error", "msg": f"{name} does not compile: {exc}", "url": DOCS_URL})
    for pin in _pins(dependencies):
        try:
            if deps.parse_pin(pin).version is None:
                raise deps.InvalidPinError(f"dependency {pin} has no version: pin it as name==version")
        except deps.DependencyError as exc:
            errors.append({"id": "dependency_invalid", "msg": str(exc), "url": ""})
    return errors


def environment_ready(dependencies: list[dict[str, Any]]) -> bool:
    """True when nothing needs installing (no dependencies, or their environment is built)."""
    if not dependencies:
        return True
    try:
        return deps.find_environment(_pins(dependencies), deps.DepsSettings.from_env()) is not None
    except deps.DependencyError:
        return False


def sys_path_for(dependencies: list[dict[str, Any]]) -> tuple[str, ...]:
    """The import path of a built environment for ActionSource (never builds: a login must not
    wait for pip; a deployed version's environment was built before it could deploy)."""
    if not dependencies:
        return ()
    try:
        env = deps.find_environment(_pins(dependencies), deps.DepsSettings.from_env())
        return (str(deps.sandbox_path(env.path)),) if env is not None else ()
    except (deps.DependencyError, OSError):
        log.warning("no environment for %s", _pins(dependencies), exc_info=True)
        return ()


def dependency_errors(dependencies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Builds the environment (blocking); [] when it is built, else one error naming the package."""
    pins = _pins(dependencies)
    try:
        deps.build_environment(pins, deps.DepsSettings.from_env())
    except deps.DependencyError as exc:
        declared = next((p for p in pins if exc.package and deps.parse_pin(p).name == exc.package), None)
        what = f"dependency {declared}" if declared else f"dependencies {', '.join(pins)}"
        kind = "dependency_refused" if isinstance(exc, deps.NotPurePythonError) else "dependency_unresolvable"
        return [{"id": kind, "msg": f"{what} is not installed: {exc}", "url": ""}]
    except Exception as exc:  # noqa: BLE001 - a broken pip must still end the build, as failed
        log.exception("dependency build failed")
        return [{"id": "dependency_unresolvable", "msg": f"dependencies {', '.join(pins)} could not be "
                 f"installed: {type(exc).__name__}: {exc}", "url": ""}]
    return []


def start_dependency_build(ctx: "TenantContext", action_id: str, dependencies: list[dict[str, Any]],
                           stamp_now: Any = None) -> None:
    """`building` → `built` | `failed`, in the background: queued in the store (build_queue.py), so
    one build runs per action and dependency set whichever server process asked for it."""
    ctx.builds.enqueue(action_id, dependencies)
