#!/bin/sh
# judge.sh - `terse eval judge` and `terse count --exact` against the fake
# provider server (tests/fake_provider.js on 127.0.0.1): wire formats and
# headers per provider, scoring, retries with Retry-After, the cache (a
# rerun makes no request), resuming an interrupted run, keys from .env and
# never printed, --dry-run. No real network. Prints "ok - ..." / "not ok - ...".
#
#   tests/judge.sh [BUILD_DIR]
set -u
cd "$(dirname "$0")/.."
T=$(pwd)/${1:-build}/terse
FAKE=$(pwd)/tests/fake_provider.js
tmp=$(mktemp -d)
server_pid=
judge_pid=
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
    [ -n "$judge_pid" ] && kill "$judge_pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
[ -n "${KEEP:-}" ] && trap - EXIT
KEY=sk-fake-7f3a9c1e

GROUP=judge
. tests/support/lib.sh

# start_server LOG [OPTIONS...]: starts the fake server with the key, sets $port
# and the providers' base URLs.
start_server() {
    log=$1
    shift
    fake_start "$log" --key "$KEY" "$@"
    export OPENAI_BASE_URL="http://127.0.0.1:$port/v1" ANTHROPIC_BASE_URL="http://127.0.0.1:$port"
    export GEMINI_BASE_URL="http://127.0.0.1:$port"
    COMPAT="compat:llama-3=http://127.0.0.1:$port/compat/v1"
}

# Two questions. Balanced compression rewrites "in order to" (the fake model
# answers correctly only while it sees those words), so the compressed
# context loses question a and keeps question b. The reply "Tuesday." to the
# gold "on Tuesday" is no exact match and has token F1 2/3.
cat > "$tmp/data.jsonl" <<'EOF'
{"id":"a","context":"Bob travelled to Paris in order to see the Eiffel Tower. He stayed there for 3 days.","question":"Where did Bob go?","answers":["Paris"]}
{"id":"b","context":"The weekly meeting was moved to Tuesday because the big room was booked.","question":"When is the meeting?","answers":["on Tuesday"]}
EOF
cat > "$tmp/script.json" <<'EOF'
[{"all": ["Where did Bob go", "in order to"], "reply": "Paris"},
 {"all": ["Where did Bob go"], "reply": "London"},
 {"all": ["When is the meeting"], "reply": "Tuesday."},
 {"all": ["Gold answer: 7 May 2023", "Candidate answer: It was May 7, 2023."], "reply": "CORRECT"},
 {"all": ["Gold answer: 7 May 2023"], "reply": "INCORRECT"},
 {"all": ["When did Caroline go", "support group"], "reply": "It was May 7, 2023."},
 {"all": ["When did Caroline go"], "reply": "not stated"}]
EOF
printf 'OPENAI_API_KEY=%s\nexport ANTHROPIC_API_KEY="%s"\n# comment\nGEMINI_API_KEY=%s\n' "$KEY" "$KEY" "$KEY" > "$tmp/keys.env"
unset OPENAI_API_KEY ANTHROPIC_API_KEY GEMINI_API_KEY GOOGLE_API_KEY COMPAT_API_KEY TERSE_CACHE

comp_a=$(printf '%s' 'Bob travelled to Paris in order to see the Eiffel Tower. He stayed there for 3 days.' | "$T" compress --level balanced)
case "$comp_a" in
*"in order to"*) notok "precondition: balanced rewrites 'in order to' (got: $comp_a)" ;;
*) ok "precondition: balanced rewrites 'in order to'" ;;
esac

# ---- one run over all four providers ----
start_server "$tmp/log1"
MODELS="openai:gpt-4o-mini,anthropic:claude-haiku-4-5,gemini:gemini-2.5-flash,$COMPAT"
(cd "$tmp" && "$T" eval judge --models "$MODELS" --sets "$tmp/data.jsonl" --env-file "$tmp/keys.env" \
    --cache "$tmp/cache.sqlite" --level balanced --out "$tmp/out" > "$tmp/run1.out" 2> "$tmp/run1.err")
