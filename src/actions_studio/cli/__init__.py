"""`actions-studio`: opens the studio with no subcommand; subcommands for headless and CI use.

The studio's own command line (none, or only `--workspace FILE`) opens the window without
importing Typer and the subcommands: that cost ~0.15 s of a ~1.2 s start (issue 12 item 10).
Everything else goes to the Typer app in cli/typer_app.py, which parses both the same way.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Optional, Union

_NOT_THE_STUDIO = object()


def studio_workspace(argv: list[str]) -> Union[Optional[Path], object]:
    """The workspace to open when `argv` only opens the studio (None: the default one), else
    `_NOT_THE_STUDIO` (a subcommand, --help, --version, anything the app must parse)."""
    if not argv:
        return None
    if len(argv) == 2 and argv[0] == "--workspace" and argv[1] and not argv[1].startswith("-"):
        return Path(argv[1])
    if len(argv) == 1 and argv[0].startswith("--workspace=") and len(argv[0]) > len("--workspace="):
        return Path(argv[0].split("=", 1)[1])
    return _NOT_THE_STUDIO


def main() -> None:
    from actions_studio.runtime.confine import make_undumpable

    # It holds tenant credentials and the vault key: not readable through /proc by the same user
    # (issue 13 item 4). Covers the window, every subcommand and `tenant serve`.
    make_undumpable()
    workspace = studio_workspace(sys.argv[1:])
    if workspace is not _NOT_THE_STUDIO:
        from actions_studio.gui import main as open_studio

        sys.exit(open_studio(workspace))  # type: ignore[arg-type]
    from actions_studio.cli.typer_app import app

    app()


def __getattr__(name: str) -> Any:
    # `from actions_studio.cli import app` (the tests, scripts) still works, loaded on first use.
    if name == "app":
        from actions_studio.cli.typer_app import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
