#!/bin/sh
# manual.sh - the manual page man/terse.1: `man --warnings` renders it with
# no warning, and it names exactly the options that `terse --help` lists
# (each option of one is an option of the other). Prints "ok - ..." lines.
#
#   tests/manual.sh [BUILD_DIR]
set -u
cd "$(dirname "$0")/.."
T=${1:-build}/terse
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

GROUP=manual
. tests/support/lib.sh

MANWIDTH=80 man --warnings -l man/terse.1 > "$tmp/man.txt" 2> "$tmp/man.err"
[ $? = 0 ] && [ ! -s "$tmp/man.err" ] && grep -q '^OPTIONS' "$tmp/man.txt"
say $? "man --warnings renders terse(1) without a warning" || sed 's/^/#   /' "$tmp/man.err" | head -5
groff -ww -man -z man/terse.1 > "$tmp/groff.err" 2>&1 && [ ! -s "$tmp/groff.err" ]
say $? "groff -ww -man finds nothing to warn about" || sed 's/^/#   /' "$tmp/groff.err" | head -5

# the options: a "-x" or "--word" that starts a word
opts() { grep -oE '(^|[][ (|,])--?[a-zA-Z][a-zA-Z-]*' | sed -E 's/^[][ (|,]//' | sort -u; }
"$T" --help | opts > "$tmp/help.opts"
MANWIDTH=200 man -l man/terse.1 2>/dev/null | opts > "$tmp/man.opts"
[ "$(wc -l < "$tmp/help.opts")" -gt 15 ]; say $? "terse --help lists $(wc -l < "$tmp/help.opts") options"
comm -23 "$tmp/help.opts" "$tmp/man.opts" > "$tmp/only-help"
comm -13 "$tmp/help.opts" "$tmp/man.opts" > "$tmp/only-man"
[ ! -s "$tmp/only-help" ]; say $? "every option of terse --help is in the manual" ||
    echo "#   missing from man/terse.1: $(tr '\n' ' ' < "$tmp/only-help")"
[ ! -s "$tmp/only-man" ]; say $? "every option in the manual is in terse --help" ||
    echo "#   not in terse --help: $(tr '\n' ' ' < "$tmp/only-man")"
# and each option has its own entry under OPTIONS
sed -n '/^OPTIONS/,/^[A-Z]/p' "$tmp/man.txt" | grep -E '^       -' | sed -E 's/^ +//; s/  .*//' |
    tr ',' '\n' | awk '{print $1}' | sort -u > "$tmp/entries"
comm -23 "$tmp/help.opts" "$tmp/entries" > "$tmp/no-entry"
[ ! -s "$tmp/no-entry" ]; say $? "every option has an entry under OPTIONS" ||
    echo "#   no entry: $(tr '\n' ' ' < "$tmp/no-entry")"
