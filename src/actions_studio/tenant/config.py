"""Settings of one tenant server (what `actions-studio tenant serve` turns its options into)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from actions_studio.runtime import SandboxLimits

from .attack_protection import Settings as AttackSettings

MAX_BODY_BYTES = 1024 * 1024  # MANAGEMENT_API.md / TRIGGERS.md: API payloads <= 1 MB


@dataclass
class TenantConfig:
    data_dir: Path
    # Public base URL: the token issuer is `<base_url>/`, the Management API audience
    # `<base_url>/api/v2/`. Defaults to http://<host>:<port>.
    base_url: str = "http://127.0.0.1:8787"
    database_url: Optional[str] = None          # None: SQLite file in data_dir
    token_lifetime_s: int = 86400
    # Per-client token buckets (429 + Retry-After): the Management API, and the authentication
    # endpoints (/oauth/token, signup, passwordless), where one application speaks for many users.
    rate_limit_per_s: float = 100.0
    rate_limit_burst: int = 400
    auth_rate_limit_per_s: float = 2000.0
    auth_rate_limit_burst: int = 4000
    # Brute-force protection and suspicious IP throttling (attack_protection.py): Auth0's defaults.
    attack_protection: AttackSettings = field(default_factory=AttackSettings)
    # Memo of successful password checks (passwords.py explains why); 0 turns it off.
    password_memo_ttl_s: float = 600.0
    argon2_memory_kib: int = 19456
    argon2_time_cost: int = 2
    sandbox_limits: SandboxLimits = field(default_factory=SandboxLimits)
    # Logins through an all-Python flow reuse a warm sandbox child bound to that flow's version,
    # code and secrets (`Sandbox(warm=True)`; docs/architecture.md, "Warm children").
    warm_sandbox: bool = True
    max_body_bytes: int = MAX_BODY_BYTES
    # Threads for blocking work (flows, argon2, the store); a flow waits on the sandbox, not the CPU.
    worker_threads: int = 64
    # Server processes sharing the store (`--workers`): on PostgreSQL each one's pools take their
    # share of the server's connections (store/connection_budget.py).
    workers: int = 1
    # The input event of every execution, kept for replay in the studio (event_records.py): how
    # many days (Auth0 keeps its logs 10 days on most plans), and a switch to keep none at all,
    # since events hold personal data.
    record_events: bool = True
    event_retention_days: float = 10.0

    def __post_init__(self) -> None:
        self.data_dir = Path(self.data_dir)
        self.base_url = self.base_url.rstrip("/")

    @property
    def issuer(self) -> str:
        return f"{self.base_url}/"

    @property
    def management_audience(self) -> str:
        return f"{self.base_url}/api/v2/"
