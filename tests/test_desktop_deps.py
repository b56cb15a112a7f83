"""What Qt's platform plugin lacks, found with ldd and named as packages (issue 12, item 1).

A plugin that really lacks libraries is built here: a shared object linked against libraries
that are deleted afterwards, found through QT_PLUGIN_PATH as Qt would find it. `apt-get`,
`apt-cache` and `id` are the edge of the world for packaging/system-deps.sh: stand-ins on PATH
record what the script asked of them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from actions_studio import desktop_deps
from actions_studio.gui import platform_problem

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "packaging" / "system-deps.sh"
# Names no distribution ships, so the machine's own libraries never satisfy them.
GONE = ("libactions-studio-gone-a.so.4", "libastudiogone.so.1")

needs_cc = pytest.mark.skipif(shutil.which("cc") is None, reason="no C compiler to build a plugin")


@pytest.fixture
def broken_plugin_dir(tmp_path: Path) -> Path:
    """A platforms/ folder whose libqxcb.so needs the GONE libraries."""
    libs = tmp_path / "libs"
    libs.mkdir()
    for soname in GONE:
        src = libs / "lib.c"
        src.write_text(f"int f_{abs(hash(soname))}(void) {{ return 1; }}\n")
        subprocess.run(["cc", "-shared", "-fPIC", f"-Wl,-soname,{soname}", "-o", str(libs / soname),
                        str(src)], check=True)
    plugins = tmp_path / "plugins"
    (plugins / "platforms").mkdir(parents=True)
    src = tmp_path / "plugin.c"
    src.write_text("int plugin(void) { return 0; }\n")
    subprocess.run(["cc", "-shared", "-fPIC", "-o", str(plugins / "platforms" / "libqxcb.so"), str(src),
                    f"-L{libs}", "-Wl,--no-as-needed", *[f"-l:{s}" for s in GONE]], check=True)
    shutil.rmtree(libs)
    return plugins


@pytest.mark.parametrize(("soname", "candidates"), [
    ("libxcb-icccm.so.4", ["libxcb-icccm4"]),
    ("libxcb-keysyms.so.1", ["libxcb-keysyms1"]),
    ("libxkbcommon-x11.so.0", ["libxkbcommon-x11-0"]),
    ("libEGL.so.1", ["libegl1"]),
    ("libdbus-1.so.3", ["libdbus-1-3", "libdbus1-3"]),
    ("libglib-2.0.so.0", ["libglib-2.0-0", "libglib2.0-0"]),
    ("not-a-library", []),
])
def test_package_candidates_follow_debians_library_naming(soname, candidates) -> None:
    assert desktop_deps.package_candidates(soname) == candidates


@pytest.mark.skipif(shutil.which("apt-cache") is None, reason="no apt: package names are not checked")
def test_apt_confirms_the_packages_of_the_libraries_qt_names_wrongly() -> None:
    found, unknown = desktop_deps.debian_packages(["libxcb-icccm.so.4", "libglib-2.0.so.0", GONE[0]])
    assert found == {"libxcb-icccm.so.4": "libxcb-icccm4", "libglib-2.0.so.0": "libglib2.0-0"}
    assert unknown == (GONE[0],)


@needs_cc
def test_ldd_finds_every_missing_library_of_the_plugin(broken_plugin_dir, monkeypatch) -> None:
    monkeypatch.setenv("QT_PLUGIN_PATH", str(broken_plugin_dir))
    missing = desktop_deps.check(desktop_deps.XCB)
    assert missing.plugin == broken_plugin_dir / "platforms" / "libqxcb.so"
    assert set(missing.libraries) == set(GONE)
    assert not missing.ok and not desktop_deps.loads(desktop_deps.XCB)
    text = desktop_deps.explain([missing], can_install=False)
    assert "xcb platform plugin cannot load" in text and all(s in text for s in GONE)


@needs_cc
def test_the_window_refuses_to_start_with_the_missing_libraries_instead_of_qts_abort(
        broken_plugin_dir, tmp_path) -> None:
    env = {**os.environ, "QT_PLUGIN_PATH": str(broken_plugin_dir), "QT_QPA_PLATFORM": "xcb",
           "DISPLAY": ":99", "ACTIONS_STUDIO_HOME": str(tmp_path / "home")}
    out = subprocess.run([sys.executable, "-m", "actions_studio"], env=env, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 2, out.stderr
    assert "the window cannot open" in out.stderr and GONE[0] in out.stderr
    assert not (tmp_path / "home" / "workspace.sqlite").exists()  # refused before anything was made


def test_no_display_is_said_in_words() -> None:
    problem = platform_problem({"QT_QPA_PLATFORM": "xcb"})
    assert problem is not None and "DISPLAY is not set" in problem
    assert platform_problem({"QT_QPA_PLATFORM": "offscreen"}) is None


def _stand_ins(bin_dir: Path, *, uid: int) -> Path:
    """id, apt-get and apt-cache that log their arguments; apt-cache knows every package."""
    log = bin_dir / "calls.log"
    bin_dir.mkdir(exist_ok=True)
    scripts = {
        "id": f'[ "$1" = -u ] && echo {uid} || /usr/bin/id "$@"',
        "apt-get": f'echo "apt-get $*" >> {log}',
        "apt-cache": f'echo "apt-cache $*" >> {log}; echo "Package: ${{@: -1}}"',
    }
    for name, body in scripts.items():
        path = bin_dir / name
        path.write_text(f"#!/bin/bash\n{body}\n")
        path.chmod(0o755)
    return log


def _run_script(purpose: str, plugin_dir: Path, bin_dir: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
           "QT_PLUGIN_PATH": str(plugin_dir), "DISPLAY": ":99"}
    env.pop("QT_QPA_PLATFORM", None)
    return subprocess.run(["bash", str(SCRIPT), sys.executable, purpose], env=env, capture_output=True,
                          text=True, timeout=300)


@needs_cc
def test_system_deps_as_a_user_prints_the_packages_and_the_command_then_stops(
        broken_plugin_dir, tmp_path) -> None:
    bin_dir = tmp_path / "bin"
    log = _stand_ins(bin_dir, uid=1000)
    out = _run_script("studio", broken_plugin_dir, bin_dir)
    assert out.returncode == 1
    # apt-cache (our stand-in) knows every package, so each library is named by its package.
    assert "install them with:  sudo apt-get install -y libactions-studio-gone-a4 libastudiogone1" in out.stderr
    assert "the studio cannot start until these are installed" in out.stderr
    assert "apt-get install" not in (log.read_text() if log.exists() else "")


@needs_cc
def test_system_deps_as_root_installs_what_ldd_found_and_says_what_it_runs(
        broken_plugin_dir, tmp_path) -> None:
    bin_dir = tmp_path / "bin"
    log = _stand_ins(bin_dir, uid=0)
    out = _run_script("studio", broken_plugin_dir, bin_dir)
    calls = log.read_text().splitlines()
    assert "apt-get update -qq" in calls
    installs = [c for c in calls if c.startswith("apt-get install")]
    assert installs and installs[0].endswith("libactions-studio-gone-a4 libastudiogone1")
    assert "system-deps: apt-get install -y --no-install-recommends" in out.stderr
    # The stand-in installed nothing, so the plugin still cannot load: stop, in words.
    assert out.returncode == 1 and "cannot start" in out.stderr
