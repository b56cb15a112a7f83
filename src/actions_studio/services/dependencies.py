"""Action dependencies in the workspace: pin at save time, build the environment, hand runs and the
editor its path (issue 8). The work itself is deps/; this module joins it to the workspace.

Each function takes the action's runtime: python3 dependencies come from PyPI (deps/), node22 ones
from the npm registry (deps/npm/, issue 15). Both are stored as `name==version` lines; a node22
line may be typed `name@version`, npm's own spelling.

Settings (workspace settings, overridden by the environment variables of deps/settings.py):
`dependencies.index_url`, `dependencies.find_links`, `dependencies.trusted_host`,
`dependencies.no_index`, `dependencies.timeout_s`, `dependencies.npm_registry`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable, Optional, Sequence

from actions_studio import deps
from actions_studio.deps import npm
from actions_studio.services.errors import InvalidInputError, ServiceError
from actions_studio.services.workspace import Workspace
from actions_studio.store import repository as repo

if TYPE_CHECKING:  # the run pipeline loads where a run needs it, not with the editor's paths
    from actions_studio.execution import Environments, RunSource

CancelToken = deps.CancelToken  # for callers that may cancel a build (the studio's dialog)
SETTING_KEYS = ("index_url", "find_links", "trusted_host", "no_index", "timeout_s", "npm_registry")
PYTHON, NODE = "python3", "node22"
Progress = Callable[[str], None]


class DependencyBuildError(ServiceError):
    """The environment of an action's dependencies cannot be built; `package` names the culprit."""

    def __init__(self, message: str, package: Optional[str] = None) -> None:
        super().__init__(message)
        self.package = package


def settings_for(ws: Workspace) -> deps.DepsSettings:
    with ws.db.read() as s:
        stored = {key: repo.get_setting(s, f"dependencies.{key}") for key in SETTING_KEYS}
    return deps.DepsSettings.from_env(deps.DepsSettings().with_overrides(stored))


def set_settings(ws: Workspace, **values: Optional[str]) -> deps.DepsSettings:
    """Stores source settings (index_url=..., find_links="a b", trusted_host=..., no_index="1");
    an empty string clears one."""
    unknown = sorted(set(values) - set(SETTING_KEYS))
    if unknown:
        raise InvalidInputError(f"unknown dependency setting {unknown[0]!r} (one of {', '.join(SETTING_KEYS)})")
    with ws.db.write() as s:
        for key, value in values.items():
            repo.set_setting(s, f"dependencies.{key}", (value or "").strip())
    return settings_for(ws)


def _as_service_error(exc: deps.DependencyError) -> ServiceError:
    if isinstance(exc, deps.InvalidPinError):
        return InvalidInputError(str(exc))
    return DependencyBuildError(str(exc), exc.package)


def check_lines(lines: Sequence[str], runtime: str = PYTHON) -> list[str]:
    """Validates lines as typed: `name==version` (node22: also `name@version`), or a bare `name`
    (pinned at save). Returns them as the workspace stores them."""
    try:
        if runtime == NODE:
            return [p.stored() for p in npm.parse_npm_pins(list(lines))]
        return [p.requirement() for p in deps.parse_pins(list(lines))]
    except deps.DependencyError as exc:
        raise InvalidInputError(str(exc)) from None


def all_pinned(lines: Sequence[str], runtime: str = PYTHON) -> bool:
    if runtime == NODE:
        return all(p.version is not None for p in npm.parse_npm_pins(list(lines)))
    return all(p.version is not None for p in deps.parse_pins(list(lines)))


def display_lines(lines: Sequence[str], runtime: str = PYTHON) -> list[str]:
    """Stored lines as a user of that runtime writes them: `name@version` for npm."""
    if runtime != NODE:
        return list(lines)
    try:
        return [p.spec() for p in npm.parse_npm_pins(list(lines))]
    except deps.DependencyError:
        return list(lines)  # shown as stored; the dialog says what is wrong with them


def pin(ws: Workspace, lines: Sequence[str], *, runtime: str = PYTHON, cancel: Optional[deps.CancelToken] = None,
        progress: Optional[Progress] = None) -> list[str]:
    """Normalised `name==version` lines; a bare name gets the newest version (network only then)."""
    try:
        if runtime == NODE:
            return npm.pin_npm_latest(list(lines), settings_for(ws), cancel=cancel)
        return deps.pin_latest(list(lines), settings_for(ws), cancel=cancel, progress=progress)
    except deps.DependencyError as exc:
        raise _as_service_error(exc) from None


def ensure_environment(ws: Workspace, dependencies: Sequence[str], *, runtime: str = PYTHON,
                       cancel: Optional[deps.CancelToken] = None,
                       progress: Optional[Progress] = None) -> Optional[deps.Environment]:
    """The built environment (found offline when it exists); None for no dependencies."""
    try:
        if runtime == NODE:
            settings = settings_for(ws)
            found = npm.find_npm_environment(list(dependencies), settings)
            if found is not None or not dependencies:
                return found
            from actions_studio.services.nodejs import node_for  # the workspace's Node runs its npm

            return npm.build_npm_environment(list(dependencies), settings, node=node_for(ws), cancel=cancel,
                                             progress=progress)
        return deps.build_environment(list(dependencies), settings_for(ws), cancel=cancel, progress=progress)
    except deps.DependencyError as exc:
        raise _as_service_error(exc) from None


def set_dependencies(ws: Workspace, action_name: str, lines: Sequence[str], *,
                     cancel: Optional[deps.CancelToken] = None, progress: Optional[Progress] = None
                     ) -> Optional[deps.Environment]:
    """Pins, saves the draft, then builds its environment. The draft is saved before the build, so
    a refused package is reported without losing the list the user typed."""
    from actions_studio.services import actions

    runtime = actions.open_action(ws, action_name).action.runtime
    pinned = pin(ws, lines, runtime=runtime, cancel=cancel, progress=progress)
    actions.save_draft(ws, action_name, dependencies=pinned)
    return ensure_environment(ws, pinned, runtime=runtime, cancel=cancel, progress=progress)


def editor_paths(ws: Workspace, dependencies: Sequence[str], runtime: str = PYTHON) -> list[Path]:
    """Where the editor's completions look for the action's packages: its environment if it was
    built (never builds: the editor must not wait for pip or npm). A node22 one holds node_modules/."""
    try:
        if runtime == NODE:
            found = npm.find_npm_environment(list(dependencies), settings_for(ws))
        else:
            found = deps.find_environment(list(dependencies), settings_for(ws))
    except deps.DependencyError:
        return []
    return [found.path] if found is not None else []


def environments_for(ws: Workspace) -> Environments:
    """The run pipeline's environments (execution.execute) in the studio and the CLI: each
    action's environment, built if missing, from the workspace's source settings. One that cannot
    be built is refused, so the run does not start and its result names the action and package.
    A python3 action gets its sys.path entries, a node22 one the directory holding its
    node_modules/ (the Node worker resolves `require` of declared packages there)."""
    from actions_studio.execution import EnvironmentRefused

    def environment(source: RunSource) -> tuple[str, ...]:
        try:
            env = ensure_environment(ws, source.dependencies, runtime=source.runtime)
        except ServiceError as exc:
            raise EnvironmentRefused(str(exc)) from None
        return (str(deps.sandbox_path(env.path)),) if env is not None else ()

    return environment
