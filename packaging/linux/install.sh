#!/usr/bin/env bash
# Install a built bundle with its desktop integration (menu entry, icons, AppStream metadata).
#   packaging/linux/install.sh [PREFIX]      default PREFIX: ~/.local (no root needed)
# Expects dist/actions-studio/ from packaging/build.sh (or BUNDLE=path/to/actions-studio).
#   PREFIX/lib/actions-studio/                 the bundle
#   PREFIX/bin/actions-studio                  a symlink to its executable
#   PREFIX/share/applications/actions-studio.desktop
#   PREFIX/share/metainfo/io.github.actions_studio.ActionsStudio.metainfo.xml
#   PREFIX/share/icons/hicolor/*/apps/actions-studio.{png,svg}
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
prefix="${1:-$HOME/.local}"
bundle="${BUNDLE:-$root/dist/actions-studio}"
if [ ! -x "$bundle/actions-studio" ]; then
    echo "error: no bundle at $bundle (run packaging/build.sh first, or set BUNDLE)" >&2
    exit 2
fi
mkdir -p "$prefix/lib" "$prefix/bin" "$prefix/share/applications" "$prefix/share/metainfo" "$prefix/share/icons"
rm -rf "$prefix/lib/actions-studio"
cp -a "$bundle" "$prefix/lib/actions-studio"
ln -sfn "$prefix/lib/actions-studio/actions-studio" "$prefix/bin/actions-studio"
install -m 0644 "$here/actions-studio.desktop" "$prefix/share/applications/"
install -m 0644 "$here/io.github.actions_studio.ActionsStudio.metainfo.xml" "$prefix/share/metainfo/"
cp -r "$root/packaging/icons/hicolor" "$prefix/share/icons/"
# Menus and icon caches pick the files up at once where the tools exist; harmless where not.
command -v update-desktop-database >/dev/null && update-desktop-database -q "$prefix/share/applications" || true
command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$prefix/share/icons/hicolor" || true
echo "installed actions-studio into $prefix (make sure $prefix/bin is on PATH)"
