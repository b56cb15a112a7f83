"""`name==version` pins: parsing and PEP 503 normalisation (what PyPI itself does to names).

A line without a version is kept unpinned here; `pinning.pin_latest` gives it the newest version
at save time, as Auth0 does for `latest`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Optional

from .errors import InvalidPinError


@dataclass(frozen=True, order=True)
class Pin:
    name: str                      # PEP 503-normalised ("Foo_Bar" -> "foo-bar")
    version: Optional[str] = None  # None: not pinned yet
    extras: tuple[str, ...] = ()

    def requirement(self) -> str:
        """The string pip is given."""
        extras = f"[{','.join(self.extras)}]" if self.extras else ""
        return f"{self.name}{extras}" + (f"=={self.version}" if self.version else "")

    def __str__(self) -> str:
        return self.requirement()


def parse_pin(text: str) -> Pin:
    """`"Requests == 2.32.3"` -> Pin("requests", "2.32.3"); `"requests"` -> Pin("requests", None)."""
    # Imported here: packaging's requirement parser costs ~50 ms to import, which the studio's
    # start (it imports this package for its runs) need not pay before anything is pinned.
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.utils import canonicalize_name

    if not isinstance(text, str) or not text.strip():
        raise InvalidPinError(f"invalid dependency {text!r}: write it as name==version")
    try:
        req = Requirement(text.strip())
    except InvalidRequirement:
        raise InvalidPinError(f"invalid dependency {text!r}: write it as name==version") from None
    if req.url or req.marker:
        raise InvalidPinError(f"invalid dependency {text!r}: only name==version from the package index")
    specs = list(req.specifier)
    version: Optional[str] = None
    if specs:
        if len(specs) != 1 or specs[0].operator != "==" or "*" in specs[0].version:
            raise InvalidPinError(f"invalid dependency {text!r}: pin one exact version (name==version)")
        version = specs[0].version
    return Pin(canonicalize_name(req.name), version, tuple(sorted(canonicalize_name(e) for e in req.extras)))


def parse_pins(lines: Iterable[str]) -> list[Pin]:
    """Every line parsed; a package listed twice (after normalisation) is refused."""
    pins = [parse_pin(line) for line in lines]
    seen: set[str] = set()
    for pin in pins:
        if pin.name in seen:
            raise InvalidPinError(f"dependency listed twice: {pin.name}", pin.name)
        seen.add(pin.name)
    return pins
