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

# Runtimes a tenant may still report for an action, and the one it runs on now. Auth0's migration
# guide ("Migrate from Node 18 to Node 22"): "Node 18 is deprecated and the Node.js project no
# longer provides security fixes for it. After the Node 18 runtime is removed from your tenant,
# extensibility that still targets it is forced to run on the latest available runtime." So such
# an action is taken in, run on Node 22 and kept as node22 — refusing it would shut out an action
# that still runs on the user's tenant — and the user is told once, where it comes in.
DEPRECATED_RUNTIMES = {"node18": "node22", "node18-actions": "node22"}


def is_node(runtime: str) -> bool:
    return runtime in NODE_RUNTIMES


def deprecation_notice(runtime: str) -> str | None:
    """What to tell a user of a runtime Auth0 deprecated (None for any other), for one line."""
    if runtime not in DEPRECATED_RUNTIMES:
        return None
    return (f"Auth0 deprecated {runtime} (Node 18 gets no security fixes); it runs on Node 22, "
            "as Auth0 runs it once Node 18 is removed from a tenant")
