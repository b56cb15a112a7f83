"""npm pins: `name@version` (or `@scope/name@version`), one exact version, as for PyPI.

The workspace, exports, sync and the tenant keep every dependency as `name==version` (Auth0's
`{name, version}` pairs joined the way the Python ones are), so the stored form is accepted too.
A name alone, or `name@latest`, is unpinned here and gets the registry's `latest` at save time,
as Auth0 does. A range (`^1.2.0`, `1.x`) is refused: the same pins must give the same packages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Optional

from ..errors import InvalidPinError

# validate-npm-package-name: at most 214 characters, lower case, URL-safe, no leading '.' or '_'.
_NAME = re.compile(r"(?:@[a-z0-9][a-z0-9._~-]*/)?[a-z0-9~-][a-z0-9._~-]*")
# semver.org's exact version (no range operators, no leading 'v').
_VERSION = re.compile(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
                      r"(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?")
MAX_NAME = 214


@dataclass(frozen=True, order=True)
class NpmPin:
    name: str
    version: Optional[str] = None  # None: not pinned yet

    def spec(self) -> str:
        """What a user reads and npm is given: `name@1.2.3`."""
        return f"{self.name}@{self.version}" if self.version else self.name

    def stored(self) -> str:
        """The workspace's form: `name==1.2.3`."""
        return f"{self.name}=={self.version}" if self.version else self.name

    def __str__(self) -> str:
        return self.spec()


def _split(text: str) -> tuple[str, Optional[str]]:
    if "==" in text:
        name, _, version = text.partition("==")
        return name.strip(), version.strip()
    at = text.rfind("@")
    if at > 0:  # index 0 is a scope's '@'
        return text[:at].strip(), text[at + 1:].strip()
    return text.strip(), None


def parse_npm_pin(text: object) -> NpmPin:
    """`"lodash@4.17.21"` -> NpmPin("lodash", "4.17.21"); `"lodash"` / `"lodash@latest"` unpinned."""
    if not isinstance(text, str) or not text.strip():
        raise InvalidPinError(f"invalid npm dependency {text!r}: write it as name@version")
    name, version = _split(text.strip())
    if not name or len(name) > MAX_NAME or not _NAME.fullmatch(name):
        hint = " (npm names are lower case)" if name and _NAME.fullmatch(name.lower()) else ""
        raise InvalidPinError(f"invalid npm package name {name!r} in {text!r}{hint}: write it as name@version",
                              name or None)
    if version in (None, "", "latest"):
        return NpmPin(name, None)
    if not _VERSION.fullmatch(version):
        raise InvalidPinError(f"invalid npm dependency {text!r}: pin one exact version ({name}@1.2.3), "
                              "not a range or a tag", name)
    return NpmPin(name, version)


def parse_npm_pins(lines: Iterable[object]) -> list[NpmPin]:
    """Every line parsed; a package listed twice is refused."""
    pins = [parse_npm_pin(line) for line in lines]
    seen: set[str] = set()
    for pin in pins:
        if pin.name in seen:
            raise InvalidPinError(f"npm dependency listed twice: {pin.name}", pin.name)
        seen.add(pin.name)
    return pins