rc=$?
[ $rc = 0 ]
verdict "a run against the fake server exits 0"
n1=$(wc -l < "$tmp/log1")
[ "$n1" = 16 ]
verdict "16 requests: 2 questions x 4 models x 2 contexts ($n1)"
[ "$(q "$tmp/log1" "return r.filter(x => x.provider === 'openai').every(x => x.path === '/v1/chat/completions' &&
        x.headers.authorization === 'Bearer $KEY' && x.headers['content-type'] === 'application/json' &&
        x.body.model === 'gpt-4o-mini' && x.body.temperature === 0 && x.body.max_tokens === 64 &&
        x.body.messages.length === 1 && x.body.messages[0].role === 'user') && r.filter(x => x.provider === 'openai').length === 4")" = true ]
verdict "openai: POST /v1/chat/completions with Authorization: Bearer"
[ "$(q "$tmp/log1" "const a = r.filter(x => x.provider === 'anthropic'); return a.length === 4 && a.every(x =>
        x.path === '/v1/messages' && x.headers['x-api-key'] === '$KEY' && x.headers['anthropic-version'] === '2023-06-01' &&
        !x.headers.authorization && x.body.model === 'claude-haiku-4-5' && x.body.max_tokens === 64 &&
        typeof x.body.messages[0].content === 'string')")" = true ]
verdict "anthropic: POST /v1/messages with x-api-key and anthropic-version"
[ "$(q "$tmp/log1" "const a = r.filter(x => x.provider === 'gemini'); return a.length === 4 && a.every(x =>
        x.path === '/v1beta/models/gemini-2.5-flash:generateContent' && x.headers['x-goog-api-key'] === '$KEY' &&
        !x.headers.authorization && x.body.contents[0].role === 'user' && x.body.generationConfig.maxOutputTokens === 64 &&
        x.body.generationConfig.temperature === 0)")" = true ]
verdict "gemini: POST /v1beta/models/MODEL:generateContent with x-goog-api-key"
[ "$(q "$tmp/log1" "const a = r.filter(x => x.provider === 'compat'); return a.length === 4 && a.every(x =>
        x.path === '/compat/v1/chat/completions' && !x.headers.authorization && x.body.model === 'llama-3')")" = true ]
verdict "compat: the given base URL, no key header without COMPAT_API_KEY"
[ "$(q "$tmp/log1" "const p = r.filter(x => x.provider === 'openai').map(x => x.prompt);
        return p.some(s => s.includes('Context:\nBob travelled to Paris in order to see')) &&
               p.some(s => s.includes('Context:\n$comp_a\n\nQuestion: Where did Bob go?'))")" = true ]
verdict "each question is asked over the original and over the compressed context"
[ "$(grep -c '| data.jsonl | .* | 2 | 0 | 0.5000 | 0.0000 | 0.8333 | 0.3333 | 0.4000 |' "$tmp/run1.out")" = 4 ]
verdict "scores: EM 0.5 -> 0, F1 (1 + 2/3)/2 -> 1/3, ratio 0.4 for every model"
grep -q 'minimum over models of score(compressed)/score(original): F1 0.4000, EM 0.0000' "$tmp/run1.out"
verdict "minimum over models reported"
[ "$(node -e "const j=require('$tmp/out/judge.json'); console.log(j.results.length === 4 && j.min_f1_ratio === 0.4 &&
        j.results.every(x => x.f1_original === 0.8333 && x.f1_compressed === 0.3333) && j.http_requests === 16)")" = true ]
verdict "judge.json written with the per-model ratio"
[ "$(node -e "const a = require('fs').readFileSync('$tmp/out/judge-answers.jsonl', 'utf8').trim().split('\n').map(JSON.parse);
console.log(a.length + ' ' + a.filter(x => x.question_id === 'a' && x.context === 'compressed').map(x => x.reply + ':' + x.f1).join(','))")" = \
    "16 London:0,London:0,London:0,London:0" ]
