"""Issue 6, section 6: a schemathesis run against /openapi.json with bounded examples — any
generated request (valid or not, with a management token) gets an answer below 500."""

from __future__ import annotations

import time

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings

MAX_EXAMPLES = 60
BUDGET_S = 60


@pytest.mark.slow
def test_no_generated_request_gets_a_5xx(tenant_factory) -> None:
    tenant = tenant_factory(rate_limit_per_s=100_000, rate_limit_burst=1_000_000)
    headers = {"Authorization": f"Bearer {tenant.management_token()}"}
    schema = schemathesis.openapi.from_url(f"{tenant.base_url}/openapi.json")
    failures: list[str] = []
    seen = 0
    started = time.monotonic()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 25
    for operation in operations:
        per_operation = max(5, MAX_EXAMPLES if time.monotonic() - started < BUDGET_S / 2 else 5)

        @given(case=operation.as_strategy())
        @settings(max_examples=per_operation, deadline=None, database=None, derandomize=True,
                  phases=[Phase.explicit, Phase.generate],
                  suppress_health_check=list(HealthCheck))
        def check(case: schemathesis.Case) -> None:
            nonlocal seen
            seen += 1
            response = case.call(headers=headers, timeout=30)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} -> {response.status_code}: "
                                f"{response.text[:200]}")

        check()
    assert failures == [], "\n".join(failures[:20])
    assert seen >= len(operations) * 5
