"""Runs pip as a subprocess: cancellable, line-by-line progress, no hanging on a dead network.

pip is run as `python -m pip` of the interpreter the sandbox uses (the zygote is started with
`sys.executable`), so wheels are chosen for the interpreter that will import them.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from dataclasses import dataclass
from typing import IO, Callable, Optional

from .errors import BuildCancelledError

Progress = Callable[[str], None]


class CancelToken:
    """Shared by a builder and whoever may cancel it (a dialog's Cancel button, a closing window).
    `cancel()` terminates the pip process in flight; the builder then raises BuildCancelledError."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._proc: Optional[subprocess.Popen] = None

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def cancel(self) -> None:
        self._event.set()
        with self._lock:
            proc = self._proc
        if proc is not None and proc.poll() is None:
            proc.terminate()

    def check(self) -> None:
        if self.cancelled:
            raise BuildCancelledError("the dependency build was cancelled")

    def _attach(self, proc: Optional[subprocess.Popen]) -> None:
        with self._lock:
            self._proc = proc
        if proc is not None and self.cancelled:
            proc.terminate()


@dataclass(frozen=True)
class PipRun:
    returncode: int
    output: str  # stdout and stderr, interleaved as pip wrote them


def _pip_env() -> dict[str, str]:
    # --isolated already ignores PIP_* variables and config files; drop them anyway so nothing of
    # the user's pip setup leaks into a build, and keep pip quiet about its own version.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env["PYTHONNOUSERSITE"] = "1"
    return env


def run_pip(args: list[str], *, timeout_s: float, cancel: Optional[CancelToken] = None,
            progress: Optional[Progress] = None, python: Optional[str] = None) -> PipRun:
    """`python -m pip --isolated <args>`; `--timeout` and `--retries 0` make a dead index fail at
    once instead of pip's default five retries with back-off (issue 8 §3: no hanging)."""
    cancel = cancel or CancelToken()
    cancel.check()
    command = [python or sys.executable, "-m", "pip", "--isolated", "--no-input",
               "--disable-pip-version-check", "--timeout", f"{timeout_s:g}", "--retries", "0", *args]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            env=_pip_env(), text=True, encoding="utf-8", errors="replace", bufsize=1)
    assert proc.stdout is not None
    code, log = watch_process(proc, proc.stdout, cancel=cancel, progress=progress, timeout_s=timeout_s)
    return PipRun(code, log)


def watch_process(proc: subprocess.Popen[str], log: IO[str], *, cancel: CancelToken,
                  progress: Optional[Progress], timeout_s: float) -> tuple[int, str]:
    """Follows an installer's log stream to its end, each line as progress; (exit code, the log).

    `cancel` kills the process at once; the whole run is bounded as well (the tools' own timeouts
    are per socket operation, not per run), and the process is never left running. Raises
    BuildCancelledError when cancelled. Shared by pip (stdout) and npm (stderr)."""
    cancel._attach(proc)
    lines: list[str] = []
    try:
        for line in log:
            lines.append(line)
            if progress is not None and line.strip():
                progress(line.rstrip())
        code = proc.wait(timeout=max(60.0, timeout_s * 30))
    except subprocess.TimeoutExpired:
        proc.kill()
        code = proc.wait()
    finally:
        cancel._attach(None)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        log.close()
    cancel.check()
    return code, "".join(lines)
