"""`sync`, `pull` and `tenants` through the CLI, with the Local tenant the CLI starts itself."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from actions_studio.cli import app
from actions_studio.services import actions
from actions_studio.services.workspace import Workspace
from actions_studio.sync.local_tenant import LocalTenant

pytestmark = pytest.mark.slow
CODE = "def on_execute_post_login(event, api):\n    api.access_token.set_custom_claim('https://acme/x', {n})\n"


@pytest.fixture
def cli(tmp_path: Path):
    runner = CliRunner()

    def invoke(*args: str, code: int = 0, input: str | None = None):
        result = runner.invoke(app, list(args), catch_exceptions=False, input=input)
        assert result.exit_code == code, (args, result.stdout, result.stderr)
        return result

    return invoke


def test_sync_dry_run_exit_codes_apply_and_conflict(cli, tmp_path: Path) -> None:
    code = tmp_path / "a.py"
    code.write_text(CODE.format(n=1))
    cli("actions", "new", "tag roles", "--trigger", "post-login", "--code", str(code))
    cli("actions", "deploy", "tag roles")
    cli("flows", "set", "post-login", "tag roles")

    pending = cli("sync", "--dry-run", code=3)
    assert "create" in pending.stdout and "bind tag roles" in pending.stdout
    cli("sync", input="n\n", code=1)  # asked, declined: nothing applied
    done = cli("sync", "--yes")
    assert "applied 3 step(s)" in done.stdout

    # Someone edits the action on the tenant while the workspace edits it too.
    tenant = LocalTenant(tmp_path / "home" / "local-tenant")
    conn = tenant.start()
    try:
        from actions_studio.sync.client import TenantClient

        with TenantClient(conn) as client:
            remote = client.list_actions()[0]
            client.update(remote.id, remote.name, remote.draft.__class__(
                code=CODE.format(n=99), runtime="python3"), {})
    finally:
        tenant.stop()
    with Workspace.open() as ws:
        actions.save_draft(ws, "tag roles", code=CODE.format(n=2))
    conflict = cli("sync", "--dry-run", code=4)
    assert "conflict" in conflict.stdout
    assert "applied" in cli("sync", "--yes", "--prefer", "local").stdout
    assert "in sync" in cli("pull").stdout


def test_tenants_list_add_remove(cli) -> None:
    assert "Local tenant" in cli("tenants", "list").stdout
    cli("tenants", "add", "staging", "--url", "acme-staging.eu.auth0.com", "--client-id", "abc",
        "--client-secret", "s3cret-value")
    listed = cli("tenants", "list").stdout
    assert "https://acme-staging.eu.auth0.com" in listed and "s3cret" not in listed
    cli("tenants", "use", "staging")
    assert "* staging" in cli("tenants", "list").stdout
    cli("tenants", "remove", "Local tenant", code=2)
    cli("tenants", "remove", "staging")
    assert "* Local tenant" in cli("tenants", "list").stdout
    cli("sync", "--tenant", "nowhere", "--dry-run", code=2)
