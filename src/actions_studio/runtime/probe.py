"""Which confinement layers work on this machine: measured at zygote start-up, never assumed.

A throwaway child applies each layer the way an execution would and checks that it holds (a fork
refused, a thread still allowed, the uid changed, the cgroup joined, a file outside the allow-list
refused, a module the zygote never imported importable). Children then apply exactly the layers
that passed; `Sandbox.capabilities()` reports them with a note on each.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import socket
import sys
import threading
from dataclasses import dataclass, field
from typing import Any, Optional

from . import confine, landlock

LAYERS = ("audit_hook", "seccomp", "cgroup_pids", "separate_uid", "no_new_privs", "dumpable_off",
          "landlock", "python_readable", "private_temp", "network_isolation")

# Layers a diagnosis may turn off (`ACTIONS_STUDIO_SANDBOX_WITHOUT=landlock,seccomp` in the studio's
# environment): to tell whether one of them is what breaks an action, and to test the fallbacks.
OFF_ENV = "ACTIONS_STUDIO_SANDBOX_WITHOUT"
SWITCHABLE = frozenset({"landlock", "seccomp"})

_PRCTL_NOTES = {
    "dumpable_off": "PR_SET_DUMPABLE 0: other processes of the same uid cannot read the child's /proc files",
    "no_new_privs": "PR_SET_NO_NEW_PRIVS: nothing the child runs can gain privileges",
}
# Standard-library modules the zygote does not import: the probe imports the first one missing.
_UNIMPORTED_CANDIDATES = ("statistics", "difflib", "colorsys", "wave", "shlex", "textwrap", "csv")


@dataclass
class ProbeInput:
    """What the zygote prepared before probing (each with why it is missing, when it is)."""

    zygote_pid: int
    workbase: str
    read_roots: list[str]
    seccomp_template: Optional[bytes] = None
    seccomp_note: str = ""
    cgroup_slot: Optional[str] = None
    cgroup_note: str = ""
    landlock_abi: int = 0
    landlock_note: str = ""
    exposed_note: str = ""  # how the interpreter was made readable as root (mounts.expose)
    off: frozenset[str] = field(default_factory=frozenset)  # layers turned off by configuration


def _check_landlock(rules: landlock.Ruleset, workdir: str, zygote_pid: int) -> tuple[bool, str]:
    rules.restrict()
    with open(os.path.join(workdir, "probe"), "w", encoding="ascii") as fh:
        fh.write("ok")
    with open(os.__file__, "rb") as fh:
        fh.read(1)
    refused = []
    for path, mode in ((f"/proc/{zygote_pid}/status", "r"), (os.path.join("/tmp", f"as-probe-{os.getpid()}"), "x")):
        try:
            open(path, mode).close()
        except PermissionError:
            refused.append(path)
        else:
            if mode == "x":
                os.unlink(path)
    held = len(refused) == 2
    return held, (f"ABI {rules.abi}: reads only the Python installation, its import path, the system "
                  "directories, the action's dependencies and its own work dir; writes only its work "
                  "dir; no ptrace or /proc access to other processes"
                  + ("; signals and abstract sockets scoped to itself" if rules.abi >= 6 else "")
                  if held else f"ruleset applied but did not hold (refused: {refused})")


def _check_python(read_roots: list[str]) -> tuple[bool, str]:
    import importlib

    unreadable = [r for r in read_roots if not os.access(r, os.R_OK | (os.X_OK if os.path.isdir(r) else 0))]
    if unreadable:
        return False, (f"the execution uid cannot read {unreadable[0]}: modules the zygote did not "
                       "import before forking fail to import in an action")
    name = next((n for n in _UNIMPORTED_CANDIDATES if n not in sys.modules), None)
    if name is not None:
        try:
            importlib.import_module(name)
        except ImportError as exc:
            return False, f"importing {name} in an execution failed: {exc}"
    return True, "an execution can import the whole standard library and the studio's site-packages"


def _probe_child(inp: ProbeInput, workdir: str) -> dict[str, Any]:
    ok: dict[str, bool] = {}
    notes: dict[str, str] = {}
    if inp.cgroup_slot is not None:
        try:
            confine.join_cgroup(inp.cgroup_slot)
            with open("/proc/self/cgroup", encoding="ascii") as fh:
                ok["cgroup_pids"] = os.path.basename(inp.cgroup_slot) in fh.read()
            notes["cgroup_pids"] = f"pids.max per execution under {os.path.dirname(inp.cgroup_slot)}"
        except OSError as exc:
            ok["cgroup_pids"], notes["cgroup_pids"] = False, f"cannot join the cgroup: {exc}"
    os.mkdir(workdir, 0o700)
    if os.geteuid() == 0:
        try:
            uid = confine.execution_uid(os.getpid())
            os.chown(workdir, uid, uid)
            confine.drop_privileges(uid)
            ok["separate_uid"] = os.getuid() == uid and os.geteuid() == uid
            notes["separate_uid"] = "each execution runs as its own unprivileged uid (base + pid)"
        except OSError as exc:
            ok["separate_uid"], notes["separate_uid"] = False, f"setresuid failed: {exc}"
    else:
        ok["separate_uid"], notes["separate_uid"] = False, "not running as root: executions share the user's uid"
    for name, option, value in (("dumpable_off", confine.PR_SET_DUMPABLE, 0),
                                ("no_new_privs", confine.PR_SET_NO_NEW_PRIVS, 1)):
        try:
            confine.prctl(option, value)
            ok[name] = True
            notes[name] = _PRCTL_NOTES[name]
        except OSError as exc:
            ok[name], notes[name] = False, str(exc)
    if inp.landlock_abi and "landlock" not in inp.off:
        try:
            if not ok.get("no_new_privs"):
                raise OSError("needs PR_SET_NO_NEW_PRIVS")
            rules = landlock.execution_ruleset(inp.landlock_abi, landlock.rules_for(inp.read_roots), workdir)
            ok["landlock"], notes["landlock"] = _check_landlock(rules, workdir, inp.zygote_pid)
        except OSError as exc:
            ok["landlock"], notes["landlock"] = False, f"cannot apply the ruleset: {exc}"
    ok["python_readable"], notes["python_readable"] = _check_python(inp.read_roots)
    if inp.seccomp_template is not None and ok.get("no_new_privs") and "seccomp" not in inp.off:
        try:
            confine.load_seccomp(confine.patch_seccomp(inp.seccomp_template, os.getpid()))
            try:
                pid = os.fork()
            except PermissionError:
                pid = -1
            if pid == 0:
                os._exit(0)
            if pid > 0:
                os.waitpid(pid, 0)
            box: list[int] = []
            t = threading.Thread(target=lambda: box.append(1))
            t.start()
            t.join()
            try:
                os.kill(inp.zygote_pid, 0)
                signal_refused = False
            except PermissionError:
                signal_refused = True
            try:
                socket.socket(socket.AF_UNIX, socket.SOCK_STREAM).close()
                unix_refused = False
            except PermissionError:
                unix_refused = True
            for end in socket.socketpair():  # what asyncio's event loop needs
                end.close()
            ok["seccomp"] = pid == -1 and box == [1] and signal_refused and unix_refused
            notes["seccomp"] = ("fork/vfork/clone-without-CLONE_THREAD/exec/ptrace refused, clone3 ENOSYS, "
                                "no Unix sockets of its own (socketpair allowed), signals only to itself; "
                                "threads allowed")
            if not ok["seccomp"]:
                notes["seccomp"] = (f"filter loaded but did not hold (fork refused={pid == -1}, thread ok="
                                    f"{box == [1]}, signal refused={signal_refused}, unix refused={unix_refused})")
        except OSError as exc:
            ok["seccomp"], notes["seccomp"] = False, f"cannot load the filter: {exc}"
    try:
        confine.install_audit_hook(os.getpid())
        try:
            os.system("true")
            ok["audit_hook"] = False
        except PermissionError:
            ok["audit_hook"] = True
        notes["audit_hook"] = "refuses os.fork/system/exec/posix_spawn, subprocess, ctypes loading, kill of others"
    except Exception as exc:  # noqa: BLE001 - any failure means the layer is absent
        ok["audit_hook"], notes["audit_hook"] = False, str(exc)
    return {"ok": ok, "notes": notes}


def probe(inp: ProbeInput) -> dict[str, Any]:
    """Run `_probe_child` in a forked child (its layers are irreversible) and collect the verdict."""
    workdir = os.path.join(inp.workbase, "probe")
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(r)
            verdict = _probe_child(inp, workdir)
            os.write(w, json.dumps(verdict).encode())
        finally:
            os._exit(0)
    os.close(w)
    chunks = []
    while select.select([r], [], [], 10)[0]:
        chunk = os.read(r, 65536)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(r)
    os.waitpid(pid, 0)
    shutil.rmtree(workdir, ignore_errors=True)
    try:
        verdict = json.loads(b"".join(chunks))
    except ValueError:
        verdict = {"ok": {}, "notes": {"audit_hook": "the probe child died"}}
    ok = {name: bool(verdict["ok"].get(name, False)) for name in LAYERS}
    notes = dict(verdict["notes"])
    if inp.seccomp_template is None:
        notes["seccomp"] = inp.seccomp_note
    if inp.cgroup_slot is None:
        notes["cgroup_pids"] = inp.cgroup_note
    if not inp.landlock_abi or "landlock" in inp.off:
        notes["landlock"] = inp.landlock_note
    if inp.exposed_note:
        notes["python_readable"] += f" ({inp.exposed_note})"
    for name in inp.off & SWITCHABLE:
        notes[name] = f"turned off ({OFF_ENV})"
    if ok["landlock"]:
        ok["private_temp"], notes["private_temp"] = True, (
            "Landlock: an action writes only in its own work dir (HOME/TMPDIR, removed after it); "
            "/tmp, /var/tmp and /dev/shm are refused, so nothing it writes outlives it")
    elif ok["separate_uid"]:
        ok["private_temp"], notes["private_temp"] = True, (
            "after each execution its helper removes what the execution's uid left in /tmp, /var/tmp "
            "and /dev/shm (its work dir, HOME/TMPDIR, is removed too)")
    else:
        notes["private_temp"] = ("executions share the user's uid and Landlock is unavailable: files an "
                                 "action writes outside its work dir (e.g. in /tmp) stay")
    notes["network_isolation"] = "not applied: actions may call HTTP APIs (unshare -n is left to deployments)"
    return {"layers": ok, "notes": notes}
