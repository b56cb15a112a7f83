"""Issue 13 items 3 and 5 (and the root half of 4): what an execution can read and write.

As root every execution has a uid of its own; Landlock (where the kernel has it) limits what it
may open; the interpreter is made readable to those uids; nothing it writes outlives it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from actions_studio.runtime import ActionSource, Sandbox, SandboxLimits

# None of these is imported by the zygote before it forks (the test checks it in the child):
# before issue 13 item 5 each failed with ModuleNotFoundError as root, /root being 0700.
UNIMPORTED = ["urllib.request", "multiprocessing", "pty", "xml.etree.ElementTree", "email.mime.text",
              "statistics", "difflib", "gzip", "sqlite3", "http.server", "wave", "colorsys", "tomllib"]

IMPORTER = f"""
import importlib, sys
MODULES = {UNIMPORTED!r}

def on_execute_post_login(event, api):
    fresh = [m for m in MODULES if m not in sys.modules]
    for name in MODULES:
        importlib.import_module(name)
    print('fresh', len(fresh))
    print('idna', 'bücher.example'.encode('idna').decode())  # the idna codec is a lazy import too
    print('tz', __import__('zoneinfo').ZoneInfo('Europe/Paris').key)
"""


def test_an_action_imports_standard_library_modules_the_zygote_never_imported(sandbox: Sandbox, event) -> None:
    result = sandbox.run_action("post-login", ActionSource("imports", IMPORTER), event)
    assert result.status == "success", result.actions[0].error
    logs = result.actions[0].logs.splitlines()
    assert int(logs[0].split()[1]) >= 10  # most of them really were imported in the child
    assert logs[1:] == ["idna xn--bcher-kva.example", "tz Europe/Paris"]
    layers = sandbox.capabilities()
    assert layers["layers"]["python_readable"], layers["notes"]["python_readable"]


def _writer(marker: str) -> str:
    return f"""
import os, tempfile

def on_execute_post_login(event, api):
    for d in ('/tmp', '/var/tmp', '/dev/shm'):
        for kind in ('file', 'dir'):
            path = os.path.join(d, '{marker}-' + kind)
            try:
                if kind == 'dir':
                    os.mkdir(path)
                    open(os.path.join(path, 'inside'), 'w').close()
                else:
                    with open(path, 'w') as fh:
                        fh.write('left behind')
                print('wrote', path)
            except OSError as exc:
                print('refused', path, exc.errno)
    with tempfile.NamedTemporaryFile('w', delete=False) as fh:  # its own temp dir (TMPDIR)
        fh.write('mine')
    print('own temp', open(fh.name).read(), os.path.dirname(fh.name) == os.environ['TMPDIR'])
"""


@pytest.fixture(params=["landlock", "cleanup"])
def temp_sandbox(request, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch):
    """Landlock refuses the writes; without it (older kernels), the helper removes what the
    execution's uid left."""
    if request.param == "landlock":
        if not sandbox.capabilities()["layers"]["landlock"]:
            pytest.skip("this kernel has no Landlock")
        yield sandbox
        return
    if os.geteuid() != 0:
        pytest.skip("the cleanup fallback needs the per-execution uids of root")
    monkeypatch.setenv("ACTIONS_STUDIO_SANDBOX_WITHOUT", "landlock")
    with Sandbox(SandboxLimits(wall_time_s=5)) as box:
        yield box


def test_files_an_action_writes_to_the_shared_temp_dirs_do_not_outlive_it(temp_sandbox: Sandbox, event) -> None:
    marker = f"as-test-{uuid.uuid4().hex[:12]}"
    result = temp_sandbox.run_action("post-login", ActionSource("writer", _writer(marker)), event)
    assert result.status == "success", result.actions[0].error
    logs = result.actions[0].logs
    assert "own temp mine True" in logs
    caps = temp_sandbox.capabilities()
    assert caps["layers"]["private_temp"], caps["notes"]["private_temp"]
    if caps["layers"]["landlock"]:
        assert "wrote" not in logs and logs.count("refused") == 6
    else:
        assert logs.count("wrote") == 6  # it could write them; they are removed after it
    # The reply can come before the helper has reaped the child and cleaned up: wait for that.
    left = [f"{d}/{marker}-{k}" for d in ("/tmp", "/var/tmp", "/dev/shm") for k in ("file", "dir")]
    assert _eventually_gone(left) == []


def _eventually_gone(paths: list[str]) -> list[str]:
    import time

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        remaining = [p for p in paths if os.path.lexists(p)]
        if not remaining:
            return []
        time.sleep(0.02)
    return remaining


@pytest.fixture
def public_file() -> Iterator[Path]:
    """A file every uid may read (0644 in a 0755 dir under /tmp): only Landlock stands in the way."""
    folder = Path(tempfile.mkdtemp(prefix="as-public-"))
    try:
        folder.chmod(0o755)
        path = folder / "public.txt"
        path.write_text("not for actions")
        path.chmod(0o644)
        yield path
    finally:
        shutil.rmtree(folder)


def test_an_action_cannot_open_files_outside_its_allow_list(sandbox: Sandbox, event, public_file: Path) -> None:
    if not sandbox.capabilities()["layers"]["landlock"]:
        pytest.skip("this kernel has no Landlock")
    public = public_file
    code = f"""
def on_execute_post_login(event, api):
    for path in ({str(public)!r}, '/proc/1/status', '/etc/hostname'):
        try:
            open(path).read()
            print('read', path)
        except OSError as exc:
            print('refused', path, exc.errno)
"""
    logs = sandbox.run_action("post-login", ActionSource("reader", code), event).actions[0].logs
    assert logs.splitlines() == [f"refused {public} 13", "refused /proc/1/status 13", "read /etc/hostname"]


def test_an_action_cannot_open_a_unix_socket_of_its_own(sandbox: Sandbox, event) -> None:
    if not sandbox.capabilities()["layers"]["seccomp"]:
        pytest.skip("seccomp is not available on this machine")
    code = """
import asyncio, socket

def on_execute_post_login(event, api):
    try:
        socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        print('opened')
    except PermissionError:
        print('refused')
    asyncio.run(asyncio.sleep(0))  # its event loop's socketpair still works
    print('asyncio ok')
"""
    logs = sandbox.run_action("post-login", ActionSource("unix", code), event).actions[0].logs
    lines = [line for line in logs.splitlines() if not line.startswith("DEBUG:asyncio:")]
    assert lines == ["refused", "asyncio ok"]
