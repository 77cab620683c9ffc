#!/bin/sh
# cli.sh - behaviour of the terse program: output, exit codes and one-line
# errors. Prints "ok - ..." / "not ok - ..." per case.
#
#   tests/cli.sh [BUILD_DIR]
set -u
cd "$(dirname "$0")/.."
T=${1:-build}/terse
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# expect NAME WANT_STATUS WANT_STDOUT_REGEX WANT_STDERR_REGEX -- CMD...
# The regexes are grep -E patterns over the whole output ('' = must be empty).
expect() {
    name=$1 want_rc=$2 want_out=$3 want_err=$4
    shift 5
    "$@" > "$tmp/out" 2> "$tmp/err" < "${STDIN:-/dev/null}"
    rc=$?
    ok=1
    [ "$rc" = "$want_rc" ] || { echo "#   exit status $rc, expected $want_rc"; ok=0; }
    if [ -z "$want_out" ]; then
        [ ! -s "$tmp/out" ] || { echo "#   unexpected stdout: $(head -c 200 "$tmp/out")"; ok=0; }
    elif ! grep -Eq "$want_out" "$tmp/out"; then
        echo "#   stdout $(head -c 200 "$tmp/out") does not match $want_out"; ok=0
    fi
    if [ -z "$want_err" ]; then
        [ ! -s "$tmp/err" ] || { echo "#   unexpected stderr: $(head -c 200 "$tmp/err")"; ok=0; }
    else
        grep -Eq "$want_err" "$tmp/err" || { echo "#   stderr $(head -c 200 "$tmp/err") does not match $want_err"; ok=0; }
        [ "$(wc -l < "$tmp/err")" -le 1 ] || { echo "#   stderr has more than one line"; ok=0; }
    fi
    if [ $ok = 1 ]; then echo "ok - cli: $name"; else echo "not ok - cli: $name"; fi
}

printf 'hello world' > "$tmp/hello"
: > "$tmp/empty"
printf '<|endoftext|> hi' > "$tmp/special"
printf 'a\377b' > "$tmp/invalid"
printf 'a\357\277\275b' > "$tmp/repaired"

expect "count defaults to o200k" 0 '^2$' '' -- "$T" count "$tmp/hello"
expect "count reads stdin" 0 '^2$' '' -- env STDIN="$tmp/hello" sh -c "\"$T\" count < \"$tmp/hello\""
expect "count - reads stdin" 0 '^2$' '' -- sh -c "\"$T\" count - < \"$tmp/hello\""
expect "count by model" 0 '^2$' '' -- "$T" count "$tmp/hello" --model gemini-2.5-pro
expect "empty input counts 0" 0 '^0$' '' -- "$T" count "$tmp/empty" --tokenizer gemma3
expect "count all lists every tokenizer" 0 'claude +[0-9]+  \(estimate\)' '' -- "$T" count --tokenizer all "$tmp/hello"
expect "claude count says estimate" 0 '^2$' 'estimate' -- "$T" count --tokenizer claude "$tmp/hello"
expect "count --json" 0 '^\{"bytes":11,"tokenizer":"o200k","count":2,"exact":true\}$' '' -- "$T" count --json "$tmp/hello"
expect "count all --json marks the estimate" 0 '"claude":\{"count":2,"exact":false\}' '' -- "$T" count --json --tokenizer all "$tmp/hello"
expect "tokenize prints ids on one line" 0 '^24912 2375$' '' -- "$T" tokenize "$tmp/hello" --tokenizer o200k
expect "tokenize gemma3" 0 '^23391 1902$' '' -- "$T" tokenize --tokenizer=gemma3 "$tmp/hello"
expect "special tokens are text by default" 0 '^27 91 419 1440 919 91 29 5911$' '' -- "$T" tokenize "$tmp/special" --tokenizer o200k
expect "--special reads special tokens" 0 '^199999 5911$' '' -- "$T" tokenize "$tmp/special" --tokenizer o200k --special
expect "invalid UTF-8 counts as U+FFFD" 0 "^$("$T" tokenize "$tmp/repaired" --tokenizer o200k)\$" '' -- "$T" tokenize "$tmp/invalid" --tokenizer o200k
expect "detokenize inverts tokenize" 0 '^hello world$' '' -- sh -c "echo 24912 2375 | \"$T\" detokenize --tokenizer o200k"
expect "tokenizers lists exactness" 0 'claude +estimate' '' -- "$T" tokenizers
expect "tokenizers rejects arguments" 1 '' "^terse: tokenizers takes no arguments, not 'extra'" -- "$T" tokenizers extra
expect "version" 0 '^terse [0-9]+\.[0-9]+\.[0-9]+$' '' -- "$T" --version
expect "help" 0 'usage: terse' '' -- "$T" --help
expect "command help" 0 'usage: terse' '' -- "$T" count --help
expect "tokenizer all in any case" 0 'gemma3' '' -- "$T" count --tokenizer ALL "$tmp/hello"
expect "only tiktoken names take _base" 1 '' "^terse: unknown tokenizer 'gemma3_base'" -- "$T" count --tokenizer gemma3_base "$tmp/hello"
expect "detokenize has no --special" 1 '' "^terse: unknown option '--special'" -- sh -c "echo 1 | \"$T\" detokenize --tokenizer o200k --special"

