"""The node22 executor: JavaScript Actions in warm, confined Node workers (docs/architecture.md,
"runtime/node/").

- `launcher.py`: how one worker process is started (Node's permission model, the OS layers);
- `worker.py`: one worker process and one execution in it (the two channels, deadline, Stop);
- `api_host.py`: the studio's side of a worker's api calls — the catalog's own recorder;
- `pool.py`: warm workers, keyed by action version and secrets, reused, recycled, refilled;
- `executor.py`: one action's execution as the flow executor's strategies ask for it.

The JavaScript side is resources/node/action_worker.js.
"""

from __future__ import annotations

# The runtimes this executor runs. node18 is what older tenants report; it runs on Node 22, as Auth0
# moved those actions.
NODE_RUNTIMES = frozenset({"node22", "node18"})


def is_node(runtime: str) -> bool:
    return runtime in NODE_RUNTIMES
