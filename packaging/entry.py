"""Entry point of the frozen bundle: the `actions-studio` command, plus the sandbox's zygote.

In a PyInstaller bundle `sys.executable` is this program, not a Python interpreter, yet two parts
of the studio start `sys.executable -m MODULE`:

- the sandbox (runtime/client.py) starts its zygote as ``[sys.executable, "-P", "-s", "-B", "-m",
  "actions_studio.runtime.python.zygote", "--socket", ..., "--config", ...]``;
- action dependencies (deps/pip_runner.py) are resolved and installed with
  ``[sys.executable, "-m", "pip", "--isolated", ...]``, so wheels match the interpreter that
  imports them, which in a bundle is the bundle's own.

Here those command lines are recognised and the module's main() runs, as `python -m` would run
it. Nothing else of Python's own command line is accepted (no other module, no `-c`), so the
bundle is not a general-purpose interpreter.
"""

from __future__ import annotations

import importlib
import sys

# Interpreter flags the sandbox passes; they have no effect in a frozen bundle (no user site, no
# bytecode written, no script directory on sys.path), so they are only skipped.
_INTERPRETER_FLAGS = frozenset({"-P", "-s", "-B", "-E", "-I", "-u"})
# `-m NAME` → the module whose main(argv) runs it (what NAME's `__main__` calls).
_RUNNABLE_MODULES = {
    "actions_studio.runtime.python.zygote": "actions_studio.runtime.python.zygote",
    # `tenant serve --workers N` starts each worker so (tenant/workers.py).
    "actions_studio.tenant.workers": "actions_studio.tenant.workers",
    "pip": "pip._internal.cli.main",
}


def module_to_run(argv: list[str]) -> tuple[str, list[str]] | None:
    """``(module, its arguments)`` when argv is ``[flags...] -m MODULE args...`` for a runnable
    runtime module; None for every other command line (the CLI handles those)."""
    rest = list(argv)
    while rest and rest[0] in _INTERPRETER_FLAGS:
        rest.pop(0)
    if len(rest) >= 2 and rest[0] == "-m" and rest[1] in _RUNNABLE_MODULES:
        return rest[1], rest[2:]
    return None


def main() -> None:
    target = module_to_run(sys.argv[1:])
    if target is not None:
        module, args = target
        sys.argv = [module, *args]
        sys.exit(importlib.import_module(_RUNNABLE_MODULES[module]).main(args))
    from actions_studio.cli import main as cli_main

    cli_main()


if __name__ == "__main__":
    main()