expect "no command" 1 '' '^terse: no command given' -- "$T"
expect "unknown command" 1 '' "^terse: unknown command 'frob'" -- "$T" frob
expect "missing file" 1 '' "^terse: cannot open '$tmp/nope': No such file or directory" -- "$T" count "$tmp/nope"
expect "unknown tokenizer" 1 '' "^terse: unknown tokenizer 'gpt2'" -- "$T" count --tokenizer gpt2 "$tmp/hello"
expect "model name is not a tokenizer name" 1 '' "^terse: unknown tokenizer 'gpt-4o'.*--model" -- "$T" count --tokenizer gpt-4o "$tmp/hello"
expect "unknown model" 1 '' "^terse: unknown model 'llama-3'" -- "$T" count --model llama-3 "$tmp/hello"
expect "unknown option" 1 '' "^terse: unknown option '--frob' for 'count'" -- "$T" count --frob
expect "option without value" 1 '' '^terse: --tokenizer needs a value' -- "$T" count --tokenizer
expect "two input files" 1 '' '^terse: only one input file' -- "$T" count "$tmp/hello" "$tmp/hello"
expect "tokenize needs a tokenizer" 1 '' '^terse: tokenize needs --tokenizer' -- "$T" tokenize "$tmp/hello"
expect "detokenize rejects junk" 1 '' '^terse: detokenize: expected token ids' -- sh -c "echo 12 x3 | \"$T\" detokenize --tokenizer o200k"
expect "detokenize names an out-of-range id" 1 '' "^terse: detokenize: token id 999999 is out of range: o200k has ids 0 to 200018$" -- sh -c "echo 1 999999 | \"$T\" detokenize --tokenizer o200k"
expect "detokenize names a huge id" 1 '' "^terse: detokenize: token id 99999999999 is out of range: cl100k has ids 0 to 100276$" -- sh -c "echo 1 99999999999 | \"$T\" detokenize --tokenizer cl100k"
expect "detokenize names an unused id" 1 '' "^terse: detokenize: token id 200000 is not in o200k's vocabulary \(ids 0 to 200018, 200000 unused\)$" -- sh -c "echo 1 2 200000 | \"$T\" detokenize --tokenizer o200k"
expect "directory as input" 1 '' "^terse: cannot read '$tmp'" -- "$T" count "$tmp"
printf 'We did this in order to win. We did this in order to win.\n' > "$tmp/prose"
printf 'Order 4471 shipped on 2024-03-12 to Lyon.\n' > "$tmp/prose-facts"
printf '{"a": [1, 2], "b": "x"}' > "$tmp/json"
expect "compress defaults to balanced" 0 '^We did this to win\.$' '' -- "$T" compress "$tmp/prose"
expect "compress --level exact" 0 '^We did this in order to win\. We did this in order to win\.$' '' -- "$T" compress "$tmp/prose" --level exact
expect "compress --stats" 0 'to win' '^terse: [0-9]+ -> [0-9]+ tokens .* level balanced, type prose' -- "$T" compress "$tmp/prose" --stats
expect "compress --json" 0 '^\{"text":"We did this to win\.","tokens_in":[0-9]+,"tokens_out":[0-9]+,"tokenizer":"o200k","exact":true,"level":"balanced","type":"prose"' '' -- "$T" compress "$tmp/prose" --json
expect "compress JSON minifies" 0 '^\{"a":\[1,2\],"b":"x"\}$' '' -- "$T" compress "$tmp/json" --level exact
printf '[{"id": 1, "name": "Ann"}, {"id": 2, "name": "Bob"}, {"id": 3, "name": "Cy"}]' > "$tmp/table"
expect "compress JSON safe is a table" 0 '1,Ann' '' -- "$T" compress "$tmp/table" --level safe
"$T" compress "$tmp/table" --level safe > "$tmp/table.t"
expect "decode a table" 0 '^\[\{"id":1,"name":"Ann"\},\{"id":2,"name":"Bob"\},\{"id":3,"name":"Cy"\}\]$' '' -- "$T" decode "$tmp/table.t"
printf '{"a":1}\n{"a":2,"b":[true]}\n' > "$tmp/jsonl"
"$T" compress "$tmp/jsonl" --level safe > "$tmp/jsonl.t"
expect "decode JSON Lines" 0 '^\{"a":2,"b":\[true\]\}$' '' -- "$T" decode "$tmp/jsonl.t"
printf 'a: 1\n  b: 2\n' > "$tmp/badtab"
expect "decode bad input" 1 '' '^terse: decode: line 2, column 3: unexpected indentation$' -- "$T" decode "$tmp/badtab"
# terminal output that compress left unchanged (the encoding saved
# nothing) decodes to itself without --type tool (issue 13)
printf 'Filesystem     1K-blocks     Used Available Use%% Mounted on\n/dev/vda       102687672 45123456  52301232  47%% /\ntmpfs           24683772        0  24683772   0%% /dev/shm\nshm                65536        0     65536   0%% /run/shm\n' > "$tmp/df"
"$T" compress --level safe "$tmp/df" > "$tmp/df.t"
if cmp -s "$tmp/df" "$tmp/df.t" && "$T" decode "$tmp/df.t" > "$tmp/df.back" && cmp -s "$tmp/df" "$tmp/df.back"; then
    echo "ok - cli: decode gives back tool output that compress left unchanged"
