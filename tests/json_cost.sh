#!/bin/sh
# json_cost.sh - no JSON document costs more than the smaller of TOON and
# minified JSON (issue 13 defect 6), at safe, balanced and max (exact is
# minified JSON by definition).
#
#   tests/json_cost.sh BUILD
#
# Corpus: every package.json under deps/node_modules, /usr/lib/node_modules
# and /usr/share, every other *.json under /usr/share (at most 3 MB), and
# ../shared/data/toon-bench when it is there. TOON is @toon-format/toon
# (pinned in deps/package.json) through bench/toon_encode.js; tokens are
# o200k, counted by build/bench_json. One "ok"/"not ok" line per level.
set -u
cd "$(dirname "$0")/.."
BUILD=${1:-build}
OUT=$BUILD/json-cost
rm -rf "$OUT"
mkdir -p "$OUT/toon"
[ -x "$BUILD/bench_json" ] || make -s "$BUILD/bench_json" || { echo "not ok - json cost: cannot build $BUILD/bench_json"; exit 1; }
manifest=$OUT/manifest.tsv
: > "$manifest"
n=0
{
    find -L deps/node_modules /usr/lib/node_modules /usr/share -name package.json -type f 2>/dev/null
    find /usr/share -name '*.json' -type f -size -3M 2>/dev/null
    for d in ../shared/data ../../shared/data; do
        [ -d "$d/toon-bench" ] && { find "$d/toon-bench" -name '*.json' -type f; break; }
    done
} | sort -u > "$OUT/files"
# only documents that parse as JSON (node decides, as TOON's encoder reads them)
node -e '
const fs = require("fs");
for (const f of fs.readFileSync(process.argv[1], "utf8").split("\n").filter(Boolean)) {
  try { JSON.parse(fs.readFileSync(f, "utf8")); console.log(f); } catch (e) {}
}' "$OUT/files" > "$OUT/json-files"
while IFS= read -r f; do
    n=$((n + 1))
    printf 'real\t%s\t%s/toon/%s.toon\n' "$f" "$OUT" "$n" >> "$manifest"
done < "$OUT/json-files"
echo "# $n JSON documents"
node bench/toon_encode.js "$manifest" || { echo "not ok - json cost: toon_encode.js failed"; exit 1; }
rc=0
for level in safe balanced max; do
    "$BUILD/bench_json" --level "$level" < "$manifest" > "$OUT/$level.jsonl" || {
        echo "not ok - json cost at $level: bench_json failed"; rc=1; continue; }
    out=$(node -e '
const fs = require("fs");
let bad = 0;
for (const l of fs.readFileSync(process.argv[1], "utf8").split("\n").filter(Boolean)) {
  const r = JSON.parse(l);
  if (r.terse > Math.min(r.toon, r.minified) && ++bad <= 10)
    console.log(`#   ${r.file}: ${r.terse} tokens; TOON ${r.toon}, minified ${r.minified}`);
}
console.log(bad);' "$OUT/$level.jsonl")
    last=$(echo "$out" | tail -1)
    echo "$out" | sed '$d'
    if [ "$last" = 0 ]; then
        echo "ok - json cost at $level: $n documents, none above min(TOON, minified JSON)"
    else
        echo "not ok - json cost at $level: $last of $n documents above min(TOON, minified JSON)"
        rc=1
    fi
done
exit $rc
