"""A Node worker's OS confinement: ``python -m actions_studio.runtime.node.confined CONFIG -- NODE ARGS``
confines this process, then becomes Node (fexecve) — or, with ``"probe": true``, checks each layer
instead and prints what held (`probe.py`).

Node cannot confine itself (no syscalls from JavaScript, native addons are refused), so the layers
are applied here, in a fresh interpreter the pool starts (never a fork of the studio), and are
inherited across the exec:

- as root: a work dir and a uid of its own (`confine.execution_uid`: base + pid, which the exec
  keeps), the node binary, script and dependency directories made readable to it by a private
  mount namespace where the way to them is closed (`mounts.expose`, /root is 0700);
- RLIMIT_AS (the heap limit plus V8's reservations), FSIZE, CORE 0, NOFILE;
- PR_SET_PDEATHSIG (the worker dies with the pool's thread that started it), PR_SET_NO_NEW_PRIVS;
- Landlock: read only the system dirs, Node's own directory, the worker script, the action's
  dependency directories, its /proc/PID; write only its work dir;
- seccomp (`seccomp.py`): no fork, vfork or process clone (threads stay allowed: Node needs them),
  no exec — except the one exec of Node itself, from a descriptor numbered above the file limit,
  which no later call can name.

PR_SET_DUMPABLE is reset by the exec; Landlock's ptrace scope stands in for it (no process outside
the worker's own Landlock domain can be read or traced from it, and other workers are in domains
of their own).
"""

from __future__ import annotations

import fcntl
import json
import os
import resource
import sys
import threading
from typing import Any, NoReturn

from .. import confine, landlock, mounts
from .seccomp import EXEC_FD, build_filter

SIGKILL = 9


def _landlock_rules(config: dict[str, Any], workdir: str) -> landlock.Ruleset:
    roots = [*config["read_roots"], "/proc/meminfo", "/proc/stat"]
    ruleset = landlock.execution_ruleset(config["landlock_abi"], landlock.rules_for(roots), workdir)
    return ruleset


def confine_self(config: dict[str, Any]) -> str:
    """Apply the layers named in ``config["layers"]``; returns the work dir."""
    layers = config["layers"]
    pid = os.getpid()
    workdir = os.path.join(config["base"], str(pid))
    os.mkdir(workdir, 0o700)
    uid = confine.execution_uid(pid) if layers.get("separate_uid") else None
    if uid is not None:
        os.chown(workdir, uid, uid)
    os.chdir(workdir)
    stderr = os.open(os.path.join(workdir, "node.stderr"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    if uid is not None:
        os.fchown(stderr, uid, uid)
    os.dup2(stderr, 2)
    os.close(stderr)
    if uid is not None and layers.get("node_readable"):
        # The interpreter's own import roots are bound back too: the rest of this process still
        # imports from them (a tmpfs over /root would hide them as well).
        python_roots = [p for p in (*sys.path, sys.prefix, sys.base_prefix) if p and os.path.isdir(p)]
        mounts.expose([*config["read_roots"], *python_roots], writable=[config["base"]])
    node = os.open(config["node"], os.O_PATH | os.O_CLOEXEC)
    os.dup2(node, EXEC_FD, inheritable=False)
    os.close(node)
    limits = config["limits"]
    resource.setrlimit(resource.RLIMIT_AS, (config["address_space"],) * 2)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits["file_size_bytes"],) * 2)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    # Below EXEC_FD: nothing after the exec can open or dup a descriptor with that number.
    resource.setrlimit(resource.RLIMIT_NOFILE, (limits["open_files"],) * 2)
    # Everything that reads the interpreter's files happens before the uid change: as another uid
    # the standard library under a 0700 /root cannot be imported any more (PITFALLS.md).
    program = confine.patch_seccomp(build_filter(), pid) if layers.get("seccomp") else None
    ruleset = _landlock_rules(config, workdir) if layers.get("landlock") else None
    if uid is not None:
        confine.drop_privileges(uid)
    confine.prctl(confine.PR_SET_PDEATHSIG, SIGKILL)  # after the uid change, which clears it
    if os.getppid() != config["parent"]:
        os._exit(70)  # the pool's process went away before the signal was armed
    if layers.get("no_new_privs"):
        confine.prctl(confine.PR_SET_NO_NEW_PRIVS, 1)
    if ruleset is not None:
        ruleset.restrict()
    if program is not None:
        confine.load_seccomp(program)
    return workdir


