"""What every command of `actions-studio` shares: the one error path and the workspace.

An error is one line on stderr, `error: <what is wrong>`, and an exit code (2 unless the command
documents another); never a traceback (issue 3). `fail` prints it; `guarded` turns what a command
raises into it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn, Optional, TypeVar

import typer

EXIT_ERROR = 2
F = TypeVar("F", bound=Callable[..., Any])


def fail(message: str, code: int = EXIT_ERROR) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def guarded(func: F) -> F:
    """Turns every failure into one line on stderr and exit 2 (issue 3: never a traceback)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from actions_studio.services.errors import ServiceError
        from actions_studio.store.errors import StoreError

        try:
            return func(*args, **kwargs)
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except (ServiceError, StoreError) as exc:
            fail(one_line(exc))
        except OSError as exc:
            fail(f"{exc.filename + ': ' if exc.filename else ''}{exc.strerror or exc}")
        except Exception as exc:  # a bug: still one line, with the type to report it by
            fail(f"unexpected {type(exc).__name__}: {one_line(exc)}")

    return wrapper  # type: ignore[return-value]


def workspace_path(ctx: typer.Context) -> Optional[Path]:
    """The file the root `--workspace` option chose; None: the user's default workspace."""
    obj = ctx.obj if isinstance(ctx.obj, dict) else {}
    return obj.get("workspace")


@contextmanager
def open_workspace(ctx: typer.Context) -> Iterator[Any]:
    """The workspace the root `--workspace` option chose (default: the user's). What opening it
    noticed (a loosened vault key, a failed backup) is said on stderr, never fatal."""
    from actions_studio.services.workspace import Workspace

    with Workspace.open(workspace_path(ctx)) as ws:
        for notice in ws.notices:
            typer.echo(f"warning: {notice}", err=True)
        yield ws
