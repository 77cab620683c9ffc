#!/bin/sh
# deep.sh - unclosed brackets, N deep, through every grammar, TSX tags, a
# markdown fence (closed and unclosed) and chat messages: terse must not
# crash (exit status 0 or 1, never a signal). Not part of `make test` (10^6
# takes a few minutes); the unit tests check 70,000.
#
#   tests/deep.sh [BUILD] [N] [valgrind]
#
# N defaults to 1000000. With "valgrind", each of the cases of the last
# block (JSON, Python, TSX, fences, chat) also runs under valgrind
# (--error-exitcode, leaks counted as errors). Prints "ok - ..." or
# "not ok - ..." per case with its time (s) and peak memory (KB).
set -u
cd "$(dirname "$0")/.."
T=${1:-build}/terse
N=${2:-1000000}
VG=${3:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0

# run NAME ARGS...: compresses $tmp/in with ARGS
run() {
    name=$1
    shift
    /usr/bin/time -f "%e s, %M KB" -o "$tmp/time" "$T" compress "$@" "$tmp/in" > /dev/null 2> "$tmp/err"
    rc=$?
    if [ $rc -le 1 ]; then
        echo "ok - deep $N: $name (exit $rc, $(tail -1 "$tmp/time"))"
    else
        echo "not ok - deep $N: $name (exit $rc: $(head -c 200 "$tmp/err"))"
        status=1
    fi
    [ "$VG" = valgrind ] && [ "${VGCASE:-0}" = 1 ] || return 0
    if valgrind -q --leak-check=full --errors-for-leak-kinds=all --error-exitcode=99 \
        "$T" compress "$@" "$tmp/in" > /dev/null 2> "$tmp/vg"; then
        echo "ok - deep $N: $name under valgrind"
    else
        grep -m3 '==' "$tmp/vg" | sed 's/^/#   /'
        echo "not ok - deep $N: $name under valgrind"
        status=1
    fi
}

# gen PYTHON-EXPR: writes the expression's value to $tmp/in (n is N)
gen() { python3 -c "import sys, json; n = $N; sys.stdout.write($1)" > "$tmp/in"; }

for lang in python javascript typescript tsx c cpp go rust java json bash; do
    for o in '(' '[' '{'; do
        gen "'$o' * n"
        run "--lang $lang, $o" --lang "$lang"
    done
done
VGCASE=1
gen "'[' * n"
run "JSON [ (detected)"
gen "'(' * n"
run "--lang python, (" --lang python
gen "'<a>' * n"
run "--lang tsx, <a>" --lang tsx --level max
gen "'# T\n\nText.\n\n\`\`\`python\n' + '(' * n + '\n\`\`\`\n\nMore text.\n'"
run "markdown fence python (" --type prose
gen "'# T\n\n\`\`\`tsx\n' + '<a>' * n + '\n'"
run "unclosed markdown fence tsx <a>"
gen "json.dumps({'messages': [{'role': 'user', 'content': 'Fix:\n\`\`\`c\n' + '{' * n + '\n\`\`\`\n'}, {'role': 'assistant', 'content': '[' * n}]})"
run "chat: fence c { and JSON [" --type chat --level max
exit $status
