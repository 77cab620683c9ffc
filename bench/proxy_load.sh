#!/bin/sh
# proxy_load.sh - terse proxy under load: wrk for SECONDS (30) at CONNS (64)
# connections against the proxy in front of the fake provider
# (tests/proxy_upstream.js), then the same against the fake provider
# directly, with an 8 KB OpenAI chat body (earlier turns, a tool result, the
# newest question). Samples the proxy's resident memory every second, and
# reports the CPU time (user + system, /proc/PID/stat) per request of the
# proxy and of the fake provider: on a shared machine a steadier measure
# than latency.
# Prints a markdown table for docs/benchmarks.md.
#
#   bench/proxy_load.sh [BUILD_DIR]     (SECONDS=30 CONNS=64 THREADS=2)
set -eu
cd "$(dirname "$0")/.."
BUILD=${1:-build}
SECONDS_=${SECONDS:-30}
CONNS=${CONNS:-64}
THREADS=${THREADS:-2}
tmp=$(mktemp -d)
up_pid= proxy_pid= sampler=
cleanup() {
    for p in $sampler $proxy_pid $up_pid; do kill "$p" 2>/dev/null || true; done
    rm -rf "$tmp"
}
trap cleanup EXIT
command -v wrk >/dev/null || { echo "proxy_load: wrk is not installed (scripts/bootstrap.sh)" >&2; exit 1; }

