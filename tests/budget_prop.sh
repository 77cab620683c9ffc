#!/bin/sh
# budget_prop.sh - the budget property (issue 13) over real files of this
# machine: for every file x budget x tokenizer, `terse compress --budget N`
# either writes to stdout at most N tokens (counted by `terse count` on the
# bytes stdout received, line break included) and exits 0, or exits 1 with
# "the smallest that can is M", and then M succeeds (within M) and M - 1
# fails. One "ok"/"not ok" line per file and tokenizer.
#
#   tests/budget_prop.sh [BUILD_DIR]
#
# Files: examples/incident-report.md, the first 24 KB of a few
# /usr/share/doc READMEs and changelogs, /usr/share/iso-codes JSON, a
# package.json, and the first 24 KB of /var/log/dpkg.log and apt's
# history.log (those missing on this machine are skipped).
set -u
cd "$(dirname "$0")/.."
T=${1:-build}/terse
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
files=
add() { # add NAME SOURCE: the first 24 KB of SOURCE, when readable
    [ -r "$2" ] && [ -s "$2" ] || return 0
    n=$((n + 1))
    case $2 in
    *.gz) gzip -dc "$2" 2>/dev/null | head -c 24576 > "$tmp/$n-$1" ;;
    *.json) cp "$2" "$tmp/$n-$1" ;;
    *) head -c 24576 "$2" > "$tmp/$n-$1" ;;
    esac
    files="$files $tmp/$n-$1"
}
add incident-report.md examples/incident-report.md
for f in $(find /usr/share/doc -maxdepth 2 \( -name 'README*' -o -name 'changelog.Debian.gz' \) -type f 2>/dev/null | sort | head -4); do
    add "$(basename "$f")" "$f"
done
add iso_4217.json /usr/share/iso-codes/json/iso_4217.json
add iso_3166-1.json /usr/share/iso-codes/json/iso_3166-1.json
add package.json "$(find -L deps/node_modules -maxdepth 2 -name package.json -type f 2>/dev/null | sort | head -1)"
add dpkg.log /var/log/dpkg.log
add history.log /var/log/apt/history.log

# fits FILE TOK N: compress at N; prints "ok", "fail M" or "bad WHY"
fits() {
    if "$T" compress "$1" --tokenizer "$2" --budget "$3" > "$tmp/out" 2> "$tmp/err"; then
        got=$("$T" count --tokenizer "$2" "$tmp/out" 2>/dev/null)
        if [ "$got" -le "$3" ]; then echo ok; else echo "bad stdout has $got tokens over a budget of $3"; fi
    elif [ $? = 1 ] && m=$(sed -n 's/^terse: a budget of [0-9]* tokens\{0,1\} cannot be met: .* \([0-9][0-9]*\) (.*/\1/p' "$tmp/err") && [ -n "$m" ]; then
        echo "fail $m"
    else
        echo "bad $(head -c 200 "$tmp/err")"
    fi
}

rc=0
checks=0
for f in $files; do
    for tok in o200k cl100k gemma3 claude; do
        total=$("$T" count --tokenizer "$tok" "$f" 2>/dev/null)
        why=
        for b in 1 5 $((total / 50 + 1)) $((total / 10 + 1)) $((total / 3 + 1)) $((total + 1)); do
            checks=$((checks + 1))
            r=$(fits "$f" "$tok" "$b")
            case $r in
            ok) ;;
            "fail "*)
                m=${r#fail }
                if [ "$m" -le "$b" ]; then
                    why="budget $b failed but the smallest that can is $m"
                elif [ "$(fits "$f" "$tok" "$m")" != ok ]; then
                    why="budget $b: the smallest that can is $m, which does not succeed"
                elif [ "$m" -gt 1 ] && [ "$(fits "$f" "$tok" $((m - 1)) | cut -d' ' -f1)" != fail ]; then
                    why="budget $b: the smallest that can is $m, but $((m - 1)) succeeds"
                fi
                ;;
            *) why="budget $b: ${r#bad }" ;;
            esac
            [ -n "$why" ] && break
        done
        if [ -z "$why" ]; then
            echo "ok - budget: $(basename "$f") on $tok"
        else
            echo "not ok - budget: $(basename "$f") on $tok: $why"
            rc=1
        fi
    done
done
echo "# budget property: $checks budgets over $n files and 4 tokenizers"
exit $rc