verdict "judge-answers.jsonl: every reply with its scores (the lost answer is visible)"
sh -c "! grep -q '$KEY' '$tmp/run1.out' '$tmp/run1.err' '$tmp/out/judge.md' '$tmp/out/judge.json'"
verdict "the key appears in no output"

# ---- the rerun is served by the cache ----
(cd "$tmp" && "$T" eval judge --models "$MODELS" --sets "$tmp/data.jsonl" --env-file "$tmp/keys.env" \
    --cache "$tmp/cache.sqlite" --level balanced > "$tmp/run2.out" 2>&1)
rc=$?
[ $rc = 0 ] && [ "$(wc -l < "$tmp/log1")" = 16 ] && grep -q '0 HTTP requests, 16 replies from the cache' "$tmp/run2.out"
verdict "rerun: 0 requests, 16 replies from the cache"
[ "$(grep '^| data' "$tmp/run1.out")" = "$(grep '^| data' "$tmp/run2.out")" ]
verdict "rerun: the same scores"
(cd "$tmp" && "$T" eval judge --models "$MODELS,openai:gpt-4o" --sets "$tmp/data.jsonl" --cache "$tmp/cache.sqlite" \
    --dry-run > "$tmp/dry.out" 2>&1)
[ $? = 0 ] && [ "$(wc -l < "$tmp/log1")" = 16 ] && grep -q '20 requests, 20 distinct, 16 in the cache, 4 to make' "$tmp/dry.out" &&
    grep -Eq '^openai:gpt-4o +4 +[0-9]+ +256 +0\.[0-9]{4}$' "$tmp/dry.out"
verdict "--dry-run: counts the 4 new calls and prices them, makes none"
(cd "$tmp" && OPENAI_BASE_URL="http://127.0.0.1:$port/elsewhere/v1" "$T" eval judge --models "$MODELS" \
    --sets "$tmp/data.jsonl" --cache "$tmp/cache.sqlite" --dry-run > "$tmp/dry2.out" 2>&1)
[ $? = 0 ] && grep -q '16 requests, 16 distinct, 12 in the cache, 4 to make' "$tmp/dry2.out"
verdict "the cache key holds the endpoint: another OPENAI_BASE_URL finds none of openai's 4 replies"
stop_server

# ---- retries: 429 with Retry-After, then 500 and 503 ----
start_server "$tmp/log2" --errors 429,500,503 --retry-after 1
OPENAI_API_KEY=$KEY "$T" eval judge --models openai:gpt-4o-mini --sets "$tmp/data.jsonl" --no-cache --jobs 1 \
    --backoff-ms 50 > "$tmp/retry.out" 2> "$tmp/retry.err"
rc=$?
[ $rc = 0 ] && grep -q '7 HTTP requests' "$tmp/retry.out"
verdict "retries: the run succeeds after 429, 500, 503"
[ "$(q "$tmp/log2" "return r[0].status === 429 && r[1].t - r[0].t >= 950 && r[1].status === 500 && r[2].status === 503 &&
        r[3].status === 200 && r[2].t - r[1].t < 900 && r[1].body.messages[0].content === r[0].body.messages[0].content")" = true ]
verdict "retries: Retry-After (1 s) is honoured after the 429"
stop_server
start_server "$tmp/log2b" --errors 429 --retry-after date:2
OPENAI_API_KEY=$KEY "$T" eval judge --models openai:gpt-4o-mini --sets "$tmp/data.jsonl" --no-cache --jobs 1 \
    --backoff-ms 10 --limit 1 > /dev/null 2>&1
[ $? = 0 ] && [ "$(q "$tmp/log2b" "return r[0].status === 429 && r[1].t - r[0].t >= 900")" = true ]
verdict "retries: Retry-After as an HTTP date is honoured"
stop_server
start_server "$tmp/log3" --errors 500,500,500,500
OPENAI_API_KEY=$KEY "$T" eval judge --models openai:gpt-4o-mini --sets "$tmp/data.jsonl" --no-cache --jobs 1 \
    --retries 2 --backoff-ms 10 --limit 1 > "$tmp/fail.out" 2> "$tmp/fail.err"
