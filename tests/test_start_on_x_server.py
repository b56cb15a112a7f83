"""The real studio on a real X server (issue 12): the suite's other window tests run on Qt's
offscreen platform, which hides every missing system library of the xcb plugin — the reason a
clean Debian desktop once aborted with rc 134 while CI was green. Here `actions-studio` starts as a
user starts it, on Xvfb with QT_QPA_PLATFORM=xcb, and the test waits until X reports its main
window mapped, takes a picture of the screen, then checks that the size the user gave the window
comes back on the next start.

Xvfb, xwininfo (x11-utils) and xdotool come from `packaging/system-deps.sh PYTHON test`, which
./dev test (and so .ci/run) runs as root.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from actions_studio import desktop_deps
from actions_studio.ui.window_geometry import SCREEN_SHARE

SCREENSHOT = Path(__file__).resolve().parents[1] / "docs" / "screenshots" / "start-on-x-server.png"
SCREEN = (1600, 1000)
TITLE = "Actions Studio"
START_TIMEOUT_S = 90.0

_tools = [t for t in ("Xvfb", "xwininfo", "xdotool") if shutil.which(t) is None]
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(bool(_tools), reason=f"{', '.join(_tools)} not installed: run "
                       "`bash packaging/system-deps.sh .venv/bin/python test` as root (./dev test does)"),
]


@pytest.fixture
def x_display() -> Iterator[str]:
    """A fresh Xvfb of SCREEN size; its display name (":N") chosen by Xvfb itself."""
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", f"{SCREEN[0]}x{SCREEN[1]}x24",
         "-nolisten", "tcp", "-noreset"],
        pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_fd)
    try:
        with os.fdopen(read_fd) as pipe:
            number = pipe.readline().strip()
        assert number.isdigit(), "Xvfb did not report a display number"
        yield f":{number}"
    finally:
        proc.terminate()
        proc.wait(10)


def _x_env(display: str, home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QT_", "ACTIONS_STUDIO_"))}
    env.update(DISPLAY=display, QT_QPA_PLATFORM="xcb", ACTIONS_STUDIO_HOME=str(home))
    env.pop("WAYLAND_DISPLAY", None)
    return env


def _main_window(display: str) -> dict[str, object] | None:
    """The studio's top-level window as X sees it: id, map state, geometry; None until it exists."""
    env = {**os.environ, "DISPLAY": display}
    tree = subprocess.run(["xwininfo", "-root", "-tree"], env=env, capture_output=True, text=True,
                          timeout=30).stdout
    for line in tree.splitlines():
        match = re.match(rf'\s*(0x[0-9a-f]+) "{re.escape(TITLE)}[^"]*"', line)
        if not match:
            continue
        info = subprocess.run(["xwininfo", "-id", match.group(1)], env=env, capture_output=True,
                              text=True, timeout=30).stdout
        fields = dict(re.findall(r"^\s*([A-Za-z -]+):\s*(.+)$", info, re.MULTILINE))
        if fields.get("Map State") == "IsViewable":
            return {"id": match.group(1), "width": int(fields["Width"]), "height": int(fields["Height"]),
                    "x": int(fields["Absolute upper-left X"]), "y": int(fields["Absolute upper-left Y"])}
    return None


def _start(display: str, home: Path) -> tuple[subprocess.Popen, dict[str, object]]:
    proc = subprocess.Popen([sys.executable, "-m", "actions_studio"], env=_x_env(display, home),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            out, err = proc.communicate()
            pytest.fail(f"the studio exited with {proc.returncode} before its window was mapped:\n{err}")
        window = _main_window(display)
        if window is not None:
            return proc, window
        time.sleep(0.2)
    proc.kill()
    pytest.fail(f"no mapped '{TITLE}' window within {START_TIMEOUT_S:.0f} s:\n{proc.communicate()[1]}")


def _stop(proc: subprocess.Popen) -> str:
    """SIGTERM, as a logout sends it: the studio closes its window (saving the layout) and exits 0."""
    proc.send_signal(signal.SIGTERM)
    try:
        _, err = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail("the studio did not exit within 30 s of SIGTERM")
    assert proc.returncode == 0, err
    return err


def _screenshot(display: str, path: Path) -> None:
    """The whole screen through Qt on the same X server, in a process of its own (this one runs
    the offscreen platform for the other tests)."""
    script = ("import sys\nfrom PySide6.QtGui import QGuiApplication\napp = QGuiApplication(sys.argv)\n"
              "image = app.primaryScreen().grabWindow(0)\n"
              f"sys.exit(0 if image.save({str(path)!r}) else 1)\n")
    env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
    subprocess.run([sys.executable, "-c", script], env=env, check=True, timeout=60, capture_output=True)


def test_the_studio_starts_on_a_real_x_server_and_remembers_its_size(x_display: str, tmp_path) -> None:
    broken = [m for m in (desktop_deps.check(desktop_deps.XCB),) if not m.ok]
    assert not broken, desktop_deps.explain(broken, can_install=False)

    proc, window = _start(x_display, tmp_path / "home")
    try:
        time.sleep(1.0)  # the first paint after mapping: the picture should show the window
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        _screenshot(x_display, SCREENSHOT)
        # First start: the whole window on the screen, and a good share of it.
        assert window["x"] >= 0 and window["y"] >= 0
        assert window["x"] + window["width"] <= SCREEN[0] and window["y"] + window["height"] <= SCREEN[1]
        assert abs(window["width"] - SCREEN_SHARE * SCREEN[0]) <= 2
        assert abs(window["height"] - SCREEN_SHARE * SCREEN[1]) <= 2
        # The user makes it smaller (xdotool talks to X as a window manager would).
        env = {**os.environ, "DISPLAY": x_display}
        subprocess.run(["xdotool", "windowsize", "--sync", str(int(window["id"], 16)), "1000", "700"],
                       env=env, check=True, timeout=30)
        deadline = time.monotonic() + 10
        while (_main_window(x_display) or {}).get("width") != 1000 and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        err = _stop(proc)
    assert "Traceback" not in err, err
    assert SCREENSHOT.stat().st_size > 10_000  # a real picture, not an empty frame

    proc, again = _start(x_display, tmp_path / "home")
    try:
        assert (again["width"], again["height"]) == (1000, 700)
    finally:
        _stop(proc)
