"""Tiny wheels written by hand (a zip of the module, METADATA, WHEEL and RECORD): no network, no
build backend, a few milliseconds each."""

from __future__ import annotations

import base64
import hashlib
import zipfile
from pathlib import Path
from typing import Optional


def _digest(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def make_wheel(out_dir: Path, name: str, version: str, module_source: str, *, tag: str = "py3-none-any",
               purelib: bool = True, requires: tuple[str, ...] = (), module: Optional[str] = None) -> Path:
    """Writes `<name>-<version>-<tag>.whl` with one module `<module>.py` and returns its path."""
    dist = name.replace("-", "_")
    module = module or dist
    info = f"{dist}-{version}.dist-info"
    files = {
        f"{module}.py": module_source.encode(),
        f"{info}/METADATA": ("Metadata-Version: 2.1\n"
                             f"Name: {name}\nVersion: {version}\n"
                             + "".join(f"Requires-Dist: {r}\n" for r in requires)).encode(),
        f"{info}/WHEEL": ("Wheel-Version: 1.0\nGenerator: tests\n"
                          f"Root-Is-Purelib: {'true' if purelib else 'false'}\nTag: {tag}\n").encode(),
    }
    record = "".join(f"{path},{_digest(data)},{len(data)}\n" for path, data in files.items())
    record += f"{info}/RECORD,,\n"
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{dist}-{version}-{tag}.whl"
    with zipfile.ZipFile(path, "w") as zf:
        for name_in_zip, data in files.items():
            zf.writestr(name_in_zip, data)
        zf.writestr(f"{info}/RECORD", record)
    return path