rc=$?
[ $rc = 1 ] && [ "$(wc -l < "$tmp/fail.err")" = 1 ] && grep -q 'HTTP 500: overloaded' "$tmp/fail.err" &&
    [ "$(q "$tmp/log3" "return r.filter(x => x.status === 500).length")" = 4 ]
verdict "retries exhausted: exit 1, one line naming HTTP 500, 3 attempts for the failed call"
OPENAI_API_KEY=wrong-key "$T" eval judge --models openai:gpt-4o-mini --sets "$tmp/data.jsonl" --no-cache --limit 1 \
    > "$tmp/401.out" 2> "$tmp/401.err"
rc=$?
[ $rc = 1 ] && grep -q 'HTTP 401: invalid api key' "$tmp/401.err" && ! grep -q wrong-key "$tmp/401.err" &&
    [ "$(q "$tmp/log3" "return r.filter(x => x.status === 401).length")" = 2 ]
verdict "a bad key: no retry, exit 1, the provider's message, the key not shown"
for m in anthropic:claude-haiku-4-5 gemini:gemini-2.5-flash; do
    stop_server
    start_server "$tmp/log3b" --errors 429,503 --retry-after 0
    ANTHROPIC_API_KEY=$KEY GEMINI_API_KEY=$KEY "$T" eval judge --models $m --sets "$tmp/data.jsonl" --no-cache \
        --jobs 1 --retries 1 --backoff-ms 10 --limit 1 > /dev/null 2> "$tmp/perr"
    [ $? = 1 ] && grep -q 'HTTP 503: overloaded' "$tmp/perr" &&
        [ "$(q "$tmp/log3b" "return r.map(x => x.status).join(',')")" = "429,503,200" ]
    verdict "${m%%:*}: its error format read (429 retried, then 503 reported with the provider's message)"
done
"$T" eval judge --models openai:gpt-4o-mini --sets "$tmp/data.jsonl" --no-cache > "$tmp/nokey.out" 2> "$tmp/nokey.err"
[ $? = 1 ] && grep -q 'OPENAI_API_KEY is not set' "$tmp/nokey.err"
verdict "no key: exit 1 before any request"
stop_server

i=0
: > "$tmp/many.jsonl"
while [ $i -lt 6 ]; do
    echo "{\"id\":\"m$i\",\"context\":\"Item $i: the value in order to test is $i$i.\",\"question\":\"What is the value of item $i?\",\"answers\":[\"$i$i\"]}" >> "$tmp/many.jsonl"
    i=$((i + 1))
done

# ---- --jobs bounds the requests in flight ----
start_server "$tmp/log7" --delay-ms 150
OPENAI_API_KEY=$KEY "$T" eval judge --models openai:gpt-4o-mini --sets "$tmp/many.jsonl" --no-cache --jobs 3 \
    > /dev/null 2>&1
[ $? = 0 ] && [ "$(q "$tmp/log7" "return r.length + ' ' + Math.max(...r.map(x => x.inflight))")" = "12 3" ]
verdict "--jobs 3: 12 requests, at most (and at some point) 3 in flight"
[ "$(q "$tmp/log7" "return new Set(r.map(x => x.port)).size")" = 3 ]
verdict "--jobs 3: each worker keeps its connection (3 client ports for 12 requests)"
stop_server

# ---- an interrupted run resumes without repeating finished calls ----
start_server "$tmp/log4" --hang-after 5
OPENAI_API_KEY=$KEY "$T" eval judge --models openai:gpt-4o-mini --sets "$tmp/many.jsonl" --cache "$tmp/resume.sqlite" \
    --jobs 2 --timeout 30 > /dev/null 2>&1 &
