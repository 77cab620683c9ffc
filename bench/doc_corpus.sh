#!/bin/sh
# doc_corpus.sh - real technical text of this machine: the text files under
# /usr/share/doc (gzip ones decompressed), in path order, concatenated and
# repeated until SIZE bytes, cut at the last newline before SIZE.
#
#   bench/doc_corpus.sh SIZE_BYTES OUT_FILE
#
# A file counts when its (decompressed) content has no NUL byte in its first
# 64 KB (grep -I). The same machine gives the same bytes.
set -eu
size=$1
out=$2
tmp=$out.part
: > "$tmp"
LC_ALL=C
export LC_ALL
while [ "$(wc -c < "$tmp")" -lt "$size" ]; do
    before=$(wc -c < "$tmp")
    find /usr/share/doc -type f | sort | while IFS= read -r f; do
        case $f in
        *.gz) zcat -- "$f" 2> /dev/null | head -c 67108864 > "$out.one" || true ;;
        *) head -c 67108864 -- "$f" > "$out.one" 2> /dev/null || true ;;
        esac
        if [ -s "$out.one" ] && head -c 65536 "$out.one" | grep -Iq .; then
            cat "$out.one" >> "$tmp"
            [ "$(wc -c < "$tmp")" -lt "$size" ] || break
        fi
    done
    [ "$(wc -c < "$tmp")" -gt "$before" ] || { echo "doc_corpus.sh: no text under /usr/share/doc" >&2; exit 1; }
done
rm -f "$out.one"
head -c "$size" "$tmp" | sed '$d' > "$out"
rm -f "$tmp"
