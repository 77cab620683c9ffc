#!/bin/sh
# corpus.sh - the code pass's syntax-tree equivalence and savings over the
# real code present on this machine, one run of build/code_equiv per
# language (tests/code/equiv.c says what is checked).
#
#   tests/code/corpus.sh BUILD quick   a deterministic sample (every Nth file,
#                                      files under 200 kB): `make test`, ~1 min
#   tests/code/corpus.sh BUILD full    every file: `make bench`
#
# Corpora: Python = /usr/lib/python3.11 and /usr/lib/python3/dist-packages
# (and, in full runs, python-stdlib = /usr/lib/python3.11 alone);
# python-cpython = the standard library of the python3 on PATH, test suite
# included, when that is not Debian's (pyenv's here);
# C = every .h under /usr/include; C++ = /usr/include/c++ and .cc/.cpp files
# under /usr; JavaScript = deps/node_modules and /usr/lib/node_modules (npm's
# own packages: npm is an installed npm package), .js, .mjs and .cjs;
# TypeScript, TSX, JSON = deps/node_modules; Bash =
# .sh files under /usr; Go, Rust, Java = their files under /usr, if any;
# samples = tests/code/samples (Rust, Java, TSX written for these tests,
# since the machine has none), each by its extension.
# Also: every max output of the Python standard library parses with
# ast.parse (tests/code/max_parses.py).
# Prints each run's "ok"/"not ok" lines and "#" figures; exit 1 on any
# difference.
set -u
cd "$(dirname "$0")/../.."
BUILD=${1:-build}
MODE=${2:-quick}
EQUIV=$BUILD/code_equiv
LISTS=$BUILD/code-corpus
mkdir -p "$LISTS"
[ -x "$EQUIV" ] || { echo "not ok - code: $EQUIV is missing (make unit)"; exit 1; }
status=0

# corpus NAME LANG SAMPLE FIND-ARGS...: lists the files (sorted, so the sample
# is the same on every run) and checks them.
corpus() {
    name=$1 lang=$2 sample=$3
    shift 3
    if [ "$MODE" = quick ]; then
        find -L "$@" -type f -size -200k 2>/dev/null | LC_ALL=C sort > "$LISTS/$name.txt"
    else
        find -L "$@" -type f 2>/dev/null | LC_ALL=C sort > "$LISTS/$name.txt"
        sample=1
    fi
    if [ ! -s "$LISTS/$name.txt" ]; then
        echo "# $name: no files on this machine"
        return
    fi
    echo "# $name: $(wc -l < "$LISTS/$name.txt") files, every ${sample}th checked"
    if [ "$lang" = auto ]; then set -- --quiet; else set -- --quiet --lang "$lang"; fi
    "$EQUIV" "$@" --sample "$sample" --list "$LISTS/$name.txt" > "$LISTS/$name.log" 2>&1
    rc=$?
    grep -E '^(not ok|#)' "$LISTS/$name.log" | grep -v '^not ok - /' | sed 's/^#/#  /'
    grep '^not ok - /' "$LISTS/$name.log" | head -5
    sed -n 's/^\(ok\|not ok\) - \(.*\)/\1 - code '"$name"': \2/p' "$LISTS/$name.log" | grep -v ' - code [a-z+-]*: /'
    [ $rc = 0 ] || status=1
}

corpus python python 10 /usr/lib/python3.11 /usr/lib/python3/dist-packages -name '*.py'
# the issue's own Python corpus, the standard library alone (full runs only)
[ "$MODE" = full ] && corpus python-stdlib python 1 /usr/lib/python3.11 -name '*.py'
# the CPython that `python3` runs, if it is not Debian's (pyenv's on this
# machine), with its test suite: another 1,790 files of Python
PYLIB=$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])' 2>/dev/null)
if [ -n "$PYLIB" ] && [ -d "$PYLIB" ] && [ "$(cd "$PYLIB" && pwd -P)" != /usr/lib/python3.11 ]; then
    corpus python-cpython python 20 "$PYLIB" ! -path '*/site-packages/*' -name '*.py'
fi
# every max output of Python that parses must parse, by Python's own parser
# (ast.parse): the whole Debian standard library (~10 s); full runs add
# dist-packages
if [ -d /usr/lib/python3.11 ] && command -v python3 > /dev/null; then
    if [ "$MODE" = full ]; then set -- /usr/lib/python3.11 /usr/lib/python3/dist-packages; else set -- /usr/lib/python3.11; fi
    python3 tests/code/max_parses.py "$BUILD/terse" 1 "$@" > "$LISTS/max-parses.log" 2>&1
    rc=$?
    grep '^#' "$LISTS/max-parses.log" | sed 's/^#/#  /'
    grep '^not ok - /' "$LISTS/max-parses.log" | head -5
    sed -n 's/^\(ok\|not ok\) - \([^/].*\)/\1 - code \2/p' "$LISTS/max-parses.log"
    if [ $rc != 0 ]; then
        status=1
        grep -q '^not ok - max output' "$LISTS/max-parses.log" ||
            echo "not ok - code: tests/code/max_parses.py failed (exit status $rc, log: $LISTS/max-parses.log)"
    fi
else
    echo "# python max parses: no /usr/lib/python3.11 or no python3 on this machine"
fi
corpus c c 10 /usr/include -name '*.h'
corpus cpp cpp 10 /usr/include/c++ \( -name '*.h' -o ! -name '*.*' -o -name '*.tcc' \)
corpus javascript javascript 9 deps/node_modules /usr/lib/node_modules \( -name '*.js' -o -name '*.mjs' -o -name '*.cjs' \)
corpus typescript typescript 3 deps/node_modules -name '*.ts'
corpus tsx tsx 1 deps/node_modules -name '*.tsx'
corpus json json 10 deps/node_modules -name '*.json'
corpus bash bash 1 /usr/bin /usr/share /usr/lib -xdev -name '*.sh'
corpus samples auto 1 tests/code/samples -name '*.*'
corpus go go 1 /usr/lib /usr/share -xdev -name '*.go'
corpus rust rust 1 /usr/lib /usr/share -xdev -name '*.rs'
corpus java java 1 /usr/lib /usr/share -xdev -name '*.java'
exit $status
