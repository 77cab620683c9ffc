#!/bin/sh
# batch.sh - terse compress over many inputs (programs/batch.c): several
# FILEs, -o DIR, --suffix, -r, --jsonl, -T N. Every batch output must be the
# bytes that one-input runs give, in input order, whatever the threads.
# Prints "ok - ..." / "not ok - ...".
#
#   tests/batch.sh [BUILD_DIR]
set -u
cd "$(dirname "$0")/.."
T=$(pwd)/${1:-build}/terse
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

GROUP=batch
. tests/support/lib.sh

# same NAME FILE1 FILE2: the two files have the same bytes
same() {
    if cmp -s "$2" "$3"; then echo "ok - batch: $1"; else
        echo "#   $2 and $3 differ: $(cmp "$2" "$3" 2>&1 | head -1)"; echo "not ok - batch: $1"; fi
}

cd "$tmp" || exit 1
printf 'def f(x):\n    # add one\n    return x + 1\n' > a.py
printf 'In order to win, we did this. It is important to note that the total was 42.\n' > b.txt
printf '{"a": [1, 2],\n "b": "x"}\n' > c.json
mkdir -p tree/sub tree/.hidden
cp a.py tree/sub/a.py; cp b.txt tree/b.txt; cp c.json tree/.hidden/c.json

# several FILEs: stdout is each one's output, in argument order
for f in a.py b.txt c.json; do "$T" compress "$f"; done > one.out
"$T" compress a.py b.txt c.json > many.out 2> many.err; rc=$?
say $rc "several files exit 0"
same "several files = one run per file, in order" one.out many.out
"$T" compress -T2 a.py b.txt c.json > many2.out
same "-T2 several files = -T1" one.out many2.out

# a missing file: the others are written, one stderr line, exit 1
"$T" compress a.py nope.txt b.txt > miss.out 2> miss.err; rc=$?
[ "$rc" = 1 ] && grep -q "^terse: nope.txt: cannot read: No such file" miss.err && [ "$(wc -l < miss.err)" = 1 ]
say $? "a missing file fails alone (exit 1, one line on stderr)"
for f in a.py b.txt; do "$T" compress "$f"; done > miss.want
same "the other files' outputs are written" miss.want miss.out

# -o DIR mirrors the paths; the files hold what a one-file run prints
"$T" compress -o outdir a.py b.txt > o.out 2>&1; rc=$?
[ "$rc" = 0 ] && [ ! -s o.out ]; say $? "-o DIR writes nothing to stdout"
"$T" compress a.py > a.want
same "-o DIR/a.py = terse compress a.py" a.want outdir/a.py
"$T" compress --suffix .t b.txt; "$T" compress b.txt > b.want
same "--suffix writes FILE.SUF" b.want b.txt.t