else
    echo "not ok - cli: decode gives back tool output that compress left unchanged"
fi
expect "decode bad type" 1 '' '^terse: decode: unknown type' -- "$T" decode "$tmp/badtab" --type prose
printf 'The API said:\n\n```json\n[{"id": 1, "name": "Ann Lee", "role": "admin"}, {"id": 2, "name": "Bob Ray", "role": "dev"}, {"id": 3, "name": "Cy Dee", "role": "dev"}]\n```\n\nThat is all.\n' > "$tmp/emb"
expect "compress JSON inside prose" 0 '^\[\{id,name,role\}:1,Ann Lee,admin;2,Bob Ray,dev;3,Cy Dee,dev\]$' '' -- "$T" compress "$tmp/emb" --level safe
i=0
: > "$tmp/log"
while [ $i -lt 30 ]; do
    printf '2024-05-01 10:00:%02d INFO worker request id=%d took %dms\n' $i $((7000 + i * 13)) $((i % 7)) >> "$tmp/log"
    i=$((i + 1))
done
printf 'done\n~tilde\nno newline at the end' >> "$tmp/log"
expect "compress log folds" 0 '^~log folded' '' -- "$T" compress "$tmp/log" --level safe --type log
"$T" compress "$tmp/log" --level safe --type log > "$tmp/log.t"
"$T" decode "$tmp/log.t" > "$tmp/log.back"
if cmp -s "$tmp/log" "$tmp/log.back"; then echo "ok - cli: decode a folded log exactly"; else echo "not ok - cli: decode a folded log exactly"; fi
{ head -n 1 "$tmp/log.t"; echo '~x2'; } > "$tmp/badlog"
expect "decode bad log" 1 '' '^terse: decode: line 2: a repeat marker' -- "$T" decode "$tmp/badlog" --type log
expect "compress claude says estimate" 0 '"exact":false' '' -- "$T" compress "$tmp/prose" --json --tokenizer claude
expect "compress budget met" 0 'win' '' -- "$T" compress "$tmp/prose" --budget 9 --query win
expect "compress budget too small" 1 '' '^terse: a budget of 1 token cannot be met: the smallest that can is [0-9]+' -- "$T" compress "$tmp/prose-facts" --budget 1
expect "compress bad budget" 1 '' "^terse: --budget needs a positive number of tokens written with digits only, not '-3'$" -- "$T" compress "$tmp/prose" --budget -3
expect "compress budget with a blank" 1 '' "^terse: --budget needs a positive number of tokens written with digits only, not ' 5'$" -- "$T" compress "$tmp/prose" --budget ' 5'
expect "compress budget with a plus" 1 '' "^terse: --budget needs a positive number of tokens written with digits only, not '\+5'$" -- "$T" compress "$tmp/prose" --budget +5
expect "compress budget with a leading zero" 1 '' "^terse: --budget needs a positive number of tokens written with digits only, not '05'$" -- "$T" compress "$tmp/prose" --budget 05
expect "compress budget zero" 1 '' "^terse: --budget needs a positive number of tokens, not '0'$" -- "$T" compress "$tmp/prose" --budget 0
expect "compress budget too large" 1 '' "^terse: --budget: '99999999999999999999999' is too large" -- "$T" compress "$tmp/prose" --budget 99999999999999999999999
expect "compress keep-recent with a blank" 1 '' "^terse: --keep-recent needs a number of messages written with digits only, not ' 2'$" -- "$T" compress "$tmp/prose" --keep-recent ' 2'
expect "compress stats in the singular" 0 '' '^terse: 2 -> 2 tokens .*, 1 segment, 0 dropped, 0 duplicates, 0 guard fallbacks$' -- sh -c "echo Hi. | \"$T\" compress --stats > /dev/null"
expect "compress bad level" 1 '' "^terse: unknown level 'huge'" -- "$T" compress "$tmp/prose" --level huge
expect "compress bad type" 1 '' "^terse: unknown type 'xml'" -- "$T" compress "$tmp/prose" --type xml
expect "compress invalid UTF-8 gives valid UTF-8" 0 'a.*b' '' -- "$T" compress "$tmp/invalid"
printf 'Ann: Hey Bob! Good to see you!\nBob: Hi Ann! In order to save time, I moved the meeting to 3 May.\nAnn: Thanks, Bob! That is great.\nBob: It is important to note that I did not invite Carl.\n' > "$tmp/chat"
expect "compress detects a transcript" 0 'Bob: ' 'type chat' -- "$T" compress "$tmp/chat" --stats
expect "compress chat keeps the recent turn" 0 'Bob: It is important to note that I did not invite Carl\.$' '' -- "$T" compress "$tmp/chat" --keep-recent 1
expect "compress chat drops small talk" 0 '^Bob: .*3 May' '' -- "$T" compress "$tmp/chat" --keep-recent 0
expect "compress bad --keep-recent" 1 '' "^terse: --keep-recent needs a number of messages written with digits only, not 'x'" -- "$T" compress "$tmp/chat" --keep-recent x
printf '{"messages":[{"role":"system","content":"In order to help, be brief."},{"role":"user","content":"In order to plan, I need the weather on 3 May."},{"role":"user","content":"Thanks!"}]}' > "$tmp/oa"
expect "compress OpenAI messages keeps the system prompt" 0 '^\{"messages":\[\{"role":"system","content":"In order to help, be brief\."\},\{"role":"user","content":"Plan I need weather 3 May"\},\{"role":"user","content":"Thanks!"\}\]\}$' '' -- "$T" compress "$tmp/oa" --keep-recent 1
expect "compress --compress-system" 0 '"content":"To help be brief\."' '' -- "$T" compress "$tmp/oa" --compress-system
printf -- '- The user is vegetarian.\n- User is vegetarian.\n- The user lives in Lyon.\n' > "$tmp/mem"
expect "compress memory groups a subject" 0 '^- User: vegetarian; lives in Lyon$' 'type memory, .* 1 duplicate, ' -- "$T" compress "$tmp/mem" --stats
printf 'def f(x):\n    # add one\n    return x + 1\n' > "$tmp/code.py"
printf 'def f(:\n' > "$tmp/broken.py"
printf 'Text.\n\n```c\nint  x;   // note\n```\n' > "$tmp/fence.md"
expect "compress code by file name" 0 '^def f\(x\):return x\+1$' '^terse: .* type code, .*, 0 elided, 0 files with parse errors$' -- "$T" compress "$tmp/code.py" --stats
printf 'int f( {\n  return 1;;\n}\nint g) { x = = 3; }\n' > "$tmp/bad.c"
expect "compress stats counts files with parse errors" 0 '' ', 1 file with parse errors$' -- sh -c "\"$T\" compress \"$tmp/bad.c\" --stats > /dev/null"
expect "compress --lang from stdin" 0 '^def f\(x\):return x\+1$' '' -- sh -c "cat \"$tmp/code.py\" | \"$T\" compress --lang py"
expect "compress code max elides bodies" 0 '^def f\(x\): \.\.\.$' ', 1 elided, 0 files with parse errors$' -- "$T" compress "$tmp/code.py" --level max --stats
expect "compress code --json parse_errors" 0 '"type":"code","segments":0,"dropped":0,"duplicates":0,"guard_fallbacks":0,"parse_errors":1,"elided":0\}$' '' -- "$T" compress "$tmp/broken.py" --json
expect "compress fenced code" 0 '^int x;$' '' -- "$T" compress "$tmp/fence.md"
expect "compress bad language" 1 '' "^terse: unknown language 'cobol' \(languages: python, javascript" -- "$T" compress "$tmp/code.py" --lang cobol
expect "compress code budget too small" 1 '' '^terse: a budget of 2 tokens cannot be met' -- "$T" compress "$tmp/code.py" --budget 2
if [ -w /dev/full ]; then
    expect "write error is reported" 2 '' '^terse: cannot write output' -- sh -c "\"$T\" count \"$tmp/hello\" > /dev/full"
