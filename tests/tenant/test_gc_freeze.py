"""A server process freezes its start-up objects out of the cyclic GC (app.freeze_startup_objects);
an app made in any other process (the suite's own) does not. Each case in a fresh interpreter: a
freeze is for the rest of a process's life."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = """
import gc, json, sys
from pathlib import Path
from starlette.testclient import TestClient
from actions_studio.tenant.app import create_app
from actions_studio.tenant.config import TenantConfig

config = TenantConfig(data_dir=Path(sys.argv[1]), base_url="http://127.0.0.1:9", warm_sandbox=False)
before = gc.get_freeze_count()
with TestClient(create_app(config, freeze_after_start=sys.argv[2] == "1")) as client:
    status = client.get("/.well-known/jwks.json").status_code
    print(json.dumps({"before": before, "frozen": gc.get_freeze_count(), "status": status}))
"""


@pytest.mark.parametrize("freeze", [True, False])
def test_only_a_server_process_freezes_what_is_alive_after_start_up(tmp_path: Path, freeze: bool) -> None:
    out = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / "data"), "1" if freeze else "0"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-3000:]
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen["status"] == 200 and seen["before"] == 0          # it still serves
    if freeze:
        assert seen["frozen"] > 50_000, seen                    # modules, routes, schemas, the store
    else:
        assert seen["frozen"] == 0, seen

