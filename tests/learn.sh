#!/bin/sh
# learn.sh - `terse train` and the word-importance model of `max` from the
# command line (lib/learn/, docs/model-format.md):
#   - `make model` gives the committed lib/learn/default.twm byte for byte
#     (the same command, from data/seed-train/), in under 60 s;
#   - a user's model: pairs in which the colour words are always dropped
#     teach max --word-model to drop them, while the built-in model keeps
#     them; balanced is the same with any model;
#   - damaged, truncated, foreign and missing model files, and bad pair
#     files, fail with one "terse: " line and exit 1;
#   - the guards hold over real text: on files of /usr/share/doc at max with
#     the model, every number, URL and path of the input is in the output,
#     and every negation, identifier and quantity word that max keeps by its
#     rules alone (--word-model none) is kept with the model too.
#
#   tests/learn.sh [BUILD]     BUILD (default build) holds terse
set -u
cd "$(dirname "$0")/.."
BUILD=${1:-build}
T=$BUILD/terse
TMP=$(mktemp -d) || exit 1
trap 'rm -rf "$TMP"' EXIT
status=0
ok() { echo "ok - learn: $1"; }
notok() { echo "not ok - learn: $1"; status=1; }

# 1. make model reproduces the committed model
flags=$(sed -n 's/^MODEL_FLAGS *= *//p' Makefile)
pairs=$(sed -n 's/^MODEL_PAIRS *= *//p' Makefile)
start=$(date +%s)
# shellcheck disable=SC2086
if $T train "$pairs" -o "$TMP/m.twm" $flags > "$TMP/train.out" 2>&1 && cmp -s "$TMP/m.twm" lib/learn/default.twm; then
    ok "make model ($T train $pairs $flags) reproduces lib/learn/default.twm byte for byte"
else
    sed 's/^/#   /' "$TMP/train.out"
    notok "make model does not reproduce lib/learn/default.twm"
fi
secs=$(( $(date +%s) - start ))
if [ "$secs" -lt 60 ]; then ok "training on the seed train split took ${secs}s (< 60 s)"; else notok "training took ${secs}s"; fi
sed -n 's/^/# /p' "$TMP/train.out"

# 2. a user's pairs: colour words always dropped
python3 - "$TMP/colours.jsonl" <<'PY'
import json, sys
colours = ["red", "green", "blue", "yellow", "purple", "orange"]
nouns = ["car", "house", "bird", "coat", "boat", "lamp", "chair", "door"]
with open(sys.argv[1], "w") as f:
    for i in range(96):
        c, n, m = colours[i % 6], nouns[(i // 6) % 8], nouns[(i + 3) % 8]
        if i % 2:
            v, z = f"The {c} {n} stood beside the old {m} near the station.", f"{n} beside old {m} near station"
        else:
            v, z = f"We saw a {n} and the small {c} {m} in the garden.", f"saw {n}, small {m} in garden"
        f.write(json.dumps({"verbose": v, "compressed": z}) + "\n")
PY
$T train "$TMP/colours.jsonl" -o "$TMP/c.twm" --threshold 0.5 > /dev/null 2>&1 || notok "train on the colour pairs failed"
$T train "$TMP/colours.jsonl" -o "$TMP/c2.twm" --threshold 0.5 > /dev/null 2>&1
cmp -s "$TMP/c.twm" "$TMP/c2.twm" && ok "training twice gives the same bytes" || notok "training twice differs"
s='Yesterday the green lamp stood beside the old red boat, and a blue bird watched the purple door.'
with=$(printf '%s\n' "$s" | $T compress --level max --word-model "$TMP/c.twm")
without=$(printf '%s\n' "$s" | $T compress --level max)
echo "# user model: $with"
echo "# built-in:   $without"
case "$with" in
*green* | *" red"* | *blue* | *purple*) notok "max --word-model (colours dropped in training) kept a colour" ;;
*lamp*) ok "max --word-model drops the class its pairs always drop" ;;
*) notok "max --word-model lost the nouns too" ;;
esac
case "$without" in
*green*red*blue*purple*) ok "max with the built-in model keeps the colours" ;;
*) notok "the built-in model dropped a colour" ;;
esac
b1=$(printf '%s\n' "$s" | $T compress --level balanced)
b2=$(printf '%s\n' "$s" | $T compress --level balanced --word-model "$TMP/c.twm")
[ "$b1" = "$b2" ] && ok "balanced is the same with any model" || notok "balanced changed with a model"

