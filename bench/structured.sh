#!/bin/sh
# structured.sh - the structured-data part of `make bench` (issue 5): terse's
# tabular JSON against minified JSON and TOON (@toon-format/toon 4.4.0, run
# by node), JSON speed at safe, and log folding on the machine's logs.
#
#   bench/structured.sh      (run by bench/run.sh; needs build/terse and
#                             build/bench_json)
#
# Corpora: "generated" = TOON's own eight benchmark data sets
# (../shared/data/toon-bench/generated); "real" = github-repos.json, the
# JSON files of Debian's iso-codes (/usr/share/iso-codes/json), the
# package.json files of the npm packages under deps/node_modules and npm's
# own (/usr/lib/node_modules/npm), and the 500 key-value records of
# ../shared/data/nq-multidoc/kv-retrieval-75_keys.jsonl.gz (one document
# each). Logs: /var/log/apt/*.log, /var/log/dpkg.log and this project's
# build/test-logs/*.log (written by make test), at safe, with the exact
# round trip. Tokens are o200k. Writes build/bench/structured.jsonl and
# prints the tables (bench/structured_report.js).
#
# Environment: BUILD (default build), NODE (default node),
# TERSE_BENCH_SECONDS (minimum seconds per speed run, default 1).
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
NODE=${NODE:-node}
OUT=$BUILD/bench/structured
RAW=$BUILD/bench/structured.jsonl
SECS=${TERSE_BENCH_SECONDS:-1}
say() { printf 'bench: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

DATA=
for d in ../shared/data ../../shared/data; do
    if [ -d "$d/toon-bench" ]; then DATA=$d; break; fi
done
[ -n "$DATA" ] || die "../shared/data/toon-bench not found"
[ -x "$BUILD/bench_json" ] || die "$BUILD/bench_json missing (make $BUILD/bench_json)"

rm -rf "$OUT"
mkdir -p "$OUT/toon" "$OUT/kv"
manifest=$OUT/manifest.tsv
: >"$manifest"
n=0
add() { # add CORPUS FILE
    n=$((n + 1))
    printf '%s\t%s\t%s\n' "$1" "$2" "$OUT/toon/$n.toon" >>"$manifest"
}
for f in "$DATA"/toon-bench/generated/*.json; do add generated "$f"; done
add real "$DATA/toon-bench/github-repos.json"
for f in /usr/share/iso-codes/json/*.json; do [ -f "$f" ] && add real "$f"; done
for f in $(find -L deps/node_modules /usr/lib/node_modules/npm -maxdepth 3 -name package.json 2>/dev/null | sort); do
    add real "$f"
done
if [ -f "$DATA/nq-multidoc/kv-retrieval-75_keys.jsonl.gz" ]; then
    gzip -dc "$DATA/nq-multidoc/kv-retrieval-75_keys.jsonl.gz" | split -l 1 -d -a 3 - "$OUT/kv/kv-"
    for f in "$OUT"/kv/kv-*; do add real-kv "$f"; done
fi

say "TOON 4.4.0 (node) on $n JSON documents"
"$NODE" bench/toon_encode.js "$manifest" || die "toon_encode.js failed"
say "terse safe and exact, tokens and round trip; JSON speed at safe (>= ${SECS}s a run)"
"$BUILD/bench_json" --speed "$SECS" <"$manifest" >"$RAW" || die "bench_json failed"
set --
for f in /var/log/apt/*.log /var/log/dpkg.log "$BUILD"/test-logs/*.log; do
    [ -r "$f" ] && [ -s "$f" ] && set -- "$@" "$f"
done
say "logs at safe: $# files (build/test-logs/*.log exist after make test)"
[ $# -gt 0 ] && { "$BUILD/bench_json" --log "$@" >>"$RAW" || die "bench_json --log failed"; }
"$NODE" bench/structured_report.js "$RAW"
if [ -f "$DATA/nq-multidoc/kv-retrieval-75_keys.jsonl.gz" ]; then
    say "the least any encoding that keeps the key-value records' UUIDs as written can cost"
    "$NODE" bench/kv_floor.js "$DATA/nq-multidoc/kv-retrieval-75_keys.jsonl.gz" "$RAW" || die "kv_floor.js failed"
fi
