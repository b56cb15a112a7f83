#!/usr/bin/env bash
# Build the one-folder bundle: dist/actions-studio/actions-studio (see packaging/README.md).
#   packaging/build.sh [DISTDIR]     default DISTDIR: dist/ at the repository root
# Uses the project venv (.venv, made by ./dev) unless PYTHON names another interpreter that has
# the studio and PyInstaller installed (`pip install -e ".[test]"` brings both).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dist="${1:-$root/dist}"
PYTHON="${PYTHON:-$root/.venv/bin/python}"
if ! "$PYTHON" -c "import PyInstaller" 2>/dev/null; then
    echo "error: PyInstaller is not installed for $PYTHON (pip install -e \".[test]\")" >&2
    exit 2
fi
work="${PYINSTALLER_WORKPATH:-$root/build/pyinstaller}"
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath "$dist" --workpath "$work" "$root/packaging/actions-studio.spec"
echo "built $dist/actions-studio/actions-studio"
