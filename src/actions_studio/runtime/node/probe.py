"""Which OS layers hold for a Node worker on this machine: measured once per pool, never assumed.

A throwaway `confined.py` process applies the layers the way a worker would and checks each from
inside (a fork and an exec refused while a thread still starts, the descriptor of the one allowed
exec out of reach, the uid changed, a file outside the allow-list refused, Node's files still
readable). If that process does not report, each layer is tried alone and the ones that hold are
kept. Workers then apply exactly the layers that passed. Node's own permission model is checked in
a real worker (`permission_checks`, the JavaScript side).
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from typing import Any

from .. import landlock
from ..probe import OFF_ENV

OS_LAYERS = ("separate_uid", "node_readable", "no_new_privs", "landlock", "seccomp")


def _wanted() -> tuple[dict[str, bool], dict[str, str]]:
    off = {n.strip() for n in os.environ.get(OFF_ENV, "").split(",") if n.strip()}
    notes: dict[str, str] = {}
    root = os.geteuid() == 0
    wanted = {"separate_uid": root, "node_readable": root, "no_new_privs": True,
              "landlock": landlock.abi_version() > 0, "seccomp": True}
    if not root:
        notes["separate_uid"] = "not root: workers run with the studio's uid (Landlock stands in)"
        notes["node_readable"] = "not root: Node's files are the user's own"
    if not wanted["landlock"]:
        notes["landlock"] = "the kernel has no Landlock (older than 5.13, or not enabled at boot)"
    try:
        import pyseccomp  # noqa: F401
    except Exception as exc:  # noqa: BLE001 - libseccomp missing: the layer is reported as absent
        wanted["seccomp"] = False
        notes["seccomp"] = f"pyseccomp/libseccomp unavailable: {exc}"
    for name in ("landlock", "seccomp"):
        if name in off:
            wanted[name] = False
            notes[name] = f"turned off by {OFF_ENV}"
    return wanted, notes


def _run(launcher: Any, layers: dict[str, bool]) -> dict[str, Any] | None:
    with tempfile.NamedTemporaryFile(dir=launcher.base, prefix="outside-") as outside:
        outside.write(b"secret")
        outside.flush()
        os.chmod(outside.name, 0o644)
        config = launcher.config(layers, (), probe=True, outside=outside.name)
        try:
            done = subprocess.run(launcher.python_command(config), stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL, env=launcher.python_env(), timeout=30,
                                  close_fds=True, cwd="/")
        except subprocess.TimeoutExpired:
            return None
    try:
        report = json.loads(done.stdout or b"null")
    except ValueError:
        return None
    return report if isinstance(report, dict) else None


def _held(layers: dict[str, bool], report: dict[str, Any]) -> dict[str, bool]:
    held = {}
    for name, on in layers.items():
        if not on:
            held[name] = False
        elif name == "seccomp":
            held[name] = bool(report.get("seccomp_fork") and report.get("seccomp_exec")
                              and report.get("threads") and report.get("exec_fd_unreachable"))
        else:
            held[name] = bool(report.get(name))
    return held


def probe_layers(launcher: Any) -> dict[str, Any]:
    """``{"layers": {name: bool}, "notes": {name: why}}`` for the OS layers of a Node worker."""
    wanted, notes = _wanted()
    report = _run(launcher, wanted)
    if report is not None:
        held = _held(wanted, report)
    else:  # all together failed: find the ones that hold alone
        held = {}
        for name in OS_LAYERS:
            alone = {n: (n == name and wanted[n]) or (n == "node_readable" and name == "separate_uid"
                                                        and wanted[n]) for n in OS_LAYERS}
            single = _run(launcher, alone) if wanted[name] else None
            held[name] = bool(single is not None and _held(alone, single).get(name))
    for name in OS_LAYERS:
        if wanted[name] and not held[name]:
            notes.setdefault(name, "applied in a probe worker, but it did not hold there")
        elif held[name]:
            notes.setdefault(name, _HELD_NOTES[name])
    return {"layers": held, "notes": notes}


_HELD_NOTES = {
    "separate_uid": "each worker runs as a uid of its own (base + pid)",
    "node_readable": "Node, the worker script and dependency dirs are reachable by the workers' uids",
    "no_new_privs": "PR_SET_NO_NEW_PRIVS: nothing a worker runs can gain privileges",
    "landlock": "reads: system dirs, Node, the worker script, the action's node_modules, its /proc/PID; "
                "writes: its work dir only",
    "seccomp": "fork, vfork, process clones and every exec after Node's own are refused; threads allowed",
}

# Node's permission model, checked by running this in a confined worker (pool.node_capabilities).
PERMISSION_CHECK = """
exports.onExecutePostLogin = async (event, api) => {
  const refused = (f, code = 'ERR_ACCESS_DENIED') => { try { f(); return false; } catch (e) { return e.code === code; } };
  api.idToken.setCustomClaim('https://probe/child_process',
    refused(() => require('child_process').spawnSync('/bin/true')));
  api.idToken.setCustomClaim('https://probe/worker_threads',
    refused(() => new (require('worker_threads').Worker)('0', { eval: true })));
  api.idToken.setCustomClaim('https://probe/fs_read', refused(() => require('fs').readFileSync(__OUTSIDE__)));
  api.idToken.setCustomClaim('https://probe/addons', refused(() => process.dlopen({ exports: {} }, '/x.node'), 'ERR_DLOPEN_DISABLED'));
};
"""
