"""`RunSource`: one action as a run takes it, before its environment is prepared."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Optional

from actions_studio.runtime import ActionSource

# The runtime of every action today. A second runtime is a second value here and a second
# sandbox in `pipeline.execute`; the records already carry which one each action needs.
PYTHON = "python3"
NODE22 = "node22"


@dataclass(frozen=True)
class RunSource:
    """What one action contributes to a run: its code at one version (None: the draft), only its
    own secrets, its pinned dependencies (`name==version`) and the runtime it is written for."""

    name: str
    code: str
    version: Optional[int] = None
    secrets: Mapping[str, str] = field(default_factory=dict, repr=False)
    dependencies: tuple[str, ...] = ()
    runtime: str = PYTHON

    def for_sandbox(self, sys_path: tuple[str, ...]) -> ActionSource:
        return ActionSource(name=self.name, code=self.code, version=self.version,
                            secrets=dict(self.secrets), sys_path=tuple(sys_path), runtime=self.runtime)
