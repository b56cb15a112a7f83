"""Writes workspace_v1.sqlite: a workspace as schema version 1 left it, with a little of everything.

Run once when the fixture is (re)made; the committed .sqlite file is what the migration test
opens, so later changes to migrations.py cannot quietly change the fixture too. Only the frozen
step 1 and raw SQL are used here.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

from actions_studio.store import migrations

OUT = Path(__file__).with_name("workspace_v1.sqlite")
ACTION = "7f1c2a52-93d1-4a34-9d0e-1c0f7f6b1a01"
CODE = "def on_execute_post_login(event, api):\n    api.access_token.set_custom_claim('https://x/v', {n})\n"


def main() -> None:
    OUT.unlink(missing_ok=True)
    conn = sqlite3.connect(OUT, isolation_level=None)
    conn.execute("BEGIN")
    migrations.apply(conn.execute, 0, upto=1)
    at = "2026-11-01T10:00:00.000000+00:00"
    conn.execute("INSERT INTO workspace_info VALUES (?, ?)", ("0d8b8b0c-1a51-4b0e-8e55-0a4b7e9f1c11", at))
    conn.execute("INSERT INTO action VALUES (?,?,?,?,?,?,?,?,?)",
                 (ACTION, "add-version-claim", "post-login", "v3", "python3", 2, 2, at, at))
    conn.execute("INSERT INTO draft VALUES (?,?,?,?,?,?)",
                 (ACTION, CODE.format(n=3), "[]", '["API_KEY"]', "python3", at))
    for n in (1, 2):
        conn.execute("INSERT INTO version VALUES (?,?,?,?,?,?,?,?,?)",
                     (f"7f1c2a52-0000-4000-8000-00000000000{n}", ACTION, n, CODE.format(n=n), "[]",
                      '["API_KEY"]', "python3", f"v{n}", at))
    conn.execute("INSERT INTO flow_binding VALUES ('post-login', 0, ?)", (ACTION,))
    event = {"user": {"user_id": "auth0|1"}}
    conn.execute("INSERT INTO fixture VALUES (?,?,?,?,?,?,?,?,?)",
                 ("3c9b3b7e-5c4f-4f5c-9a39-7d0d0f0e0a21", "logs-in", "post-login", None,
                  json.dumps(event), "[]", json.dumps({"status": "success"}), at, at))
    conn.execute("INSERT INTO tenant_profile VALUES (?,?,?,?,?)",
                 ("5a1e0c3d-2b4f-4e6a-8c7d-9e0f1a2b3c4d", "local", "http://127.0.0.1:8765",
                  "studio-client", at))
    conn.execute("COMMIT")
    conn.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside it
    conn.close()
    print(f"wrote {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
