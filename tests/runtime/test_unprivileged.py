"""Issue 13 item 4: run as an ordinary user (every desktop), an action reads only what it needs.

The suite runs as root in CI; this test drops to uid 65534 itself (`setpriv`) and runs the real
`actions-studio run` there, with a workspace, a vault and a config folder of that user's, and a
management secret in the CLI's environment. Executions then share the user's uid, so only the
unprivileged layers stand between an action and those files: Landlock (the action's side) and
PR_SET_DUMPABLE 0 (the studio processes' side). A second test runs a plain script that opens a
`Sandbox`, for the programs that embed the runtime without the studio's entry points.

/root is 0700 here and the project's interpreter lives under it, so uid 65534 runs Debian's
/usr/bin/python3 (the same X.Y: the venv's compiled wheels load in it) through a venv of symlinks
that points at the project's site-packages.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from actions_studio.runtime import landlock

NOBODY = 65534
SYSTEM_PYTHON = "/usr/bin/python3"
CANARY = "mgmt-secret-canary-" + os.urandom(6).hex()

# The action: says hello to the runner, gets the studio processes' pids, tries everything.
SNOOP = r'''
import json, os, socket, tempfile

def attempt(what, fn):
    try:
        fn()
        return "allowed"
    except OSError as exc:
        return f"refused {exc.errno}"

def read(path):
    with open(path, "rb") as fh:
        return fh.read()

def create(path):
    with open(path, "x") as fh:
        fh.write("planted")

def own_temp():
    fd, path = tempfile.mkstemp()
    os.write(fd, b"mine")
    os.close(fd)
    assert read(path) == b"mine" and path.startswith(os.environ["TMPDIR"])

def on_execute_post_login(event, api):
    home = event.secrets["STUDIO_HOME"]
    conn = socket.create_connection(("127.0.0.1", int(event.secrets["PORT"])))
    stream = conn.makefile("rw")
    stream.write(json.dumps({"pid": os.getpid()}) + "\n"); stream.flush()
    pids = json.loads(stream.readline())
    report = {
        "read workspace": attempt("", lambda: read(f"{home}/workspace.sqlite")),
        "read vault.key": attempt("", lambda: read(f"{home}/config/vault.key")),
        "read vault.bin": attempt("", lambda: read(f"{home}/config/vault.bin")),
        "list config": attempt("", lambda: os.listdir(f"{home}/config")),
        "write home": attempt("", lambda: create(f"{home}/planted")),
        "write config": attempt("", lambda: create(f"{home}/config/planted")),
        "own temp": attempt("", own_temp),
        "canary in environment": any("canary" in v for v in os.environ.values()),
    }
    for role, pid in pids.items():
        report[f"{role} environ"] = attempt("", lambda: read(f"/proc/{pid}/environ"))
        report[f"{role} mem"] = attempt("", lambda: os.close(os.open(f"/proc/{pid}/mem", os.O_RDONLY)))
    stream.write(json.dumps(report) + "\n"); stream.flush()
    conn.close()
'''

# Runs as uid 65534: starts the CLI, finds its processes, checks them from outside, reports JSON.
RUNNER = r'''
import json, os, socket, subprocess, sys

base, action = sys.argv[1], sys.argv[2]

def parents():
    out = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as fh:
                    out[int(name)] = int(fh.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError):
                pass
    return out

def attempt(path, flags=os.O_RDONLY):
    try:
        os.close(os.open(path, flags))
        return "allowed"
    except OSError as exc:
        return f"refused {exc.errno}"

server = socket.create_server(("127.0.0.1", 0))
server.settimeout(90)
cli = subprocess.Popen([sys.executable, "-m", "actions_studio", "run", action, "--trigger", "post-login",
                        "--secret", f"PORT={server.getsockname()[1]}", "--secret",
                        f"STUDIO_HOME={os.environ['ACTIONS_STUDIO_HOME']}", "--timeout", "60", "--json"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
conn, _ = server.accept()
stream = conn.makefile("rw")
child = json.loads(stream.readline())["pid"]
tree = parents()
forker = tree[child]
zygote = tree[forker]
assert tree[zygote] == cli.pid, "the zygote is the CLI's child"
pids = {"cli": cli.pid, "zygote": zygote, "forker": forker}
# A plain process of the same user (no sandbox at all) against the studio's processes:
outside = {f"{role} {part}": attempt(f"/proc/{pid}/{part}") for role, pid in pids.items()
           for part in ("environ", "mem")}
outside["control: own environ"] = attempt("/proc/self/environ")
stream.write(json.dumps(pids) + "\n"); stream.flush()
report = json.loads(stream.readline())
out, err = cli.communicate(timeout=90)
from actions_studio.runtime import Sandbox
with Sandbox() as box:
    layers = box.capabilities()["layers"]
print(json.dumps({"action": report, "outside": outside, "cli": {"code": cli.returncode,
                  "status": json.loads(out)["status"] if out.strip() else None, "stderr": err[-2000:]},
                  "layers": layers, "uid": os.getuid()}))
'''


def _system_python_matches() -> bool:
    if not os.access(SYSTEM_PYTHON, os.X_OK):
        return False
    probe = subprocess.run([SYSTEM_PYTHON, "-c", "import sys; print(sys.version_info[:2])"],
                           capture_output=True, text=True)
    return probe.stdout.strip() == str(sys.version_info[:2])


@pytest.fixture
def nobody_setup() -> Iterator[Path]:
    if os.geteuid() != 0:
        pytest.skip("drops to uid 65534 with setpriv, which needs root (the suite runs as root in CI)")
    if shutil.which("setpriv") is None:
        pytest.skip("setpriv (util-linux) is not installed: cannot drop privileges")
    if not landlock.abi_version():
        pytest.skip("this kernel has no Landlock: an ordinary user's files are not protected from actions "
                    "(Sandbox.capabilities() says so)")
    if not _system_python_matches():
        pytest.skip(f"needs {SYSTEM_PYTHON} of Python {sys.version_info[0]}.{sys.version_info[1]} "
                    "(readable by uid 65534, unlike the interpreter under /root)")
    base = Path(tempfile.mkdtemp(prefix="as-nobody-"))
    try:
        base.chmod(0o755)
        venv = base / "venv"
        (venv / "bin").mkdir(parents=True)
        (venv / "bin" / "python3").symlink_to(SYSTEM_PYTHON)
        (venv / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}").mkdir(parents=True)
        (venv / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}" / "site-packages").symlink_to(
            sysconfig.get_paths()["purelib"])
        (venv / "pyvenv.cfg").write_text("home = /usr/bin\ninclude-system-site-packages = false\n")
        (base / "snoop.py").write_text(SNOOP)
        (base / "runner.py").write_text(RUNNER)
        home = base / "home"
        (home / "config").mkdir(parents=True)
        (home / "workspace.sqlite").write_bytes(b"SQLite format 3\x00 workspace canary")
        (home / "config" / "vault.key").write_bytes(os.urandom(32))
        (home / "config" / "vault.bin").write_bytes(b"vault canary")
        for path in [home, home / "config", *home.rglob("*")]:
            os.chown(path, NOBODY, NOBODY)
            path.chmod(0o700 if path.is_dir() else 0o600)
        yield base
    finally:
        shutil.rmtree(base, ignore_errors=True)


def test_as_an_ordinary_user_an_action_reads_only_what_it_needs(nobody_setup: Path) -> None:
    base = nobody_setup
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": str(base / "home"),
           "ACTIONS_STUDIO_HOME": str(base / "home"), "MGMT_CLIENT_SECRET": CANARY}
    proc = subprocess.run(
        ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups",
         str(base / "venv" / "bin" / "python3"), str(base / "runner.py"), str(base), str(base / "snoop.py")],
        capture_output=True, text=True, timeout=240, env=env, cwd=str(base))
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(proc.stdout)
    assert report["uid"] == NOBODY
    assert report["cli"]["code"] == 0 and report["cli"]["status"] == "success", report["cli"]
    layers = report["layers"]
    assert layers["landlock"] and layers["dumpable_off"] and not layers["separate_uid"], layers
    action = report["action"]
    # The studio's data and config: neither readable nor writable (EACCES from Landlock).
    for what in ("read workspace", "read vault.key", "read vault.bin", "list config", "write home",
                 "write config"):
        assert action[what] == "refused 13", (what, action)
    # Other studio processes' /proc entries: refused to the action...
    for role in ("cli", "zygote", "forker"):
        for part in ("environ", "mem"):
            assert action[f"{role} {part}"] == "refused 13", (role, part, action)
    # ... and, through PR_SET_DUMPABLE 0, to any other process of the same user.
    outside = report["outside"]
    assert outside.pop("control: own environ") == "allowed"
    assert set(outside.values()) == {"refused 13"}, outside
    # What it needs: its own temp dir; and none of the studio's environment.
    assert action["own temp"] == "allowed"
    assert action["canary in environment"] is False
    assert not (base / "home" / "planted").exists() and not (base / "home" / "config" / "planted").exists()


# Any program that embeds the runtime (a script, a test run), not only the studio's entry points:
# a plain process of the same user tries the embedder's /proc files before and after it opens a Sandbox.
EMBEDDER = r'''
import json, os, subprocess, sys

CHECK = """import os, sys
try:
    os.close(os.open(f"/proc/{sys.argv[1]}/{sys.argv[2]}", os.O_RDONLY))
    print("allowed")
