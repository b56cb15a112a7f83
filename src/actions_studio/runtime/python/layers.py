"""What the zygote's children are confined with: the OS layers measured once at its start-up
(a probe child applies each and checks it from inside, probe.py), and the `ChildSetup` every child
gets at fork. Only layers that held are applied; each one that did not says why."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import Any, Iterable, Optional

from .. import confine, landlock, mounts
from ..capture import Layout
from ..probe import OFF_ENV, SWITCHABLE, ProbeInput, probe
from .child import ChildSetup


@dataclass
class Confinement:
    setup: ChildSetup
    capabilities: dict[str, Any]  # the probe's verdict: {"layers": {name: bool}, "notes": {name: why}}
    cgroups: Optional[confine.PidsCgroups]  # None: no writable pids cgroup here


def measure_layers(limits: dict[str, Any], layers_off: Iterable[str], workbase: str, layout: Layout) -> Confinement:
    """Probe every layer (but those turned off for diagnosis) and build the children's setup."""
    off = frozenset(layers_off) & SWITCHABLE
    read_roots = import_roots()
    exposed_note = ""
    if os.geteuid() == 0:
        # Executions get uids of their own: they must be able to read the interpreter.
        try:
            plan = mounts.expose(read_roots, writable=[os.path.dirname(workbase)])
            exposed_note = "; ".join(
                f"{covered} is covered in the sandbox's mount namespace by an empty tmpfs, with only "
                f"{', '.join(under)} bound back read-only" for covered, under in plan.items())
        except OSError as exc:
            exposed_note = f"the interpreter could not be made readable to other uids: {exc}"
    landlock_abi, landlock_note = 0, f"turned off ({OFF_ENV})"
    if "landlock" not in off:
        landlock_abi = landlock.abi_version()
        landlock_note = "" if landlock_abi else "the kernel has no Landlock (Linux >= 5.13, enabled at boot)"
    template, seccomp_note = None, ""
    try:
        template = confine.build_seccomp_template()
    except Exception as exc:  # noqa: BLE001 - missing libseccomp, unknown arch, ...
        seccomp_note = f"unavailable: {exc}"
    cgroups = None
    cgroup_note, probe_slot = "", None
    try:
        cgroups = confine.PidsCgroups(int(limits["max_processes"]))
        probe_slot = cgroups.acquire()
    except Exception as exc:  # noqa: BLE001 - read-only cgroupfs, v2 without delegation, ...
        cgroup_note = f"unavailable: {exc}"
    verdict = probe(ProbeInput(
        zygote_pid=os.getpid(), workbase=workbase, read_roots=read_roots,
        seccomp_template=None if "seccomp" in off else template, seccomp_note=seccomp_note,
        cgroup_slot=probe_slot, cgroup_note=cgroup_note, landlock_abi=landlock_abi,
        landlock_note=landlock_note, exposed_note=exposed_note, off=off))
    if cgroups is not None:
        if probe_slot is not None:
            cgroups.release(probe_slot)
        if not verdict["layers"]["cgroup_pids"]:
            cgroups.close()
            cgroups = None
    setup = ChildSetup(
        zygote_pid=os.getpid(), layout=layout, limits=limits,
        layers=verdict["layers"], seccomp_template=template, workbase=workbase,
        landlock_rules=landlock.rules_for(read_roots), landlock_abi=landlock_abi,
    )
    return Confinement(setup, verdict, cgroups)


def import_roots() -> list[str]:
    """What an execution must be able to read to import anything: the interpreter's own directory
    (in a frozen bundle that is the bundle, which its loader looks for), its prefixes and every
    entry of the import path (the standard library, site-packages, the studio's package)."""
    return mounts.outermost([os.path.dirname(os.path.realpath(sys.executable)), sys.prefix, sys.base_prefix,
                             sys.exec_prefix, sys.base_exec_prefix, *(p for p in sys.path if os.path.isabs(p))])
