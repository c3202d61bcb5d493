#!/bin/sh
# Install what cvom needs to build, test and benchmark: Debian packages, then the npm
# packages of the API-description check, the benchmark's DuckDB peer and the browser
# tests. Safe to run again: it installs only what is missing and says clearly what it could
# not do. `setup.sh fuzz` also installs what `make fuzz` needs (clang and libFuzzer).
set -u
cd "$(dirname "$0")/.." || exit 1

PKGS="build-essential meson ninja-build pkg-config python3 libsqlite3-dev sqlite3 libpq-dev postgresql
libjansson-dev libreadline-dev libcairo2-dev libpng-dev libpango1.0-dev libxlsxwriter-dev
fonts-dejavu-core poppler-utils python3-openpyxl python3-scipy python3-pandas libmicrohttpd-dev
libsodium-dev chromium wrk nginx-light libzip-dev libexpat1-dev libreoffice-calc-nogui
libpwquality-dev cracklib-runtime man-db libcurl4-openssl-dev python3-aiosmtpd clang-format"
if [ "${1:-}" = fuzz ]; then
    PKGS="$PKGS clang libclang-rt-dev"
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else SUDO="none"; fi
fi

apt_install() {
    if [ "$SUDO" = none ]; then
        echo "setup: not root and no sudo; please install:$*" >&2
        return 1
    fi
    echo "setup: installing:$*"
    if ! DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "$@" \
            >/tmp/cvom-setup.log 2>&1; then
        # The package lists may be missing or old on a fresh machine: refresh once, retry.
        $SUDO apt-get update -q >>/tmp/cvom-setup.log 2>&1
        if ! DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "$@" \
                >>/tmp/cvom-setup.log 2>&1; then
            echo "setup: could not install:$* (see /tmp/cvom-setup.log)" >&2
            tail -n 5 /tmp/cvom-setup.log >&2
            return 1
        fi
    fi
}

missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        missing="$missing $p"
done
# Node.js runs the OpenAPI validator and drives the browser. Some builds of the nodejs
# package bring npm with them and conflict with Debian's npm, so npm is asked for only when
# there is none.
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
status=0
if [ -n "$missing" ]; then
    apt_install $missing || status=1
fi
if ! command -v npm >/dev/null 2>&1; then
    apt_install npm || status=1
fi

# npm packages, from their lock files: once, and again when a lock file is newer than the
# install (npm writes node_modules/.package-lock.json as it installs), so that packages
# added to a lock file since are installed too.
for dir in . tests/browser; do
    [ -f "$dir/package-lock.json" ] || continue
    installed="$dir/node_modules/.package-lock.json"
    [ -f "$installed" ] && ! [ "$dir/package-lock.json" -nt "$installed" ] && continue
    if ! command -v npm >/dev/null 2>&1; then
        echo "setup: no npm; cannot install the packages of $dir" >&2
        status=1
        continue
    fi
    echo "setup: installing npm packages in $dir"
    if ! (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) >/tmp/cvom-npm.log 2>&1; then
        echo "setup: npm ci failed in $dir (see /tmp/cvom-npm.log)" >&2
        tail -n 5 /tmp/cvom-npm.log >&2
        status=1
    fi
done
[ $status -eq 0 ] && [ -n "$missing" ] && echo "setup: done"
exit $status
