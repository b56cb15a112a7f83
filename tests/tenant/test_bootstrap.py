"""First start and later starts of a tenant (issue 6, section 1)."""

from __future__ import annotations

import json

import httpx
import jwt
import pytest

from actions_studio.tenant.app import open_context
from actions_studio.tenant.config import TenantConfig

from .conftest import start_tenant


def test_first_start_creates_the_demo_tenant(tenant) -> None:
    c = tenant.creds
    with httpx.Client(base_url=tenant.base_url) as http:
        config = http.get("/.well-known/openid-configuration").json()
        assert config["issuer"] == f"{tenant.base_url}/"
        assert config["jwks_uri"] == f"{tenant.base_url}/.well-known/jwks.json"
        [key] = http.get(config["jwks_uri"]).json()["keys"]
        assert key["kty"] == "RSA" and key["alg"] == "RS256"
    token = tenant.app_tokens().login(c["demo_user"]["email"], c["demo_user"]["password"],
                                      realm=c["connection"], audience=c["api"]["identifier"],
                                      scope="openid read:demo write:demo")
    header = jwt.get_unverified_header(token["access_token"])
    assert header["alg"] == "RS256" and header["kid"] == key["kid"]
    cc = tenant.app_tokens().client_credentials(c["api"]["identifier"])
    assert set(cc["scope"].split()) == {"read:demo", "write:demo"}
    scopes = set(jwt.decode(tenant.management_token(), options={"verify_signature": False})["scope"].split())
    assert {"read:actions", "create:actions", "update:actions", "delete:actions", "read:users",
            "read:logs"} <= scopes


def test_a_restart_keeps_clients_and_key_and_refreshes_the_urls(tmp_path, sandbox, store) -> None:
    url = store.url()
    first = start_tenant(tmp_path / "data", sandbox, database_url=url)
    kid = jwt.get_unverified_header(first.management_token())["kid"]
    creds = first.creds
    first.stop()
    second = start_tenant(tmp_path / "data", sandbox, database_url=url)
    try:
        assert second.base_url != first.base_url
        assert second.creds["base_url"] == second.base_url
        assert second.creds["management"]["audience"] == f"{second.base_url}/api/v2/"
        assert second.creds["application"] == creds["application"]
        assert second.creds["demo_user"] == creds["demo_user"]
        assert jwt.get_unverified_header(second.management_token())["kid"] == kid
        assert second.sdk().actions.triggers.list().triggers
    finally:
        second.stop()


def test_a_lost_credentials_file_is_one_clear_error(tmp_path, sandbox, store) -> None:
    url = store.url()
    running = start_tenant(tmp_path / "data", sandbox, database_url=url)
    running.stop()
    (tmp_path / "data" / "credentials.json").unlink()
    with pytest.raises(RuntimeError, match="credentials.json is missing"):
        open_context(TenantConfig(data_dir=tmp_path / "data", database_url=url), sandbox=sandbox)


def test_credentials_json_is_valid_json_with_secrets_only_there(tenant, store) -> None:
    creds = json.loads((tenant.data_dir / "credentials.json").read_text())
    if tenant.database_url is None:
        held = (tenant.data_dir / "tenant.sqlite").read_bytes()
    else:   # every row of every table, as text
        import sqlalchemy as sa

        db = store.database(tenant.database_url, tenant.data_dir)
        try:
            with db.read() as conn:
                names = sa.inspect(conn).get_table_names()
                held = repr([conn.execute(sa.text(f'SELECT * FROM "{n}"')).all() for n in names]).encode()
        finally:
            db.close()
        assert b"auth0|" in held        # the dump holds the users: the test can fail
    assert creds["management"]["client_secret"].encode() not in held
    assert creds["demo_user"]["password"].encode() not in held


def test_an_app_on_a_folder_a_running_tenant_serves_is_refused(tenant, sandbox, store) -> None:
    from actions_studio.tenant.folder_lock import DataFolderBusy

    before = (tenant.data_dir / "credentials.json").read_bytes()
    with pytest.raises(DataFolderBusy, match=f"already served by the tenant at {tenant.base_url}"):
        open_context(TenantConfig(data_dir=tenant.data_dir, base_url="http://127.0.0.1:1",
                                  database_url=tenant.database_url), sandbox=sandbox)
    assert (tenant.data_dir / "credentials.json").read_bytes() == before


def test_a_store_from_before_callbacks_gets_the_demo_callbacks_and_client_scopes(tmp_path, sandbox,
                                                                                 store) -> None:
    import sqlalchemy as sa

    from actions_studio.tenant.bootstrap import DEMO_CALLBACKS, MANAGEMENT_AUDIENCE_KEY
    from actions_studio.tenant.store import schema

    url = store.url()
    first = start_tenant(tmp_path / "data", sandbox, database_url=url)
    creds = first.creds
    first.stop()
    db = store.database(url, tmp_path / "data")      # what an earlier version left behind
    with db.write() as conn:
        conn.execute(sa.update(schema.client).values(callbacks=[]))
        conn.execute(sa.delete(schema.setting).where(schema.setting.c.key == "demo_callbacks_seeded"))
        grant = schema.client_grant
        conn.execute(sa.update(grant).where(grant.c.audience == MANAGEMENT_AUDIENCE_KEY)
                     .values(scope=["read:actions", "create:actions"]))
    db.close()
    second = start_tenant(tmp_path / "data", sandbox, database_url=url)
    try:
        assert second.creds["application"]["callbacks"] == DEMO_CALLBACKS
        mgmt = second.sdk()
        demo = mgmt.clients.get(creds["application"]["client_id"])
        assert demo.callbacks == DEMO_CALLBACKS
        # Emptied on purpose later: a restart does not seed them again.
        mgmt.clients.update(demo.client_id, callbacks=[])
    finally:
        second.stop()
    third = start_tenant(tmp_path / "data", sandbox, database_url=url)
    try:
        assert third.creds["application"]["callbacks"] == []
    finally:
        third.stop()