fi
# issue 13 defect 7: --type json on text that is not JSON is compressed as prose (docs/levels.md)
printf 'Hello there. In order to test this, we basically really need text.\n' > "$tmp/notjson"
expect "compress --type json on text that is not JSON: prose" 0 '^Hello there\. To test this we need text\.$' 'level balanced, type prose,' -- "$T" compress "$tmp/notjson" --type json --stats
# decode --type log on bytes that are not UTF-8: each maximal ill-formed subpart becomes U+FFFD
printf 'a\377b\300\257c\n' > "$tmp/binlog"
printf 'a\357\277\275b\357\277\275\357\277\275c\n' > "$tmp/binlog.want"
if "$T" decode --type log "$tmp/binlog" > "$tmp/binlog.out" && cmp -s "$tmp/binlog.out" "$tmp/binlog.want"; then
    echo "ok - cli: decode --type log repairs invalid UTF-8"
else
    echo "not ok - cli: decode --type log repairs invalid UTF-8"
fi
# issue 13 budgets: the lowest level that fits, what was left out counted,
# the smallest budget that succeeds (one less fails), no content = failure,
# and stdout (line break included) within the budget
{
    printf '{"4217": ['
    i=0
    while [ $i -lt 181 ]; do
        [ $i -gt 0 ] && printf ','
        printf '{"alpha_3": "C%02d", "name": "Currency number %d of the list", "numeric": "%03d"}' $i $i $((i * 7 % 1000))
        i=$((i + 1))
    done
    printf ']}\n'
} > "$tmp/iso.json"
expect "budget on JSON: the lowest level that fits" 0 '^\{"4217":\[' 'level exact, type json, 0 segments, 0 dropped' -- "$T" compress "$tmp/iso.json" --budget 100000 --stats
expect "budget on JSON: rows left out are counted" 0 '^4217\[10 of 181\]' 'level max, type json, 0 segments, 171 dropped' -- "$T" compress "$tmp/iso.json" --budget 150 --stats
for f in "$tmp/iso.json" examples/incident-report.md "$tmp/prose-facts"; do
    for tok in o200k gemma3; do
        "$T" compress "$f" --budget 1 --tokenizer $tok > /dev/null 2> "$tmp/min.err"
        m=$(sed -n 's/.*cannot be met: .* \([0-9][0-9]*\) (.*/\1/p' "$tmp/min.err")
        if [ -n "$m" ] && ! "$T" compress "$f" --budget $((m - 1)) --tokenizer $tok > /dev/null 2>&1 &&
            "$T" compress "$f" --budget "$m" --tokenizer $tok > "$tmp/min.out" &&
            [ "$("$T" count --tokenizer $tok "$tmp/min.out")" -le "$m" ]; then
            echo "ok - cli: budget $((m - 1)) fails and $m succeeds on $(basename "$f") ($tok)"
        else
            echo "not ok - cli: the smallest budget on $(basename "$f") ($tok): '$m' ($(cat "$tmp/min.err"))"
        fi
    done