node tests/proxy_upstream.js > "$tmp/up.port" &
up_pid=$!
while [ ! -s "$tmp/up.port" ]; do sleep 0.1; done
up=$(cat "$tmp/up.port")
"$BUILD/terse" proxy --listen 127.0.0.1:0 --openai-url "http://127.0.0.1:$up" 2> "$tmp/proxy.err" &
proxy_pid=$!
while ! grep -q listening "$tmp/proxy.err"; do sleep 0.1; done
port=$(sed -n 's/.*listening on http:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$tmp/proxy.err")

# the body: about 8 KB of chat
node -e '
const p = [
 "In order to make sure that the deployment goes smoothly, I would basically like to know whether it is actually really possible to roll back the database migration 0042 if something goes wrong.",
 "It is actually quite important to note that the migration 0042 is, in fact, reversible: it basically only adds a nullable column called archived_at to the orders table.",
 "To be perfectly honest, I think that it would probably be a really good idea to actually run the rollback in the staging environment first, just in order to be completely sure."];
const msgs = [{ role: "system", content: "You are a careful database assistant." }];
for (let i = 0; msgs.length < 40 && JSON.stringify(msgs).length < 7600; i++)
  msgs.push({ role: i % 2 ? "assistant" : "user", content: `(${i}) ` + p[i % 3] + " " + p[(i + 1) % 3] });
msgs.push({ role: "tool", tool_call_id: "c1", content: JSON.stringify([...Array(10).keys()].map(i => ({ id: i, status: "shipped", total: i * 3.5 }))) });
msgs.push({ role: "user", content: "So what do you suggest for the production rollback?" });
process.stdout.write(JSON.stringify({ model: "gpt-4o", messages: msgs }));
' > "$tmp/body.json"
bytes=$(wc -c < "$tmp/body.json")
cat > "$tmp/post.lua" <<LUA
local f = io.open("$tmp/body.json", "rb")
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer sk-bench"
LUA

# resident memory of the proxy about once a second, with the seconds since
# the start (on a busy machine the samples drift; the time says when)
start=$(date +%s.%N)
( while :; do
    printf '%s %s\n' "$(awk -v a="$(date +%s.%N)" -v b="$start" 'BEGIN {printf "%.1f", a - b}')" \
        "$(awk '/VmRSS/ {print $2}' "/proc/$proxy_pid/status")" >> "$tmp/rss"
    sleep 1; done ) &
sampler=$!
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
# CPU seconds (user + system) of a process so far
cpu() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$1/stat"; }
p0=$(cpu "$proxy_pid") u0=$(cpu "$up_pid")
wrk -t"$THREADS" -c"$CONNS" -d"${SECONDS_}s" --latency -s "$tmp/post.lua" \
    "http://127.0.0.1:$port/v1/chat/completions" > "$tmp/proxy.wrk"
p1=$(cpu "$proxy_pid") u1=$(cpu "$up_pid")
kill "$sampler" 2>/dev/null || true
sampler=
curl -s "http://127.0.0.1:$port/metrics" > "$tmp/metrics"
wrk -t"$THREADS" -c"$CONNS" -d"${SECONDS_}s" --latency -s "$tmp/post.lua" \
    "http://127.0.0.1:$up/v1/chat/completions" > "$tmp/direct.wrk"
u2=$(cpu "$up_pid")
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# wrk prints latencies as 1.23ms, 456.00us or 1.02s
ms() { awk -v p="$1" '$1 == p { v = $2; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v) } else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 }; printf "%.3f", v }' "$2"; }
rps() { awk '/^Requests\/sec/ {printf "%.0f", $2}' "$1"; }
errs() { awk '/Non-2xx/ {n += $NF} /Socket errors/ {gsub(/,/, ""); n += $4 + $6 + $8 + $10} END {print n + 0}' "$1"; }
total() { awk '/requests in/ {print $1}' "$1"; }
# the sample nearest to 10 s, and the last one of the run
rss10=$(awk '{d = $1 - 10; if (d < 0) d = -d; if (NR == 1 || d < best) {best = d; v = $2 " KB at " int($1 + 0.5) " s"}} END {print v}' "$tmp/rss")
rss30=$(awk -v end="$SECONDS_" '$1 <= end + 0.5 {v = $2 " KB at " int($1 + 0.5) " s"} END {print v}' "$tmp/rss")
echo "proxy: $(head -c 300 "$tmp/proxy.wrk" | head -1)" >&2
printf '| | requests/s | requests | errors | p50 ms | p99 ms |\n|---|---|---|---|---|---|\n'
printf '| proxy | %s | %s | %s | %s | %s |\n' "$(rps "$tmp/proxy.wrk")" "$(total "$tmp/proxy.wrk")" "$(errs "$tmp/proxy.wrk")" \
    "$(ms 50% "$tmp/proxy.wrk")" "$(ms 99% "$tmp/proxy.wrk")"
printf '| direct | %s | %s | %s | %s | %s |\n' "$(rps "$tmp/direct.wrk")" "$(total "$tmp/direct.wrk")" "$(errs "$tmp/direct.wrk")" \
    "$(ms 50% "$tmp/direct.wrk")" "$(ms 99% "$tmp/direct.wrk")"
printf '| added by the proxy | | | | %s | %s |\n' \
    "$(awk -v a="$(ms 50% "$tmp/proxy.wrk")" -v b="$(ms 50% "$tmp/direct.wrk")" 'BEGIN {printf "%.3f", a - b}')" \
    "$(awk -v a="$(ms 99% "$tmp/proxy.wrk")" -v b="$(ms 99% "$tmp/direct.wrk")" 'BEGIN {printf "%.3f", a - b}')"
echo
echo "Body $bytes bytes; $CONNS connections, $THREADS wrk threads, ${SECONDS_} s each. Proxy resident memory:" \
    "${rss10}, ${rss30} (samples, KB: $(awk '{printf "%s ", $2}' "$tmp/rss"))." \
    "Rewriting a body took $(awk '/^terse_proxy_compress_seconds_sum/ {s = $2} /^terse_proxy_compress_seconds_count/ {n = $2} END {printf "%.1f", s / n * 1e6}' "$tmp/metrics") us on average" \
    "($(awk '/result="hit"/ {h = $2} /result="miss"/ {m = $2} END {print h " cache hits, " m " misses"}' "$tmp/metrics")); the x-terse headers said" \
    "$(curl -s -D - -o /dev/null -H 'Content-Type: application/json' --data-binary @"$tmp/body.json" "http://127.0.0.1:$port/v1/chat/completions" | tr -d '\r' | awk -F': ' '/x-terse-tokens-before/ {b = $2} /x-terse-tokens-after/ {a = $2} END {print b " -> " a}') tokens." \
    "CPU per request: the proxy $(awk -v a="$p0" -v b="$p1" -v n="$(total "$tmp/proxy.wrk")" 'BEGIN {printf "%.0f", (b - a) / n * 1e6}') us," \
    "the fake provider $(awk -v a="$u0" -v b="$u1" -v n="$(total "$tmp/proxy.wrk")" 'BEGIN {printf "%.0f", (b - a) / n * 1e6}') us behind it" \
    "and $(awk -v a="$u1" -v b="$u2" -v n="$(total "$tmp/direct.wrk")" 'BEGIN {printf "%.0f", (b - a) / n * 1e6}') us direct." \
    "Load average before/after: $load_before / $load_after; $(nproc) cores."
