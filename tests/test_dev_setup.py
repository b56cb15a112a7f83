"""`./dev` installs into .venv only when the venv is not already what pip would make of it
(tools/venv_stamp.py): a start with nothing changed skips pip; a changed pyproject.toml, a new
constraints file, a moved checkout or a damaged venv installs again.

The venvs here are real (``python -m venv``); their distributions are real ones' metadata, copied
from the venv running the suite, since the check reads only metadata. In the shell-level test pip
itself is the edge of the world (it would reach a package index): a stand-in ``pip`` module in the
venv records what ./dev asked of it and lays out what an editable install leaves behind.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TOOL = ROOT / "tools" / "venv_stamp.py"
SITE = Path(sysconfig.get_paths()["purelib"])

_spec = importlib.util.spec_from_file_location("venv_stamp", TOOL)
venv_stamp = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(venv_stamp)


def _suite_is_editable_install() -> bool:
    try:
        return venv_stamp.install_problem(ROOT, ["test"]) is None
    except Exception:  # noqa: BLE001 - any failure means: not the layout this check is about
        return False


needs_editable = pytest.mark.skipif(
    not _suite_is_editable_install(),
    reason="the suite does not run from the editable install of this checkout (./dev makes one)",
)


def _checkout(tmp_path: Path) -> Path:
    """The files that decide what pip installs, as a checkout holds them."""
    root = tmp_path / "checkout"
    root.mkdir()
    for name in ("pyproject.toml", "setup.py"):
        shutil.copy2(ROOT / name, root / name)
    return root


def _bare_venv(path: Path) -> Path:
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(path)], check=True)
    return path


def _venv_site(venv: Path) -> Path:
    return next((venv / "lib").glob("python3*/site-packages"))


def _copy_metadata(venv: Path, *, leave_out: str = "", root: Path = ROOT) -> Path:
    """Give ``venv`` the suite's distributions as metadata (what the check reads) and the
    ``packaging`` library it uses; ``leave_out`` is a distribution left behind."""
    site = _venv_site(venv)
    for info in SITE.glob("*.dist-info"):
        if leave_out and info.name.lower().startswith(leave_out.lower() + "-"):
            continue
        (site / info.name).mkdir()
        for name in ("METADATA", "direct_url.json"):
            if (info / name).is_file():
                (site / info.name / name).write_bytes((info / name).read_bytes())
    ours = next(site.glob("actions_studio-*.dist-info"))
    (ours / "direct_url.json").write_text(json.dumps({"dir_info": {"editable": True}, "url": root.resolve().as_uri()}))
    shutil.copytree(Path(importlib.util.find_spec("packaging").origin).parent, site / "packaging")
    (venv / "bin" / "actions-studio").write_text(f"#!{venv}/bin/python\n")
    return site


def _check(venv: Path, stamp: Path, root: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([str(venv / "bin" / "python"), str(TOOL), "check", str(root), "--extras", "test",
                           "--stamp", str(stamp)], capture_output=True, text=True, timeout=60)


# --- what the stamp records ------------------------------------------------------------------


def test_the_fingerprint_follows_what_pip_installs_and_nothing_else(tmp_path) -> None:
    root = _checkout(tmp_path)
    first = venv_stamp.fingerprint(root, ["test"])
    (root / "README.md").write_text("a readme edit changes nothing pip installs\n")
    assert venv_stamp.fingerprint(root, ["test"]) == first
    with (root / "pyproject.toml").open("a") as f:
        f.write("# a new pin would go here\n")
    assert venv_stamp.stale_reason(first, venv_stamp.fingerprint(root, ["test"])) == "pyproject.toml changed"
    second = venv_stamp.fingerprint(root, ["test"])
    (root / "constraints.txt").write_text("jedi==0.20.1\n")
    assert venv_stamp.stale_reason(second, venv_stamp.fingerprint(root, ["test"])) == "constraints.txt changed"
    third = venv_stamp.fingerprint(root, ["test"])
    assert venv_stamp.stale_reason(third, venv_stamp.fingerprint(root, [])) == "other extras are wanted"
    assert venv_stamp.stale_reason(third, venv_stamp.fingerprint(root, ["test"])) is None
    moved = tmp_path / "elsewhere"
    shutil.copytree(root, moved)
    assert venv_stamp.stale_reason(venv_stamp.fingerprint(root, []), venv_stamp.fingerprint(moved, [])) == \
        "the checkout moved"


@pytest.mark.parametrize("content", ["", "{not json", "[]", '{"format": 99}', "\udcff"])
def test_a_missing_or_damaged_stamp_means_install(tmp_path, content) -> None:
    stamp = tmp_path / venv_stamp.STAMP
    assert venv_stamp.check(ROOT, ["test"], stamp) == "the venv has no install stamp yet"
    stamp.write_text(content, encoding="utf-8", errors="surrogateescape")
    assert venv_stamp.check(ROOT, ["test"], stamp) == "the install stamp is unreadable"


@needs_editable
def test_a_stamp_written_after_the_install_vouches_for_it_until_an_input_changes(tmp_path) -> None:
    stamp = tmp_path / venv_stamp.STAMP
    assert venv_stamp.write(ROOT, ["test"], stamp) is None
    assert venv_stamp.check(ROOT, ["test"], stamp) is None
    recorded = json.loads(stamp.read_text())
    recorded["inputs"]["pyproject.toml"] = "0" * 64  # as if pyproject.toml was edited since
    stamp.write_text(json.dumps(recorded))
    assert venv_stamp.check(ROOT, ["test"], stamp) == "pyproject.toml changed"


@needs_editable
def test_another_checkouts_install_is_not_this_ones(tmp_path) -> None:
    root = _checkout(tmp_path)
    assert "is not the editable install of" in venv_stamp.install_problem(root, ["test"])
    # and no stamp is written for it: the next start would only have to install anyway
    assert venv_stamp.write(root, ["test"], tmp_path / "stamp.json") is not None
    assert not (tmp_path / "stamp.json").exists()


# --- a damaged venv --------------------------------------------------------------------------


@needs_editable
def test_an_empty_venv_is_not_installed(tmp_path) -> None:
    stamp = tmp_path / "stamp.json"
    venv_stamp.write(ROOT, ["test"], stamp)
    venv = _bare_venv(tmp_path / "venv")
    done = _check(venv, stamp)
    assert done.returncode == 1
    assert done.stderr.strip() == "dev: installing into the venv: actions-studio is not installed in the venv"


@needs_editable
def test_a_venv_with_every_requirement_checks_out(tmp_path) -> None:
    stamp = tmp_path / "stamp.json"
    venv_stamp.write(ROOT, ["test"], stamp)
    venv = _bare_venv(tmp_path / "venv")
    _copy_metadata(venv)
    done = _check(venv, stamp)
    assert (done.returncode, done.stderr) == (0, "")


@needs_editable
@pytest.mark.parametrize(("damage", "said"), [
    ("pyflakes", "pyflakes (needed by actions-studio) is not installed"),
    # a requirement's own requirement: PySide6-Essentials needs shiboken6
    ("shiboken6", "shiboken6 (needed by PySide6-Essentials) is not installed"),
    # the test extra's requirement
    ("pytest_qt", "pytest-qt (needed by actions-studio) is not installed"),
    ("version", "jedi 0.1 is installed but actions-studio needs"),
    ("entry", "the actions-studio command is missing from the venv"),
    ("packaging-library", "the venv lacks the packaging library"),
])
def test_a_damaged_venv_is_installed_again(tmp_path, damage, said) -> None:
    stamp = tmp_path / "stamp.json"
    venv_stamp.write(ROOT, ["test"], stamp)
    venv = _bare_venv(tmp_path / "venv")
    site = _copy_metadata(venv, leave_out=damage)
    if damage == "version":
        metadata = next(site.glob("jedi-*.dist-info")) / "METADATA"
        text = metadata.read_text(encoding="utf-8")
        version = next(line for line in text.splitlines() if line.startswith("Version: "))
        metadata.write_text(text.replace(version, "Version: 0.1", 1), encoding="utf-8")
    elif damage == "entry":
        (venv / "bin" / "actions-studio").unlink()
    elif damage == "packaging-library":
        shutil.rmtree(site / "packaging")
    done = _check(venv, stamp)
    assert done.returncode == 1
    assert said in done.stderr


# --- ./dev itself ----------------------------------------------------------------------------

STAND_IN_PIP = '''\
"""pip, as far as ./dev can tell: records each call; `install -e ROOT[...]` leaves what pip's
editable install leaves (the distribution pointing at ROOT, the entry script)."""
import json, os, shutil, sys
from pathlib import Path
args = sys.argv[1:]
with open(os.environ["PIP_CALLS"], "a") as log:
    log.write(" ".join(args) + "\\n")
if "-e" in args:
    root = Path(args[args.index("-e") + 1].split("[")[0]).resolve()
    site = Path(__file__).resolve().parents[1]
    source = Path(os.environ["REAL_METADATA"])
    target = site / source.name
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir()
    (target / "METADATA").write_bytes((source / "METADATA").read_bytes())
    (target / "direct_url.json").write_text(json.dumps({"dir_info": {"editable": True}, "url": root.as_uri()}))
    (Path(sys.prefix) / "bin" / "actions-studio").write_text("#!" + sys.executable + "\\n")
'''


@needs_editable
def test_dev_runs_pip_only_when_the_venv_is_not_current(tmp_path) -> None:
    root = _checkout(tmp_path)
    for name in ("dev", "tools/venv_stamp.py", "tools/auth0_clients.py", "packaging/system-deps.sh"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, root / name)
    venv = _bare_venv(root / ".venv")
    site = _venv_site(venv)
    # Everything else the venv needs is the suite's own (its site-packages, through a .pth), so
    # the system-deps and TypeScript steps run for real; only the project's own install and pip
    # are the venv's.
    (site / "suite.pth").write_text(f"{SITE}\n{ROOT / 'src'}\n")
    (site / "pip").mkdir()
    (site / "pip" / "__init__.py").write_text("")
    (site / "pip" / "__main__.py").write_text(STAND_IN_PIP)
    calls = tmp_path / "pip-calls.txt"
    real = next(SITE.glob("actions_studio-*.dist-info"))
    env = {**os.environ, "PIP_CALLS": str(calls), "REAL_METADATA": str(real)}

    def dev() -> tuple[list[str], str]:
        calls.write_text("")
        done = subprocess.run([str(root / "dev"), "test", "--version"], cwd=root, env=env,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        return calls.read_text().splitlines(), done.stderr

    ran, said = dev()  # the first start: no stamp yet
    assert ran == ["install --quiet --upgrade pip", "install --quiet -e .[test]"]
    assert "installing into the venv: the venv has no install stamp yet" in said
    assert (venv / venv_stamp.STAMP).is_file()

    ran, said = dev()  # nothing changed: no pip at all
    assert ran == [] and "installing" not in said

    with (root / "pyproject.toml").open("a") as f:
        f.write("# a changed pin\n")
    ran, said = dev()
    assert ran[-1] == "install --quiet -e .[test]" and "pyproject.toml changed" in said
    assert dev()[0] == []

    (venv / "bin" / "actions-studio").unlink()  # a damaged venv
    ran, said = dev()
    assert ran[-1] == "install --quiet -e .[test]" and "command is missing" in said
    assert dev()[0] == []
