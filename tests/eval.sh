#!/bin/sh
# eval.sh - `terse eval` (offline): the report's figures against an
# independent recount (tests/eval_recount.js) and against eval/quality.js on
# the same slice, the plots, a user JSONL data set, and one-line errors.
# Prints "ok - ..." / "not ok - ...".
#
#   tests/eval.sh [BUILD_DIR]      (data: $TERSE_DATA, else ../shared/data or
#                                   ../../shared/data; skipped when absent)
set -u
cd "$(dirname "$0")/.."
T=${1:-build}/terse
DATA=${TERSE_DATA:-}
if [ -z "$DATA" ]; then
    for d in ../shared/data ../../shared/data; do
        [ -d "$d" ] && { DATA=$d; break; }
    done
fi
if [ -z "$DATA" ] || [ ! -d "$DATA" ]; then
    echo "# skip - eval: the shared data sets (../shared/data, or \$TERSE_DATA) are not beside this checkout"
    exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
verdict() {
    if [ $? = 0 ]; then echo "ok - eval: $1"; else echo "not ok - eval: $1"; fi
}

"$T" eval --data "$DATA" --limit 12 --tokenizers o200k,cl100k --levels balanced,max --out "$tmp/r" > "$tmp/stdout" 2> "$tmp/stderr"
[ $? = 0 ] && [ -s "$tmp/r/report.md" ] && [ -s "$tmp/r/report.json" ] && [ -s "$tmp/r/fidelity-o200k.svg" ] &&
    [ -s "$tmp/r/fidelity-cl100k.svg" ] && cmp -s "$tmp/stdout" "$tmp/r/report.md"
verdict "report.md (also on stdout), report.json and one SVG per tokenizer written"
[ ! -s "$tmp/stderr" ]
verdict "no progress bar when stderr is not a terminal"

# on a terminal (script(1) gives one), the progress bar with its ETA
if command -v script > /dev/null 2>&1; then
    script -qc "$T eval --data $DATA --limit 20 --sets squad --tokenizers o200k --levels max > /dev/null" /dev/null \
        < /dev/null | tr '\r' '\n' > "$tmp/tty"
    grep -Eq '^squad +\[#+\] 20/20 +100% +ETA 0:00' "$tmp/tty"
    verdict "progress bar with ETA on a terminal"
else
    echo "# script(1) not installed: the progress bar on a terminal is not checked"
fi

# every figure of the o200k rows, recounted in JavaScript
node tests/eval_recount.js "$tmp/r/report.json" "$T" "$DATA"

# the node harness on the same slice
node eval/quality.js --terse "$T" --counter "$T" --data "$DATA" --only squad,nq --limit 12 --no-baselines \
    --verify-every 0 --out "$tmp/q.json" > /dev/null 2>&1
[ "$(node -e "
const q = require('$tmp/q.json').tasks, r = require('$tmp/r/report.json').results;
const get = (set, level) => r.find(x => x.set === set && x.level === level && x.tokenizer === 'o200k');
const same = (a, b) => a.tokens_in === b.tokens_in && a.tokens_out === b.tokens_out && a.pct_fewer === b.saved_pct &&
    a.strict_retention === b.strict_retention;
console.log(same(q.squad.balanced, get('squad', 'balanced')) && same(q.squad.max, get('squad', 'max')) &&
    q.squad.balanced.content_retention === get('squad', 'balanced').content_retention &&
    q.squad.max.content_retention === get('squad', 'max').content_retention && same(q.nq, get('nq', 'balanced')))")" = true ]
verdict "squad and nq figures equal those of eval/quality.js on the same 12 items"

# toon-bench at safe (lossless: expands back to the same JSON) and max,
# recounted with `terse decode`
"$T" eval --data "$DATA" --sets toon --tokenizers o200k --levels safe,max --out "$tmp/t" > /dev/null 2>&1
node tests/eval_recount.js "$tmp/t/report.json" "$T" "$DATA"
[ "$(node -e "console.log(require('$tmp/t/report.json').results[0].json_round_trip)")" = 100 ]
verdict "toon at safe: every document expands back to the same JSON"

# --budget: one call per question with the question as --query; the same
# recount, and quality.js's squad-query task (budget 50%, level max) on the
# same questions
"$T" eval --data "$DATA" --budget 50 --sets squad,kv --limit 6 --tokenizers o200k --levels max \
    --out "$tmp/b" > /dev/null 2>&1
node tests/eval_recount.js "$tmp/b/report.json" "$T" "$DATA"
nq=$(node -e "console.log(require('$tmp/b/report.json').results[0].items)")
node eval/quality.js --terse "$T" --counter "$T" --data "$DATA" --only squad-query --limit "$nq" --no-baselines \
    --verify-every 0 --out "$tmp/qq.json" > /dev/null 2>&1
