"""`actions-studio stubs --out DIR`: the trigger type stubs for editors other than the studio."""

from __future__ import annotations

from pathlib import Path

import typer

from actions_studio.cli.common import fail


def register(app: typer.Typer) -> None:
    @app.command("stubs")
    def stubs_command(
        out: Path = typer.Option(..., "--out", "-o", help="Folder to write the .pyi stub package into."),
    ) -> None:
        """Write the .pyi stubs of every trigger's event and api (for any editor or type checker)."""
        from actions_studio.triggers.stubs import write_stubs

        try:
            written = write_stubs(out)
        except OSError as exc:
            fail(f"cannot write stubs to {out}: {exc.strerror or exc}")
        for path in written:
            typer.echo(str(path))
        typer.echo(
            f"wrote {len(written)} stub files; add {out} to your editor's extra paths and annotate the "
            "handler, e.g. `from actions_types.post_login import PostLoginEvent, PostLoginApi`."
        )
