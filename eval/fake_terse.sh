#!/usr/bin/env bash
# eval/fake_terse.sh - a stand-in for `terse compress`, only for testing
# eval/quality.js before the real compressor exists.
#
#   eval/fake_terse.sh compress [FILE|-] [--level L] [--type T] [--query Q]
#                      [--budget N] [--tokenizer NAME | --model M] [--stats] [--json]
#   eval/fake_terse.sh count ...      (and every other command: the real build/terse)
#
# compress: --level exact/safe passes the text through unchanged; balanced (the
# default) and max drop the words "the", "a", "an" (any case) and one following
# space. --query, --type and --stats are accepted and ignored. Token counts come
# from the real `build/terse count`. --budget is ignored (the output may exceed
# it, so the harness's budget check can be seen working) unless
# FAKE_TERSE_STRICT_BUDGET=1, which makes an unmet budget exit 1 with a one-line
# message, as the real contract says.
#
# Environment: TERSE_REAL (default: build/terse next to this script's parent).
set -u
here=$(cd "$(dirname "$0")" && pwd)
real=${TERSE_REAL:-$here/../build/terse}

die() { echo "terse: $2" >&2; exit "$1"; }

[ $# -ge 1 ] || die 1 "missing command (see terse --help)"
if [ "$1" != compress ]; then
    exec "$real" "$@"
fi
shift

file=- level=balanced tokenizer=o200k budget= json=0 stats=0 tokarg=(--tokenizer o200k)
while [ $# -gt 0 ]; do
    case "$1" in
    --level) [ $# -ge 2 ] || die 1 "--level needs a value"; level=$2; shift ;;
    --type|--query|--lang) [ $# -ge 2 ] || die 1 "$1 needs a value"; shift ;;
    --budget) [ $# -ge 2 ] || die 1 "--budget needs a value"; budget=$2; shift ;;
    --tokenizer) [ $# -ge 2 ] || die 1 "--tokenizer needs a value"; tokenizer=$2; tokarg=(--tokenizer "$2"); shift ;;
    --model) [ $# -ge 2 ] || die 1 "--model needs a value"; tokenizer=$2; tokarg=(--model "$2"); shift ;;
    --json) json=1 ;;
    --stats) stats=1 ;;
    -) file=- ;;
    -*) die 1 "unknown option '$1' for 'compress'" ;;
    *) file=$1 ;;
    esac
    shift
done
case "$level" in exact|safe|balanced|max) ;; *) die 1 "unknown level '$level'" ;; esac
case "$budget" in ''|[0-9]*) ;; *) die 1 "--budget needs a number" ;; esac

tmp=$(mktemp -d "${TMPDIR:-/tmp}/fake-terse.XXXXXX") || die 2 "cannot make a temporary directory"
trap 'rm -rf "$tmp"' EXIT
if [ "$file" = - ]; then cat >"$tmp/in"; else cat -- "$file" >"$tmp/in" 2>/dev/null || die 1 "cannot open '$file'"; fi

case "$level" in
balanced|max) perl -0777 -pe 's/(?<![\w\x27-])(?:the|an|a)\b(?![\x27-]) ?//gi' "$tmp/in" >"$tmp/out" ;;
*) cp "$tmp/in" "$tmp/out" ;;
esac

tin=$("$real" count "$tmp/in" "${tokarg[@]}") || die 2 "count failed"
tout=$("$real" count "$tmp/out" "${tokarg[@]}") || die 2 "count failed"
if [ -n "$budget" ] && [ "$tout" -gt "$budget" ] && [ "${FAKE_TERSE_STRICT_BUDGET:-0}" = 1 ]; then
    die 1 "budget of $budget tokens cannot be met (at least $tout needed)"
fi
[ "$stats" = 1 ] && echo "terse: $tin -> $tout tokens ($tokenizer, $level)" >&2
if [ "$json" = 1 ]; then
    jq -cn --rawfile t "$tmp/out" --argjson i "$tin" --argjson o "$tout" \
       --arg k "$tokenizer" --arg l "$level" \
       '{text:$t, tokens_in:$i, tokens_out:$o, tokenizer:$k, level:$l, type:"prose"}'
else
    cat "$tmp/out"
fi
