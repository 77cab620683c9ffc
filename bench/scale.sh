#!/bin/sh
# scale.sh - time and peak memory of `terse count` and `terse compress` on
# real text of this machine (bench/doc_corpus.sh: /usr/share/doc files
# concatenated) at 1, 4, 16 and 64 MB, as a markdown table
# (docs/benchmarks.md, Scaling).
#
#   bench/scale.sh [SIZES_MB...]     (default: 1 4 16 64)
#
# Needs GNU time (/usr/bin/time, package `time`). Each figure is one run,
# user + system CPU seconds (wall time on a shared machine says little)
# and the peak resident set (maximum RSS). The corpora are cached in
# build/bench/doc-N.txt. Environment: BUILD (default build).
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
T=$BUILD/terse
[ -x "$T" ] || { echo "scale.sh: build $T first (make all)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "scale.sh: needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
mkdir -p build/bench
[ $# -gt 0 ] || set -- 1 4 16 64

# run LABEL CMD...: "cpu_seconds peak_MB" of one run of CMD (stdout discarded)
run() {
    /usr/bin/time -f '%U %S %M' -o build/bench/scale.time "$@" > /dev/null 2> build/bench/scale.err ||
        { echo "scale.sh: failed: $*" >&2; cat build/bench/scale.err >&2; exit 1; }
    awk '{ printf "%.2f %.1f", $1 + $2, $3 / 1024 }' build/bench/scale.time
}

echo "| input | count o200k: s | count: peak MB | compress balanced: s | compress: peak MB | compress peak / input | compress MB/s |"
echo "|---|---|---|---|---|---|---|"
for mb in "$@"; do
    f=build/bench/doc-$mb.txt
    [ -s "$f" ] || bench/doc_corpus.sh $((mb * 1048576)) "$f"
    bytes=$(wc -c < "$f")
    set -- $(run "$T" count "$f")
    cs=$1 cm=$2
    set -- $(run "$T" compress "$f")
    ps=$1 pm=$2
    awk -v mb="$mb" -v b="$bytes" -v cs="$cs" -v cm="$cm" -v ps="$ps" -v pm="$pm" 'BEGIN {
        printf "| %d MB (%d bytes) | %.2f | %.1f | %.2f | %.1f | %.1fx | %.1f |\n",
            mb, b, cs, cm, ps, pm, pm * 1048576 / b, (ps > 0 ? b / 1e6 / ps : 0) }'
done
