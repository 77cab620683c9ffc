#!/bin/sh
# compare-output.sh - runs two terse binaries over the same inputs and options
# and reports every output that differs (stdout, stderr or exit status), for a
# change that must not change the output (issue 14's reshaping, a refactor).
#
#   scripts/compare-output.sh REF_TERSE NEW_TERSE [WORKDIR]
#
# REF_TERSE is typically built from main at the commit the change was merged
# with (git worktree add /tmp/ref main && make -C /tmp/ref all), NEW_TERSE the
# change's build/terse. WORKDIR (default build/compare) holds the inputs and
# the differing outputs.
#
# Inputs:
#   - every file of the shared data sets ($TERSE_SHARED_DATA, default
#     ../shared/data or ../../shared/data), .gz ones uncompressed, whole;
#   - records taken from them by scripts/compare-inputs.js (contexts,
#     questions, passages, chat, transcripts, memory lists, code messages,
#     JSON records);
#   - the three benchmark corpora of bench/make_corpora.js (prose, code, JSON);
#   - a fixed sample of the code corpora of tests/code/corpus.sh (every
#     language with files on this machine, COMPARE_CODE_FILES per language),
#     and tests/code/samples;
#   - tests/fuzz-seeds, examples, docs/*.md, README.md;
#   - with COMPARE_EXTRA=DIR, every file under DIR (for example the tool
#     output corpus of bench/tool_corpus.sh, which differs from machine to
#     machine and from run to run, so is not made here).
# Runs of each input, at every level (exact, safe, balanced, max):
#   --json --stats; --stats --budget IN/3 (text, as a user reads it: the
#   budget holds the line break the program adds); with a query for the input:
#   --json --budget IN/3 --query Q and (at max) --json --query Q; at balanced
#   also --tokenizer cl100k --budget IN/2 and --type prose. Inputs over 1 MB
#   get --json --stats at every level and --stats --budget IN/3 at balanced only.
# IN is the input's token count from REF_TERSE. Prints the number of outputs
# compared and each difference; exit 1 if any differs. COMPARE_SHARD=I/K
# runs only every Kth input from the Ith (K runs in parallel cover all).
set -u
[ $# -ge 2 ] || { echo "usage: $0 REF_TERSE NEW_TERSE [WORKDIR]" >&2; exit 2; }
REF=$1
NEW=$2
cd "$(dirname "$0")/.."
WORK=${3:-build/compare}
[ -x "$REF" ] || { echo "compare: $REF is not executable" >&2; exit 2; }
[ -x "$NEW" ] || { echo "compare: $NEW is not executable" >&2; exit 2; }
NODE=${NODE:-node}
CODE_FILES=${COMPARE_CODE_FILES:-12}
DATA=${TERSE_SHARED_DATA:-}
if [ -z "$DATA" ]; then
    for d in ../shared/data ../../shared/data; do [ -d "$d" ] && { DATA=$d; break; }; done
fi
[ -d "$DATA" ] || { echo "compare: shared data not found (set TERSE_SHARED_DATA)" >&2; exit 2; }
mkdir -p "$WORK/whole" "$WORK/diff" "$WORK/corpora" "$WORK/code"
rm -f "$WORK/diff/"*
# copies, so that a rebuild during the run does not change what runs
cp "$REF" "$WORK/ref-terse" && cp "$NEW" "$WORK/new-terse" || exit 2
REF=$WORK/ref-terse
NEW=$WORK/new-terse
LIST=$WORK/inputs.txt

# the inputs
rm -rf "$WORK/items"
"$NODE" scripts/compare-inputs.js --data "$DATA" --outdir "$WORK" || exit 2
find -L "$DATA" -type f | LC_ALL=C sort | while read -r f; do
    case $f in
    *.gz) b=$(basename "$f" .gz); [ -s "$WORK/whole/$b" ] || gzip -dc "$f" > "$WORK/whole/$b" ;;
    esac
done
if [ ! -s "$WORK/corpora/json.json" ]; then
    TERSE_SHARED_DATA=$DATA "$NODE" bench/make_corpora.js --outdir "$WORK/corpora" 2>/dev/null || exit 2
