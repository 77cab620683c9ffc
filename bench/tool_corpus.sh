#!/bin/sh
# tool_corpus.sh - a corpus of terminal output generated on this machine,
# for the tool pass (docs/tool-output.md, docs/benchmarks.md): the commands
# agents run, over system directories and this repository's own history,
# plus test runs and build logs made here.
#
# Usage: bench/tool_corpus.sh OUTDIR
# Writes OUTDIR/KIND-NAME.txt, KIND one of table, paths, hits, diff, gitlog,
# trace, tests, build. Each output is cut to its first 400 lines (agents'
# tools cut long output too). Commands that are missing are skipped, so the
# file list depends on the machine; the repository's part is fixed by its
# history (commit 1855577, which every branch after issue 14 holds). Java and
# Go traces and `go test` runs are not made: neither java nor go is installed
# here, so no such generator could be checked.
set -u
out=${1:?usage: bench/tool_corpus.sh OUTDIR}
repo=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"
export LC_ALL=C COLUMNS=200
base=1855577
cap() { head -n 400; }
run() { # run KIND-NAME CMD... (skipped when CMD is not installed)
    f=$1
    shift
    command -v "$1" >/dev/null 2>&1 || return 0
    if "$@" 2>&1 | cap > "$out/$f.txt" && [ -s "$out/$f.txt" ]; then :; else rm -f "$out/$f.txt"; fi
}
have() { command -v "$1" >/dev/null 2>&1; }

# tables
run table-ls-usr-bin ls -l /usr/bin
run table-ls-la-etc ls -la /etc
run table-ls-lR-doc sh -c 'ls -lR /usr/share/doc | head -400'
run table-ps-aux ps aux
run table-ps-ef ps -ef
run table-ps-eo ps -eo pid,ppid,user,comm
run table-ss-a ss -a
run table-df df -h
have dpkg && run table-dpkg-l dpkg -l
have docker && docker ps -a >/dev/null 2>&1 && run table-docker-ps docker ps -a
have kubectl && kubectl get pods -A >/dev/null 2>&1 && run table-kubectl kubectl get pods -A

# path lists
run paths-find-doc find /usr/share/doc
run paths-find-include find /usr/include -name '*.h'
have python3 && run paths-find-python sh -c 'find /usr/lib/python3* -name "*.py" | head -400'
run paths-git-ls-files git -C "$repo" ls-files
run paths-git-status sh -c "cd '$repo' && git diff --name-only $base~30 $base"

# path:line:text hits
run hits-grep-include grep -rn 'extern int' /usr/include
run hits-grep-repo sh -c "cd '$repo' && git grep -n TERSE_ENOMEM $base -- lib | sed 's/^$base://'"
have python3 && run hits-grep-python sh -c 'grep -rn "def __init__" /usr/lib/python3/dist-packages | head -400'
run hits-grep-doc grep -rni 'license' /usr/share/doc --include=copyright

# diffs and history
run diff-git-show git -C "$repo" show $base
run diff-git-diff git -C "$repo" diff $base~10 $base -- lib
run diff-git-diff-docs git -C "$repo" diff $base~20 $base -- docs
run gitlog-log git -C "$repo" log $base -n 60
run gitlog-stat git -C "$repo" log --stat $base -n 25
run gitlog-oneline-graph git -C "$repo" log --format='commit %H%nAuthor: %an <%ae>%nDate:   %ad%n%n    %s%n' $base -n 80

# stack traces
run trace-python python3 -c '
import sys
sys.setrecursionlimit(60)
def f(n): return f(n + 1)
try:
    f(0)
except RecursionError:
    import traceback; traceback.print_exc()
import json
for bad in ["{", "[1,", "{\"a\" 1}"]:
    try: json.loads(bad)
    except Exception: traceback.print_exc()
'
run trace-python-chain python3 -c '
import traceback
def parse(s): return int(s)
def load(xs): return [parse(x) for x in xs]
for xs in (["1", "x"], ["2", ""], ["3", "4", "y"]):
    try:
        try: load(xs)
        except ValueError as e: raise RuntimeError("bad row %r" % (xs,)) from e
    except RuntimeError: traceback.print_exc()
'
have node && run trace-node node -e '
function a(n) { if (n > 40) throw new Error("deep " + n); return a(n + 1); }
for (const k of [0, 5, 10]) { try { a(k); } catch (e) { console.log(e.stack); } }
try { JSON.parse("{"); } catch (e) { console.log(e.stack); }'

# test runs
tmp=$(mktemp -d)
cat > "$tmp/test_sample.py" <<'PY'
import unittest
class Arith(unittest.TestCase):
    pass
for i in range(120):
    def t(self, i=i):
        self.assertEqual((i * 7) % 5 != 3 or i % 11 != 0, True)
    setattr(Arith, "test_case_%03d" % i, t)
class Text(unittest.TestCase):
    def test_upper(self): self.assertEqual("a".upper(), "A")
    def test_split(self): self.assertEqual("a b".split(), ["a", "b"])
    def test_fails(self): self.assertEqual("abc".title(), "ABC")
    @unittest.skip("not on this machine")
    def test_skip(self): pass
PY
have python3 && run tests-unittest sh -c "cd '$tmp' && python3 -m unittest -v test_sample"
have pytest && run tests-pytest sh -c "cd '$tmp' && pytest -v test_sample.py"
[ -x "$repo/build/test_unit" ] && run tests-terse-unit sh -c "cd '$repo' && ./build/test_unit"

# build logs
have make && run build-make-n sh -c "cd '$repo' && make -n -B all unit"
cat > "$tmp/Makefile" <<'MK'
all: a.o b.o c.o
%.o: %.c
	cc -Wall -Wextra -c -o $@ $<
MK
printf 'int f(int x) { int y; return x; }\n' > "$tmp/a.c"
printf 'int g(void) { return h(); }\n' > "$tmp/b.c"
printf 'static int u; int k(char *p) { return p == 0; }\n' > "$tmp/c.c"
have make && have cc && run build-make-warnings sh -c "cd '$tmp' && make -k all"
rm -rf "$tmp"
ls "$out" | wc -l
