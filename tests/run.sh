#!/bin/sh
# run.sh - the whole test suite, as `make test` and CI run it.
#
# Groups: the build with gcc; unit tests; CLI tests; the tool pass over
# terminal output generated on the machine (tests/tool.sh); terse train and
# max's word model (tests/learn.sh: make model reproduces the committed
# model, a user's model, bad files, the guards over /usr/share/doc); batch work
# (several files, -r, --jsonl, -T); the Python binding (unittest, pip into
# a fresh venv); the manual page against --help; make install into a
# temporary prefix; the code pass's
# syntax-tree equivalence on a sample of the machine's code (tests/code); the unit and CLI tests
# again under AddressSanitizer + UndefinedBehaviorSanitizer (clang); batch
# work on several threads under ThreadSanitizer (tests/tsan.sh), and the
# proxy's tests under it (its server and upstream threads);
# exactness against the reference tokenizers under node; terse eval against
# an independent recount; JSON cost against TOON (tests/json_cost.sh, node);
# the budget property over the machine's files (tests/budget_prop.sh);
# terse eval judge against the fake provider
# server (node); terse proxy against a fake provider and a real redis-server
# (tests/proxy.sh, also under the sanitizers); a short run of every
# libFuzzer target; valgrind leak check; lint (cppcheck, clang -Werror, the
# layering check scripts/lint-layers.sh), and that check shown to fail on a
# planted upward include, upward call and cycle (tests/lint-layers.sh);
# the shaped-items property over real text of the machine
# (tests/fidelity/fidelity.js: /usr/share/doc, /usr/include, man pages,
# /var/log, at every level and under budgets), and names with a colon
# (tests/fidelity/colon.js: changelogs, dpkg's status, man pages).
# Every check prints "ok - NAME" or "not ok - NAME"; the last line is
# "N passed, N failed". Exit status 0 only when nothing failed.
#
# Environment: FUZZ_SECONDS (default 20) per fuzz target.
set -u
cd "$(dirname "$0")/.."
LOGS=build/test-logs
mkdir -p "$LOGS"
passed=0
failed=0
FUZZ_SECONDS=${FUZZ_SECONDS:-20}

# group NAME CMD...: runs CMD, shows its ok/not ok and comment lines, and
# counts them. A command that fails without saying
# which check failed counts as one failed check named NAME.
group() {
    name=$1
    shift
    log=$LOGS/$name.log
    echo "## $name"
    "$@" > "$log" 2>&1
    rc=$?
    grep -E '^(ok|not ok) - |^#' "$log"
    p=$(grep -c '^ok - ' "$log")
    f=$(grep -c '^not ok - ' "$log")
    if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
        tail -20 "$log" | sed 's/^/#   /'
        echo "not ok - $name (exit status $rc, log: $log)"
        f=1
    fi
    passed=$((passed + p))
    failed=$((failed + f))
}

# check NAME CMD...: one check that passes when CMD exits 0.
check() {
    name=$1
    shift
    if "$@" > "$LOGS/check.log" 2>&1; then
        echo "ok - $name"
    else
        tail -20 "$LOGS/check.log" | sed 's/^/#   /'
        echo "not ok - $name"
        return 1
    fi
}

build_release() { check "build: gcc -Wall -Wextra -Werror" make -s all unit; }
build_asan() { check "build: clang with ASan + UBSan" make -s asan; }
build_tsan() { check "build: clang with ThreadSanitizer" make -s tsan; }

run_fuzz() {
    check "build: libFuzzer targets" make -s fuzz || return 0
    for f in build/fuzz/fuzz_*; do
        corpus=build/fuzz-corpus/$(basename "$f")
        mkdir -p "$corpus"
        if "$f" -max_total_time="$FUZZ_SECONDS" -max_len=8192 -rss_limit_mb=4096 -print_final_stats=1 \
            "$corpus" tests/fuzz-seeds > "$LOGS/$(basename "$f").log" 2>&1; then
            echo "# $(grep -m1 -o 'Done [0-9]* runs in [0-9]* second(s)' "$LOGS/$(basename "$f").log")"
            echo "ok - fuzz: $(basename "$f") for ${FUZZ_SECONDS}s"
        else
            grep -E 'ERROR|SUMMARY|runtime error' "$LOGS/$(basename "$f").log" | head -5 | sed 's/^/#   /'
            echo "not ok - fuzz: $(basename "$f") (see $LOGS/$(basename "$f").log)"
        fi
    done
}

