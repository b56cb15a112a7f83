"""The command line's table of commands: each command and group is registered once."""

from __future__ import annotations

from collections import Counter

from actions_studio.cli.typer_app import app


def test_every_command_and_group_is_registered_once() -> None:
    # Registered twice, a command still shows once in --help (the later one wins), so only the
    # table says so; a second registration with other options would silently replace the first.
    names = [c.name for c in app.registered_commands] + [g.name for g in app.registered_groups]
    assert names and all(names)
    assert [name for name, count in Counter(names).items() if count > 1] == []
