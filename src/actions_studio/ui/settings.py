"""Where the studio keeps its window state: an INI file under the config folder.

The folder comes from the caller (gui.py passes `services.locations.default_config_dir()`, which
`ACTIONS_STUDIO_HOME` relocates; tests pass tmp_path), so a test never writes into the real user's
settings. Only presentation state lives here; everything about actions is in the workspace.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

SETTINGS_FILE = "studio.ini"


class StudioSettings:
    def __init__(self, config_dir: Path) -> None:
        Path(config_dir).mkdir(parents=True, exist_ok=True)
        self.path = Path(config_dir) / SETTINGS_FILE
        self._qs = QSettings(str(self.path), QSettings.Format.IniFormat)

    # -- typed accessors: QSettings returns strings from INI files, so convert on the way out --

    def bytes(self, key: str) -> QByteArray | None:
        value = self._qs.value(key)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def string(self, key: str, default: str = "") -> str:
        value = self._qs.value(key, default)
        return value if isinstance(value, str) else default

    def strings(self, key: str) -> list[str]:
        value = self._qs.value(key, [])
        if isinstance(value, str):  # QSettings gives a one-element list back as a plain string
            return [value] if value else []
        return [str(v) for v in value or []]

    def ints(self, key: str) -> list[int]:
        try:
            return [int(v) for v in self.strings(key)]
        except ValueError:
            return []

    def integer(self, key: str, default: int) -> int:
        try:
            return int(self._qs.value(key, default))
        except (TypeError, ValueError):
            return default

    def set(self, key: str, value: Any) -> None:
        if isinstance(value, (list, tuple)):
            value = [str(v) for v in value]
        self._qs.setValue(key, value)

    def sync(self) -> None:
        self._qs.sync()
