#!/bin/sh
# function-lengths.sh - the longest functions of the C files given (default:
# every lib/ source), longest first, as "LINES FILE:LINE NAME".
#
#   scripts/function-lengths.sh [-n N] [-max M] [FILE...]
#
# A function is what the house style writes at the left margin: a signature
# line starting with a letter and holding "(", a "{" alone at the start of a
# line, and the "}" that closes it at the start of a line. Its length counts
# from the signature's first line to the closing brace. -n N prints the N
# longest (default 5); -max M also fails (exit 1) when one is longer than M
# lines, naming it. `make lint` prints the five longest of lib/.
set -u
n=5
max=0
while [ $# -gt 0 ]; do
    case $1 in
    -n) n=$2; shift 2 ;;
    -max) max=$2; shift 2 ;;
    --) shift; break ;;
    -*) echo "usage: $0 [-n N] [-max M] [FILE...]" >&2; exit 2 ;;
    *) break ;;
    esac
done
cd "$(dirname "$0")/.." || exit 2
if [ $# -eq 0 ]; then
    set -- $(find lib -name '*.c' | LC_ALL=C sort)
fi
awk '
FNR == 1 { sig = 0; inbody = 0 }
# a signature: a letter at the margin, a "(", not a declaration ending in ";"
!inbody && /^[A-Za-z_]/ && /\(/ && !/;[ \t]*$/ && !/^(typedef|struct|enum|union)[ \t].*[{;]/ {
    sig = FNR
    line = $0
    sub(/\(.*/, "", line)
    k = split(line, w, /[ \t*]+/)
    name = w[k]
    next
}
!inbody && sig && /^\{/ { inbody = 1; next }
!inbody && sig && /;[ \t]*$/ && !/\(/ { sig = 0 }
inbody && /^\}/ {
    printf "%d %s:%d %s\n", FNR - sig + 1, FILENAME, sig, name
    inbody = 0
    sig = 0
}
' "$@" | sort -k1,1nr -k2 > "${TMPDIR:-/tmp}/function-lengths.$$"
head -n "$n" "${TMPDIR:-/tmp}/function-lengths.$$"
rc=0
if [ "$max" -gt 0 ]; then
    awk -v m="$max" '$1 > m { print "function-lengths: " $3 " (" $2 ") is " $1 " lines, over " m; bad = 1 } END { exit bad }' \
        "${TMPDIR:-/tmp}/function-lengths.$$" >&2 || rc=1
fi
rm -f "${TMPDIR:-/tmp}/function-lengths.$$"
exit $rc