# -r: every regular file under the tree, in name order, mirrored under -o
"$T" compress tree > dir.out 2> dir.err; rc=$?
[ "$rc" = 1 ] && grep -q "is a directory (give -r" dir.err; say $? "a directory without -r is refused"
"$T" compress -r -T2 -o rout tree; rc=$?
(cd rout && find . -type f | sort) > r.list
printf './tree/.hidden/c.json\n./tree/b.txt\n./tree/sub/a.py\n' > r.want
say $rc "-r -o exit 0"
same "-r finds every file" r.want r.list
"$T" compress tree/sub/a.py > ra.want
same "-r output of a file = its one-file run" ra.want rout/tree/sub/a.py
"$T" compress -r tree --json > rj.out
[ "$(grep -c '^{"file":"tree/' rj.out)" = 3 ]; say $? "-r --json: one object per file, named"
"$T" compress -o x --suffix .y a.py 2> e.err; [ $? = 1 ] && grep -q "^terse: give only one of -o DIR and --suffix" e.err
say $? "-o with --suffix is refused"
"$T" compress -o x ../etc/passwd 2> dd.err; [ $? = 1 ] && grep -q "cannot be mirrored" dd.err
say $? "-o refuses a path with .."

# --jsonl: one output line per record, input order, errors in their line
cat > recs.jsonl <<'J'
{"id":1,"text":"In order to win, we did this. It is important to note that the total was 42."}

{"id":"two","text":"def f(x):\n    # c\n    return 1\n","lang":"py","level":"max"}
not json
{"id":3,"text":"Hello there, this is a fact: 42.","budget":1}
{"id":4,"txt":"a"}
{"id":[5],"text":"In order to win, we did this.","level":"exact","model":"gpt-4"}
J
"$T" compress --jsonl recs.jsonl > j1.out 2> j1.err; rc=$?
[ "$rc" = 1 ] && [ "$(wc -l < j1.out)" = 6 ]; say $? "--jsonl: one line per record, exit 1 when one fails"
[ "$(wc -l < j1.err)" = 1 ] && grep -q "^terse: 3 of 6 records failed" j1.err; say $? "--jsonl: one summary line on stderr"
sed -n 1p j1.out | grep -q '^{"id":1,"text":"To win we did this\. Total 42\.","tokens_in"'; say $? "--jsonl: record 1"
sed -n 3p j1.out | grep -q '^{"id":null,"error":"column 1: expected'; say $? "--jsonl: a line that is not JSON"
sed -n 4p j1.out | grep -q '^{"id":3,"error":"a budget of 1 token cannot be met: the smallest that can is'; say $? "--jsonl: a budget that cannot be met"
sed -n 5p j1.out | grep -q "^{\"id\":4,\"error\":\"unknown field 'txt'"; say $? "--jsonl: an unknown field"
sed -n 6p j1.out | grep -q '^{"id":\[5\],"text":"In order to win, we did this\.",.*"tokenizer":"cl100k"'; say $? "--jsonl: per-record level and model"
printf 'def f(x):\n    # c\n    return 1\n' > two.py
"$T" compress two.py --level max --json | sed 's/^{/{"id":"two",/' > two.want
sed -n 2p j1.out > two.got
same "--jsonl record = the CLI with the same options" two.want two.got
"$T" compress --jsonl -T2 < recs.jsonl > j2.out 2>/dev/null
same "--jsonl -T2 (stdin) = -T1" j1.out j2.out
printf '{"text":"fine"}\n' | "$T" compress --jsonl > ok.out; say $? "--jsonl all good: exit 0"

# a larger run: -T0 and -T3 give the bytes of -T1
for f in /usr/share/doc/*/copyright; do
    [ -r "$f" ] || continue
    head -c 3000 "$f" | python3 -c 'import json,sys; print(json.dumps({"id": sys.argv[1], "text": sys.stdin.read()}))' "$f"
done 2>/dev/null | head -150 > big.jsonl
"$T" compress --jsonl -T1 big.jsonl > big1.out; rc1=$?
"$T" compress --jsonl -T0 big.jsonl > big0.out; rc0=$?
"$T" compress --jsonl -T3 --level max big.jsonl > big3.out
"$T" compress --jsonl -T1 --level max big.jsonl > big3.want
[ "$rc1" = 0 ] && [ "$rc0" = 0 ] && [ "$(wc -l < big1.out)" = "$(wc -l < big.jsonl)" ]; say $? "--jsonl over $(wc -l < big.jsonl) records"
same "--jsonl -T0 = -T1" big1.out big0.out
same "--jsonl -T3 --level max = -T1" big3.want big3.out

"$T" compress -T x a.py 2> t.err; [ $? = 1 ] && grep -q "^terse: -T needs a number of threads" t.err; say $? "-T x is refused"
"$T" compress --jsonl -o d recs.jsonl 2> t.err; [ $? = 1 ] && grep -q "^terse: --jsonl writes one result line" t.err; say $? "--jsonl with -o is refused"

# regression (found by fuzz_batch_record): an error message that quotes a
# long non-ASCII field name or model was cut inside a UTF-8 character, so the
# error line was not valid JSON
printf '{"id":1,"text":"x","m\303\251\303\251\303\251\303\251\303\251\303\251\303\251\303\251\303\251\303\251\303\251\303\251\303\251\303\251\303\251\303\251\303\251\303\251\303\251\303\251":1}\n{"id":2,"text":"x","model":"%s"}\n' \
    "$(printf '\342\202\254%.0s' $(seq 30))" > utf8.jsonl
"$T" compress --jsonl utf8.jsonl 2>/dev/null | python3 -c '
import json, sys
for line in sys.stdin.buffer:
    json.loads(line.decode("utf-8"))' 2>/dev/null
say $? "--jsonl: an error quoting a long non-ASCII name is valid UTF-8 and JSON"
