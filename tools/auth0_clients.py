"""Auth0's own Node clients, pinned, for the test suite's compatibility tests (docs/tenant.md,
"Auth0 compatibility"): the Node SDK ``auth0`` and the Deploy CLI ``auth0-deploy-cli`` from npm,
installed once with the project's npm (``nodejs.py``) and offline after that.

``./dev`` runs ``python tools/auth0_clients.py --shared --quiet`` next to the TypeScript installer,
so a test run never downloads: the install goes to the machine's shared cache,
``<user cache>/actions-studio/auth0-clients/<versions>``, which the suite's isolated
``$ACTIONS_STUDIO_HOME`` does not move. As for TypeScript, an install is built in a ``.building-*``
folder and renamed into place with its marker last, so a half-done one never counts; a failed
install leaves ``last-error.txt`` beside it, which the tests' skip reason quotes.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import platformdirs

SDK_VERSION = "7.1.0"
DEPLOY_CLI_VERSION = "8.44.0"
VERSIONS_KEY = f"auth0-{SDK_VERSION}-deploy-cli-{DEPLOY_CLI_VERSION}"
MARKER = "actions-studio-auth0-clients.json"
ERROR_FILE = "last-error.txt"
TIMEOUT_S = 600.0


@dataclass(frozen=True)
class Auth0Clients:
    root: Path

    @property
    def node_modules(self) -> Path:
        return self.root / "node_modules"

    @property
    def deploy_cli(self) -> Path:
        """The Deploy CLI's command (``a0deploy``), a script for Node."""
        return self.node_modules / "auth0-deploy-cli" / "lib" / "index.js"


def shared_location() -> Path:
    return Path(platformdirs.user_cache_dir("actions-studio", appauthor=False)) / "auth0-clients" / VERSIONS_KEY


def _complete(root: Path) -> bool:
    try:
        sdk = json.loads((root / "node_modules" / "auth0" / "package.json").read_text(encoding="utf-8"))
        cli = json.loads((root / "node_modules" / "auth0-deploy-cli" / "package.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return sdk.get("version") == SDK_VERSION and cli.get("version") == DEPLOY_CLI_VERSION


def find(root: Path | None = None) -> Auth0Clients | None:
    root = root or shared_location()
    return Auth0Clients(root) if (root / MARKER).is_file() and _complete(root) else None


def last_error(root: Path | None = None) -> str | None:
    try:
        return ((root or shared_location()).parent / ERROR_FILE).read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


class InstallError(RuntimeError):
    """The packages could not be installed; one line saying why."""


def install(root: Path | None = None, *, quiet: bool = False) -> Auth0Clients:
    root = root or shared_location()
    found = find(root)
    if found is not None:
        return found
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from actions_studio import nodejs

    root.parent.mkdir(parents=True, exist_ok=True)
    error_file = root.parent / ERROR_FILE
    try:
        node = nodejs.find_node()
        command = node.npm_command("install", "--ignore-scripts", "--no-audit", "--no-fund",
                                   "--no-update-notifier", "--no-package-lock", "--loglevel=error")
    except nodejs.NodeError as exc:
        error_file.write_text(f"{exc}\n", encoding="utf-8")
        raise InstallError(str(exc)) from None
    staging = Path(tempfile.mkdtemp(prefix=".building-", dir=root.parent))
    try:
        manifest = {"private": True, "dependencies": {"auth0": SDK_VERSION, "auth0-deploy-cli": DEPLOY_CLI_VERSION}}
        (staging / "package.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith("npm_config_") and k != "NODE_OPTIONS"}
        try:
            done = subprocess.run(command, cwd=staging, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                                  text=True, timeout=TIMEOUT_S)
            output = (done.stdout + done.stderr).strip()
        except subprocess.TimeoutExpired:
            done, output = None, f"npm did not finish within {TIMEOUT_S:.0f} s"
        if done is None or done.returncode != 0 or not _complete(staging):
            last = next((line for line in reversed(output.splitlines()) if line.strip()), "no output")
            message = f"npm could not install auth0@{SDK_VERSION} and auth0-deploy-cli@{DEPLOY_CLI_VERSION}: {last.strip()}"
            error_file.write_text(message + "\n", encoding="utf-8")
            raise InstallError(message)
        (staging / MARKER).write_text(json.dumps({"auth0": SDK_VERSION, "auth0-deploy-cli": DEPLOY_CLI_VERSION,
                                                  "node": node.version}) + "\n", encoding="utf-8")
        try:
            os.rename(staging, root)
        except OSError:
            if find(root) is None:  # not a concurrent install that won the race
                raise
        error_file.unlink(missing_ok=True)
        if not quiet:
            print(f"installed auth0 {SDK_VERSION} and auth0-deploy-cli {DEPLOY_CLI_VERSION} in {root}")
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    found = find(root)
    assert found is not None
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python tools/auth0_clients.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", action="store_true", help=f"into the machine's shared cache ({shared_location()})")
    parser.add_argument("--check", action="store_true", help="only say whether they are installed (exit 1 when not)")
    parser.add_argument("--quiet", action="store_true", help="print nothing but errors")
    args = parser.parse_args(argv)
    if args.check:
        found = find()
        print(found.root if found else f"not installed{': ' + last_error() if last_error() else ''}")
        return 0 if found else 1
    try:
        done = install(quiet=args.quiet)
    except InstallError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not args.quiet:
        print(done.root)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
