"""Which confinement layers work on this machine: measured at zygote start-up, never assumed.

A throwaway child applies each layer the way an execution would and checks that it holds (a fork
refused, a thread still allowed, the uid changed, the cgroup joined). Children then apply exactly
the layers that passed; `Sandbox.capabilities()` reports them with a note on each.
"""

from __future__ import annotations

import json
import os
import select
import threading
from typing import Any, Optional

from . import confine

LAYERS = ("audit_hook", "seccomp", "cgroup_pids", "separate_uid", "no_new_privs", "dumpable_off",
          "network_isolation")


_PRCTL_NOTES = {
    "dumpable_off": "PR_SET_DUMPABLE 0: other processes of the same uid cannot read the child's /proc files",
    "no_new_privs": "PR_SET_NO_NEW_PRIVS: nothing the child runs can gain privileges",
}


def _probe_child(seccomp_template: Optional[bytes], cgroup_slot: Optional[str], zygote_pid: int) -> dict[str, Any]:
    ok: dict[str, bool] = {}
    notes: dict[str, str] = {}
    if cgroup_slot is not None:
        try:
            confine.join_cgroup(cgroup_slot)
            with open("/proc/self/cgroup", encoding="ascii") as fh:
                ok["cgroup_pids"] = os.path.basename(cgroup_slot) in fh.read()
            notes["cgroup_pids"] = f"pids.max per execution under {os.path.dirname(cgroup_slot)}"
        except OSError as exc:
            ok["cgroup_pids"], notes["cgroup_pids"] = False, f"cannot join the cgroup: {exc}"
    if os.geteuid() == 0:
        try:
            uid = confine.execution_uid(os.getpid())
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
    if seccomp_template is not None and ok.get("no_new_privs"):
        try:
            confine.load_seccomp(confine.patch_seccomp(seccomp_template, os.getpid()))
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
                os.kill(zygote_pid, 0)
                signal_refused = False
            except PermissionError:
                signal_refused = True
            ok["seccomp"] = pid == -1 and box == [1] and signal_refused
            notes["seccomp"] = ("fork/vfork/clone-without-CLONE_THREAD/exec/ptrace refused, clone3 ENOSYS, "
                                "signals only to itself; threads allowed")
            if not ok["seccomp"]:
                notes["seccomp"] = f"filter loaded but did not hold (fork refused={pid == -1}, thread ok={box == [1]})"
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


def probe(seccomp_template: Optional[bytes], seccomp_note: str, cgroup_slot: Optional[str],
          cgroup_note: str) -> dict[str, Any]:
    """Run `_probe_child` in a forked child (its layers are irreversible) and collect the verdict."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(r)
            verdict = _probe_child(seccomp_template, cgroup_slot, os.getppid())
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
    try:
        verdict = json.loads(b"".join(chunks))
    except ValueError:
        verdict = {"ok": {}, "notes": {"audit_hook": "the probe child died"}}
    ok = {name: bool(verdict["ok"].get(name, False)) for name in LAYERS}
    notes = dict(verdict["notes"])
    if seccomp_template is None:
        notes["seccomp"] = seccomp_note
    if cgroup_slot is None:
        notes["cgroup_pids"] = cgroup_note
    notes["network_isolation"] = "not applied: actions may call HTTP APIs (unshare -n is left to deployments)"
    return {"layers": ok, "notes": notes}
