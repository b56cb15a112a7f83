"""The Local tenant keeps its store in its own folder, whatever the shell around the studio says."""

from __future__ import annotations

from actions_studio.sync.local_tenant import LocalTenant
from actions_studio.tenant.serve_options import DATABASE_URL_ENV


def test_a_team_servers_database_url_in_the_environment_does_not_move_the_local_tenant(tmp_path, monkeypatch) -> None:
    # A developer who runs a team server from the same shell has its URL exported; the embedded
    # tenant must not serve (or migrate) that database. Here it names a server that is not there,
    # so a Local tenant that took it would not start at all.
    monkeypatch.setenv(DATABASE_URL_ENV, f"postgresql+psycopg://team:SECRET@/tenant?host={tmp_path}&port=5999")
    tenant = LocalTenant(tmp_path / "tenant-data")
    try:
        connection = tenant.start()
        assert tenant.running and connection.base_url.startswith("http://127.0.0.1:")
        assert (tmp_path / "tenant-data" / "tenant.sqlite").exists()
    finally:
        tenant.stop()
