"""One execution, inside the forked child: confine the process, then run the action's handler —
or, for a flow execution, every action of the flow one after the other (`run_flow`).

Runs in a process forked from the zygote and never returns into it (every path ends in os._exit).
The order matters: everything that needs root or ctypes (cgroup, work dir, uid, prctl, seccomp,
the Landlock ruleset) happens before the audit hook is installed and before any action code exists
in the process; the ruleset is applied once the request has named the action's dependencies (a
call of an already-loaded libc function, which the audit hook does not refuse).
"""

from __future__ import annotations

import asyncio
import gc
import inspect
import json
import linecache
import logging
import math
import mmap
import os
import resource
import select
import socket
import struct
import sys
import tempfile
import time
import traceback
import types
from dataclasses import dataclass, field
from typing import Any, NoReturn, Optional

from .. import confine, landlock
from ..capture import REC_BEGIN, REC_END, REC_NOT_STARTED, CaptureStream, FlowRecorder, Layout, write_result
from ..checked_event import CheckedEvent
from ..protocol import FRESH, MAX_BODY_BYTES, REQUEST, RawRun, error_info, error_result, recv_exact

# What an action sees as its environment: nothing of the studio's, nothing of other actions'.
ACTION_ENV_TEMPLATE = {"LANG": "C.UTF-8", "TZ": "UTC", "PATH": "/usr/bin:/bin"}
# print, sys.stdout/stderr and logging of every action go here (attached to the child's buffer).
CONSOLE = CaptureStream()