# 3. bad model and pair files
expect_fail() { # NAME WANT CMD...
    name=$1 want=$2
    shift 2
    if "$@" < /dev/null > "$TMP/out" 2> "$TMP/err"; then
        notok "$name: succeeded"
    elif [ $? -ne 1 ]; then
        notok "$name: exit status not 1"
    elif [ "$(wc -l < "$TMP/err")" -eq 1 ] && grep -q "^terse: .*$want" "$TMP/err"; then
        ok "$name: $(cat "$TMP/err")"
    else
        sed 's/^/#   /' "$TMP/err"
        notok "$name: not one 'terse: ...$want' line"
    fi
}
head -c 1000 lib/learn/default.twm > "$TMP/trunc.twm"
printf 'hello, this is not a model\n' > "$TMP/text.twm"
cp lib/learn/default.twm "$TMP/flip.twm"
printf '\001' | dd of="$TMP/flip.twm" bs=1 seek=5000 conv=notrunc 2> /dev/null
cp lib/learn/default.twm "$TMP/v9.twm"
printf '\011' | dd of="$TMP/v9.twm" bs=1 seek=8 conv=notrunc 2> /dev/null
expect_fail "truncated model" "truncated" $T compress --level max --word-model "$TMP/trunc.twm" examples/incident-report.md
expect_fail "not a model" "bad magic" $T compress --level max --word-model "$TMP/text.twm" examples/incident-report.md
expect_fail "damaged model" "checksum" $T compress --level max --word-model "$TMP/flip.twm" examples/incident-report.md
expect_fail "newer model version" "newer terse" $T compress --word-model "$TMP/v9.twm" examples/incident-report.md
expect_fail "missing model" "cannot open" $T compress --word-model "$TMP/none/x.twm" examples/incident-report.md
printf '{"verbose": "a b c", "compressed": "a"}\n{"verbose": 3}\n' > "$TMP/bad.jsonl"
expect_fail "bad pair line" "bad.jsonl: line 2: " $T train "$TMP/bad.jsonl" -o "$TMP/x.twm"
expect_fail "train without -o" "needs -o" $T train "$TMP/colours.jsonl"
printf '{"verbose": "a", "compressed": "abc"}\n' > "$TMP/useless.jsonl"
expect_fail "no usable pair" "no usable pair" $T train "$TMP/useless.jsonl" -o "$TMP/x.twm"
printf '{"verbose": "Alice and Bob were in Paris.", "compressed": "Alice, Bob: Paris"}\n' > "$TMP/names.jsonl"
expect_fail "no word to learn from" "no word to train on" $T train "$TMP/names.jsonl" -o "$TMP/x.twm"
expect_fail "bad threshold" "between 0 and 1" $T train "$TMP/colours.jsonl" -o "$TMP/x.twm" --threshold 1.5

# 4. the guards over real text: /usr/share/doc at max with the model
python3 - "$T" > "$TMP/guard.out" <<'PY'
import os, re, subprocess, sys
from collections import Counter
terse = sys.argv[1]
files = []
for root, dirs, names in os.walk("/usr/share/doc"):
    dirs.sort()
    for n in sorted(names):
        p = os.path.join(root, n)
        if n.endswith((".gz", ".html", ".png", ".svg")) or os.path.islink(p):
            continue
        try:
            size = os.path.getsize(p)
            data = open(p, "rb").read().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if 2000 <= size <= 60000 and not n.startswith("copyright"):
            files.append((p, data))
files = files[:60]
NUM = re.compile(r"\d+(?:[.,]\d+)*")
URL = re.compile(r"https?://[^\s<>()\"']+[^\s<>()\"'.,;:]")
PATH = re.compile(r"(?<![\w/])/(?:[\w.-]+/)+[\w.-]+")
IDENT = re.compile(r"\b[A-Za-z]\w*(?:_\w+|\.[A-Za-z]\w*)+\b")
NEG = re.compile(r"\b(?:not|no|never|without|cannot|nor|none|nothing)\b|n't\b", re.I)
QTY = re.compile(r"\b(?:several|years?|number|half|nearly|increased|decreased|twice|million|thousand|percent)\b", re.I)
bad = 0
for p, text in files:
    def run(*extra):
        r = subprocess.run([terse, "compress", "--level", "max", "--type", "prose", *extra], input=text.encode(),
                           capture_output=True)
        if r.returncode:
            print(f"# {p}: exit {r.returncode}: {r.stderr.decode().strip()}")
            return None
        return r.stdout.decode()
    out, rules = run(), run("--word-model", "none")
    if out is None or rules is None:
        bad += 1
        continue
    missing = [x for rx in (NUM, URL, PATH) for x in set(rx.findall(text)) if x not in out]
    for rx in (NEG, IDENT, QTY):
        key = (lambda m: m) if rx is IDENT else (lambda m: m.lower())
        have, want = Counter(map(key, rx.findall(out))), Counter(map(key, rx.findall(rules)))
        missing += [x for x in want if have[x] < want[x]]
    if missing:
        bad += 1
        print(f"# {p}: lost {missing[:8]}")
print(f"files {len(files)} bad {bad}")
PY
tail -5 "$TMP/guard.out" | grep '^#'
if grep -q '^files [1-9][0-9]* bad 0$' "$TMP/guard.out"; then
    ok "guards hold with the model: $(tail -1 "$TMP/guard.out") (numbers, URLs, paths, negations, identifiers, quantity words)"
else
    notok "guards with the model: $(tail -1 "$TMP/guard.out")"
fi
exit $status
