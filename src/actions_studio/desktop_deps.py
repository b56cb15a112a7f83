"""Which system libraries Qt's platform plugin needs and this machine lacks (issue 12).

Qt aborts (rc 134) when its platform plugin cannot load, and its message names only
`libxcb-cursor0`, whatever is really missing. The truth is `ldd` on the plugin file: every
"not found" line, transitive ones included. This module asks that question for the plugin the
studio will use and turns each missing library into the Debian/Ubuntu package that ships it, so
`packaging/system-deps.sh` can install them (root with apt) or print the one command to run, and
the GUI entry point can refuse to start with the same words instead of Qt's abort.

It never imports PySide6 (it runs before Qt, and the CLI must stay Qt-free): the plugin is found
through the package's location on disk.

    python -m actions_studio.desktop_deps [--for studio|test] [--json]
"""

from __future__ import annotations

import argparse
import ctypes
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Optional, Sequence

# The plugins Qt picks from on Linux. xcb is the default on X11 and Qt's fallback on Wayland.
XCB, WAYLAND, OFFSCREEN = "xcb", "wayland", "offscreen"
PLUGIN_FILES = {XCB: "libqxcb.so", WAYLAND: "libqwayland.so", OFFSCREEN: "libqoffscreen.so"}


@dataclass(frozen=True)
class Missing:
    """What one platform plugin lacks on this machine."""

    platform: str
    plugin: Optional[Path]  # None: PySide6 is not installed where we looked
    libraries: tuple[str, ...]  # sonames ldd (or the loader) could not find
    packages: Mapping[str, str] = field(default_factory=dict)  # soname -> Debian package
    unknown: tuple[str, ...] = ()  # sonames with no package we could name

    @property
    def ok(self) -> bool:
        return self.plugin is not None and not self.libraries


def platforms_for(purpose: str, env: Mapping[str, str]) -> list[str]:
    """The plugins that must load: the one the studio will use (QT_QPA_PLATFORM, else the
    session's), and for the test suite offscreen (most tests) plus xcb (the start-up test)."""
    if purpose == "test":
        return [OFFSCREEN, XCB]
    forced = env.get("QT_QPA_PLATFORM", "").split(":", 1)[0].split(";", 1)[0].strip()
    if forced:
        return [forced] if forced in PLUGIN_FILES else []
    if env.get("WAYLAND_DISPLAY") or env.get("XDG_SESSION_TYPE") == "wayland":
        return [WAYLAND, XCB]  # Qt tries wayland first and falls back to xcb
    return [XCB]


def plugin_path(platform: str) -> Optional[Path]:
    """The plugin file Qt would load: QT_PLUGIN_PATH first (Qt reads it too), then PySide6's own."""
    for extra in filter(None, os.environ.get("QT_PLUGIN_PATH", "").split(os.pathsep)):
        path = Path(extra) / "platforms" / PLUGIN_FILES[platform]
        if path.exists():
            return path
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        path = Path(location) / "Qt" / "plugins" / "platforms" / PLUGIN_FILES[platform]
        if path.exists():
            return path
    return None


_NOT_FOUND = re.compile(r"^\s*(\S+)\s*=>\s*not found", re.MULTILINE)


def loads(platform: str) -> bool:
    """Whether the plugin loads, asked the cheap way (the loader, not ldd): this runs at every
    start, and Qt loads the same file right after, so the check costs nearly nothing."""
    plugin = plugin_path(platform)
    if plugin is None:
        return False
    try:
        ctypes.CDLL(str(plugin), mode=os.RTLD_LAZY)
    except OSError:
        return False
    return True


def missing_libraries(plugin: Path) -> tuple[str, ...]:
    """Every library the plugin (or what it loads) cannot find. ldd lists them all; without ldd
    the dynamic loader names the first one, which is still better than Qt's guess."""
    ldd = shutil.which("ldd")
    if ldd is not None:
        out = subprocess.run([ldd, str(plugin)], capture_output=True, text=True, timeout=60).stdout
        return tuple(dict.fromkeys(_NOT_FOUND.findall(out)))
    try:
        ctypes.CDLL(str(plugin), mode=os.RTLD_LAZY)
    except OSError as exc:
        match = re.match(r"(\S+\.so[.\d]*): cannot open shared object file", str(exc))
        return (match.group(1),) if match else (str(exc),)
    return ()


