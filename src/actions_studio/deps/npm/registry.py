"""The npm registry, asked directly (no npm process): a packument per declared package, so an
unknown package, a version that does not exist, a declared install script or a registry that is
down is a clear one-line error before npm downloads anything. npm itself then installs the set."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any, Optional
from urllib.parse import quote

from ..errors import IndexUnreachableError, NativeCodeError, ResolutionError
from ..settings import DepsSettings
from .pins import NpmPin

# The abbreviated packument ("corgi") npm itself asks for: dependencies, dist and hasInstallScript,
# a fraction of the full document's size. Registries without it send the full one.
_ACCEPT = "application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*"
# A packument of a big package is tens of MiB; a registry that sends more is not one to trust.
_MAX_BYTES = 128 * 1024 * 1024
INSTALL_SCRIPTS = ("preinstall", "install", "postinstall")


def packument_url(settings: DepsSettings, name: str) -> str:
    # npm's own encoding: "@scope/name" is fetched as "@scope%2fname".
    return settings.npm_registry.rstrip("/") + "/" + quote(name, safe="@")


def unreachable(settings: DepsSettings, what: str, reason: object) -> IndexUnreachableError:
    return IndexUnreachableError(
        f"{what}: the npm registry {settings.npm_registry} cannot be reached ({reason}); a new environment "
        "needs the registry, environments already built keep working offline", what.split("@")[0] or what)


def fetch_packument(pin: NpmPin, settings: DepsSettings) -> dict[str, Any]:
    request = urllib.request.Request(packument_url(settings, pin.name), headers={"Accept": _ACCEPT})
    try:
        with urllib.request.urlopen(request, timeout=settings.timeout_s) as response:
            body = response.read(_MAX_BYTES + 1)
    except urllib.error.HTTPError as exc:
        exc.close()  # it holds the response's socket
        if exc.code == 404:
            raise ResolutionError(f"{pin.spec()} cannot be installed: the npm registry {settings.npm_registry} "
                                  f"has no package {pin.name}", pin.name) from None
        raise ResolutionError(f"{pin.spec()} cannot be installed: the npm registry answered HTTP {exc.code} "
                              f"for {pin.name}", pin.name) from None
    except (urllib.error.URLError, OSError) as exc:
        raise unreachable(settings, pin.spec(), getattr(exc, "reason", exc) or type(exc).__name__) from None
    if len(body) > _MAX_BYTES:
        raise ResolutionError(f"{pin.spec()} cannot be installed: the registry's document for {pin.name} "
                              f"is larger than {_MAX_BYTES // 2**20} MiB", pin.name)
    try:
        doc = json.loads(body)
    except ValueError:
        doc = None
    if not isinstance(doc, dict) or not isinstance(doc.get("versions"), dict):
        raise ResolutionError(f"{pin.spec()} cannot be installed: the registry's answer for {pin.name} is "
                              "not an npm package document", pin.name)
    return doc


def latest_version(pin: NpmPin, settings: DepsSettings) -> str:
    """The registry's `latest` dist-tag (what `npm install name` takes)."""
    doc = fetch_packument(pin, settings)
    latest = (doc.get("dist-tags") or {}).get("latest")
    if not isinstance(latest, str) or latest not in doc["versions"]:
        raise ResolutionError(f"{pin.name} has no `latest` version on {settings.npm_registry}", pin.name)
    return latest


def declared_native(manifest: dict[str, Any]) -> Optional[str]:
    """Why a version's registry manifest says it has native code, or None."""
    scripts = manifest.get("scripts") if isinstance(manifest.get("scripts"), dict) else {}
    found = [s for s in INSTALL_SCRIPTS if s in scripts]
    if found:
        return f"it has an install script ({found[0]})"
    if manifest.get("gypfile") is True:
        return "it builds native code (binding.gyp)"
    if manifest.get("hasInstallScript") is True:
        return "it has an install script"
    return None


def check_published(pin: NpmPin, settings: DepsSettings) -> dict[str, Any]:
    """The registry's manifest of `pin` (which must be pinned); one-line errors otherwise."""
    assert pin.version is not None
    doc = fetch_packument(pin, settings)
    manifest = doc["versions"].get(pin.version)
    if not isinstance(manifest, dict):
        newest = sorted(doc["versions"], key=_version_key)[-5:]
        listed = f" (newest: {', '.join(reversed(newest))})" if newest else ""
        raise ResolutionError(f"{pin.spec()} cannot be installed: {pin.name} has no version {pin.version} "
                              f"on {settings.npm_registry}{listed}", pin.name)
    why = declared_native(manifest)
    if why is not None:
        raise NativeCodeError(native_message(pin.spec(), why), pin.name)
    return manifest


def native_message(spec: str, why: str, needed_by: tuple[str, ...] = ()) -> str:
    via = f" (needed by {', '.join(needed_by)})" if needed_by else ""
    return (f"{spec}{via} is refused: {why}; actions accept packages without native code only "
            "(installs run with --ignore-scripts)")


def _version_key(version: str) -> tuple:
    core = version.split("+")[0].split("-")[0]
    parts = tuple(int(p) if p.isdigit() else 0 for p in core.split("."))
    return (parts, "-" not in version)
