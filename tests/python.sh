#!/bin/sh
# python.sh - the Python binding (bindings/python): its unittest tests
# against the built library (results also compared with the terse
# program's --json), then `pip install` offline into a fresh venv (the
# package built from this repository, no installed libterse visible) and a
# use of it from another directory. Prints "ok - ..." lines.
#
#   tests/python.sh [BUILD_DIR]
set -u
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BUILD=${1:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

TERSE_LIBRARY=$ROOT/$BUILD/libterse.so PYTHONPATH=$ROOT/bindings/python \
    python3 bindings/python/tests/test_terse.py "$ROOT/$BUILD/terse"
rc=$?

if ! python3 -m venv "$tmp/venv" > "$tmp/venv.log" 2>&1; then
    echo "not ok - python: python3 -m venv (is python3-venv installed?)"
    exit 1
fi
# no installed libterse may be found: the package is built from the repository
PKG_CONFIG_LIBDIR=$tmp/none PKG_CONFIG_PATH='' \
    "$tmp/venv/bin/pip" install --no-index --no-cache-dir "$ROOT/bindings/python" > "$tmp/pip.log" 2>&1
if [ $? = 0 ]; then echo "ok - python: pip install ./bindings/python in a fresh venv (offline, no wheel package)"
else tail -5 "$tmp/pip.log" | sed 's/^/#   /'; echo "not ok - python: pip install in a fresh venv"; rc=1; fi
out=$(cd / && env -u TERSE_LIBRARY -u PYTHONPATH "$tmp/venv/bin/python" -c '
import os, terse
print(terse.compress("In order to win, we did this.").text,
      os.path.exists(os.path.join(os.path.dirname(terse.__file__), "libterse.so.0")))')
if [ "$out" = "To win we did this. True" ]; then echo "ok - python: the installed package runs from / with its own libterse"
else echo "#   got: $out"; echo "not ok - python: the installed package runs"; rc=1; fi
"$tmp/venv/bin/pip" uninstall -y terse > /dev/null 2>&1 && ! "$tmp/venv/bin/python" -c 'import terse' 2>/dev/null
if [ $? = 0 ]; then echo "ok - python: pip uninstall removes it"; else echo "not ok - python: pip uninstall"; rc=1; fi
exit $rc
