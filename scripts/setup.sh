#!/bin/sh
# Install the Debian packages cvom needs to build, test and benchmark. Safe to run again:
# it installs only what is missing and says clearly what it could not do.
set -u

PKGS="build-essential meson ninja-build pkg-config python3 libsqlite3-dev sqlite3
libjansson-dev libreadline-dev"

missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "setup: installing:$missing"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
        echo "setup: not root and no sudo; please install:$missing" >&2
        exit 1
    fi
fi
export DEBIAN_FRONTEND=noninteractive
if ! $SUDO apt-get install -y -q $missing >/tmp/cvom-setup.log 2>&1; then
    # The package lists may be missing or old on a fresh machine: refresh once and retry.
    $SUDO apt-get update -q >>/tmp/cvom-setup.log 2>&1
    if ! $SUDO apt-get install -y -q $missing >>/tmp/cvom-setup.log 2>&1; then
        echo "setup: could not install:$missing (see /tmp/cvom-setup.log)" >&2
        tail -n 5 /tmp/cvom-setup.log >&2
        exit 1
    fi
fi
echo "setup: done"