done
expect "budget that keeps only headings fails" 1 '' '^terse: a budget of 8 tokens cannot be met' -- "$T" compress examples/incident-report.md --budget 8
"$T" compress examples/incident-report.md --budget 50 --tokenizer gemma3 > "$tmp/b50"
if [ "$("$T" count --tokenizer gemma3 "$tmp/b50")" -le 50 ]; then
    echo "ok - cli: stdout with its line break is within the budget"
else
    echo "not ok - cli: stdout with its line break is within the budget ($("$T" count --tokenizer gemma3 "$tmp/b50") > 50)"
fi

# issue 13: every output path checks its write errors (defect 12)
if [ -w /dev/full ]; then
    for args in "--help" "--version" "help" "count --help" "compress --help" "decode --help" "tokenizers" \
        "eval --help" "compress $tmp/prose" "tokenize --tokenizer o200k $tmp/hello" "compress --json $tmp/prose"; do
        # shellcheck disable=SC2086
        expect "write error reported: terse $args" 2 '' '^terse: cannot write output: No space left on device$' -- \
            sh -c "\"$T\" $args > /dev/full"
    done
fi
expect "a closed stdout is a write error" 2 '' '^terse: cannot write output' -- sh -c "\"$T\" --version >&-"

# issue 13: an unpaired "~~~" (a reStructuredText underline) or "```" line
# does not make the rest of the input verbatim (defect 10)
printf 'Title\n~~~~~\n\nWe did this in order to win.\n\nNext\n~~~~\n\nWe did this in order to go.\n' > "$tmp/rst.txt"
expect "rST ~~~ underlines are headings, the rest compressed" 0 '^### Next$' '' -- "$T" compress "$tmp/rst.txt" --level safe
expect "text after an rST underline is compressed" 0 '^We did this to go\.$' '' -- "$T" compress "$tmp/rst.txt" --level safe
printf 'Intro.\n\n```\n\nWe did this in order to win.\n' > "$tmp/stray.md"
expect "text after a stray fence line is compressed" 0 '^We did this to win\.$' '' -- "$T" compress "$tmp/stray.md" --level safe

