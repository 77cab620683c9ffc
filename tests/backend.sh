#!/bin/sh
# backend.sh - `terse compress --backend URL` against the fake provider
# server (tests/fake_provider.js on 127.0.0.1, its OpenAI-compatible
# endpoint): canned rewrites that are faithful, drop a number, flip a
# negation, lose a name, run longer, invent words, are no JSON, are cut off
# or never come (a timeout) each land where they should; a model answering
# garbage leaves terse's own output byte for byte; retries on 429, the
# cache, concurrency, the key never printed, code left to terse, usage
# errors. No real network. Prints "ok - ..." / "not ok - ...".
#
#   tests/backend.sh [BUILD_DIR]
set -u
cd "$(dirname "$0")/.."
T=$(pwd)/${1:-build}/terse
FAKE=$(pwd)/tests/fake_provider.js
tmp=$(mktemp -d)
server_pid=
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
[ -n "${KEEP:-}" ] && trap - EXIT
KEY=sk-backend-5e1d7c
unset TERSE_BACKEND_KEY
export TERSE_CACHE="$tmp/cache.sqlite"

GROUP=backend
. tests/support/lib.sh

# start_server LOG [OPTIONS...]: starts the fake server, sets $port and $URL.
start_server() {
    fake_start "$@"
    URL="http://127.0.0.1:$port/compat/v1"
}

# One paragraph per case, each a chunk of its own (a heading between them
# ends a chunk); the marker word of each picks the fake model's reply.
cat > "$tmp/doc.md" <<'EOF2'
Alpha: the team in Berlin basically shipped version 2.4 of the billing service on 12 March, and it was really quite stable for the 310 customers who had upgraded.

## Bravo

Bravo: the migration did not finish, because the old database in Dublin was actually still locked by the nightly backup job for most of the night.

## Charlie

Charlie: Maria Lopez from the support team reported that the checkout page was very slow for about 45 minutes on Tuesday morning.

## Delta

Delta: in order to reduce costs, we basically decided to turn off the staging cluster during the weekends, which saves roughly 1,200 dollars a month.

## Echo

Echo: the new onboarding guide was written by the documentation team and was generally well received by most of the new hires this quarter.

## Foxtrot

Foxtrot: the incident review was scheduled for Thursday afternoon, and every person who was involved in the outage was invited to attend it.

## Golf

Golf: the monitoring dashboards were reorganized so that the alerts for the payment service are now much easier to find for the engineers on call.

## Hotel

Hotel: the quarterly security audit found no critical problems in the authentication service, although several minor issues were noted for later.

## India

India: the mobile team spent most of the sprint on performance work, and the app now starts noticeably faster on older phones than it did before.
EOF2
cat > "$tmp/script.json" <<'EOF2'
[{"all": ["Alpha:"], "reply": "Alpha: Berlin team shipped billing service v2.4 on 12 March; stable for 310 upgraded customers."},
 {"all": ["Bravo:"], "reply": "Bravo: migration finished; old Dublin DB locked by nightly backup most of night."},
 {"all": ["Charlie:"], "reply": "Charlie: support reported checkout page slow ~45 min Tuesday morning."},
 {"all": ["Delta:"], "reply": "Delta: to cut costs, staging cluster off on weekends, saves ~1,000 dollars/month."},
 {"all": ["Echo:"], "reply": "Echo: the new onboarding guide, which was written by the documentation team, was generally very well received by most of the new hires who joined this quarter, as far as we can tell."},
 {"all": ["Foxtrot:"], "reply": "Foxtrot: zebra quantum Thursday lollipop marmalade xylophone banjo pelican trombone walrus."},
 {"all": ["Golf:"], "raw": "<html>502 Bad Gateway</html>"},
 {"all": ["Hotel:"], "finish": "length", "reply": "Hotel: quarterly security audit:"},
 {"all": ["India:"], "hang": true}]
EOF2

