#!/usr/bin/env bash
# The system packages the studio (or its test suite) needs beyond what pip installs.
#
#   bash packaging/system-deps.sh PYTHON studio   # ./dev studio: the platform plugin the studio will use
#   bash packaging/system-deps.sh PYTHON test     # ./dev test: offscreen + xcb plugins, Xvfb, x11-utils,
#                                                 # xdotool, and a PostgreSQL server for the tenant's tests
#
# What is missing is measured, not listed here: `ldd` on PySide6's platform plugin names every
# library it cannot find (python -m actions_studio.desktop_deps), and each one is mapped to the
# Debian/Ubuntu package that ships it. As root with apt the packages are installed (the command is
# printed first); otherwise the exact packages and the one command to run are printed and the
# script stops, so the studio never reaches Qt's abort (rc 134) with its misleading message.
set -euo pipefail
python="${1:-.venv/bin/python}"
purpose="${2:-studio}"

# Test prerequisites that are programs rather than libraries: "program package" pairs.
test_tools=("Xvfb xvfb" "xwininfo x11-utils" "xdotool xdotool")

can_install() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; }

wanted() {
    local pkgs
    pkgs=$("$python" -m actions_studio.desktop_deps --for "$purpose" --packages || true)
    # Qt renders no text without a single font and warns about it (fatal in the suite).
    if ! find /usr/share/fonts /usr/local/share/fonts -name '*.[ot]tf' -print -quit 2>/dev/null | grep -q .; then
        pkgs="$pkgs fonts-dejavu-core"
    fi
    if [ "$purpose" = test ]; then
        local pair
        for pair in "${test_tools[@]}"; do
            command -v "${pair%% *}" >/dev/null || pkgs="$pkgs ${pair#* }"
        done
        # The tenant's tests run on PostgreSQL too (tests/pg_server.py makes a throwaway cluster);
        # Debian keeps initdb off PATH, in a folder per major version.
        if ! command -v initdb >/dev/null && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
            pkgs="$pkgs postgresql"
        fi
    fi
    echo $pkgs
}

missing=$(wanted)
broken_platform() { ! "$python" -m actions_studio.desktop_deps --for "$purpose" >/dev/null 2>&1; }
if [ -z "$missing" ] && ! broken_platform; then
    exit 0
fi

if can_install; then
    export DEBIAN_FRONTEND=noninteractive
    # Package lists may be absent (a fresh image) or stale: refresh before naming packages.
    apt-get update -qq >/dev/null
    missing=$(wanted)
    if [ -n "$missing" ]; then
        echo "system-deps: apt-get install -y --no-install-recommends $missing" >&2
        apt-get install -y -qq --no-install-recommends $missing >/dev/null 2> >(grep -v "^debconf:" >&2)
    fi
    missing=$(wanted)
fi

sudo=yes; [ "$(id -u)" = 0 ] && sudo=no
if broken_platform; then
    "$python" -m actions_studio.desktop_deps --for "$purpose" --sudo "$sudo" || true
    if [ "$purpose" = studio ]; then
        echo "system-deps: the studio cannot start until these are installed (see docs/troubleshooting.md)" >&2
        exit 1
    fi
    if ! QT_QPA_PLATFORM=offscreen "$python" -m actions_studio.desktop_deps --for studio >/dev/null 2>&1; then
        echo "system-deps: the test suite cannot run until these are installed" >&2
        exit 1
    fi
    # The suite still runs offscreen; the start-up test on a real X server skips and says why.
elif [ -n "$missing" ]; then
    prefix=""; [ "$sudo" = yes ] && prefix="sudo "
    echo "system-deps: missing packages: $missing" >&2
    echo "system-deps: install them with:  ${prefix}apt-get install -y $missing" >&2
    # Only fonts or test tools are missing here: the studio starts; the tests that need a tool skip.
fi
exit 0
