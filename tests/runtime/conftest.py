"""One real Sandbox for the runtime tests (the zygote starts once); small budgets keep them fast."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from actions_studio.runtime import Sandbox, SandboxLimits
from actions_studio.triggers import get_trigger


@pytest.fixture(scope="session")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(SandboxLimits(wall_time_s=5)) as box:
        yield box


@pytest.fixture
def event() -> dict[str, Any]:
    return get_trigger("post-login").sample_event()
