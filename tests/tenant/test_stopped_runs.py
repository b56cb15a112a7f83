"""A flow whose run was stopped did not finish: the tenant fails the login on it as it does on an
error or a timeout, never lets it through as a success (issue 12 item 5)."""

from __future__ import annotations

import pytest

from actions_studio.runtime import ExecutionResult
from actions_studio.tenant.authn.login import refusal
from actions_studio.tenant.flows import FlowRun
from actions_studio.tenant.logs import ERROR_CLASS


def _run(status: str) -> FlowRun:
    result = ExecutionResult.model_validate({
        "trigger": "post-login", "status": status, "outcome": {"denied": None},
        "actions": [{"name": "a", "status": status, "logs": "", "calls": [], "warnings": [],
                     "error": {"type": "Stopped", "message": "stopped before it finished"}}]})
    return FlowRun(result=result, execution={"results": [
        {"action_name": "a", "error": {"msg": "stopped before it finished"}}]})


@pytest.mark.parametrize("status", ["error", "timeout", "stopped"])
def test_a_run_that_did_not_finish_refuses_the_login(status: str) -> None:
    run = _run(status)
    assert run.failed
    error = refusal(run)
    assert error is not None and (error.status, error.error) == (403, "access_denied")
    assert error.description == "action 'a' failed: stopped before it finished"
    assert status in ERROR_CLASS


def test_a_finished_run_is_not_a_failure() -> None:
    assert not _run("success").failed and refusal(_run("success")) is None