def prepare_zygote() -> None:
    """Once, in the zygote: the state every child shares, so no child builds it."""
    os.environ.clear()
    os.environ.update(ACTION_ENV_TEMPLATE)
    handler = logging.StreamHandler(CONSOLE)
    handler.setFormatter(logging.Formatter("%(levelname)s:%(name)s:%(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG)


@dataclass
class ChildSetup:
    """What the zygote hands a child at fork: decided once at start-up, shared by all children."""

    zygote_pid: int
    layout: Layout
    limits: dict[str, Any]
    layers: dict[str, bool]
    seccomp_template: Optional[bytes]
    workbase: str
    landlock_rules: list[tuple[str, int]] = field(default_factory=list)  # landlock.rules_for, resolved once
    landlock_abi: int = 0


def spare_main(ctrl: socket.socket, notify_fd: int, buf: mmap.mmap, setup: ChildSetup,
               cgroup_slot: Optional[str]) -> NoReturn:
    """A pre-forked child: confine and warm up first, then wait for a request.

    Everything that does not depend on the request (cgroup, work dir, uid, prctl, the Landlock
    ruleset, seccomp, audit hook, capture, and the copy-on-write page faults of a first execution)
    happens here, before the request exists, so none of it is on the caller's critical path.

    A fresh request (warm key all zeros) is this child's only one. A warm flow request binds the
    child to its key for life (the zygote hands it only requests of that key): after the reply it
    cleans up, says so (``b"I"`` on the notify pipe: the zygote then stops it with SIGSTOP until the
    next request of its key) and waits on its control socket again, keeping each action's module.
    """
    setup_error: Optional[BaseException] = None
    try:
        _confine(buf, setup, cgroup_slot)
        _warm_up(buf, setup.layout, ctrl)
    except BaseException as exc:  # fail closed: the request gets a SandboxError, the action never runs
        setup_error = exc
    kept: dict[int, _Kept] = {}  # a warm child's modules, by action index: top-level code ran once
    try:
        while _serve_one(ctrl, notify_fd, buf, setup, setup_error, kept):
            # The request went with _serve_one's frame, each action's event and api with the
            # gc.collect after it (InProcess): nothing of this execution stays reachable from the
            # runtime's own objects (what an action put in its module is its own).
            os.write(notify_fd, b"I")
    finally:
        os._exit(0)  # no interpreter teardown: nothing of the zygote's state must run here


@dataclass
class _Kept:
    """An action's module in a warm child, after its top-level code ran without error."""

    code: str
    module: types.ModuleType


def _serve_one(ctrl: socket.socket, notify_fd: int, buf: mmap.mmap, setup: ChildSetup,
               setup_error: Optional[BaseException], kept: dict[int, _Kept]) -> bool:
    """Read one request, run it, leave the result in the buffer and notify the zygote. True when
    the child stays warm for the next request of its key; False: it exits (fresh, a single action,
    a failure of the sandbox, an error at an action's top level, a MemoryError)."""
    result: Optional[dict[str, Any]] = None
    flow: Optional[InProcess] = None
    warm = False
    try:
        msg, ancdata, _, _ = ctrl.recvmsg(REQUEST.size, socket.CMSG_SPACE(4))
        if not msg:
            os._exit(0)  # the zygote retired this child
        _, timeout_ms, body_len, key = REQUEST.unpack(msg)
        conn_fd = struct.unpack("i", ancdata[0][2][:4])[0]
        warm = key != FRESH
        if not warm:
            ctrl.close()
        conn = socket.socket(fileno=conn_fd)
        conn.settimeout(10.0)
        body = recv_exact(conn, body_len) if body_len <= MAX_BODY_BYTES else b""
        # The zygote alone answers the client. A fresh child closes this before any action code
        # exists; a warm one holds its key's code already (architecture.md says what follows).
        conn.close()
        request = json.loads(body)
        del body
        if isinstance(request, dict) and "actions" in request:
            flow = InProcess(FlowRecorder(buf, setup.layout), str(request.get("trigger")),
                             kept=kept if warm else None, start=int(request.get("start") or 0))
        else:
            warm = False  # a single action (run_action) always gets a child of its own
        if setup_error is not None:
            raise setup_error
        if _RULES:  # the last Landlock rules (the request's dependency environments), then restrict
            rules = _RULES.pop()
            for action in request.get("actions") or [request]:
                rules.allow_all(action.get("sys_path") or (), landlock.READ)
            rules.restrict()
        _cpu_backstop(timeout_ms, warm)
        if flow is not None:
            run_flow(request, flow, timeout_ms, setup)
        else:
            result = run_action(request)
    except BaseException as exc:  # a failure of the sandbox itself, reported as such
        result = error_result("SandboxError", f"sandbox setup failed: {exc!r}")
        warm = False
    CONSOLE.finish()
    if flow is not None:
        if result is not None:  # before or between actions: it goes on the action it stopped
            flow.fail(result)
        flow.recorder.done()
    else:
        assert result is not None
        result["maxrss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        data = encode_result(result)
        if not write_result(buf, setup.layout, data):
            write_result(buf, setup.layout, json.dumps(_TOO_LARGE).encode())
    os.write(notify_fd, b"R")  # the zygote answers now, without waiting for this process
    return warm and flow is not None and not flow.retire and bool(_PARACHUTE)


def _cpu_backstop(timeout_ms: int, warm: bool) -> None:
    """RLIMIT_CPU under the zygote's SIGKILL at the deadline: the budget plus a second. The limit
    counts the process's whole life, so a warm child gets what it used so far plus the budget as
    its soft limit (SIGXCPU), the hard one left where it was (a process cannot raise it again)."""
    budget = max(1, math.ceil(timeout_ms / 1000)) + 1
    if not warm:
        resource.setrlimit(resource.RLIMIT_CPU, (budget, budget + 1))
        return
    usage = resource.getrusage(resource.RUSAGE_SELF)
    soft = math.ceil(usage.ru_utime + usage.ru_stime) + budget
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    resource.setrlimit(resource.RLIMIT_CPU, (soft if hard == resource.RLIM_INFINITY else min(soft, hard), hard))


_TOO_LARGE = error_result("ResultTooLarge", "the action's calls and cache exceed the sandbox's result size")


def encode_result(out: dict[str, Any]) -> bytes:
    """The result record as JSON. What the api recorded is JSON data already; what an action put
    past it by hand (api.calls.append) may not encode at all: that is the action's error."""
    try:
        return json.dumps(out, separators=(",", ":"), ensure_ascii=False, default=repr).encode("utf-8", "surrogatepass")
    except (ValueError, TypeError, RecursionError) as exc:
        return json.dumps(error_result("ApiUsageError", f"the action's calls cannot be sent as JSON "
                                       f"({type(exc).__name__}: {str(exc)[:200]}); record effects with the "
                                       "api methods")).encode()


def _confine(buf: mmap.mmap, setup: ChildSetup, cgroup_slot: Optional[str]) -> None:
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
    confine.set_rlimits(limits["memory_bytes"], limits["file_size_bytes"], limits["open_files"])
    if uid is not None:
        confine.drop_privileges(uid)
    confine.harden_process(setup.zygote_pid, dumpable_off=layers.get("dumpable_off", False),
                           no_new_privs=layers.get("no_new_privs", False))
    if layers.get("landlock"):
        # Built now, applied once the request names the action's dependencies (spare_main).
        _RULES.append(landlock.execution_ruleset(setup.landlock_abi, setup.landlock_rules, workdir))
    if layers.get("seccomp") and setup.seccomp_template is not None:
        confine.load_seccomp(confine.patch_seccomp(setup.seccomp_template, pid))

    # The rest of the environment was reduced to ACTION_ENV_TEMPLATE once, in the zygote.
    os.environ["HOME"] = os.environ["TMPDIR"] = tempfile.tempdir = workdir

    CONSOLE.attach(buf, setup.layout)
    sys.stdout = sys.stderr = sys.__stdout__ = sys.__stderr__ = CONSOLE  # type: ignore[misc]
    if layers.get("audit_hook"):
        confine.install_audit_hook(pid)


# This spare's Landlock ruleset, between confinement and the request.
_RULES: list[landlock.Ruleset] = []

_WARM_UP_CODE = "def on_execute_post_login(event, api):\n    api.access_token.set_custom_claim('https://w/u', 1)\n"


# Allocated and touched by the spare before the request; released on MemoryError.
_PARACHUTE: list[bytearray] = []


_WARM_UP_EVENT: dict[str, Any] = {}


def _warm_up_event() -> dict[str, Any]:
    """The post-login sample, built once in the zygote (not deep-copied again in every spare)."""
    if not _WARM_UP_EVENT:
        from actions_studio.triggers import get_trigger

        _WARM_UP_EVENT.update(get_trigger("post-login").sample_event())
    return _WARM_UP_EVENT


def _warm_up(buf: mmap.mmap, layout: Layout, ctrl: socket.socket) -> None:
    """Touch, while idle, the pages a first execution writes (refcounts, caches): after fork each of
    those writes is a copy-on-write fault, ~0.5 ms in total on the critical path otherwise.

    Done in steps, stopping as soon as a request is waiting: when executions come back to back the
    request must not wait for a warm-up it would only partly profit from.
    """
    from actions_studio.triggers import ExecutionContext, get_trigger

    _PARACHUTE.append(bytearray(b"\x01") * (256 * 1024))
    # First touches of the shared buffer are page faults too (~2 µs each on a VM): take them now.
    for start in (layout.log_start, layout.result_start):
        buf[start : start + 16384] = bytes(16384)
    poller = select.poll()
    poller.register(ctrl, select.POLLIN)
    if poller.poll(0):
        return
    trigger = get_trigger("post-login")
    namespace: dict[str, Any] = {}
    exec(compile(_WARM_UP_CODE, "<warm-up>", "exec", dont_inherit=True), namespace)
    if poller.poll(0):
        return
    event = trigger.parse_event(_warm_up_event())
    if poller.poll(0):
        return
    api = trigger.make_api(event, ExecutionContext(action_name="warm-up"))
    namespace["on_execute_post_login"](event, api)
    json.dumps({"calls": api.calls}, separators=(",", ":"))


# -------------------------------------------------------------------------------------- the action


def describe_exception(exc: BaseException, filename: str) -> dict[str, Any]:
    """Type, message, a traceback of the action's own frames only, and its innermost line."""
    if isinstance(exc, SyntaxError) and exc.filename == filename:
        text = "".join(traceback.format_exception_only(type(exc), exc))
        return error_info("SyntaxError", exc.msg or str(exc), text, exc.lineno)
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == filename]
    # StackSummary.format folds a deep recursion into "[Previous line repeated N more times]".
    lines = ["Traceback (most recent call last):\n", *traceback.StackSummary.from_list(frames).format()]
    try:
        message = str(exc)
        lines += traceback.format_exception_only(type(exc), exc)
    except Exception:  # noqa: BLE001 - an exception whose __str__ fails still gets reported
        message = f"<{type(exc).__qualname__} whose message could not be read>"
        lines.append(f"{type(exc).__qualname__}: {message}\n")
    return error_info(type(exc).__qualname__, message, "".join(lines), frames[-1].lineno if frames else None)


async def _await(awaitable: Any) -> Any:
    return await awaitable


def run_action(request: dict[str, Any], *, isolate: bool = False, kept: Optional[dict[int, _Kept]] = None,
               slot: int = 0, checked: Optional[CheckedEvent] = None) -> dict[str, Any]:
    """Compile, build event and api, call the handler; never raises.

    ``isolate`` (a flow child, where more actions follow in this process): afterwards, clear the
    action's module namespace and drop its module and source lines, so nothing of it is left for
    the next action to find by name. ``kept`` (a warm child): the module of action ``slot`` is
    kept there once its top-level code ran, and reused by the next execution of the same key, so
    module-level state persists as on Auth0; ``out["top_level_failed"]`` says the top level (or
    compiling it) failed, after which the child is not reused. ``checked`` (a flow child): the
    event validated for the action before, reused when this action's payload is the same object."""
    from actions_studio.triggers import EventValidationError, ExecutionContext, get_trigger

    name: str = request["name"]
    code: str = request["code"]
    phase: str = request["phase"]
    secrets: dict[str, str] = request["secrets"]
    filename = f"<action:{name}>"
    warnings: list[str] = []
    out: dict[str, Any] = {"calls": [], "warnings": warnings, "cache": request["cache"], "error": None}

    trigger = get_trigger(request["trigger"])
    handler_name = trigger.execute_handler if phase == "execute" else trigger.continue_handler
    event = checked.event_for(request["event"], secrets) if checked is not None else None
    if event is None:
        payload = dict(request["event"])
        payload["secrets"] = secrets  # only this action's own, whatever the fixture carried
        try:  # validated here only (not in the client too): before any of the action's code exists
            event = trigger.parse_event(payload)
        except EventValidationError as exc:
            out["event_errors"] = [{"path": e.path, "message": e.message} for e in exc.errors]
            out["error"] = error_info("EventValidationError", f"the event does not match the {trigger.id} event: {exc}")
            return out
        if checked is not None:
            checked.keep(request["event"], event)
            event = checked.event_for(request["event"], secrets)
            del payload

    sys.path[:0] = request.get("sys_path") or ()  # the action's dependencies, before its code exists
    linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
    entry = kept.get(slot) if kept is not None else None
    if entry is not None and entry.code != code:  # the key covers the code: never another code's module
        entry = None
    code_obj = None
    if entry is None:
        try:
            code_obj = compile(code, filename, "exec", dont_inherit=True)
        except SyntaxError as exc:
            out["error"] = describe_exception(exc, filename)
            out["top_level_failed"] = True
            return out

    context = ExecutionContext(secrets=dict(secrets), cache=request["cache"], phase=phase,  # type: ignore[arg-type]
                               action_name=name)
    api = trigger.make_api(event, context)
    if entry is None:
        module = types.ModuleType("action")
        module.__file__ = filename
    else:
        module = entry.module
    sys.modules["action"] = module

    started = time.perf_counter()
    top_level_ran = entry is not None
    try:
        if code_obj is not None:
            exec(code_obj, module.__dict__)
            top_level_ran = True
            if kept is not None:
                kept[slot] = _Kept(code, module)
        handler = module.__dict__.get(handler_name) if handler_name else None
        if not callable(handler):
            out["error"] = error_info(
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
            _PARACHUTE.clear()  # memory to write the report with (a warm child is then not reused)
            module.__dict__.clear()
        if not top_level_ran:
            out["top_level_failed"] = True
        out["error"] = describe_exception(exc, filename)
        del exc
    out["duration_ms"] = (time.perf_counter() - started) * 1000
    out["calls"] = list(api.calls)
    warnings.extend(api.warnings)
    out["cache"] = context.cache
    if isolate:
        if kept is None:
            module.__dict__.clear()
        if sys.modules.get("action") is module:
            del sys.modules["action"]
        linecache.cache.pop(filename, None)
        context.secrets.clear()
    return out


# ------------------------------------------------------------------------------- a whole flow


class InProcess:
    """The flow executor's strategy inside a flow child: run each action right here, in turn.

    Each action gets a fresh console (the capture is reset), only its own secrets in
    event.secrets, and its own sys.path additions (restored afterwards, like sys.stdout/stderr,
    the environment, the working directory and the root logger);
    its module namespace and its secrets are cleared once it ran. Its raw result and console are
    appended to the shared buffer as soon as it completes (`FlowRecorder`), so a crash or a
    timeout later leaves them to the client.
    """

    needs_payload = True

    def __init__(self, recorder: FlowRecorder, trigger_id: str, *, kept: Optional[dict[int, _Kept]] = None,
                 start: int = 0) -> None:
        self.recorder = recorder
        self.trigger_id = trigger_id
        self.kept = kept  # a warm child's modules (run_action), None in a fresh child
        # Records name actions relative to the resume point (what the client's replay expects);
        # a warm request carries the whole flow and starts at ``start``.
        self.start = start
        self.open_index: Optional[int] = None
        self.next_index = start
        self.retire = False  # an action's top level failed: this process is not reused
        self.checked = CheckedEvent()  # validated once while the actions leave the payload as it was

    def remaining(self, index: int, deadline: float) -> float:
        left = deadline - time.monotonic()
        if left <= 0:
            self.recorder.append(REC_NOT_STARTED, index - self.start)
        return left

    def __call__(self, index: int, source: Any, payload: dict[str, Any], phase: str,
                 cache: dict[str, Any], remaining: float) -> Any:
        import copy

        self.open_index = index
        self.recorder.append(REC_BEGIN, index - self.start, t=time.monotonic())
        CONSOLE.reset()
        started = time.perf_counter()
        saved_path, saved_env = list(sys.path), dict(os.environ)
        try:
            saved_cwd: Optional[str] = os.getcwd()
        except OSError:
            saved_cwd = None
        root = logging.getLogger()
        handlers, level = list(root.handlers), root.level
        try:
            out = run_action({"trigger": self.trigger_id, "name": source.name, "code": source.code,
                              "phase": phase, "secrets": source.secrets, "event": payload,
                              "cache": copy.deepcopy(cache), "sys_path": list(source.sys_path)},
                             isolate=True, kept=self.kept, slot=index, checked=self.checked)
            if out.pop("top_level_failed", False):
                self.retire = True
        finally:
            # What the next action starts from is what this one started from.
            sys.path[:] = saved_path
            sys.stdout = sys.stderr = CONSOLE  # type: ignore[assignment]
            if os.environ != saved_env:
                os.environ.clear()
                os.environ.update(saved_env)
            if saved_cwd is not None:
                try:
                    os.chdir(saved_cwd)
                except OSError:
                    pass
            root.handlers[:] = handlers
            root.setLevel(level)
            source.secrets.clear()  # this action's secrets are no longer needed in this process
            # event and api form reference cycles: free them (and the secrets in event.secrets)
            # now, not at some later collection while the next action runs.
            gc.collect()
        wall = (time.perf_counter() - started) * 1000
        out.setdefault("duration_ms", wall)
        out["maxrss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        CONSOLE.finish()
        logs, dropped = CONSOLE.console()
        data = encode_result(out)
        if len(data) + len(logs) > self.recorder.room():
            data = json.dumps(_TOO_LARGE).encode()
            if len(data) + len(logs) > self.recorder.room():
                logs = b""
        self.recorder.append(REC_END, index - self.start, data, logs, dropped)
        self.open_index, self.next_index = None, index + 1
        return RawRun({"dropped": dropped, "truncated": dropped > 0}, json.loads(data), logs, wall)

    def fail(self, result: dict[str, Any]) -> None:
        """The child itself failed outside an action's code: the action it was at gets the error."""
        index = self.open_index if self.open_index is not None else self.next_index
        logs, dropped = CONSOLE.console() if self.open_index is not None else (b"", 0)
        self.recorder.append(REC_END, index - self.start, json.dumps(result, default=repr).encode(), logs, dropped)


def run_flow(request: dict[str, Any], strategy: InProcess, timeout_ms: int, setup: ChildSetup) -> None:
    """Every action of the request, with the flow executor's own loop (`FlowRun.run`)."""
    from actions_studio.triggers import EventValidationError

    from ..flow import FlowRun
    from ..limits import SandboxLimits
    from ..result import ActionSource

    actions = [ActionSource(name=a["name"], code=a["code"], version=a.get("version"), secrets=a["secrets"],
                            sys_path=tuple(a.get("sys_path") or ())) for a in request.pop("actions")]
    run = FlowRun(strategy.trigger_id, actions, request.pop("event"), limits=SandboxLimits(**setup.limits),
                  timeout_s=timeout_ms / 1000, first_phase=request.get("first_phase", "execute"),
                  cache=request.get("cache"), start=strategy.start)
    del actions
    try:
        run.run(strategy, outcome=False)
    except EventValidationError:
        pass  # recorded with the first action's result: the client raises it
