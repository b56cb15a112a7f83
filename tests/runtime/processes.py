"""Looking at the sandbox's processes from outside, for the tests that check none is left behind."""

from __future__ import annotations

import os
import time


def descendants(root: int) -> dict[int, int]:
    """pid -> depth below ``root`` (1 = child) for every live descendant."""
    parents = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat", encoding="ascii", errors="replace") as fh:
                    parents[int(name)] = int(fh.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                pass
    found = {}
    for pid in parents:
        depth, ancestor = 1, parents.get(pid)
        while ancestor and ancestor != root:
            depth, ancestor = depth + 1, parents.get(ancestor)
        if ancestor == root:
            found[pid] = depth
    return found


def gone(pid: int, within_s: float = 10.0) -> bool:
    """True once ``pid`` no longer exists (killed and reaped), waiting up to ``within_s``: a reply
    can come a moment before the helper has reaped the child."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if not os.path.exists(f"/proc/{pid}"):
            return True
        time.sleep(0.01)
    return False


def as_in_a_terminal() -> None:
    """`preexec_fn` for a CLI that a test stops with Ctrl+C: SIGINT as a terminal's foreground
    process has it. A suite started in the background by a shell without job control (`./dev
    test &` in a script) inherits SIGINT ignored, and so would the CLI (POSIX: an ignored signal
    stays ignored across exec), which then, rightly, ignores the test's Ctrl+C."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)
