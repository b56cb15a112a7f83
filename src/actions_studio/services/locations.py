"""Where the default workspace and the vault live.

`ACTIONS_STUDIO_HOME` moves both under one folder (tests and CI point it at a temp dir so nothing
touches the real user folders): `$ACTIONS_STUDIO_HOME/workspace.sqlite` and
`$ACTIONS_STUDIO_HOME/config/`. Without it, platformdirs' user data and config dirs.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

HOME_ENV = "ACTIONS_STUDIO_HOME"
APP_NAME = "actions-studio"
WORKSPACE_FILE = "workspace.sqlite"


def default_workspace_path() -> Path:
    home = os.environ.get(HOME_ENV)
    if home:
        return Path(home) / WORKSPACE_FILE
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / WORKSPACE_FILE


def default_config_dir() -> Path:
    home = os.environ.get(HOME_ENV)
    if home:
        return Path(home) / "config"
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))
