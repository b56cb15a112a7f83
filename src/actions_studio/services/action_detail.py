"""`ActionDetail`, in a module of its own so the studio's start can build one from the start view
(store/start_view.py) without loading the repository and SQLAlchemy (issue 12 item 10)."""

from __future__ import annotations

from dataclasses import dataclass

from actions_studio.store.records import ActionRecord, DraftRecord


@dataclass(frozen=True)
class ActionDetail:
    action: ActionRecord
    draft: DraftRecord
    # True when the draft is not what is deployed (or nothing is deployed yet).
    draft_differs: bool