[ "$(node -e "
const q = require('$tmp/qq.json').tasks['squad-query'], r = require('$tmp/b/report.json').results[0];
console.log(q.questions === r.items && q.tokens_in === r.tokens_in && q.content_retention === r.content_retention &&
    q.strict_retention === r.strict_retention && (r.errors > 0 || q.tokens_out === r.tokens_out))")" = true ]
verdict "--budget 50: squad figures equal those of quality.js squad-query on the same $nq questions"

# the plot shows the report's points: one series per set, one point per level
[ "$(node -e "
const svg = require('fs').readFileSync('$tmp/r/fidelity-o200k.svg', 'utf8'), r = require('$tmp/r/report.json').results;
const titles = [...svg.matchAll(/<title>(\S+) (\S+): ([\d.]+)% saved, ([\d.]+)% retained<\/title>/g)];
const ok = titles.length === 14 && (svg.match(/<polyline /g) || []).length === 7 && svg.startsWith('<svg ') &&
    svg.trimEnd().endsWith('</svg>') && titles.every(([, set, level, x, y]) => {
        const c = r.find(e => e.set === set && e.level === level && e.tokenizer === 'o200k');
        return c && c.saved_pct.toFixed(2) === x && c.kept_pct.toFixed(2) === y; });
console.log(ok)")" = true ]
verdict "fidelity-o200k.svg: 7 series of 2 points, each at its report figures"

# a user data set: a rewrite at balanced loses the answer "in order to"
cat > "$tmp/mine.jsonl" <<'J'
{"context": "We met at 9:30 in order to plan the 2025 budget.", "question": "Why did we meet?", "answers": ["in order to plan"]}
{"id": "x2", "context": "The launch is not before March.", "question": "When?", "answers": "not before March"}
J
"$T" eval --sets "$tmp/mine.jsonl" --tokenizers o200k --levels exact,balanced --out "$tmp/m" > /dev/null 2>&1
[ "$(node -e "const r = require('$tmp/m/report.json').results;
console.log(r.map(x => x.set + ' ' + x.level + ' ' + x.questions + ' ' + x.strict_kept + ' ' + x.numbers + ' ' + x.numbers_kept).join(','))")" = \
    "mine.jsonl exact 2 2 3 3,mine.jsonl balanced 2 1 3 3" ]
verdict "JSONL data set: 2 questions, 1 lost at balanced; 3 numbers kept"
[ "$(node -e "const l = require('fs').readFileSync('$tmp/m/lost.jsonl', 'utf8').trim().split('\n').map(JSON.parse);
console.log(l.length + ' ' + l[0].level + ' ' + l[0].question + ' ' + l[0].answers[0] + ' ' + l[0].content_kept)")" = \
    "1 balanced Why did we meet? in order to plan false" ]
verdict "lost.jsonl lists the lost answer (content word \"order\" gone too)"

# errors: one line, exit 1
err() {
    name=$1
    shift
    "$T" "$@" > "$tmp/o" 2> "$tmp/e"
    [ $? = 1 ] && [ "$(wc -l < "$tmp/e")" = 1 ] && grep -q -- "$pattern" "$tmp/e" && [ ! -s "$tmp/o" ]
    verdict "$name"
}
printf '{"context":"a","question":"b","answers":["c"]}\n{"context": 1}\n' > "$tmp/bad.jsonl"
pattern="bad.jsonl: line 2: expected" err "a bad JSONL record names its line" eval --sets "$tmp/bad.jsonl"
printf '{"context":"a","question":"b","answers":["c"]}\n{"context":\n' > "$tmp/bad2.jsonl"
pattern="line 2: not JSON" err "a line that is not JSON" eval --sets "$tmp/bad2.jsonl"
pattern="unknown data set 'squid'" err "an unknown data set" eval --sets squid
pattern="cannot open '/nonexistent/squad-v2/dev-v2.0.json'" err "a missing data directory" eval --data /nonexistent --sets squad
pattern="unknown tokenizer 'gpt2'" err "an unknown tokenizer" eval --tokenizers gpt2
pattern="--limit needs a positive number" err "--limit 0" eval --limit 0
pattern="unknown option '--bogus'" err "an unknown option" eval --bogus 1
pattern="unknown level 'tiny'" err "an unknown level" eval --levels tiny
pattern="--budget needs a percentage from 1 to 100" err "--budget 0" eval --budget 0
pattern="--limit needs a positive number, not ' 3'" err "--limit with a blank" eval --limit ' 3'
pattern="--limit needs a positive number, not '+3'" err "--limit with a plus" eval --limit +3
pattern="--budget needs a percentage from 1 to 100, not '05'" err "--budget with a leading zero" eval --budget 05
pattern="--limit needs a positive number, not '+3'" err "judge --limit with a plus" eval judge --limit +3
pattern="data set 'gsm8k' has no questions to use as --query" err "--budget over a set without questions" eval --budget 10 --sets gsm8k
