"""The fully resolved set of a list of pins, from `pip install --dry-run --report`, and the purity
check of every wheel in it (a transitive dependency too) before anything is installed."""

from __future__ import annotations

import json
import os
import re
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Optional
from urllib.parse import unquote, urlparse

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import InvalidWheelFilename, canonicalize_name, parse_wheel_filename

from .errors import IndexUnreachableError, NotPurePythonError, ResolutionError
from .pins import Pin
from .pip_runner import CancelToken, Progress, run_pip
from .settings import DepsSettings


@dataclass(frozen=True, order=True)
class Resolved:
    name: str      # PEP 503-normalised
    version: str
    wheel: str     # the wheel's file name
    requested: bool
    needed_by: tuple[str, ...] = ()  # for a transitive dependency: who asked for it

    @property
    def pin(self) -> str:
        return f"{self.name}=={self.version}"


def pure_python_reason(wheel_name: str) -> Optional[str]:
    """None for a pure-Python wheel (`py3-none-any`, `py2.py3-none-any`, any `pyXY-none-any`),
    else why not, in words."""
    try:
        _, _, _, tags = parse_wheel_filename(wheel_name)
    except InvalidWheelFilename:
        return f"{wheel_name} is not a wheel"
    for tag in tags:
        if tag.abi == "none" and tag.platform == "any" and tag.interpreter.startswith("py"):
            return None
    tag = sorted(tags, key=str)[0]
    return (f"its wheel {wheel_name} is built for {tag.interpreter}-{tag.abi}-{tag.platform}, "
            "so it contains compiled code; actions accept pure-Python packages only")


def _needed_by(items: list[dict]) -> dict[str, list[str]]:
    parents: dict[str, list[str]] = {}
    for item in items:
        meta = item.get("metadata", {})
        parent = canonicalize_name(meta.get("name", "?"))
        for text in meta.get("requires_dist") or []:
            try:
                child = canonicalize_name(Requirement(text).name)
            except InvalidRequirement:
                continue
            parents.setdefault(child, []).append(parent)
    return parents


def parse_report(report: dict) -> list[Resolved]:
    items = report.get("install") or []
    parents = _needed_by(items)
    out = []
    for item in items:
        meta = item.get("metadata", {})
        name = canonicalize_name(meta["name"])
        url = (item.get("download_info") or {}).get("url", "")
        wheel = PurePosixPath(unquote(urlparse(url).path)).name
        out.append(Resolved(name, str(meta["version"]), wheel, bool(item.get("requested")),
                            tuple(sorted(set(parents.get(name, ()))))))
    return sorted(out)


def check_pure(resolved: list[Resolved]) -> None:
    for dist in resolved:
        why = pure_python_reason(dist.wheel)
        if why is not None:
            via = "" if dist.requested or not dist.needed_by else f" (needed by {', '.join(dist.needed_by)})"
            raise NotPurePythonError(f"{dist.pin}{via} is refused: {why}", dist.name)


def resolve(pins: list[Pin], settings: DepsSettings, *, cancel: Optional[CancelToken] = None,
            progress: Optional[Progress] = None, no_deps: bool = False) -> list[Resolved]:
    """Every distribution the pins need, checked pure before anything is installed."""
    with tempfile.TemporaryDirectory(prefix="actions-studio-resolve-") as tmp:
        report_path = os.path.join(tmp, "report.json")
        args = ["install", "--dry-run", "--ignore-installed", "--only-binary=:all:", "--report", report_path,
                *settings.pip_source_args(), *(["--no-deps"] if no_deps else []),
                *(p.requirement() for p in pins)]
        run = run_pip(args, timeout_s=settings.timeout_s, cancel=cancel, progress=progress)
        if run.returncode != 0:
            raise explain_failure(run.output, pins, settings)
        with open(report_path, encoding="utf-8") as fh:
            resolved = parse_report(json.load(fh))
    check_pure(resolved)
    return resolved


_NO_MATCH = re.compile(r"No matching distribution found for ([A-Za-z0-9._\-\[\]]+(?:[=<>!~]=?[^\s]+)?)")
_FROM_VERSIONS = re.compile(r"from versions: ([^)]*)\)")


def index_unreachable(settings: DepsSettings, package: str) -> Optional[str]:
    """Why the index cannot be reached (connection refused, no route, DNS), or None if it answers."""
    if settings.no_index:
        return None
    url = settings.index_url.rstrip("/") + f"/{package}/"
    try:
        # Only a diagnosis after pip failed: a short look, so a silent index does not double the wait.
        with urllib.request.urlopen(urllib.request.Request(url, method="HEAD"), timeout=min(settings.timeout_s, 5)):
            return None
    except urllib.error.HTTPError:
        return None  # it answered (404 for an unknown project is an answer)
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        return str(reason) or type(reason).__name__


def explain_failure(output: str, pins: list[Pin], settings: DepsSettings) -> Exception:
    """pip's failure as one line naming the package."""
    match = _NO_MATCH.search(output)
    package = match.group(1) if match else (pins[0].requirement() if pins else "?")
    name = canonicalize_name(re.split(r"[=<>!~\[]", package)[0]) if package != "?" else "?"
    why = index_unreachable(settings, name)
    if why is not None:
        return IndexUnreachableError(
            f"{package}: the package index {settings.index_url} cannot be reached ({why}); a new "
            "environment needs the index, environments already built keep working offline", name)
    if match:
        versions = _FROM_VERSIONS.search(output)
        listed = versions.group(1).strip() if versions else ""
        if listed and listed != "none":
            detail = f"that version has no wheel there (available: {listed})"
        else:
            detail = "no wheel of it was found (unknown package, or a source distribution only, which may need compiled code)"
        return ResolutionError(f"{package} cannot be installed from {settings.describe_source()}: {detail}", name)
    errors = [line.strip() for line in output.splitlines() if line.startswith("ERROR:")]
    conflict = [line.strip() for line in output.splitlines() if " depends on " in line]
    detail = "; ".join(conflict[:3]) or (errors[-1] if errors else output.strip().splitlines()[-1:] or "pip failed")
    return ResolutionError(f"the dependencies cannot be resolved: {detail}", None if name == "?" else name)
