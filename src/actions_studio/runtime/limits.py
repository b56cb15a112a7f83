"""Resource limits of one trigger execution (DESIGN.md, "Sandbox"), all configurable."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

MIB = 1024 * 1024


@dataclass(frozen=True)
class SandboxLimits:
    """Limits applied to every execution of one `Sandbox`.

    ``wall_time_s`` is one budget for the whole flow of a trigger execution (Auth0's 20 s), not per
    action; a resume after a redirect gets a fresh one. ``max_processes`` bounds the tasks (processes
    and threads) of one execution where a cgroup ``pids.max`` can be used; fork itself is refused by
    the audit hook and seccomp layers regardless.
    """

    wall_time_s: float = 20.0
    memory_bytes: int = 512 * MIB
    max_processes: int = 64
    output_bytes: int = 1 * MIB
    event_bytes: int = 1 * MIB
    # Not in DESIGN.md's list; these keep one action from filling the disk or the fd table.
    file_size_bytes: int = 64 * MIB
    open_files: int = 256

    def __post_init__(self) -> None:
        for f in fields(self):  # (not asdict: a flow child builds these for every request)
            name, value = f.name, getattr(self, f.name)
            if not value or value <= 0:
                raise ValueError(f"SandboxLimits.{name} must be positive, got {value!r}")
        if self.output_bytes < 1024:
            raise ValueError("SandboxLimits.output_bytes must be at least 1024")

    def to_json(self) -> dict[str, float | int]:
        return asdict(self)
