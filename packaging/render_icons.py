"""Render the studio's SVG icon to the PNG sizes a desktop needs, and the Windows .ico.

    .venv/bin/python packaging/render_icons.py

The SVG in resources/icons/ is the one source; the outputs are committed, so building a package
needs no SVG renderer:

    packaging/icons/hicolor/<N>x<N>/apps/actions-studio.png   (freedesktop icon theme layout)
    packaging/icons/hicolor/scalable/apps/actions-studio.svg   (a copy of the source)
    packaging/icons/actions-studio.ico                         (Windows: 16-256 px in one file)

Qt's QSvgRenderer draws it (the studio already depends on Qt; no extra tool). Runs offscreen.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "resources" / "icons" / "actions-studio.svg"
ICONS = ROOT / "packaging" / "icons"
APP_ID = "actions-studio"
PNG_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def png_path(size: int) -> Path:
    return ICONS / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"


def svg_copy_path() -> Path:
    return ICONS / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg"


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication(sys.argv)  # noqa: F841 (needed by QPainter)
    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        print(f"error: {SOURCE} is not a valid SVG", file=sys.stderr)
        return 2

    def render(size: int) -> QImage:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        return image

    for size in PNG_SIZES:
        path = png_path(size)
        path.parent.mkdir(parents=True, exist_ok=True)
        if not render(size).save(str(path), "PNG"):
            print(f"error: could not write {path}", file=sys.stderr)
            return 1
        print(path.relative_to(ROOT))
    svg_copy_path().parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SOURCE, svg_copy_path())
    print(svg_copy_path().relative_to(ROOT))
    _write_ico(ICONS / f"{APP_ID}.ico", [render(s) for s in ICO_SIZES])
    print((ICONS / f"{APP_ID}.ico").relative_to(ROOT))
    return 0


def _write_ico(path: Path, images: list) -> None:
    """An ICO holding each image as PNG (Windows Vista and later read PNG entries); written by
    hand because Qt's ICO writer keeps only the first image."""
    import struct

    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    blobs = []
    for image in images:
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")
        buffer.close()
        blobs.append((image.width(), bytes(data.data())))
    header = struct.pack("<HHH", 0, 1, len(blobs))
    offset = len(header) + 16 * len(blobs)
    entries, payload = b"", b""
    for size, blob in blobs:
        dim = 0 if size >= 256 else size  # 0 means 256 in the ICO directory
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(blob), offset + len(payload))
        payload += blob
    path.write_bytes(header + entries + payload)


if __name__ == "__main__":
    raise SystemExit(main())
