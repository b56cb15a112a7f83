"""What the studio window shows first, read through the standard library's sqlite3 (issue 12 item 10).

Opening a workspace through `Database` loads SQLAlchemy and SQLModel, ~0.3 s: three times an
empty window's whole start. The window's first frame needs only the actions (the explorer) and
the drafts of the tabs it restores, so the studio reads those here, read-only, and opens the
workspace properly right after the window is shown.

This is a reader of the same tables the repository writes, never a second writer: it answers
only for a workspace at the newest schema that opens cleanly; anything else (an older schema to
migrate, a newer one, an empty or damaged file, a busy lock) is None, and the studio then opens
the workspace the ordinary way, whose refusals say what is wrong. The records it returns are the
repository's own frozen records, built the same way (tests compare the two).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from actions_studio.store.migrations import LATEST
from actions_studio.store.records import ActionRecord, DraftRecord

ACTION_COLUMNS = ("a.id, a.name, a.trigger_id, a.trigger_version, a.runtime, a.last_number, "
                  "a.deployed_number, a.created_at, a.updated_at")
DRAFT_COLUMNS = "d.code, d.dependencies, d.secret_names, d.runtime, d.updated_at"
VERSION_COLUMNS = "v.code, v.dependencies, v.secret_names, v.runtime"


@dataclass(frozen=True)
class StartView:
    actions: tuple[ActionRecord, ...]  # by name, as repository.list_actions orders them
    drafts: dict[str, DraftRecord]  # action id -> its draft
    # action id -> its draft differs from its deployed version (or none is deployed), as
    # services.actions reports it in ActionDetail.draft_differs
    draft_differs: dict[str, bool]


def read_start_view(path: Path) -> Optional[StartView]:
    """The actions and their drafts of the workspace at `path`; None when the file is not a
    workspace this studio can read as it is (the ordinary open then says why)."""
    path = Path(path)
    try:
        if not path.is_file() or path.stat().st_size == 0:
            return None
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=0.2)
    except (OSError, sqlite3.Error):
        return None
    try:
        row = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()
        if row is None or row[0] != LATEST:
            return None
        rows = conn.execute(
            f"SELECT {ACTION_COLUMNS}, {DRAFT_COLUMNS}, {VERSION_COLUMNS} FROM action a"
            " JOIN draft d ON d.action_id = a.id"
            " LEFT JOIN version v ON v.action_id = a.id AND v.number = a.deployed_number"
            " ORDER BY a.name").fetchall()
        if conn.execute("SELECT COUNT(*) FROM action").fetchone()[0] != len(rows):
            return None  # an action without its draft: not what the repository writes
        actions, drafts, differs = [], {}, {}
        for r in rows:
            action = ActionRecord(*r[:9])
            code, dependencies, secret_names, runtime, updated_at = r[9:14]
            draft = DraftRecord(action.id, code, tuple(json.loads(dependencies)),
                                tuple(json.loads(secret_names)), runtime, updated_at)
            v_code, v_dependencies, v_secret_names, v_runtime = r[14:18]
            same = v_code is not None and (
                draft.code == v_code and draft.dependencies == tuple(json.loads(v_dependencies))
                and draft.secret_names == tuple(json.loads(v_secret_names)) and draft.runtime == v_runtime)
            actions.append(action)
            drafts[action.id] = draft
            differs[action.id] = not same
        return StartView(tuple(actions), drafts, differs)
    except (sqlite3.Error, ValueError, TypeError):
        return None
    finally:
        conn.close()
