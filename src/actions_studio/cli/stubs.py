"""`actions-studio stubs [--lang ts] [--out DIR]`: the trigger type stubs for editors other than the studio."""

from __future__ import annotations

from pathlib import Path

import typer

from actions_studio.cli.common import fail


def register(app: typer.Typer) -> None:
    @app.command("stubs")
    def stubs_command(
        out: Path = typer.Option(Path("typings"), "--out", "-o", help="Folder to write the stub package into."),
        lang: str = typer.Option("py", "--lang", help="py: .pyi stubs; ts: .d.ts declarations (actions-types)."),
    ) -> None:
        """Write the .pyi stubs (or with --lang ts the .d.ts declarations) of every trigger's event and api."""
        from actions_studio.triggers.stubs import write_stubs
        from actions_studio.triggers.ts_stubs import TS_HINT, write_ts_stubs

        if lang not in ("py", "ts"):
            typer.echo(f"error: --lang must be py or ts, not {lang!r}", err=True)
            raise typer.Exit(2)
        write = write_ts_stubs if lang == "ts" else write_stubs  # the same contract for JavaScript

        try:
            written = write(out)
        except OSError as exc:
            fail(f"cannot write stubs to {out}: {exc.strerror or exc}")
        for path in written:
            typer.echo(str(path))
        typer.echo(
            f"wrote {len(written)} stub files; add {out} to your editor's extra paths and annotate the "
            "handler, e.g. `from actions_types.post_login import PostLoginEvent, PostLoginApi`."
            if lang == "py" else f"wrote {len(written)} stub files; {TS_HINT.format(out=out)}"
        )
