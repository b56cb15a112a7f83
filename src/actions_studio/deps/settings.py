"""Where packages come from and where environments live.

pip runs `--isolated` (its own config files and PIP_* variables are ignored): these settings alone
decide the source, so the same pins give the same environment on every machine that shares them.
Companies with their own mirror set an index URL, find-links and trusted hosts (and for node22
actions an npm registry URL) here — in the
workspace settings (studio, CLI) or the environment (studio, CLI and tenant; the environment wins).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Mapping, Optional

import platformdirs

DEFAULT_INDEX_URL = "https://pypi.org/simple"
DEFAULT_NPM_REGISTRY = "https://registry.npmjs.org"
# A reachable index answers in well under a second; a dead one must not hold a build (issue 8 §3).
DEFAULT_TIMEOUT_S = 10.0

ENV_INDEX_URL = "ACTIONS_STUDIO_INDEX_URL"
ENV_FIND_LINKS = "ACTIONS_STUDIO_FIND_LINKS"      # several separated by whitespace
ENV_TRUSTED_HOST = "ACTIONS_STUDIO_TRUSTED_HOST"  # several separated by whitespace
ENV_NO_INDEX = "ACTIONS_STUDIO_NO_INDEX"          # "1": find-links only
ENV_TIMEOUT = "ACTIONS_STUDIO_DEPS_TIMEOUT"
ENV_CACHE = "ACTIONS_STUDIO_DEPS_CACHE"
ENV_NPM_REGISTRY = "ACTIONS_STUDIO_NPM_REGISTRY"   # node22 actions' packages (deps/npm/)
HOME_ENV = "ACTIONS_STUDIO_HOME"


def default_cache_dir() -> Path:
    """`$ACTIONS_STUDIO_HOME/environments` (tests, CI), else the user cache dir. The studio and the
    Local tenant read the same variables, so they share every environment."""
    home = os.environ.get(HOME_ENV)
    if home:
        return Path(home) / "environments"
    return Path(platformdirs.user_cache_dir("actions-studio", appauthor=False)) / "environments"


def _split(value: str) -> tuple[str, ...]:
    return tuple(v for v in re.split(r"[\s,]+", value.strip()) if v)


@dataclass(frozen=True)
class DepsSettings:
    index_url: str = DEFAULT_INDEX_URL
    find_links: tuple[str, ...] = ()
    trusted_hosts: tuple[str, ...] = ()
    no_index: bool = False
    timeout_s: float = DEFAULT_TIMEOUT_S
    cache_dir: Optional[Path] = None  # None: default_cache_dir()
    npm_registry: str = DEFAULT_NPM_REGISTRY

    @property
    def cache(self) -> Path:
        return Path(self.cache_dir) if self.cache_dir is not None else default_cache_dir()

    def pip_source_args(self) -> list[str]:
        args = ["--no-index"] if self.no_index else ["--index-url", self.index_url]
        for link in self.find_links:
            args += ["--find-links", link]
        for host in self.trusted_hosts:
            args += ["--trusted-host", host]
        return args

    def source_key(self) -> str:
        """What the resolution of a set of pins depends on besides the pins (for the lookup file)."""
        return "|".join([("no-index" if self.no_index else self.index_url), *self.find_links])

    def describe_source(self) -> str:
        if self.no_index:
            return "find-links " + ", ".join(self.find_links) if self.find_links else "no index"
        return self.index_url + (" + find-links " + ", ".join(self.find_links) if self.find_links else "")

    def with_overrides(self, values: Mapping[str, Optional[str]]) -> "DepsSettings":
        """Applies string settings (workspace settings or environment variables); empty = unset."""
        changes: dict = {}
        if values.get("index_url"):
            changes["index_url"] = str(values["index_url"]).strip()
        if values.get("find_links"):
            changes["find_links"] = _split(str(values["find_links"]))
        if values.get("trusted_host"):
            changes["trusted_hosts"] = _split(str(values["trusted_host"]))
        if values.get("no_index"):
            changes["no_index"] = str(values["no_index"]).strip().lower() in ("1", "true", "yes", "on")
        if values.get("timeout_s"):
            try:
                changes["timeout_s"] = max(1.0, float(str(values["timeout_s"])))
            except ValueError:
                pass
        if values.get("npm_registry"):
            changes["npm_registry"] = str(values["npm_registry"]).strip().rstrip("/")
        if values.get("cache_dir"):
            changes["cache_dir"] = Path(str(values["cache_dir"]))
        return replace(self, **changes)

    @classmethod
    def from_env(cls, base: Optional["DepsSettings"] = None,
                 environ: Optional[Mapping[str, str]] = None) -> "DepsSettings":
        env = os.environ if environ is None else environ
        return (base or cls()).with_overrides({
            "index_url": env.get(ENV_INDEX_URL), "find_links": env.get(ENV_FIND_LINKS),
            "trusted_host": env.get(ENV_TRUSTED_HOST), "no_index": env.get(ENV_NO_INDEX),
            "timeout_s": env.get(ENV_TIMEOUT), "cache_dir": env.get(ENV_CACHE),
            "npm_registry": env.get(ENV_NPM_REGISTRY),
        })
