"""One execution, inside the forked child: confine the process, then run the action's handler.

Runs in a process forked from the zygote and never returns into it (every path ends in os._exit).
The order matters: everything that needs root or ctypes (cgroup, work dir, uid, prctl, seccomp)
happens before the audit hook is installed and before any action code exists in the process.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import linecache
import logging
import math
import mmap
import os
import resource
import socket
import sys
import tempfile
import time
import traceback
import types
from dataclasses import dataclass
from typing import Any, NoReturn, Optional

from . import confine
from .capture import CaptureStream, Layout, write_result
from .protocol import MAX_BODY_BYTES, recv_exact

# What an action sees as its environment: nothing of the studio's, nothing of other actions'.
ACTION_ENV_TEMPLATE = {"LANG": "C.UTF-8", "TZ": "UTC", "PATH": "/usr/bin:/bin"}


@dataclass
class ChildSetup:
    """What the zygote hands a child at fork: decided once at start-up, shared by all children."""

    zygote_pid: int
    layout: Layout
    limits: dict[str, Any]
    layers: dict[str, bool]
    seccomp_template: Optional[bytes]
    workbase: str


def child_main(conn: socket.socket, buf: mmap.mmap, setup: ChildSetup, timeout_ms: int,
               body_len: int, cgroup_slot: Optional[str]) -> NoReturn:
    try:
        body = recv_exact(conn, body_len) if body_len <= MAX_BODY_BYTES else b""
        conn.close()  # the zygote alone answers the client: action code never sees this socket
        request = json.loads(body)
        result = _confine_and_run(request, buf, setup, timeout_ms, cgroup_slot)
    except BaseException as exc:  # a bug of the sandbox itself, reported as such
        result = {"error": {"type": "SandboxError", "message": f"sandbox setup failed: {exc!r}",
                            "traceback": None, "line": None}, "calls": [], "warnings": [], "cache": None}
    try:
        result["maxrss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        data = json.dumps(result, separators=(",", ":"), ensure_ascii=False, default=repr).encode()
        if not write_result(buf, setup.layout, data):
            write_result(buf, setup.layout, json.dumps({
                "error": {"type": "ResultTooLarge", "message": "the action's calls and cache exceed "
                          "the sandbox's result size", "traceback": None, "line": None},
                "calls": [], "warnings": [], "cache": None}).encode())
    finally:
        os._exit(0)  # no interpreter teardown: nothing of the zygote's state must run here


def _confine_and_run(request: dict[str, Any], buf: mmap.mmap, setup: ChildSetup,
                     timeout_ms: int, cgroup_slot: Optional[str]) -> dict[str, Any]:
    pid = os.getpid()
    layers = setup.layers
    limits = setup.limits
    # Standard fds point nowhere: os.write(1, ...) must not reach the studio's terminal.
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.close(devnull)

    if cgroup_slot is not None:
        confine.join_cgroup(cgroup_slot)
    uid = confine.execution_uid(pid) if layers.get("separate_uid") else None
    workdir = os.path.join(setup.workbase, str(pid))
    os.mkdir(workdir, 0o700)
    if uid is not None:
        os.chown(workdir, uid, uid)
    os.chdir(workdir)
    confine.set_rlimits(limits["memory_bytes"], limits["file_size_bytes"], limits["open_files"],
                        max(1, math.ceil(timeout_ms / 1000)) + 1)
    if uid is not None:
        confine.drop_privileges(uid)
    confine.harden_process(setup.zygote_pid)
    if layers.get("seccomp") and setup.seccomp_template is not None:
        confine.load_seccomp(confine.patch_seccomp(setup.seccomp_template, pid))

    os.environ.clear()
    os.environ.update(ACTION_ENV_TEMPLATE, HOME=workdir, TMPDIR=workdir)
    tempfile.tempdir = workdir

    capture = CaptureStream(buf, setup.layout)
    sys.stdout = sys.stderr = sys.__stdout__ = sys.__stderr__ = capture  # type: ignore[misc]
    handler = logging.StreamHandler(capture)
    handler.setFormatter(logging.Formatter("%(levelname)s:%(name)s:%(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG)

    confine.install_audit_hook(pid)
    try:
        return run_action(request)
    finally:
        capture.finish()


# -------------------------------------------------------------------------------------- the action


def _error(type_: str, message: str, tb: Optional[str] = None, line: Optional[int] = None) -> dict[str, Any]:
    return {"type": type_, "message": message, "traceback": tb, "line": line}


def describe_exception(exc: BaseException, filename: str) -> dict[str, Any]:
    """Type, message, a traceback of the action's own frames only, and its innermost line."""
    if isinstance(exc, SyntaxError) and exc.filename == filename:
        text = "".join(traceback.format_exception_only(type(exc), exc))
        return _error("SyntaxError", exc.msg or str(exc), text, exc.lineno)
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == filename]
    lines = ["Traceback (most recent call last):\n", *traceback.format_list(frames)]
    lines += traceback.format_exception_only(type(exc), exc)
    return _error(type(exc).__qualname__, str(exc), "".join(lines), frames[-1].lineno if frames else None)


async def _await(awaitable: Any) -> Any:
    return await awaitable


def run_action(request: dict[str, Any]) -> dict[str, Any]:
    """Compile, build event and api, call the handler; never raises."""
    from actions_studio.triggers import ExecutionContext, get_trigger

    name: str = request["name"]
    code: str = request["code"]
    phase: str = request["phase"]
    secrets: dict[str, str] = request["secrets"]
    filename = f"<action:{name}>"
    warnings: list[str] = []
    out: dict[str, Any] = {"calls": [], "warnings": warnings, "cache": request["cache"], "error": None}
    parachute = bytearray(2 * 1024 * 1024)  # freed on MemoryError so the report can be written

    trigger = get_trigger(request["trigger"])
    handler_name = trigger.execute_handler if phase == "execute" else trigger.continue_handler
    linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
    try:
        code_obj = compile(code, filename, "exec", dont_inherit=True)
    except SyntaxError as exc:
        out["error"] = describe_exception(exc, filename)
        return out

    payload = dict(request["event"])
    payload["secrets"] = secrets  # only this action's own, whatever the fixture carried
    event = trigger.parse_event(payload)
    context = ExecutionContext(secrets=dict(secrets), cache=request["cache"], phase=phase,  # type: ignore[arg-type]
                               action_name=name)
    api = trigger.make_api(event, context)
    module = types.ModuleType("action")
    module.__file__ = filename
    sys.modules["action"] = module

    started = time.perf_counter()
    try:
        exec(code_obj, module.__dict__)
        handler = module.__dict__.get(handler_name) if handler_name else None
        if not callable(handler):
            out["error"] = _error(
                "MissingHandler",
                f"no {handler_name}(event, api) handler is defined" if handler_name
                else f"trigger {trigger.id} has no {phase} handler",
            )
        else:
            returned = handler(event, api)
            if inspect.isawaitable(returned):
                returned = asyncio.run(_await(returned))
            if returned is not None:
                warnings.append(
                    f"{handler_name} returned a {type(returned).__name__}; the return value is ignored "
                    "(record effects with api methods)"
                )
    except BaseException as exc:
        if isinstance(exc, MemoryError):
            del parachute
            module.__dict__.clear()
        out["error"] = describe_exception(exc, filename)
        del exc
    out["duration_ms"] = (time.perf_counter() - started) * 1000
    out["calls"] = list(api.calls)
    warnings.extend(api.warnings)
    out["cache"] = context.cache
    return out