"$T" compress "$tmp/doc.md" > "$tmp/own.txt"
start_server "$tmp/log"
"$T" compress "$tmp/doc.md" --backend "$URL" --backend-timeout 2 --backend-retries 0 --json > "$tmp/out.json" 2> "$tmp/err"
[ $? = 0 ]
verdict "a run with failing calls exits 0"
cv() { j "$tmp/out.json" "const t=o.backend.calls.find(c=>o.text!==undefined&&c.start===require('fs').readFileSync('$tmp/doc.md','utf8').indexOf('$1'));return t?t.verdict:'none'"; }
for pair in Alpha:accepted Bravo:negation Charlie:name Delta:number Echo:longer Foxtrot:novel Golf:failed Hotel:failed India:failed; do
    w=${pair%%:*}
    want=${pair#*:}
    got=$(cv "$w:")
    [ "$got" = "$want" ]
    verdict "the $w rewrite is '$want' (got '$got')"
done
j "$tmp/out.json" "return o.backend.chunks===9&&o.backend.rewritten===1&&o.backend.rejected===8&&o.backend.why.failed===3&&o.backend.why.number===1&&o.backend.why.negation===1&&o.backend.why.name===1&&o.backend.why.longer===1&&o.backend.why.novel===1" | grep -qx true
verdict "--json counts: 9 chunks, 1 rewritten, 8 rejected by reason"
j "$tmp/out.json" "return o.text.includes('Alpha: Berlin team shipped billing service v2.4 on 12 March')" | grep -qx true
verdict "the faithful rewrite is in the output"
# every rejected chunk is terse's own output: the output is the accepted
# rewrite in place of terse's own first paragraph
node -e "
const fs=require('fs');const o=JSON.parse(fs.readFileSync('$tmp/out.json','utf8'));
const own=fs.readFileSync('$tmp/own.txt','utf8').replace(/\n$/,'');
const a=own.split('\n\n'), b=o.text.split('\n\n');
process.exit(a.length===b.length && a.slice(1).join('\n\n')===b.slice(1).join('\n\n') && b[0].startsWith('Alpha: Berlin team') ? 0 : 1)"
verdict "every rejected chunk is terse's own output, byte for byte"
grep -q 'Foxtrot' "$tmp/out.json" && j "$tmp/out.json" "return o.text.includes('zebra')||o.text.includes('migration finished')||o.text.includes('1,000')" | grep -qx false
verdict "no rejected rewrite leaks into the output"
j "$tmp/out.json" "return o.backend.calls.filter(c=>c.error).map(c=>c.error).join('|')" > "$tmp/errors"
grep -q 'not JSON' "$tmp/errors" && grep -q 'cut off' "$tmp/errors" && grep -qi 'timeout\|timed out' "$tmp/errors"
verdict "failed calls say why: not JSON, cut off, timed out ($(cat "$tmp/errors"))"
q "$tmp/log" "const b=r.find(x=>x.prompt.startsWith('Compress:\nAlpha:')).body; return b.temperature===0 && b.messages[0].role==='system' && b.messages[0].content.startsWith('You are a semantic compression engine.') && b.messages[1].content.startsWith('Compress:\n')" | grep -qx true
verdict "the request: temperature 0, the seed's system prompt, 'Compress:' + newline + chunk"

# the cache (keyed by endpoint, model, prompt and chunk): a rerun makes no
# request for the replies it has (the failed calls are asked again)
sleep 1 # the hung request is logged when it arrives
: > "$tmp/log"
"$T" compress "$tmp/doc.md" --backend "$URL" --backend-timeout 2 --backend-retries 0 --stats > "$tmp/out2.txt" 2> "$tmp/err2"
n=$(q "$tmp/log" "return r.length")
[ "$n" = 3 ] && grep -q '6 cached' "$tmp/err2"
verdict "a rerun asks only for the 3 failed chunks (requests: $n; $(grep backend "$tmp/err2" | head -1))"
j "$tmp/out.json" "return o.text" > "$tmp/out1.txt"
[ -s "$tmp/out2.txt" ] && cmp -s "$tmp/out1.txt" "$tmp/out2.txt"
verdict "cached replies give the same output"
: > "$tmp/log"
"$T" compress "$tmp/doc.md" --backend "$URL" --backend-timeout 2 --backend-retries 0 --backend-no-cache > /dev/null 2>&1
n=$(q "$tmp/log" "return r.length")
[ "$n" = 9 ]
verdict "--backend-no-cache asks for every chunk (requests: $n)"
: > "$tmp/log"
"$T" compress "$tmp/doc.md" --backend "$URL" --backend-timeout 2 --backend-retries 0 --backend-model other > /dev/null 2>&1
n=$(q "$tmp/log" "return r.length")
[ "$n" = 9 ]
verdict "another model is another cache key (requests: $n)"
stop_server

# a garbage model: terse's own output, byte for byte, on documents no
# other test uses
echo '[]' > "$tmp/script.json"
start_server "$tmp/log3" --garbage "lorem ipsum dolor sit amet"
for f in README.md docs/levels.md /usr/share/common-licenses/GPL-3 examples/incident-report.md; do
    [ -r "$f" ] || continue
    for level in safe balanced max; do
        "$T" compress "$f" --level "$level" > "$tmp/a" 2>/dev/null
        "$T" compress "$f" --level "$level" --backend "$URL" --backend-jobs 4 > "$tmp/b" 2>/dev/null
        if ! cmp -s "$tmp/a" "$tmp/b"; then
            notok "a garbage model changes nothing: $f at $level"
            continue 2
        fi
    done
    ok "a garbage model changes nothing: $f, safe, balanced and max"
done
m=$(q "$tmp/log3" "return Math.max(...r.map(x=>x.inflight))")
[ "$m" -gt 1 ]
verdict "--backend-jobs 4 sends requests concurrently (most at once: $m)"
stop_server

# retries: a 429 then a 500, then the reply
cat > "$tmp/script.json" <<'EOF2'
[{"all": ["Alpha:"], "reply": "Alpha: Berlin team shipped billing service v2.4 on 12 March; stable for 310 upgraded customers."}]
EOF2
head -1 "$tmp/doc.md" > "$tmp/alpha.txt"
start_server "$tmp/log4" --errors 429,500 --retry-after 0
out=$("$T" compress "$tmp/alpha.txt" --backend "$URL" --backend-no-cache 2>&1)
n=$(q "$tmp/log4" "return r.map(x=>x.status).join(',')")
[ "$n" = "429,500,200" ] && case "$out" in "Alpha: Berlin team"*) true ;; *) false ;; esac
verdict "retries after 429 and 500 (statuses $n)"
stop_server