# issue 13: UTF-16 with a byte-order mark is read as the text it encodes
printf '\377\376W\000e\000 \000d\000i\000d\000 \000t\000h\000i\000s\000 \000i\000n\000 \000o\000r\000d\000e\000r\000 \000t\000o\000 \000w\000i\000n\000.\000\n\000' > "$tmp/utf16le"
printf '\376\377\000W\000e\000 \000d\000i\000d\000 \000t\000h\000i\000s\000 \000i\000n\000 \000o\000r\000d\000e\000r\000 \000t\000o\000 \000w\000i\000n\000.\000\n' > "$tmp/utf16be"
expect "UTF-16LE with a BOM is compressed as text" 0 '^We did this to win\.$' '' -- "$T" compress "$tmp/utf16le"
expect "UTF-16BE with a BOM is compressed as text" 0 '^We did this to win\.$' '' -- "$T" compress "$tmp/utf16be"
expect "UTF-16 at max keeps its letters" 0 '^[^ ]* *[Ww]in' '' -- "$T" compress "$tmp/utf16le" --level max
expect "UTF-16 counts as its text" 0 "^$(printf 'We did this in order to win.\n' | "$T" count)\$" '' -- "$T" count "$tmp/utf16be"
expect "UTF-16 tokenizes as its text" 0 "^$(printf 'We did this in order to win.\n' | "$T" tokenize --tokenizer gemma3)\$" '' -- "$T" tokenize --tokenizer gemma3 "$tmp/utf16le"
printf '\377\376A\000\000\330\n\000' > "$tmp/utf16bad"
expect "UTF-16 with a lone surrogate gives U+FFFD" 0 "^A$(printf '\357\277\275')\$" '' -- "$T" compress "$tmp/utf16bad" --level exact

# issue 13: logs whose time stamp follows the program's name, and records
# without one, keep their lines at every level
cat > "$tmp/alternatives.log" <<'LOG'
update-alternatives 2024-06-24 14:36:53: run with --quiet --install /usr/bin/pager pager /usr/bin/less 77 --slave /usr/share/man/man1/pager.1.gz pager.1.gz /usr/share/man/man1/less.1.gz
update-alternatives 2024-06-24 14:36:53: link group pager updated to point to /usr/bin/less
update-alternatives 2024-06-24 14:36:55: run with --quiet --install /usr/bin/pinentry pinentry /usr/bin/pinentry-curses 50 --slave /usr/share/man/man1/pinentry.1.gz pinentry.1.gz /usr/share/man/man1/pinentry-curses.1.gz
update-alternatives 2024-06-24 14:36:55: link group pinentry updated to point to /usr/bin/pinentry-curses
LOG
expect "a time stamp after the program's name is a log" 0 '^update-alternatives 2024-06-24 14:36:53: link group pager' 'type log' -- "$T" compress "$tmp/alternatives.log" --level exact --stats
cat > "$tmp/fontconfig.log" <<'LOG'
Font directories:
	/usr/share/fonts
	/usr/local/share/fonts
