"""The node22 twin of test_unprivileged.py: as an ordinary user (every desktop), a JavaScript
action reads only what it needs — with Node's permission model turned off, so the OS layers that
hold without root (Landlock; PR_SET_DUMPABLE on the studio's side) are what is tested.

Drops to uid 65534 with setpriv and runs the real `actions-studio run snoop.js` there, with the
same setup as the Python test (a workspace, a vault and a config folder of that user's, a
management secret in the CLI's environment)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from .test_unprivileged import CANARY, NOBODY, nobody_setup  # noqa: F401 - the fixture

SNOOP = r"""
const fs = require('fs');
const net = require('net');
const attempt = (f) => { try { f(); return 'allowed'; } catch (e) { return e.code; } };
const create = (p) => fs.writeFileSync(p, 'planted', { flag: 'wx' });
exports.onExecutePostLogin = async (event, api) => {
  const home = event.secrets.STUDIO_HOME;
  const conn = net.connect(Number(event.secrets.PORT), '127.0.0.1');
  const lines = [];
  let buffered = '';
  conn.on('data', (d) => { buffered += d; });
  const nextLine = () => new Promise((resolve) => {
    const poll = () => { const i = buffered.indexOf('\n'); if (i >= 0) { const l = buffered.slice(0, i); buffered = buffered.slice(i + 1); resolve(l); } else setTimeout(poll, 5); };
    poll();
  });
  conn.write(JSON.stringify({ pid: process.pid }) + '\n');
  const pids = JSON.parse(await nextLine());
  const report = {
    'read workspace': attempt(() => fs.readFileSync(`${home}/workspace.sqlite`)),
    'read vault.key': attempt(() => fs.readFileSync(`${home}/config/vault.key`)),
    'read vault.bin': attempt(() => fs.readFileSync(`${home}/config/vault.bin`)),
    'list config': attempt(() => fs.readdirSync(`${home}/config`)),
    'write home': attempt(() => create(`${home}/planted`)),
    'write config': attempt(() => create(`${home}/config/planted`)),
    'own temp': attempt(() => { const p = require('os').tmpdir() + '/t'; fs.writeFileSync(p, 'mine'); fs.readFileSync(p); }),
    'canary in environment': Object.values(process.env).some((v) => v.includes('canary')),
  };
  for (const [role, pid] of Object.entries(pids)) {
    report[`${role} environ`] = attempt(() => fs.readFileSync(`/proc/${pid}/environ`));
    report[`${role} mem`] = attempt(() => fs.closeSync(fs.openSync(`/proc/${pid}/mem`, 'r')));
  }
  conn.end(JSON.stringify(report) + '\n');
};
"""

RUNNER = r'''
import json, os, socket, subprocess, sys

base, action = sys.argv[1], sys.argv[2]

def parent_of(pid):
    with open(f"/proc/{pid}/stat") as fh:
        return int(fh.read().rsplit(")", 1)[1].split()[1])

def attempt(path):
    try:
        os.close(os.open(path, os.O_RDONLY))
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
worker = json.loads(stream.readline())["pid"]
assert parent_of(worker) == cli.pid, "the Node worker is the CLI's child"
children = [int(n) for n in os.listdir("/proc") if n.isdigit() and int(n) != worker
            and parent_of(int(n)) == cli.pid]

def is_node(pid):
    # A worker, or one being started (confined.py, before its exec: no action code or secret yet).
    try:
        if os.path.basename(os.readlink(f"/proc/{pid}/exe")) == "node":
            return True
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return b"actions_studio.runtime.node.confined" in fh.read()
    except OSError:  # not dumpable: not ours to read, and not a worker
        return False

# The studio's own processes (the CLI, the Python zygote) are PR_SET_DUMPABLE 0. Other Node
# workers are dumpable again after their exec: from inside a worker Landlock refuses them (checked
# by the action); a plain process of the user could read them, as it could read the user's files.
studio = [p for p in children if not is_node(p)]
workers = [p for p in children if is_node(p)]
pids = {"cli": cli.pid, **{f"studio{i}": p for i, p in enumerate(studio)},
        **{f"worker{i}": p for i, p in enumerate(workers)}}
outside = {f"{role} {part}": attempt(f"/proc/{pid}/{part}") for role, pid in pids.items()
           if not role.startswith("worker") for part in ("environ", "mem")}

def cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return fh.read().replace(b"\0", b" ").decode()[-200:]
    except OSError:
        return "?"

cmdlines = {r: cmdline(p) for r, p in pids.items()}
stream.write(json.dumps(pids) + "\n"); stream.flush()
report = json.loads(stream.readline())
out, err = cli.communicate(timeout=90)
from actions_studio.runtime import Sandbox
with Sandbox() as box:
    layers = box.node_capabilities()["layers"]
print(json.dumps({"action": report, "outside": outside, "cmdlines": cmdlines, "cli": {"code": cli.returncode,
                  "status": json.loads(out)["status"] if out.strip() else None, "stderr": err[-2000:]},
                  "layers": layers, "uid": os.getuid()}))
'''


def test_as_an_ordinary_user_a_javascript_action_reads_only_what_it_needs(nobody_setup: Path) -> None:  # noqa: F811
    base = nobody_setup
    (base / "snoop.js").write_text(SNOOP)
    (base / "runner_js.py").write_text(RUNNER)
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": str(base / "home"),
           "ACTIONS_STUDIO_HOME": str(base / "home"), "MGMT_CLIENT_SECRET": CANARY,
           "ACTIONS_STUDIO_SANDBOX_WITHOUT": "node_permission"}
    proc = subprocess.run(
        ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups",
         str(base / "venv" / "bin" / "python3"), str(base / "runner_js.py"), str(base), str(base / "snoop.js")],
        capture_output=True, text=True, timeout=240, env=env, cwd=str(base))
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(proc.stdout)
    assert report["uid"] == NOBODY
    assert report["cli"]["code"] == 0 and report["cli"]["status"] == "success", report["cli"]
    layers = report["layers"]
    assert layers["landlock"] and layers["seccomp"] and not layers["separate_uid"], layers
    assert layers["node_permission"] is False  # turned off: the OS layers alone are tested
    action = report["action"]
    for what in ("read workspace", "read vault.key", "read vault.bin", "list config", "write home",
                 "write config"):
        assert action[what] == "EACCES", (what, action)
    for key, value in action.items():
        if key.endswith((" environ", " mem")):
            assert value == "EACCES", (key, action)
    assert set(report["outside"].values()) == {"refused 13"}, (
        {k: v for k, v in report["outside"].items() if v != "refused 13"}, report["cmdlines"])
    assert any(k.startswith("studio") for k in report["outside"])  # the Python zygote was checked too
    assert action["own temp"] == "allowed"
    assert action["canary in environment"] is False
    assert not (base / "home" / "planted").exists() and not (base / "home" / "config" / "planted").exists()