def _check(layers: dict[str, Any], workdir: str, config: dict[str, Any]) -> dict[str, Any]:
    """What held, checked from inside, after every layer was applied (the probe)."""
    held: dict[str, Any] = {}
    if layers.get("seccomp"):
        try:
            child = os.fork()
        except OSError:
            held["seccomp_fork"] = True
        else:
            if child == 0:
                os._exit(0)
            os.waitpid(child, 0)
            held["seccomp_fork"] = False
        ran: list[bool] = []
        thread = threading.Thread(target=lambda: ran.append(True))
        thread.start()
        thread.join()
        held["threads"] = ran == [True]
        try:
            os.execv("/bin/true", ["/bin/true"])
        except OSError:
            held["seccomp_exec"] = True
        try:
            os.dup2(0, EXEC_FD)
            held["exec_fd_unreachable"] = False
        except OSError:
            held["exec_fd_unreachable"] = True
    if layers.get("separate_uid"):
        held["separate_uid"] = os.getuid() == confine.execution_uid(os.getpid()) and os.geteuid() != 0
    if layers.get("landlock"):
        try:
            with open(config["outside"], "rb"):
                held["landlock"] = False
        except OSError:
            with open(os.path.join(workdir, "probe"), "wb") as fh:
                fh.write(b"ok")
            held["landlock"] = True
    if layers.get("node_readable") or layers.get("separate_uid"):
        held["node_readable"] = os.access(config["node"], os.R_OK | os.X_OK) and all(
            os.access(p, os.R_OK) for p in config["read_roots"])
    held["no_new_privs"] = _status_field("NoNewPrivs") == "1"
    return held


def _status_field(name: str) -> str:
    try:
        with open(f"/proc/{os.getpid()}/status", "rb") as fh:
            for line in fh.read().decode("latin-1").splitlines():
                if line.startswith(name + ":"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return ""


def _channels_at_3_and_4(fds: str) -> str:
    """The worker's two channels as fds 3 and 4, whatever numbers the pool's process gave them."""
    ctl, api = (int(n) for n in fds.split(","))
    copies = [fcntl.fcntl(ctl, fcntl.F_DUPFD_CLOEXEC, 10), fcntl.fcntl(api, fcntl.F_DUPFD_CLOEXEC, 10)]
    for fd in {ctl, api} - {3, 4}:
        os.close(fd)
    for target, fd in zip((3, 4), copies):
        os.dup2(fd, target, inheritable=True)
        os.close(fd)
    return "3,4"


def main(argv: list[str]) -> NoReturn:
    confine.make_undumpable()  # until the exec (which resets it) nothing of the same uid reads this process
    config = json.loads(argv[0])
    command = argv[2:] if len(argv) > 1 and argv[1] == "--" else []
    try:
        workdir = confine_self(config)
        if config.get("probe"):
            report = _check(config["layers"], workdir, config)
            os.write(1, json.dumps(report).encode())
            os._exit(0)
        env = {k: v.replace("{workdir}", workdir) for k, v in config["env"].items()}
        if "ACTIONS_STUDIO_WORKER_FDS" in env:
            env["ACTIONS_STUDIO_WORKER_FDS"] = _channels_at_3_and_4(env["ACTIONS_STUDIO_WORKER_FDS"])
        args = [a.replace("{workdir}", workdir) for a in command]
        os.execve(EXEC_FD, args, env)
    except BaseException as exc:  # noqa: BLE001 - fail closed: the worker never starts
        os.write(2, f"the worker's confinement failed: {exc!r}\n".encode())
        os._exit(71)
    os._exit(72)


if __name__ == "__main__":
    main(sys.argv[1:])