/usr/share/fonts: caching, new cache contents: 0 fonts, 1 dirs
/usr/local/share/fonts: caching, new cache contents: 0 fonts, 0 dirs
/usr/share/fonts/truetype/dejavu: skipping, looped directory detected
/var/cache/fontconfig: cleaning cache directory
fc-cache: succeeded
LOG
for level in exact balanced max; do
    expect "records keep their lines at $level" 0 '^fc-cache:? succeeded$' '' -- "$T" compress "$tmp/fontconfig.log" --level $level
    expect "records keep their lines at $level (count)" 0 '^8$' '' -- sh -c "\"$T\" compress \"$tmp/fontconfig.log\" --level $level | wc -l"
done
printf 'This paragraph is wrapped at a width, as READMEs are, so its line\nbreaks carry no meaning: the next word did not fit on the line\nbefore it, and exact joins them into one line.\n' > "$tmp/wrapped"
expect "wrapped prose is still joined" 0 '^This paragraph .* one line\.$' '' -- "$T" compress "$tmp/wrapped" --level exact

# out_of_memory NAME "LIMITS" ARGS...: runs terse ARGS under each
# address-space limit (KB) of LIMITS; every run must succeed, or fail with
# status 2 and one "terse: ... out of memory" line, and at least one must
# fail (OK is 0 beforehand when the set-up already failed). Skipped under
# sanitizers (they reserve terabytes of address space).
out_of_memory() {
    name=$1 limits=$2
    shift 2
    case $T in
    *asan*) echo "ok - cli: $name # SKIP under sanitizers"; return ;;
    esac
    ooms=0
    for v in $limits; do
        rc=0
        (ulimit -v $v && exec "$T" "$@") > /dev/null 2> "$tmp/err" || rc=$?
        if [ $rc = 2 ] && [ "$(wc -l < "$tmp/err")" = 1 ] && grep -q '^terse: .*out of memory' "$tmp/err"; then
            ooms=$((ooms + 1))
        elif [ $rc != 0 ] || [ -s "$tmp/err" ]; then
            echo "#   ulimit -v $v: status $rc, stderr: $(head -c 200 "$tmp/err")"
            OK=0
        fi
    done
    [ $ooms -gt 0 ] || { echo "#   no run ran out of memory"; OK=0; }
    if [ $OK = 1 ]; then echo "ok - cli: $name ($ooms runs)"; else echo "not ok - cli: $name"; fi
}

# issue 13: out of memory in the code pass (tree-sitter) is one "terse:"
# line and status 2 (defect 11). Address-space limits from 72 MB to 140 MB
# make the parser's allocations fail on 1.2 MB of Python.
awk 'BEGIN { for (i = 0; i < 20000; i++) printf "def f%d(a, b):\n    return [a + b * %d for _ in range(3)]\n\n", i, i }' > "$tmp/big.py"
OK=1
out_of_memory "out of memory is status 2 and one terse: line" "72000 88000 104000 120000 136000" compress "$tmp/big.py"

# issue 14: out of memory while decoding is status 2, never a bad-input 1
# (tab_decode's own allocations and its output's were reported as
# "line N, column M: out of memory" with status 1): a table of 200,000 rows
# decoded under address-space limits.
awk 'BEGIN { printf "["; for (i = 0; i < 200000; i++) printf "%s{\"id\":%d,\"name\":\"user%d\",\"ok\":%s,\"score\":%d.5}", i ? "," : "", i, i, i % 2 ? "false" : "true", i; print "]" }' > "$tmp/rows.json"
"$T" compress "$tmp/rows.json" --level safe > "$tmp/rows.tab"
OK=1
head -c 12 "$tmp/rows.tab" | grep -q '^\[200000\]{' || { echo "#   not a table: $(head -c 40 "$tmp/rows.tab")"; OK=0; }
out_of_memory "out of memory in decode is status 2" "72000 76000 80000 84000 88000 92000 96000 100000 104000" decode "$tmp/rows.tab"
