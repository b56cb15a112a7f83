"""/openapi.json against the server (issue 13, item 10): schemathesis with every check
(`schemathesis run --checks all`, through its Python API: the same engine, phases and checks) finds
nothing — every status, error body, header and constraint the server has is in the document, and
no valid request is refused. Derandomised with a fixed seed, so a run is repeatable; ~1 minute
on a quiet 2-core machine.

A failure prints each finding once with the request that showed it: reproduce it with
`schemathesis run URL/openapi.json --checks all -H "Authorization: Bearer TOKEN" --seed SEED`.
"""

from __future__ import annotations

import collections

import pytest
import schemathesis
from schemathesis.engine import events, from_schema

from actions_studio.tenant.attack_protection import Settings

SEED = 20261213
MAX_EXAMPLES = 30
PHASES = ["examples", "coverage", "fuzzing", "stateful"]


def _findings(recorder) -> list[str]:
    out = []
    for case_id, checks in recorder.checks.items():
        for check in checks:
            if check.status.name != "FAILURE" or check.failure_info is None:
                continue
            failure = check.failure_info.failure
            line = f"{recorder.label} :: {check.name}: {failure.title}: {failure.message}".replace("\n", " / ")
            interaction = recorder.interactions.get(case_id)
            if interaction is not None:
                request = interaction.request
                line += f"\n    {request.method} {request.uri[:300]} body={(request.body or b'')[:300]!r}"
                if interaction.response is not None:
                    line += f" -> {interaction.response.status_code} {interaction.response.content[:300]!r}"
            out.append(line)
    return out


@pytest.mark.slow
def test_schemathesis_with_every_check_finds_nothing(tenant_factory) -> None:
    # Limits out of the way: thousands of requests from one client and one IP are the point here.
    tenant = tenant_factory(rate_limit_per_s=100_000, rate_limit_burst=1_000_000,
                            auth_rate_limit_per_s=100_000, auth_rate_limit_burst=1_000_000,
                            attack_protection=Settings(ip_max_failures=1_000_000))
    config = schemathesis.Config(seed=SEED)
    project = config.projects.override
    project.update(base_url=tenant.base_url, headers={"Authorization": f"Bearer {tenant.management_token()}"})
    project.checks.update(included_check_names=["all"])
    project.generation.update(max_examples=MAX_EXAMPLES, deterministic=True)
    project.phases.update(phases=PHASES)
    schema = schemathesis.openapi.from_url(f"{tenant.base_url}/openapi.json", config=config)

    findings: dict[str, None] = {}           # ordered and unique: one line per distinct finding
    errors: list[str] = []
    checks: collections.Counter[str] = collections.Counter()
    tested: set[str] = set()
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            tested.add(event.recorder.label)
            for case_checks in event.recorder.checks.values():
                checks.update(check.name for check in case_checks)
            findings.update(dict.fromkeys(_findings(event.recorder)))
        elif isinstance(event, (events.NonFatalError, events.FatalError)):
            errors.append(str(getattr(event, "info", None) or getattr(event, "exception", event))[:500])

    assert errors == []
    assert list(findings) == [], f"{len(findings)} findings:\n" + "\n".join(list(findings)[:30])
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.label for op in operations} <= tested and len(operations) >= 35
    # Every check ran (a check that never runs finds nothing either).
    for name in ("status_code_conformance", "content_type_conformance", "response_headers_conformance",
                 "response_schema_conformance", "negative_data_rejection", "positive_data_acceptance",
                 "missing_required_header", "unsupported_method", "ignored_auth", "use_after_free",
                 "ensure_resource_availability", "not_a_server_error"):
        assert checks[name] > 100, (name, checks[name])
