"""`sync`, `pull` and `tenants` through the CLI, with the Local tenant the CLI starts itself."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from typer.testing import CliRunner

from actions_studio.cli import app
from actions_studio.services import actions
from actions_studio.services.workspace import Workspace
from actions_studio.sync.client import TenantClient
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


def test_tenants_add_with_an_auth0_or_custom_domain(cli) -> None:
    added = cli("tenants", "add", "prod", "--domain", "acme.eu.auth0.com", "--client-id", "abc",
                "--client-secret", "s3cret-value").stdout
    assert "https://acme.eu.auth0.com, audience https://acme.eu.auth0.com/api/v2/" in added
    custom = cli("tenants", "add", "custom", "--domain", "login.acme.com", "--client-id", "abc",
                 "--client-secret", "s3cret-value").stdout
    assert "https://login.acme.com" in custom
    both = cli("tenants", "add", "x", "--domain", "a.auth0.com", "--url", "http://127.0.0.1:1",
               "--client-id", "abc", "--client-secret", "s", code=2)
    assert "--domain" in both.stderr
    bad = cli("tenants", "add", "y", "--domain", "https://a.auth0.com", "--client-id", "abc",
              "--client-secret", "s", code=2)
    assert "not a tenant domain" in bad.stderr and "y" not in cli("tenants", "list").stdout.split()


@contextmanager
def tenant_of_the_cli(tmp_path: Path) -> Iterator[TenantClient]:
    """A client of the CLI's own Local tenant (its data dir under the test's home), for the
    changes another tool makes; the tenant is stopped again after."""
    tenant = LocalTenant(tmp_path / "home" / "local-tenant")
    try:
        with TenantClient(tenant.start()) as client:
            yield client
    finally:
        tenant.stop()


def assert_tenant_empty(tmp_path: Path) -> None:
    with tenant_of_the_cli(tmp_path) as client:
        assert client.list_actions() == [] and client.flow("post-login") == ()


def test_a_local_delete_of_an_action_bound_on_the_tenant_syncs_with_delete(cli, tmp_path: Path) -> None:
    # Issue 13, item 14: push, bind on the tenant, delete here; `sync --yes --delete` used to stop
    # on a foreign-key error in the workspace, and every later sync and pull with it.
    code = tmp_path / "a.py"
    code.write_text(CODE.format(n=1))
    cli("actions", "new", "tag roles", "--trigger", "post-login", "--code", str(code))
    cli("actions", "deploy", "tag roles")
    cli("sync", "--yes")
    with tenant_of_the_cli(tmp_path) as client:
        client.set_flow("post-login", [client.list_actions()[0].id])
    cli("actions", "delete", "tag roles")

    assert "in sync" in cli("sync", "--yes").stdout  # without --delete: nothing to do ...
    plan = json.loads(cli("sync", "--dry-run", "--json").stdout)
    flow = next(i for i in plan if i["kind"] == "flow")
    assert flow["change"] == "nothing" and flow["notes"] == [  # ... and it says why
        "the tenant's flow binds tag roles, deleted in the workspace: left bound there "
        "(sync --delete unbinds and deletes it)"]
    assert "in sync" in cli("pull").stdout  # and pull, which used to fail the same way
    done = cli("sync", "--yes", "--delete")
    assert "unbind tag roles on the tenant before deleting it" in done.stdout
    assert "done: applied 2 step(s)" in done.stdout
    assert "in sync" in cli("sync", "--dry-run", "--delete").stdout
    assert_tenant_empty(tmp_path)


def test_delete_of_a_tenant_only_bound_action_unbinds_it_first(cli, tmp_path: Path) -> None:
    from actions_studio.sync.model import Content

    with tenant_of_the_cli(tmp_path) as client:
        made = client.create("theirs", "post-login", "v3", Content(CODE.format(n=5), "python3"), {})
        client.wait_built(made.id, made.name)
        client.deploy(made.id, made.name)
        client.set_flow("post-login", [made.id])
    done = cli("sync", "--yes", "--delete")  # the tenant used to answer 409 here
    assert "done: applied 2 step(s)" in done.stdout
    assert_tenant_empty(tmp_path)


def test_an_unreachable_tenant_and_refused_credentials_have_distinct_exit_codes(cli, tmp_path: Path) -> None:
    from actions_studio.cli.sync import EXIT_CREDENTIALS_REFUSED, EXIT_TENANT_UNREACHABLE

    assert (EXIT_TENANT_UNREACHABLE, EXIT_CREDENTIALS_REFUSED) == (5, 6)  # documented in the README
    cli("tenants", "add", "down", "--url", "http://127.0.0.1:9", "--client-id", "abc",
        "--client-secret", "s3cret")
    for args in (["sync", "--tenant", "down", "--dry-run"], ["pull", "--tenant", "down"]):
        result = cli(*args, code=EXIT_TENANT_UNREACHABLE)
        assert result.stderr.startswith("error: tenant down: no answer from http://127.0.0.1:9")
    tenant = LocalTenant(tmp_path / "home" / "local-tenant")
    conn = tenant.start()
    try:
        cli("tenants", "add", "wrong", "--url", conn.base_url, "--client-id", conn.client_id,
            "--client-secret", "not-the-secret", "--audience", conn.audience or "")
        result = cli("sync", "--tenant", "wrong", "--dry-run", code=EXIT_CREDENTIALS_REFUSED)
        assert "refused the client credentials" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    finally:
        tenant.stop()


def test_pull_says_which_secrets_have_no_value_in_this_workspace(cli, tmp_path: Path) -> None:
    code = tmp_path / "a.py"
    code.write_text(CODE.format(n=1))
    cli("actions", "new", "calls api", "--trigger", "post-login", "--code", str(code))
    cli("secrets", "set", "calls api", "API_KEY", input="value-1234\n")
    cli("actions", "deploy", "calls api")
    cli("sync", "--yes")
    other = str(tmp_path / "other.sqlite")
    pulled = cli("--workspace", other, "pull")
    assert ("secrets with no value in this workspace (the tenant keeps values to itself): "
            "calls api: API_KEY") in pulled.stdout
    assert "(no value in this workspace" in cli("--workspace", other, "secrets", "list", "calls api").stdout
    assert "no value" not in cli("pull").stdout  # the pushing workspace has its value


def test_the_bundled_tenant_takes_node22_and_python3_actions_with_their_runtimes(cli, tmp_path: Path) -> None:
    code = tmp_path / "a.py"
    code.write_text(CODE.format(n=1))
    cli("actions", "new", "py", "--trigger", "post-login", "--code", str(code))
    cli("actions", "new", "js", "--trigger", "post-login", "--runtime", "node22")
    done = cli("sync", "--yes")
    assert "refused" not in done.stdout + done.stderr
    tenant = LocalTenant(tmp_path / "home" / "local-tenant")
    conn = tenant.start()
    try:
        with TenantClient(conn) as client:
            pushed = {a.name: (a.draft.runtime, a.status) for a in client.list_actions()}
    finally:
        tenant.stop()
    assert pushed == {"py": ("python3", "built"), "js": ("node22", "built")}
    assert "in sync" in cli("sync", "--dry-run").stdout


def test_an_action_the_tenant_cannot_run_is_refused_and_the_rest_applies(
        cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A tenant that runs python3 only (the bundled tenant before issue 15): a node22 action is
    refused in the plan, before any write, with why; the python3 one is pushed; exit 7 says some
    were refused. The tenant's own trigger list is read, then narrowed to python3."""
    listed = TenantClient.triggers

    def python_only(self: TenantClient) -> list:
        return [t.model_copy(update={"runtimes": ["python3"], "default_runtime": "python3"})
                for t in listed(self)]

    monkeypatch.setattr(TenantClient, "triggers", python_only)
    code = tmp_path / "a.py"
    code.write_text(CODE.format(n=1))
    cli("actions", "new", "py", "--trigger", "post-login", "--code", str(code))
    cli("actions", "new", "js", "--trigger", "post-login", "--runtime", "node22")
    dry = cli("sync", "--dry-run", code=3)
    assert "refused" in dry.stdout and "runs python3 for post-login, not node22" in dry.stdout
    done = cli("sync", "--yes", code=7)
    assert "1 action(s) refused by this tenant" in done.stderr and "applied 1 step(s)" in done.stdout
    assert cli("sync", "--dry-run", code=7).stdout.count("refused") >= 1
