#!/usr/bin/env bash
# Qt's offscreen and xcb platforms load a few system libraries that a bare Debian/Ubuntu image
# lacks (libEGL, libfontconfig, libxkbcommon, libglib). Install them only when missing and only
# when we can (root with apt); on a desktop they are already there.
set -euo pipefail
need=()
for lib in libEGL.so.1 libfontconfig.so.1 libxkbcommon.so.0 libglib-2.0.so.0 libGL.so.1 libdbus-1.so.3; do
    ldconfig -p 2>/dev/null | grep -q "$lib" || need+=("$lib")
done
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "note: missing system libraries for Qt: ${need[*]} (install them with your package manager)" >&2
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq libegl1 libgl1 libfontconfig1 libxkbcommon0 libglib2.0-0 libdbus-1-3 fonts-dejavu-core >/dev/null
