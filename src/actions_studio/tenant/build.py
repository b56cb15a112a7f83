"""The tenant's "build" of a draft: its code must compile and its dependencies must install.

A real tenant packages node modules here; for the python3 runtime a build is a compile check (the
same check the studio's deploy does, services/actions.check_compiles) — for node18/node22 Node's
own parse of the module (nodejs_compile.py) — plus the draft's dependency
environment (issue 8, deps/): pinned, pure-Python wheels in the content-addressed cache the studio
shares — for node22 npm packages without native code, installed by the studio's npm (deps/npm/,
issue 15) into the same cache. Compiling is instant and done in the request; installing is not, so
a draft whose environment is not built yet is `building` and a background build moves it to `built`, or
`failed` with `errors[]` naming the package (Auth0's lifecycle). Deploy needs `built`.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Optional

from actions_studio import deps
from actions_studio.deps import npm

if TYPE_CHECKING:
    from .context import TenantContext

log = logging.getLogger(__name__)

DOCS_URL = "https://docs.python.org/3/reference/lexical_analysis.html"
JS_DOCS_URL = "https://developer.mozilla.org/en-US/docs/Web/JavaScript/Reference/Errors"


def _pins(dependencies: list[dict[str, Any]]) -> list[str]:
    return [f"{d['name']}=={d['version']}" if d.get("version") else str(d["name"]) for d in dependencies]


def build_errors(name: str, code: str, dependencies: list[dict[str, Any]],
                 runtime: str = "python3") -> list[dict[str, Any]]:
    """What is wrong without installing anything: the code, and pins that are not `name==version`."""
    return code_errors(name, code, runtime) + pin_errors(dependencies, runtime)


def _is_npm(runtime: str) -> bool:
    return runtime.startswith("node")  # node18 runs on Node 22 with node22's packages


def pin_errors(dependencies: list[dict[str, Any]], runtime: str = "python3") -> list[dict[str, Any]]:
    """Pins that are not one exact version (PyPI's rules, or npm's for node18/node22)."""
    errors: list[dict[str, Any]] = []
    for pin in _pins(dependencies):
        try:
            if _is_npm(runtime):
                if npm.parse_npm_pin(pin).version is None:
                    raise deps.InvalidPinError(f"npm dependency {pin} has no version: pin it as {pin}@version")
            elif deps.parse_pin(pin).version is None:
                raise deps.InvalidPinError(f"dependency {pin} has no version: pin it as name==version")
        except deps.DependencyError as exc:
            errors.append({"id": "dependency_invalid", "msg": str(exc), "url": ""})
    return errors


def _find(pins: list[str], runtime: str) -> Optional[deps.Environment]:
    settings = deps.DepsSettings.from_env()
    return npm.find_npm_environment(pins, settings) if _is_npm(runtime) else deps.find_environment(pins, settings)


def code_errors(name: str, code: str, runtime: str = "python3") -> list[dict[str, Any]]:
    """[] when the draft's code compiles in its runtime, else one error saying where it does not."""
    if runtime.startswith("node"):
        return _javascript_errors(name, code)
    try:
        compile(code, f"<action:{name}>", "exec", dont_inherit=True)
    except SyntaxError as exc:
        where = f" (line {exc.lineno})" if exc.lineno else ""
        return [{"id": "syntax_error", "msg": f"{name} does not compile: {exc.msg}{where}", "url": DOCS_URL}]
    except ValueError as exc:  # e.g. NUL bytes in the source
        return [{"id": "syntax_error", "msg": f"{name} does not compile: {exc}", "url": DOCS_URL}]
    return []


def _javascript_errors(name: str, code: str) -> list[dict[str, Any]]:
    # Node parses the code (vm.compileFunction, as Auth0's loader does) and runs none of it.
    from actions_studio import nodejs_compile

    try:
        error = nodejs_compile.check(code)
    except nodejs_compile.CompileCheckUnavailable as exc:
        # Without Node nothing can tell whether the draft compiles: failed, saying why, so a
        # deploy is refused instead of a login failing later.
        return [{"id": "runtime_unavailable", "msg": f"{name} cannot be built: the node22 runtime is "
                 f"not available: {exc}", "url": ""}]
    if error is None:
        return []
    return [{"id": "syntax_error", "msg": f"{name} does not compile: {error.type}: {error.describe()}",
             "url": JS_DOCS_URL}]


def environment_ready(dependencies: list[dict[str, Any]], runtime: str = "python3") -> bool:
    """True when nothing needs installing (no dependencies, or their environment is built)."""
    if not dependencies:
        return True
    try:
        return _find(_pins(dependencies), runtime) is not None
    except deps.DependencyError:
        return False


def sys_path_for(dependencies: list[dict[str, Any]], runtime: str = "python3") -> tuple[str, ...]:
    """The import path of a built environment for ActionSource — for node22 the directory holding
    its node_modules/ — (never builds: a login must not wait for pip or npm; a deployed version's
    environment was built before it could deploy)."""
    if not dependencies:
        return ()
    try:
        env = _find(_pins(dependencies), runtime)
        return (str(deps.sandbox_path(env.path)),) if env is not None else ()
    except (deps.DependencyError, OSError):
        log.warning("no environment for %s", _pins(dependencies), exc_info=True)
        return ()


def _declared(pins: list[str], package: Optional[str], runtime: str) -> Optional[str]:
    if not package:
        return None
    if _is_npm(runtime):
        return next((npm.parse_npm_pin(p).spec() for p in pins if npm.parse_npm_pin(p).name == package), None)
    return next((p for p in pins if deps.parse_pin(p).name == package), None)


def dependency_errors(dependencies: list[dict[str, Any]], runtime: str = "python3") -> list[dict[str, Any]]:
    """Builds the environment (blocking); [] when it is built, else one error naming the package."""
    pins = _pins(dependencies)
    try:
        if _is_npm(runtime):
            npm.build_npm_environment(pins, deps.DepsSettings.from_env())
        else:
            deps.build_environment(pins, deps.DepsSettings.from_env())
    except deps.DependencyError as exc:
        declared = _declared(pins, exc.package, runtime)
        listed = ", ".join(npm.parse_npm_pin(p).spec() for p in pins) if _is_npm(runtime) else ", ".join(pins)
        what = f"dependency {declared}" if declared else f"dependencies {listed}"
        kind = "dependency_refused" if isinstance(exc, deps.NotPurePythonError) else "dependency_unresolvable"
        return [{"id": kind, "msg": f"{what} is not installed: {exc}", "url": ""}]
    except Exception as exc:  # noqa: BLE001 - a broken pip must still end the build, as failed
        log.exception("dependency build failed")
        return [{"id": "dependency_unresolvable", "msg": f"dependencies {', '.join(pins)} could not be "
                 f"installed: {type(exc).__name__}: {exc}", "url": ""}]
    return []


def start_dependency_build(ctx: "TenantContext", action_id: str, dependencies: list[dict[str, Any]],
                           stamp_now: Any = None, runtime: str = "python3") -> None:
    """`building` → `built` | `failed`, in the background: queued in the store (build_queue.py), so
    one build runs per action, runtime and dependency set whichever server process asked for it."""
    ctx.builds.enqueue(action_id, dependencies, runtime)
