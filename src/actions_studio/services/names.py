"""Rules for user-given names, shared by actions, fixtures and secrets."""

from __future__ import annotations

import re

from actions_studio.runtime.node import DEPRECATED_RUNTIMES, deprecation_notice
from actions_studio.services.errors import InvalidInputError

# Action and fixture names become file names in an export (`actions/<name>.json`), so no path
# separators, no leading dot; spaces are allowed because Auth0 action names often have them.
_ENTITY_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9 _.\-]{0,99}")
_SECRET_NAME = re.compile(r"[A-Za-z0-9_]{1,128}")  # issue 3 / Auth0's limits
_DEPENDENCY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._\-]*(\[[A-Za-z0-9_,.\-]+\])?==[A-Za-z0-9][A-Za-z0-9.+!_\-]*")

# python3: the studio's Python actions; node22: Auth0's JavaScript actions (CommonJS, the
# `onExecutePostLogin` exports). node18, which Auth0 deprecated and runs on Node 22, is accepted
# wherever a runtime is given and stored as node22 (check_runtime; sync/model.py for a tenant's).
RUNTIMES = ("python3", "node22")
CODE_SUFFIX = {"python3": ".py", "node22": ".js"}


def runtime_of_file(filename: str, default: str = "python3") -> str:
    """The runtime a code file's suffix implies: `.js` is node22, `.py` python3."""
    for runtime, suffix in CODE_SUFFIX.items():
        if filename.endswith(suffix):
            return runtime
    return default


def check_entity_name(kind: str, name: str) -> str:
    if not isinstance(name, str) or not _ENTITY_NAME.fullmatch(name) or name != name.strip():
        raise InvalidInputError(
            f"invalid {kind} name {name!r}: use 1-100 letters, digits, spaces, '_', '.', '-', "
            "starting with a letter or digit"
        )
    return name


def check_secret_name(name: str) -> str:
    if not isinstance(name, str) or not _SECRET_NAME.fullmatch(name):
        raise InvalidInputError(
            f"invalid secret name {name!r}: use 1-128 characters from A-Z, a-z, 0-9 and '_'"
        )
    return name


# npm packages of node22 actions: `name` or `@scope/name`, at a version as Auth0 takes it (a
# pinned version, a range or `latest`; a Deploy CLI keyword marker such as `@@LODASH@@` too).
_NPM_DEPENDENCY = re.compile(r"(@[A-Za-z0-9][A-Za-z0-9._~\-]*/)?[A-Za-z0-9._~][A-Za-z0-9._~\-]*==\S+")


def check_dependencies(dependencies: list[str] | tuple[str, ...],
                       runtime: str = "python3") -> tuple[str, ...]:
    pattern = _NPM_DEPENDENCY if runtime == "node22" else _DEPENDENCY
    for dep in dependencies:
        if not isinstance(dep, str) or not pattern.fullmatch(dep):
            raise InvalidInputError(f"invalid dependency {dep!r}: write it as name==version")
    names = [d.split("==", 1)[0].lower() for d in dependencies]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise InvalidInputError(f"dependency listed twice: {', '.join(dupes)}")
    return tuple(dependencies)


def check_runtime(runtime: str) -> str:
    """The workspace's runtime for ``runtime``: itself, or node22 for node18 (Auth0 deprecated it
    and runs it on Node 22; `runtime_notice` says so to the user)."""
    if isinstance(runtime, str):
        runtime = DEPRECATED_RUNTIMES.get(runtime, runtime)
    if runtime not in RUNTIMES:
        raise InvalidInputError(f"unknown runtime {runtime!r}; available: {', '.join(RUNTIMES)} "
                                "(node18 is taken as node22)")
    return runtime


def runtime_notice(runtime: object) -> str | None:
    """The one line to show when ``runtime`` is one Auth0 deprecated (node18); None otherwise."""
    return deprecation_notice(runtime) if isinstance(runtime, str) else None