except OSError as exc:
    print(f"refused {exc.errno}")
"""

def outside():
    return {part: subprocess.run([sys.executable, "-c", CHECK, str(os.getpid()), part],
                                 capture_output=True, text=True, check=True).stdout.strip()
            for part in ("environ", "mem")}

before = outside()
from actions_studio.runtime import Sandbox
with Sandbox() as box:
    during = outside()
print(json.dumps({"before": before, "during": during, "uid": os.getuid()}))
'''


def test_a_program_that_opens_a_sandbox_is_unreadable_to_the_users_other_processes(nobody_setup: Path) -> None:
    base = nobody_setup
    (base / "embedder.py").write_text(EMBEDDER)
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": str(base / "home"),
           "ACTIONS_STUDIO_HOME": str(base / "home")}
    proc = subprocess.run(
        ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups",
         str(base / "venv" / "bin" / "python3"), str(base / "embedder.py")],
        capture_output=True, text=True, timeout=120, env=env, cwd=str(base))
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(proc.stdout)
    assert report["uid"] == NOBODY
    # The control: a plain script of the user is readable by that user's processes...
    assert report["before"] == {"environ": "allowed", "mem": "allowed"}, report
    # ... and once it holds a Sandbox (whose executions share its uid), it is not.
    assert report["during"] == {"environ": "refused 13", "mem": "refused 13"}, report
