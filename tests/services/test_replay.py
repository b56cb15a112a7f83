"""Replay against the real bundled tenant on loopback: a login's recorded event runs locally on
the deployed version (the same behaviour) and on a draft that drops a claim (found), Save as
fixture flags personal data, and `replay` exits 1 for CI."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from auth0.authentication import GetToken
from typer.testing import CliRunner

from actions_studio.cli import app
from actions_studio.services import actions, fixtures, flows, replay, runs
from actions_studio.services.errors import InvalidInputError, NotFoundError, ServiceError
from actions_studio.services.sync import LocalTenantHost, SyncSession, ensure_local_profile
from actions_studio.services.workspace import Workspace

TWO_CLAIMS = """def on_execute_post_login(event, api):
    api.access_token.set_custom_claim("https://acme/email", event.user.email)
    api.id_token.set_custom_claim("https://acme/plan", "gold")
    print("hello", event.user.email)
"""
DROPS_EMAIL = """def on_execute_post_login(event, api):
    api.id_token.set_custom_claim("https://acme/plan", "gold")
    print("hello", event.user.email)
"""


@pytest.fixture
def host(tmp_path: Path) -> Iterator[LocalTenantHost]:
    running = LocalTenantHost(tmp_path / "tenant-data")
    running.connection()
    yield running
    running.stop()


@pytest.fixture
def session(ws: Workspace, host: LocalTenantHost) -> Iterator[SyncSession]:
    opened = SyncSession(ws, ensure_local_profile(ws), local_host=host)
    yield opened
    opened.close()


def _login(host: LocalTenantHost) -> None:
    creds = json.loads((host.data_dir / "credentials.json").read_text())
    base = host.connection().base_url
    tokens = GetToken(base.split("://", 1)[1], creds["application"]["client_id"],
                      client_secret=creds["application"]["client_secret"], protocol="http")
    tokens.login(creds["demo_user"]["email"], creds["demo_user"]["password"], realm=creds["connection"])


def _pushed_and_logged_in(ws: Workspace, session: SyncSession, host: LocalTenantHost) -> str:
    actions.create_action(ws, "claims", "post-login", code=TWO_CLAIMS)
    actions.deploy(ws, "claims")
    flows.set_flow(ws, "post-login", ["claims"])
    session.apply(session.plan())
    _login(host)
    entry = next(e for e in session.client.recent_log_entries(10) if e["type"] == "s")
    return entry["details"]["actions"]["executions"][0]


def test_replay_on_the_deployed_version_behaves_as_the_tenant_did(ws, session, host) -> None:
    execution_id = _pushed_and_logged_in(ws, session, host)
    result = replay.replay_execution(ws, session.client, execution_id)
    assert result.actions == ("claims",)
    assert result.same, result.comparison.differences
    assert result.headline() == f"execution {execution_id}: the deployed flow behaves as the tenant did"
    assert result.comparison.before.label == "what happened"
    assert "secrets" not in result.event


def test_replay_on_a_draft_that_drops_a_claim_shows_the_difference(ws, session, host) -> None:
    execution_id = _pushed_and_logged_in(ws, session, host)
    actions.save_draft(ws, "claims", code=DROPS_EMAIL)
    result = replay.replay_execution(ws, session.client, execution_id, action="claims", code="draft")
    assert not result.same
    aspects = {d.aspect: d for d in result.comparison.differences}
    claim = aspects["outcome.access_token.claims.https://acme/email"]
    assert claim.after == "(absent)" and "@" in json.dumps(claim.before)
    assert result.comparison.after.label == "draft of claims"
    # Save as fixture: the event becomes a test case expecting what happened, with the
    # personal-data fields named for the user to scrub.
    name, flagged = replay.save_as_fixture(ws, result, replay.fixture_name_for(execution_id), action="claims")
    assert "user.email" in flagged and "request.ip" in flagged and "user.user_id" in flagged
    saved = fixtures.get_fixture(ws, name)
    assert saved.event == result.event and saved.expect == {"status": "success"}
    assert runs.run_fixture(ws, name).passed is True


def test_what_cannot_be_replayed_says_why(ws, session, host) -> None:
    execution_id = _pushed_and_logged_in(ws, session, host)
    with pytest.raises(InvalidInputError, match="other did not run in execution .* \\(it ran claims\\)"):
        replay.replay_execution(ws, session.client, execution_id, action="other")
    with pytest.raises(ServiceError, match="404"):
        replay.replay_execution(ws, session.client, "no-such-execution")
    with pytest.raises(InvalidInputError, match="give the id"):
        replay.replay_execution(ws, session.client, " ")
    actions.rename(ws, "claims", "renamed")
    with pytest.raises(NotFoundError, match="the tenant ran claims, which this workspace does not have"):
        replay.replay_execution(ws, session.client, execution_id)


def test_personal_data_fields_are_found_anywhere_in_the_event() -> None:
    event = {"user": {"email": "a@b.c", "name": "Ann", "user_metadata": {"x": 1}, "app_metadata": {},
                      "identities": [{"user_id": "42", "provider": "auth0"}], "email_verified": True},
             "request": {"ip": "203.0.113.9", "method": "POST", "geoip": {"cityName": "Berlin", "countryCode": "DE"}},
             "client": {"name": "My App", "client_id": "abc"}}
    flagged = replay.personal_data_fields(event)
    assert flagged == ["user.email", "user.name", "user.user_metadata", "user.identities[0].user_id",
                       "request.ip", "request.geoip.cityName"]


def test_cli_replay_exits_1_when_the_draft_behaves_differently(ws, session, host, monkeypatch) -> None:
    execution_id = _pushed_and_logged_in(ws, session, host)
    # The command's own host borrows the running tenant of that folder (and leaves it running).
    monkeypatch.setattr("actions_studio.services.sync.default_local_tenant_dir", lambda: host.data_dir)
    runner = CliRunner()
    same = runner.invoke(app, ["--workspace", str(ws.path), "replay", execution_id])
    assert same.exit_code == 0, same.output
    assert same.stdout.strip() == f"execution {execution_id}: the deployed flow behaves as the tenant did"
    actions.save_draft(ws, "claims", code=DROPS_EMAIL)
    differs = runner.invoke(app, ["--workspace", str(ws.path), "replay", execution_id, "--draft",
                                  "--action", "claims", "--save-fixture", "from the tenant"])
    assert differs.exit_code == 1, differs.output
    assert "outcome.access_token.claims.https://acme/email" in differs.stdout
    saved_line = next(line for line in differs.stdout.splitlines() if line.startswith("saved fixture"))
    assert saved_line.startswith("saved fixture 'from the tenant'; scrub its personal data: ")
    assert "user.email" in saved_line and "client.name" not in saved_line
    as_json = runner.invoke(app, ["--workspace", str(ws.path), "replay", execution_id, "--draft", "--json"])
    data = json.loads(as_json.stdout)
    assert as_json.exit_code == 1 and data["same"] is False and "user.email" in data["personal_data_fields"]
