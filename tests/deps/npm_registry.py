"""A local npm registry on loopback: packuments and tarballs built in the test, never the internet.

It speaks the part of the registry protocol npm's install uses: `GET /<name>` (or `/@scope%2fname`)
answers the packument (`dist-tags`, `versions`, each with `dist.tarball` and `dist.integrity`), and
`GET /-/<file>.tgz` the tarball. A package can lie: a tarball whose bytes differ from the published
integrity, or whose own package.json says more than the packument (an install script).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import tarfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Optional
from urllib.parse import unquote


def make_tarball(files: dict[str, str | bytes]) -> bytes:
    """A `.tgz` with every file under `package/`, as `npm pack` writes it."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for path, content in sorted(files.items()):
            data = content.encode() if isinstance(content, str) else content
            info = tarfile.TarInfo(f"package/{path}")
            info.size = len(data)
            info.mode = 0o644
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def integrity_of(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


@dataclass
class Published:
    name: str
    version: str
    manifest: dict[str, Any]   # what the packument says about this version
    tarball: bytes             # what is served
    integrity: str             # what the packument publishes for it


@dataclass
class NpmRegistry:
    """Packages published into it are served at `url` while the server runs."""

    packages: dict[str, dict[str, Published]] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    url: str = ""
    script_marker: Optional[Path] = None  # where a lying package's install script would write
    _server: Optional[ThreadingHTTPServer] = None

    def publish(self, name: str, version: str, *, index_js: str = "module.exports = {};\n",
                dependencies: Optional[dict[str, str]] = None, scripts: Optional[dict[str, str]] = None,
                extra_files: Optional[dict[str, str | bytes]] = None,
                packument_extra: Optional[dict[str, Any]] = None,
                tarball_package_json: Optional[dict[str, Any]] = None,
                tampered: bool = False) -> Published:
        """Publishes `name@version`. `tarball_package_json` replaces the package.json inside the
        tarball (the packument still says what it would have said); `tampered` serves bytes other
        than the ones the published integrity is of."""
        package_json: dict[str, Any] = {"name": name, "version": version, "main": "index.js"}
        if dependencies:
            package_json["dependencies"] = dependencies
        if scripts:
            package_json["scripts"] = scripts
        files: dict[str, str | bytes] = {"package.json": json.dumps(tarball_package_json or package_json),
                                         "index.js": index_js, **(extra_files or {})}
        tarball = make_tarball(files)
        integrity = integrity_of(tarball)
        if tampered:
            tarball = make_tarball({**files, "index.js": index_js + "\n// changed after publishing\n"})
        manifest = {**package_json, **(packument_extra or {})}
        if scripts and any(k in scripts for k in ("preinstall", "install", "postinstall")):
            manifest.setdefault("hasInstallScript", True)
        published = Published(name, version, manifest, tarball, integrity)
        self.packages.setdefault(name, {})[version] = published
        return published

    def _tarball_path(self, name: str, version: str) -> str:
        return f"/-/{name.replace('/', '__')}-{version}.tgz"

    def packument(self, name: str) -> dict[str, Any]:
        versions = self.packages[name]
        latest = sorted(versions, key=lambda v: tuple(int(p) for p in v.split("-")[0].split(".")))[-1]
        return {
            "name": name, "dist-tags": {"latest": latest},
            "versions": {v: {**p.manifest, "dist": {"tarball": self.url + self._tarball_path(name, v),
                                                   "integrity": p.integrity}}
                         for v, p in versions.items()},
        }

    def start(self) -> "NpmRegistry":
        registry = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                registry.requests.append(self.path)
                path = unquote(self.path.split("?", 1)[0])
                for name, versions in registry.packages.items():
                    for version, published in versions.items():
                        if path == registry._tarball_path(name, version):
                            return self._send(200, published.tarball, "application/octet-stream")
                name = path.lstrip("/")
                if name in registry.packages:
                    return self._send(200, json.dumps(registry.packument(name)).encode(), "application/json")
                self._send(404, b'{"error":"Not found"}', "application/json")

            def _send(self, status: int, body: bytes, kind: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args: Any) -> None:
                pass

        # Started again after stop(): the same port, so URLs already handed out stay right.
        port = int(self.url.rsplit(":", 1)[1]) if self.url else 0
        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, name="npm-registry", daemon=True).start()
        return self

    def stop(self) -> None:
        """Down: the port is closed, so npm and the studio meet a refused connection."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