fi
# a sample of the code corpora: every Nth of the sorted list, COMPARE_CODE_FILES at most
sample() {
    name=$1
    shift
    find -L "$@" -type f -size -100k 2>/dev/null | LC_ALL=C sort > "$WORK/code/$name.all"
    n=$(wc -l < "$WORK/code/$name.all")
    [ "$n" -gt 0 ] || return 0
    step=$(( (n + CODE_FILES - 1) / CODE_FILES ))
    awk -v s="$step" 'NR % s == 1 || s == 1' "$WORK/code/$name.all"
}
{
    find -L "$DATA" -type f ! -name '*.gz' | LC_ALL=C sort
    find "$WORK/whole" "$WORK/items" "$WORK/corpora" -maxdepth 1 -type f | LC_ALL=C sort
    sample python /usr/lib/python3.11 /usr/lib/python3/dist-packages -name '*.py'
    sample c /usr/include -name '*.h'
    sample cpp /usr/include/c++ \( -name '*.h' -o -name '*.tcc' \)
    sample javascript deps/node_modules /usr/lib/node_modules \( -name '*.js' -o -name '*.mjs' -o -name '*.cjs' \)
    sample typescript deps/node_modules -name '*.ts'
    sample tsx deps/node_modules -name '*.tsx'
    sample json deps/node_modules -name '*.json'
    sample bash /usr/bin /usr/share /usr/lib -xdev -name '*.sh'
    sample go /usr/lib /usr/share -xdev -name '*.go'
    sample rust /usr/lib /usr/share -xdev -name '*.rs'
    sample java /usr/lib /usr/share -xdev -name '*.java'
    find tests/code/samples tests/fuzz-seeds examples -type f | LC_ALL=C sort
    ls docs/*.md README.md
    if [ -n "${COMPARE_EXTRA:-}" ]; then find -L "$COMPARE_EXTRA" -type f | LC_ALL=C sort; fi
} > "$LIST"

# COMPARE_SHARD=I/K: only inputs I, I+K, I+2K, ... of the list (1-based),
# so that K runs (each with its own WORKDIR) share the work
case ${COMPARE_SHARD:-} in
'') ;;
*/*)
    awk -v i="${COMPARE_SHARD%/*}" -v k="${COMPARE_SHARD#*/}" '(NR - i) % k == 0' "$LIST" > "$LIST.shard" &&
        mv "$LIST.shard" "$LIST" || exit 2
    ;;
*) echo "compare: COMPARE_SHARD must be I/K" >&2; exit 2 ;;
esac

compared=0
differ=0
# run NAME ARGS...: both binaries on $f with ARGS; compares stdout, stderr, status
run() {
    tag=$1
    shift
    "$REF" compress "$f" "$@" > "$WORK/ref.out" 2> "$WORK/ref.err"
    echo "status $?" >> "$WORK/ref.err"
    "$NEW" compress "$f" "$@" > "$WORK/new.out" 2> "$WORK/new.err"
    echo "status $?" >> "$WORK/new.err"
    compared=$((compared + 1))
    if ! cmp -s "$WORK/ref.out" "$WORK/new.out" || ! cmp -s "$WORK/ref.err" "$WORK/new.err"; then
        differ=$((differ + 1))
        echo "DIFF: $f $*"
        d=$WORK/diff/$differ
        cp "$WORK/ref.out" "$d.ref.out"; cp "$WORK/new.out" "$d.new.out"
        cp "$WORK/ref.err" "$d.ref.err"; cp "$WORK/new.err" "$d.new.err"
        echo "$f $*" > "$d.args"
    fi
    : "$tag"
}

files=0
while read -r f; do
    files=$((files + 1))
    [ $((files % 50)) = 0 ] && echo "# $files inputs, $compared outputs so far, $differ differ" >&2
    q=$(awk -F '\t' -v n="$(basename "$f")" '$1 == n { print $2; exit }' "$WORK/queries.tsv")
    in=$("$REF" count "$f" 2>/dev/null | awk '{ print $1; exit }')
    case $in in '' | *[!0-9]*) in=0 ;; esac
    b3=$((in / 3 + 1))
    b2=$((in / 2 + 1))
    size=$(wc -c < "$f")
    for level in exact safe balanced max; do
        run plain --level "$level" --json --stats
        # inputs over 1 MB (whole data sets, the bench corpora): a budget at balanced only
        if [ "$size" -gt 1000000 ]; then
            [ "$level" = balanced ] && run budget --level "$level" --stats --budget "$b3"
            continue
        fi
        run budget --level "$level" --stats --budget "$b3"
        if [ -n "$q" ]; then
            run query-budget --level "$level" --json --budget "$b3" --query "$q"
            [ "$level" = max ] && run query --level max --json --query "$q"
        fi
        if [ "$level" = balanced ]; then
            run cl100k --level balanced --json --tokenizer cl100k --budget "$b2"
            run prose --level balanced --json --type prose
        fi
    done
done < "$LIST"

echo "compare: $files inputs, $compared outputs compared, $differ differ"
[ "$differ" = 0 ]
