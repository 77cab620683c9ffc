#!/bin/sh
# tsan.sh - concurrent terse_compress calls under ThreadSanitizer: the
# program built with -fsanitize=thread (make tsan) compresses a mixed batch
# (prose, code in several languages, JSON, logs, chat, memories; with and
# without per-record options, so one shared context and many own ones) on 4
# threads; no race may be reported and the output must be the bytes of the
# ordinary build on 1 thread. Prints "ok - ..." lines.
#
#   tests/tsan.sh [TSAN_BUILD_DIR] [BUILD_DIR]
set -u
cd "$(dirname "$0")/.."
TT=${1:-build/tsan}/terse
T=${2:-build}/terse
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

GROUP=tsan
. tests/support/lib.sh

# the records: files of this repository and of the machine, each as a record
python3 - > "$tmp/mixed.jsonl" <<'PY'
import glob, json
files = sorted(glob.glob("lib/*/*.c")) + sorted(glob.glob("docs/*.md")) + \
    sorted(glob.glob("tests/fuzz-seeds/*"))[:30] + sorted(glob.glob("examples/*"))[:10] + \
    sorted(glob.glob("/usr/lib/python3*/json/*.py"))[:4] + sorted(glob.glob("deps/node_modules/tree-sitter-*/package.json"))[:4]
opts = [{}, {"level": "max"}, {"level": "safe"}, {"query": "error handling", "budget": 400},
        {"model": "gemini-2.5-pro"}, {}]
for i, f in enumerate(files):
    try:
        text = open(f, "rb").read()[:20000].decode("utf-8", "replace")
    except OSError:
        continue
    rec = {"id": f, "text": text, "name": f}
    rec.update(opts[i % len(opts)])
    print(json.dumps(rec))
PY
n=$(wc -l < "$tmp/mixed.jsonl")
TSAN_OPTIONS="halt_on_error=1 exitcode=66 report_signal_unsafe=0" "$TT" compress --jsonl -T4 "$tmp/mixed.jsonl" \
    > "$tmp/tsan.out" 2> "$tmp/tsan.err"
rc=$?
[ "$rc" != 66 ] && ! grep -q "ThreadSanitizer" "$tmp/tsan.err"
say $? "no data race in $n records on 4 threads" || grep -A12 "WARNING: ThreadSanitizer" "$tmp/tsan.err" | head -30 | sed 's/^/#   /'
"$T" compress --jsonl -T1 "$tmp/mixed.jsonl" > "$tmp/one.out" 2>/dev/null
cmp -s "$tmp/one.out" "$tmp/tsan.out"; say $? "the output is the bytes of one thread"
mkdir -p "$tmp/tree"
cp lib/compress.c lib/expand.c docs/levels.md docs/cli.md examples/* "$tmp/tree/" 2>/dev/null
TSAN_OPTIONS="halt_on_error=1 exitcode=66" "$TT" compress -r -T3 --level max "$tmp/tree" > "$tmp/r.out" 2> "$tmp/r.err"
[ $? != 66 ] && ! grep -q "ThreadSanitizer" "$tmp/r.err"
say $? "no data race compressing a directory on 3 threads" || grep -A12 "WARNING: ThreadSanitizer" "$tmp/r.err" | head -30 | sed 's/^/#   /'