judge_pid=$!
i=0
while [ "$(q "$tmp/log4" "return r.filter(x => x.status === 0).length")" -lt 2 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
sleep 0.3
kill -9 "$judge_pid" 2>/dev/null
wait "$judge_pid" 2>/dev/null
judge_pid=
done1=$(q "$tmp/log4" "return r.filter(x => x.status === 200).length")
stop_server
start_server "$tmp/log5"
OPENAI_API_KEY=$KEY "$T" eval judge --models openai:gpt-4o-mini --sets "$tmp/many.jsonl" --cache "$tmp/resume.sqlite" \
    --jobs 2 > "$tmp/resume.out" 2>&1
rc=$?
[ "$done1" = 5 ]
verdict "interrupted run: killed after $done1 of 12 answers"
[ $rc = 0 ] && [ "$(q "$tmp/log5" "const before = new Set(require('fs').readFileSync('$tmp/log4','utf8').split('\n')
        .filter(Boolean).map(JSON.parse).filter(x => x.status === 200).map(x => x.prompt));
        return r.length + ' ' + r.filter(x => before.has(x.prompt)).length")" = "7 0" ] &&
verdict "resumed run: completes, asks only the 7 missing prompts, repeats none"
    grep -q '7 HTTP requests, 5 replies from the cache' "$tmp/resume.out"
stop_server

# ---- free-form answers graded by a judge model under the rubric ----
cat > "$tmp/free.jsonl" <<'EOF'
{"id":"f","context":"Caroline: I went to the LGBTQ support group yesterday, in order to meet people. It was 7 May 2023.","question":"When did Caroline go to the LGBTQ support group?","answers":["7 May 2023"],"free_form":true}
EOF
start_server "$tmp/log6"
OPENAI_API_KEY=$KEY ANTHROPIC_API_KEY=$KEY "$T" eval judge --models openai:gpt-4o-mini --judge-model anthropic:claude-haiku-4-5 \
    --sets "$tmp/free.jsonl" --no-cache > "$tmp/free.out" 2>&1
rc=$?
[ $rc = 0 ] && grep -q '| free.jsonl | openai:gpt-4o-mini | 1 | 0 | 0.0000 | 0.0000 | 0.7500 | 0.7500 | 1.0000 | 1.0000 | 1.0000 |' "$tmp/free.out"
verdict "rubric: EM/F1 miss the paraphrase, the judge model grades it correct on both contexts"
[ "$(q "$tmp/log6" "const g = r.filter(x => x.provider === 'anthropic'); return g.length >= 1 && g.every(x =>
        x.prompt.includes('Question: When did Caroline go') && x.prompt.includes('Gold answer: 7 May 2023') &&
        x.prompt.includes('Candidate answer: It was May 7, 2023.') && x.prompt.endsWith('CORRECT or INCORRECT.'))")" = true ]
verdict "rubric: the grading request holds the question, gold and candidate answers"

OPENAI_API_KEY=$KEY "$T" eval judge --models openai:gpt-4o-mini --sets "$tmp/data.jsonl,$tmp/free.jsonl" --no-cache \
    --out "$tmp/two" > "$tmp/two.out" 2>&1
[ $? = 0 ] && grep -q '^data.jsonl: minimum over models of F1 comp/orig 0.4000, EM 0.0000$' "$tmp/two.out" &&
    grep -q '^free.jsonl: minimum over models of F1 comp/orig 1.0000, EM 1.0000$' "$tmp/two.out" &&
    grep -q 'original): F1 0.4000, EM 0.0000' "$tmp/two.out" &&
    [ "$(node -e "console.log(require('$tmp/two/judge.json').by_set.map(x => x.set + ' ' + x.min_f1_ratio).join(','))")" = \
        "data.jsonl 0.4,free.jsonl 1" ]
verdict "two data sets: the minimum over models per set and over all"

# ---- terse count --exact asks count_tokens once ----
printf 'hello world, counted by the provider' > "$tmp/count.txt"
TERSE_CACHE=$tmp/count.sqlite ANTHROPIC_API_KEY=$KEY "$T" count --tokenizer claude --exact "$tmp/count.txt" > "$tmp/c1" 2>&1
TERSE_CACHE=$tmp/count.sqlite ANTHROPIC_API_KEY=$KEY "$T" count --tokenizer claude --exact --json "$tmp/count.txt" > "$tmp/c2" 2>&1
[ "$(cat "$tmp/c1")" = 9 ] && grep -q '"count":9,"exact":true' "$tmp/c2" &&
    [ "$(q "$tmp/log6" "const c = r.filter(x => x.path === '/v1/messages/count_tokens'); return c.length + ' ' +
        (c[0].headers['x-api-key'] === '$KEY' && c[0].body.messages[0].content === 'hello world, counted by the provider')")" = "1 true" ]
verdict "count --exact: the endpoint's answer, asked once, then cached"
"$T" count --tokenizer claude --exact "$tmp/count.txt" > /dev/null 2> "$tmp/c3"
[ $? = 1 ] && [ "$(wc -l < "$tmp/c3")" = 1 ]
verdict "count --exact without a key: exit 1, one line"
stop_server

# ---- built-in data sets: gzip key-value records, gsm8k's numeric answers ----
mkdir -p "$tmp/data/nq-multidoc" "$tmp/data/gsm8k"
printf '%s\n' '{"ordered_kv_records": [["1b2c3d4e-0000-4000-8000-000000000001", "aaaaaaaa-0000-4000-8000-00000000000a"], ["1b2c3d4e-0000-4000-8000-000000000002", "bbbbbbbb-0000-4000-8000-00000000000b"]], "key": "1b2c3d4e-0000-4000-8000-000000000002", "value": "bbbbbbbb-0000-4000-8000-00000000000b"}' |
    gzip > "$tmp/data/nq-multidoc/kv-retrieval-75_keys.jsonl.gz"
printf '%s\n' '{"question": "Janet has 16 eggs and eats 3. How many are left?", "answer": "16 - 3 = <<16-3=13>>13\n#### 13"}' \
    '{"question": "Tom buys 2 pens at $4 each. What does he pay?", "answer": "2 * 4 = 8\n#### 8"}' > "$tmp/data/gsm8k/test.jsonl"
cat > "$tmp/script.json" <<'EOF2'
[{"all": ["Key: \"1b2c3d4e-0000-4000-8000-000000000002\""], "reply": "bbbbbbbb-0000-4000-8000-00000000000b"},
 {"all": ["Janet has 16 eggs"], "reply": "She has 13 eggs left."},
 {"all": ["Tom buys 2 pens"], "reply": "He pays $9."}]
EOF2
start_server "$tmp/log8"
OPENAI_API_KEY=$KEY "$T" eval judge --models openai:gpt-4o-mini --data "$tmp/data" --sets kv,gsm8k --no-cache \
    > "$tmp/builtin.out" 2>&1
[ $? = 0 ] && grep -q '^| kv | openai:gpt-4o-mini | 1 | 0 | 1.0000 | 1.0000 | 1.0000 | 1.0000 | 1.0000 |' "$tmp/builtin.out" &&
    grep -q '^| gsm8k | openai:gpt-4o-mini | 2 | 0 | 0.5000 | 0.5000 | 0.5000 | 0.5000 | 1.0000 |' "$tmp/builtin.out" &&
    [ "$(q "$tmp/log8" "return r.some(x => x.prompt.includes('Context:\n{\"1b2c3d4e-0000-4000-8000-000000000001\": \"aaaaaaaa-0000-4000-8000-00000000000a\",\n \"1b2c3d4e'))")" = true ]
verdict "built-in sets: kv read from gzip as upstream renders it, gsm8k scored on the last number"
: > "$tmp/log8"
OPENAI_API_KEY=$KEY "$T" eval judge --models openai:gpt-4o-mini --sets "$tmp/many.jsonl" --limit 3 --no-cache \
    > /dev/null 2>&1
[ "$(q "$tmp/log8" "return [...new Set(r.map(x => /value of item (\\d)/.exec(x.prompt)[1]))].sort().join(',')")" = "0,2,4" ]
verdict "--limit 3 of 6 questions: evenly spaced (0, 2, 4)"
stop_server
