#!/bin/sh
# demo.sh - what `make demo` shows: token counts of a bundled document, then
# the document compressed at each level, with tokens before and after on
# o200k (GPT-4o and later), gemma3 (Gemini) and claude (an estimate).
set -eu
cd "$(dirname "$0")/.."
T=${1:-build}/terse
DOC=examples/incident-report.md

echo "\$ terse count --tokenizer all $DOC"
"$T" count --tokenizer all "$DOC"
echo
printf '%-9s %18s %18s %26s\n' level "o200k in -> out" "gemma3 in -> out" "claude (estimate) in -> out"
for level in exact safe balanced max; do
    line=$(printf '%-9s' "$level")
    for tok in o200k gemma3 claude; do
        json=$("$T" compress "$DOC" --level "$level" --tokenizer "$tok" --json)
        tin=$(printf '%s' "$json" | sed 's/.*"tokens_in":\([0-9]*\).*/\1/')
        tout=$(printf '%s' "$json" | sed 's/.*"tokens_out":\([0-9]*\).*/\1/')
        pct=$(( (tin - tout) * 100 / tin ))
        w=18
        [ "$tok" = claude ] && w=26
        line="$line $(printf "%${w}s" "$tin -> $tout (-$pct%)")"
    done
    echo "$line"
done
echo
echo "\$ terse compress $DOC --level balanced --stats"
"$T" compress "$DOC" --level balanced --stats
echo
echo "\$ terse compress $DOC --query 'why did checkout fail' --budget 150 --stats"
"$T" compress "$DOC" --query 'why did checkout fail' --budget 150 --stats
