"""The studio's own command line opens the window without Typer and the subcommands (issue 12
item 10: they cost ~0.15 s of the start); everything else still goes to the Typer app."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from actions_studio.cli import _NOT_THE_STUDIO, studio_workspace

PROBE = """
import sys
import actions_studio.gui as gui
gui.main = lambda workspace: print("studio", workspace) or 0
sys.argv = ["actions-studio", *sys.argv[1:]]
from actions_studio.cli import main
try:
    main()
except SystemExit as exc:
    print("exit", exc.code)
print("typer loaded" if "typer" in sys.modules else "typer not loaded")
"""


@pytest.mark.parametrize(("argv", "expected"), [
    ([], None),
    (["--workspace", "/w/x.sqlite"], Path("/w/x.sqlite")),
    (["--workspace=/w/x.sqlite"], Path("/w/x.sqlite")),
    (["--workspace"], _NOT_THE_STUDIO),
    (["--workspace", "--help"], _NOT_THE_STUDIO),
    (["--version"], _NOT_THE_STUDIO),
    (["flows", "show", "post-login"], _NOT_THE_STUDIO),
    (["--workspace", "w.sqlite", "test"], _NOT_THE_STUDIO),
])
def test_only_the_studios_own_command_line_skips_the_cli(argv: list[str], expected) -> None:
    assert studio_workspace(argv) == expected


def test_opening_the_studio_never_loads_typer() -> None:
    out = subprocess.run([sys.executable, "-c", PROBE, "--workspace", "/w/x.sqlite"],
                         capture_output=True, text=True, timeout=60, check=True).stdout.splitlines()
    assert out == ["studio /w/x.sqlite", "exit 0", "typer not loaded"]


def test_a_subcommand_still_goes_through_typer() -> None:
    out = subprocess.run([sys.executable, "-c", PROBE, "--version"],
                         capture_output=True, text=True, timeout=60, check=True).stdout.splitlines()
    assert out[0].startswith("actions-studio ") and out[-1] == "typer loaded"
