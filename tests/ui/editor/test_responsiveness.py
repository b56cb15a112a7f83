"""The process-wide settings that keep typing fast while jedi works (see responsiveness.py)."""

from __future__ import annotations

import gc
import sys

from actions_studio.ui.editor import responsiveness


def test_an_editor_shortens_gil_hand_offs_and_freezes_the_warm_caches(make_editor, drive, monkeypatch) -> None:
    freezes: list[int] = []
    monkeypatch.setattr(responsiveness.gc, "freeze", lambda: freezes.append(gc.get_freeze_count()))
    monkeypatch.setattr(responsiveness, "_frozen_for", type(responsiveness._frozen_for)())
    original = sys.getswitchinterval()
    try:
        sys.setswitchinterval(0.005)
        first = make_editor("x = 1\n", trigger_id=None)
        make_editor("y = 2\n", trigger_id=None)
        drive(first).flush()
        assert sys.getswitchinterval() <= responsiveness.SWITCH_INTERVAL_S
        assert len(freezes) == 1, "once per worker, after what it had queued (its warm-up)"
    finally:
        sys.setswitchinterval(original)
