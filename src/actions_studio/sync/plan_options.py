"""What a plan is asked for, and the names the planner's parts share (sync/planner.py).

`PlanOptions` carries the user's choices (pull or sync, deletes, one answer per conflict);
`flow_key` and `UNKNOWN` name plan items and flow entries the same way for actions, flows and
the applier.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Optional

from actions_studio.sync.plan import Side

Mode = Literal["sync", "pull"]
UNKNOWN = "remote:"  # prefix of a flow entry whose tenant action the workspace does not know


@dataclass(frozen=True)
class PlanOptions:
    mode: Mode = "sync"
    delete: bool = False              # delete on the tenant what the workspace deleted / lacks
    import_remote: bool = False       # sync: also import actions found only on the tenant
    prefer: Optional[Side] = None     # resolves every conflict one way
    resolutions: dict[str, Side] = field(default_factory=dict)  # item key -> choice

    def choice(self, key: str) -> Optional[Side]:
        return self.resolutions.get(key, self.prefer)


def flow_key(trigger_id: str) -> str:
    return f"flow:{trigger_id}"
