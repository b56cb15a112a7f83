"""Tenant profiles keep the client secret in the vault only."""

from __future__ import annotations

from pathlib import Path

import pytest

from actions_studio.services import tenants
from actions_studio.services.errors import ConflictError, InvalidInputError, NotFoundError
from actions_studio.services.workspace import Workspace

SECRET = "tenant-secret-canary-81d0"


def test_a_tenant_profile_keeps_its_secret_out_of_the_workspace(ws: Workspace, tmp_path: Path) -> None:
    record = tenants.add_profile(ws, "local", "http://127.0.0.1:8765/", "studio", SECRET)
    assert record.base_url == "http://127.0.0.1:8765"
    assert tenants.client_secret(ws, tenants.get_profile(ws, "local")) == SECRET
    for path in tmp_path.rglob("w.sqlite*"):
        assert SECRET.encode() not in path.read_bytes(), path
    with pytest.raises(ConflictError):
        tenants.add_profile(ws, "local", "http://x", "c", "s")
    with pytest.raises(InvalidInputError, match="base URL"):
        tenants.add_profile(ws, "bad", "ftp://x", "c", "s")
    with pytest.raises(NotFoundError):
        tenants.get_profile(ws, "prod")
