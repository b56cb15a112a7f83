"""The one run pipeline (docs/architecture.md, "execution/ — the one run pipeline").

Every way of running action code — a fixture run, Run all, a canvas run, `actions-studio run` /
`flow`, the tenant's `/test` — describes what to run as `RunSource` records and calls `execute`,
which prepares each action's environment and hands the actions to the sandbox. Callers keep only
what is theirs: where the sources come from, how a refusal is worded for their user, what happens
to the `ExecutionResult` afterwards. No Qt, no database.
"""

from .pipeline import Environments, EnvironmentRefused, execute, no_environments
from .sources import PYTHON, RunSource

__all__ = ["Environments", "EnvironmentRefused", "PYTHON", "RunSource", "execute", "no_environments"]