def package_candidates(soname: str) -> list[str]:
    """Debian's library packaging rule (Policy 8.1): `libfoo.so.N` ships in `libfooN`, or
    `libfoo-N` when the name ends in a digit; names are lower case. Some packages fold a
    `-2.0`-style infix (`libglib-2.0.so.0` is in `libglib2.0-0`): that spelling is tried second."""
    match = re.match(r"^(lib.+?)\.so\.(\d+)", soname)
    if not match:
        return []
    name, version = match.group(1).lower(), match.group(2)
    names = [name]
    folded = re.sub(r"-(\d)", r"\1", name)
    if folded != name:
        names.append(folded)
    return [f"{n}-{version}" if n[-1].isdigit() else f"{n}{version}" for n in names]


def _apt_knows(package: str) -> bool:
    if shutil.which("apt-cache") is None:
        return False
    out = subprocess.run(["apt-cache", "show", "--no-all-versions", package],
                         capture_output=True, text=True, timeout=60)
    return out.returncode == 0 and f"Package: {package}" in out.stdout


def debian_packages(libraries: Sequence[str]) -> tuple[dict[str, str], tuple[str, ...]]:
    """soname -> package for each library apt knows a package for; the rest are unknown.
    Without apt (another distribution) the rule's first guess is given, unverified."""
    found: dict[str, str] = {}
    unknown: list[str] = []
    has_apt = shutil.which("apt-cache") is not None
    for soname in libraries:
        candidates = package_candidates(soname)
        match = next((c for c in candidates if _apt_knows(c)), None) if has_apt else None
        if match is None and not has_apt and candidates:
            match = candidates[0]
        if match is None:
            unknown.append(soname)
        else:
            found[soname] = match
    return found, tuple(unknown)


def check(platform: str) -> Missing:
    plugin = plugin_path(platform)
    if plugin is None:
        return Missing(platform, None, ())
    libraries = missing_libraries(plugin)
    packages, unknown = debian_packages(libraries) if libraries else ({}, ())
    return Missing(platform, plugin, libraries, packages, unknown)


def explain(missing: Sequence[Missing], *, can_install: bool, sudo: Optional[bool] = None) -> str:
    """The words a user reads when a plugin cannot load: what is missing, the packages, and the
    one command to run."""
    lines = []
    packages: list[str] = []
    for m in missing:
        if m.plugin is None:
            lines.append(f"Qt's {m.platform} platform plugin was not found (is PySide6 installed?)")
            continue
        lines.append(f"Qt's {m.platform} platform plugin cannot load: missing "
                     + ", ".join(m.libraries))
        packages += [p for p in m.packages.values() if p not in packages]
        if m.unknown:
            lines.append("  no package is known for " + ", ".join(m.unknown)
                         + ": install the package of your distribution that ships it")
    if packages and not can_install:
        prefix = "sudo " if (os.geteuid() != 0 if sudo is None else sudo) else ""
        lines.append(f"install them with:  {prefix}apt-get install -y " + " ".join(packages))
    return "\n".join(lines)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m actions_studio.desktop_deps")
    parser.add_argument("--for", dest="purpose", choices=("studio", "test"), default="studio")
    parser.add_argument("--json", action="store_true", help="print the findings as JSON")
    parser.add_argument("--packages", action="store_true",
                        help="print only the package names to install, one line")
    parser.add_argument("--sudo", choices=("yes", "no"), help="whether the command shown needs sudo "
                        "(default: when not root)")
    args = parser.parse_args(argv)
    results = [check(p) for p in platforms_for(args.purpose, os.environ)]
    broken = [m for m in results if not m.ok]
    if args.json:
        print(json.dumps([{"platform": m.platform, "plugin": str(m.plugin) if m.plugin else None,
                           "missing": list(m.libraries), "packages": dict(m.packages),
                           "unknown": list(m.unknown)} for m in results], indent=2))
    elif args.packages:
        names = dict.fromkeys(p for m in broken for p in m.packages.values())
        print(" ".join(names))
    elif broken:
        sudo = None if args.sudo is None else args.sudo == "yes"
        print(explain(broken, can_install=False, sudo=sudo), file=sys.stderr)
    return 1 if broken else 0


if __name__ == "__main__":
    raise SystemExit(main())