# the key: sent as a Bearer token, never printed
start_server "$tmp/log5"
TERSE_BACKEND_KEY=$KEY "$T" compress "$tmp/alpha.txt" --backend "$URL" --backend-no-cache --stats --json > "$tmp/o5" 2> "$tmp/e5"
q "$tmp/log5" "return r[0].headers.authorization" | grep -qx "Bearer $KEY" && ! grep -q "$KEY" "$tmp/o5" "$tmp/e5"
verdict "TERSE_BACKEND_KEY goes in the Authorization header and is never printed"
# code and JSON keep terse's own passes: no request
: > "$tmp/log5"
"$T" compress lib/guard/guard.c --backend "$URL" > "$tmp/c1" && "$T" compress lib/guard/guard.c > "$tmp/c2" &&
    cmp -s "$tmp/c1" "$tmp/c2" && [ ! -s "$tmp/log5" ]
verdict "code goes to terse's own pass, not to the model"
printf '{"a": [1, 2, 3], "b": "some text that is quite long here"}' | "$T" compress --backend "$URL" > "$tmp/c3" && [ ! -s "$tmp/log5" ]
verdict "JSON goes to terse's own pass, not to the model"
# asked otherwise (--type prose): code is cut into chunks and sent
"$T" compress lib/guard/guard.c --type prose --backend "$URL" --backend-no-cache > "$tmp/c4" && [ -s "$tmp/log5" ]
verdict "code with --type prose is sent to the model ($(wc -l < "$tmp/log5") requests)"
stop_server

# a server that is not there: terse's own output, and the reason on --stats
"$T" compress "$tmp/alpha.txt" --backend "http://127.0.0.1:9/v1" --backend-retries 0 --backend-no-cache --stats > "$tmp/o6" 2> "$tmp/e6"
"$T" compress "$tmp/alpha.txt" > "$tmp/o7"
cmp -s "$tmp/o6" "$tmp/o7" && grep -q 'failed 1' "$tmp/e6" && grep -q 'chunk 1: .*127.0.0.1:9' "$tmp/e6"
verdict "no server: terse's own output, and --stats says why ($(tail -1 "$tmp/e6"))"

# usage errors: one line, exit 1
usage() {
    want=$1
    shift
    "$T" compress "$tmp/alpha.txt" "$@" > /dev/null 2> "$tmp/ue"
    rc=$?
    [ $rc = 1 ] && [ "$(wc -l < "$tmp/ue")" = 1 ] && grep -q "^terse: .*$want" "$tmp/ue"
    verdict "usage error: $* ($(cat "$tmp/ue"))"
}
usage "need --backend" --backend-model x
usage "budget" --backend http://127.0.0.1:9/v1 --budget 10
usage "level exact" --backend http://127.0.0.1:9/v1 --level exact
usage "http" --backend ftp://x
usage "backend-jobs" --backend http://127.0.0.1:9/v1 --backend-jobs 0
usage "backend-prompt" --backend http://127.0.0.1:9/v1 --backend-prompt /dev/null
usage "cannot open" --backend http://127.0.0.1:9/v1 --backend-prompt "$tmp/nonexistent"
exit 0
