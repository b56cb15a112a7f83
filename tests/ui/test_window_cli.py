"""`actions-studio` with no subcommand opens the studio (end to end, in a fresh process)."""

from __future__ import annotations

import os
import subprocess
import sys

from actions_studio.gui import EXIT_WHEN_IDLE_ENV


def test_actions_studio_opens_the_window_on_a_new_workspace_with_examples(tmp_path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "ACTIONS_STUDIO_HOME": str(tmp_path),
           EXIT_WHEN_IDLE_ENV: "1"}
    done = subprocess.run([sys.executable, "-m", "actions_studio"], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    # "idle" once the window is shown and idle, "settled" once the workspace is open behind it
    assert done.stdout.split() == ["idle", "settled"]
    assert (tmp_path / "config" / "studio.ini").is_file()  # settings went to the relocated home

    listed = subprocess.run([sys.executable, "-m", "actions_studio", "actions", "list", "--json"], env=env,
                            capture_output=True, text=True, timeout=120)
    assert listed.returncode == 0, listed.stderr
    for name in ("add-roles-to-tokens", "block-throwaway-emails", "send-mfa-sms"):
        assert name in listed.stdout
    tested = subprocess.run([sys.executable, "-m", "actions_studio", "test"], env=env,
                            capture_output=True, text=True, timeout=120)
    assert tested.returncode == 0, tested.stdout + tested.stderr  # every example fixture passes

    # The second start paints the window from the workspace's start view, then opens it.
    again = subprocess.run([sys.executable, "-m", "actions_studio"], env=env, capture_output=True,
                           text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    assert again.stdout.split() == ["idle", "settled"]
