"""npm dependencies of node22 actions (issue 15): `name@version` pins, installed by the npm that
ships with the studio's Node with `--ignore-scripts` into a cache keyed by the set, reused offline;
packages with native code refused by name. The PyPI half is the rest of deps/; both share the
settings, the cache dir, the errors and the Environment record."""

from .environment import build_npm_environment, find_npm_environment, pin_npm_latest, set_key
from .pins import NpmPin, parse_npm_pin, parse_npm_pins

__all__ = ["NpmPin", "build_npm_environment", "find_npm_environment", "parse_npm_pin", "parse_npm_pins",
           "pin_npm_latest", "set_key"]
