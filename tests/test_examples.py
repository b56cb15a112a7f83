"""examples/acme (issue 9) and examples/acme-js (issue 15, the same project in JavaScript): each
imports, its tests pass, and it is exactly what `actions-studio export` writes (so the folder can
be re-exported without a diff).

Through the real CLI in a child process, with ACTIONS_STUDIO_HOME in a temp folder: nothing
touches the user's workspace or keyring.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
ACME = REPO / "examples" / "acme"
ACME_JS = REPO / "examples" / "acme-js"
PROJECTS = {"acme": (ACME, "python3"), "acme-js": (ACME_JS, "node22")}
NEEDS_NODE_RUNTIME = "needs the node22 runtime (runtime/node)"
# Files of the example that are not part of the export layout.
NOT_EXPORTED = {"README.md"}


def cli(cwd: Path, *args: str, home: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ACTIONS_STUDIO_HOME": str(home or cwd)}
    return subprocess.run([sys.executable, "-m", "actions_studio", *args], capture_output=True,
                          text=True, timeout=300, env=env, cwd=cwd)


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.relative_to(root).as_posix() not in NOT_EXPORTED}


@pytest.fixture(scope="module", params=list(PROJECTS))
def project(request: pytest.FixtureRequest) -> Path:
    return PROJECTS[request.param][0]


def needs_runtime(project: Path) -> None:
    if PROJECTS[project.name][1] == "node22":
        pytest.skip(NEEDS_NODE_RUNTIME)


@pytest.fixture(scope="module")
def imported(project: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp(f"{project.name}-home")
    done = cli(home, "import", str(project), "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["changed"] == [] and report["unchanged"] == []
    return home


def test_acme_has_six_named_use_cases_on_four_triggers(project: Path, imported: Path) -> None:
    done = cli(imported, "actions", "list", "--json")
    assert done.returncode == 0, done.stderr
    actions = {a["name"]: a for a in json.loads(done.stdout)}
    for name in ("add-roles-claims", "deny-unverified-email", "mfa-for-admins",
                 "first-login-metadata", "m2m-tier-claim", "signup-domain-allowlist"):
        assert name in actions, name
        assert actions[name]["deployed_version"] == 1
    assert len({a["trigger"] for a in actions.values()}) == 4
    assert {a["runtime"] for a in actions.values()} == {PROJECTS[project.name][1]}


@pytest.mark.slow
def test_acme_tests_pass_with_junit(project: Path, imported: Path) -> None:
    needs_runtime(project)
    junit = imported / "report.xml"
    done = cli(imported, "test", "--junit", str(junit), "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    reports = json.loads(done.stdout)
    assert len(reports) >= 12 and all(r["passed"] for r in reports)
    # every fixture in the folder is a test case (none lacks an expectation)
    assert len(reports) == len(list((project / "fixtures").glob("*/*.json")))
    assert "<failure" not in junit.read_text(encoding="utf-8")


def test_acme_flows_come_back_in_order(imported: Path) -> None:
    done = cli(imported, "flows", "show", "post-login", "--json")
    assert done.returncode == 0, done.stderr
    assert [a["name"] for a in json.loads(done.stdout)] == [
        "deny-unverified-email", "add-roles-claims", "mfa-for-admins", "first-login-metadata"]


def test_acme_reexports_byte_identical(project: Path, imported: Path, tmp_path: Path) -> None:
    done = cli(imported, "export", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    exported, committed = tree(tmp_path / "out"), tree(project)
    assert sorted(exported) == sorted(committed)
    changed = [rel for rel in committed if exported[rel] != committed[rel]]
    assert changed == [], f"re-export differs: {changed} (run `actions-studio export examples/{project.name}`)"


def test_acme_reimport_changes_nothing(project: Path, imported: Path) -> None:
    done = cli(imported, "import", str(project), "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["created"] == [] and report["changed"] == []


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.slow
def test_acme_synced_to_the_local_tenant_shows_its_claim_at_login(project: Path, tmp_path: Path) -> None:
    # The README walkthrough's last steps: sync to the Local tenant, serve it, log in with
    # examples/login.py and see the claim a post-login action set.
    needs_runtime(project)
    home = tmp_path / "home"
    for args in (("import", str(project)), ("sync", "--yes"), ("sync", "--dry-run")):
        done = cli(tmp_path, *args, home=home)
        assert done.returncode == 0, f"{args}: {done.stdout}{done.stderr}"
    data = home / "local-tenant"
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "actions_studio", "tenant", "serve", "--port", str(port),
                               "--data", str(data)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              cwd=tmp_path)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, server.stderr.read().decode(errors="replace")
            creds = data / "credentials.json"
            if creds.exists() and json.loads(creds.read_text()).get("base_url", "").endswith(f":{port}"):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                    break
                except OSError:
                    pass
            assert time.monotonic() < deadline, "the tenant did not start within 60 s"
            time.sleep(0.1)
        login = subprocess.run([sys.executable, str(REPO / "examples" / "login.py"), "--data", str(data)],
                               capture_output=True, text=True, timeout=60)
    finally:
        server.terminate()
        server.wait(timeout=30)
        server.stderr.close()
    assert login.returncode == 0, login.stderr
    assert '"https://acme.example/roles": [' in login.stdout  # set by add-roles-claims in the tenant


# -- acme-js is acme, in JavaScript ---------------------------------------------------------------


def test_acme_js_is_acme_with_the_same_actions_fixtures_and_flows() -> None:
    def names(root: Path) -> list[str]:
        return sorted(p.stem for p in (root / "actions").glob("*.json"))

    assert names(ACME_JS) == names(ACME)
    for name in names(ACME):
        python = json.loads((ACME / "actions" / f"{name}.json").read_text(encoding="utf-8"))
        javascript = json.loads((ACME_JS / "actions" / f"{name}.json").read_text(encoding="utf-8"))
        assert javascript == {**python, "runtime": "node22"}, name
        assert [p.name for p in (ACME_JS / "actions" / name).iterdir()] == ["code.js"], name
    same = ["flows/flows.json", *(p.relative_to(ACME).as_posix() for p in (ACME / "fixtures").rglob("*.json"))]
    assert [rel for rel in same if (ACME / rel).read_bytes() != (ACME_JS / rel).read_bytes()] == []


def test_acme_js_actions_compile_and_export_their_triggers_handlers() -> None:
    from actions_studio.nodejs_compile import check_many
    from actions_studio.triggers.javascript import javascript_view

    files = sorted((ACME_JS / "actions").glob("*/code.js"))
    assert len(files) == 7
    errors = check_many([f.read_text(encoding="utf-8") for f in files])
    assert {f.parent.name: e for f, e in zip(files, errors) if e is not None} == {}
    for code in files:
        trigger = json.loads(code.parent.with_suffix(".json").read_text(encoding="utf-8"))["trigger"]
        assert f"exports.{javascript_view(trigger).execute_handler} = async (event, api) =>" in code.read_text()