run_valgrind() {
    for t in o200k cl100k gemma3 claude all; do
        check "valgrind: terse count --tokenizer $t leaks nothing" \
            valgrind -q --leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=all \
            --error-exitcode=1 build/terse count --tokenizer $t tests/unit/test_tokenizer.c
    done
    for level in exact balanced max; do
        check "valgrind: terse compress --level $level leaks nothing" \
            valgrind -q --leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=all \
            --error-exitcode=1 build/terse compress --level $level examples/incident-report.md
    done
    check "valgrind: terse compress --backend (threads, libcurl, SQLite) leaks nothing" \
        env TERSE_CACHE="$LOGS/backend-valgrind.sqlite" \
        valgrind -q --leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=all \
        --error-exitcode=1 build/terse compress examples/incident-report.md --backend http://127.0.0.1:9/v1 \
        --backend-retries 0
    if [ -n "$(shared_data)" ]; then
        check "valgrind: terse eval leaks nothing" \
            valgrind -q --leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=all \
            --error-exitcode=1 build/terse eval --data "$(shared_data)" --limit 3 --tokenizers o200k,claude --levels max
    else
        echo "# skip - valgrind: terse eval: the shared data sets (../shared/data) are not beside this checkout"
    fi
    check "valgrind: terse compress -T2 over files and --jsonl leaks nothing" sh -c '
        valgrind -q --leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=all \
            --error-exitcode=1 build/terse compress -T2 -r examples tests/fuzz-seeds/chat-openai.json > /dev/null &&
        valgrind -q --leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=all \
            --error-exitcode=1 build/terse compress -T2 --jsonl tests/fuzz-seeds/batch-record.json > /dev/null'
    check "valgrind: terse compress --budget --query leaks nothing" \
        valgrind -q --leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=all \
        --error-exitcode=1 build/terse compress --budget 120 --query 'why did checkout fail' \
        examples/incident-report.md
    check "valgrind: terse compress code --level max --budget --query leaks nothing" \
        valgrind -q --leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=all \
        --error-exitcode=1 build/terse compress --level max --budget 4000 --query 'compress segments' \
        lib/compress.c
}

# The round trips of issue 5: JSON compressed at safe and expanded is the
# same value (the toon-bench data, every package*.json of the npm install,
# the generated hard cases of tests/roundtrip/jsonrt.c); logs folded at safe
# and unfolded are the same bytes (the apt and dpkg logs, the log seeds).
# The shared data is ../shared/data from the main checkout (../../shared
# from a worktree under /work/wt). A clone without it beside it skips what
# needs it, with a "# skip" line that says so (CI always has it).
shared_data() {
    for d in ../shared/data ../../shared/data; do
        [ -d "$d" ] && { echo "$d"; return; }
    done
}

run_roundtrip() {
    data=$(shared_data)
    if [ -z "$data" ] || [ ! -d "$data/toon-bench" ]; then
        echo "# skip - roundtrip: TOON's data sets (../shared/data/toon-bench) are not beside this checkout"
        data=/nonexistent
    fi
    files=$(find -L "$data/toon-bench" deps \( -name '*.json' -path '*toon-bench*' -o \
        -name package.json -o -name package-lock.json -o -name .package-lock.json \) -type f 2>/dev/null | sort)
    build/jsonrt --nasty $files
    # logs: folded at safe and unfolded, byte for byte
    for f in /var/log/apt/history.log /var/log/apt/term.log /var/log/dpkg.log tests/fuzz-seeds/log-*.txt; do
        [ -r "$f" ] || continue
        if build/terse compress "$f" --type log --level safe > "$LOGS/fold.tmp" &&
            build/terse decode "$LOGS/fold.tmp" --type log | cmp -s - "$f"; then
            echo "ok - roundtrip: log $f"
        else
            echo "not ok - roundtrip: log $f"
        fi
    done
    rm -f "$LOGS/fold.tmp"
}

run_lint() { check "lint: cppcheck, clang -Werror and the layers" make -s lint; }

group build build_release
group unit build/test_unit
group cli tests/cli.sh build
group batch tests/batch.sh build
group python tests/python.sh build
group manual tests/manual.sh build
group install tests/install.sh build
group code tests/code/corpus.sh build quick
group asan-build build_asan
group asan-unit build/asan/test_unit
group asan-cli tests/cli.sh build/asan
group asan-batch tests/batch.sh build/asan
group asan-eval tests/eval.sh build/asan
group asan-judge tests/judge.sh build/asan
group asan-backend tests/backend.sh build/asan
group asan-proxy tests/proxy.sh build/asan
group tsan-build build_tsan
group tsan tests/tsan.sh build/tsan build
group tsan-proxy tests/proxy.sh build/tsan
group reference tests/ref/run.sh build
group roundtrip run_roundtrip
group tool tests/tool.sh build
group learn tests/learn.sh build
group json-cost tests/json_cost.sh build
group budget tests/budget_prop.sh build
group fidelity node tests/fidelity/fidelity.js build
group colon node tests/fidelity/colon.js build
group eval tests/eval.sh build
group judge tests/judge.sh build
group backend tests/backend.sh build
group proxy tests/proxy.sh build
group fuzz run_fuzz
group valgrind run_valgrind
group lint run_lint
group layers tests/lint-layers.sh build

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
