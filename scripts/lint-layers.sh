#!/bin/sh
# lint-layers.sh - the layering check of `make lint` (lib/README.md states the
# rules): every include and every call points down or sideways, never up, and
# no two files depend on each other, directly or around a loop.
#
#   scripts/lint-layers.sh [OBJDIR] [SRCDIR]
#
# OBJDIR (default build/obj) holds the objects of SRCDIR's lib/, eval/,
# programs/ and proxy/ (the calls are read from them with nm); SRCDIR (default .) the
# sources (the includes are read from them). tests/lint-layers.sh plants an
# upward include, an upward call and a cycle in a copy to show that this fails.
#
# Layers, lowest first:
#   0 lib/common   1 lib/tokenize   2 lib/detect   3 lib/select   4 lib/learn
#   5 lib/guard   6 lib/passes   7 the pipeline: lib/*.c (compress.c, expand.c)
#   and lib/pipeline/   8 programs/, eval/, proxy/
# A file may include a header of its own layer or a lower one and call a
# function defined in its own layer or a lower one. include/terse.h (the
# public types and declarations) may be included anywhere; the public
# functions themselves belong to the layer of the file that defines them
# (terse_count to tokenize, terse_compress to the pipeline).
# The graph's nodes are files: an include is an edge to the header, a call an
# edge to the .c file that defines the function. Any loop among files
# (include or call edges, any layers) is a cycle and fails.
# A function or variable that lib/ defines with the public prefix terse_
# must be one that include/terse.h declares: internal names never use it.
# Prints "layers: N files, N edges, ok" or one line per violation; exit 1
# on any.
set -u
OBJ=${1:-build/obj}
SRC=${2:-.}
[ -d "$OBJ/lib" ] || { echo "lint-layers: no objects in $OBJ/lib (build first)" >&2; exit 2; }
cd "$SRC" || exit 2
TMP=$(mktemp -d) || exit 2
trap 'rm -rf "$TMP"' EXIT

# The files: lib/, eval/, programs/ and proxy/ sources and headers.
find lib eval programs proxy -name '*.[ch]' 2>/dev/null | LC_ALL=C sort > "$TMP/files"

# Include edges: "FROM TO" with TO resolved against FROM's folder, then include/.
while read -r f; do
    dir=$(dirname "$f")
    sed -n 's/^[ \t]*#[ \t]*include[ \t]*"\([^"]*\)".*/\1/p' "$f" | while read -r inc; do
        if [ -f "$dir/$inc" ]; then
            t=$(realpath -m --relative-to=. "$dir/$inc")
        elif [ -f "include/$inc" ]; then
            t=include/$inc
        else
            t=$inc
        fi
        echo "include $f $t"
    done
done < "$TMP/files" > "$TMP/edges"

# Call edges: each object's undefined symbols against the defining object.
find "$OBJ/lib" "$OBJ/eval" "$OBJ/programs" "$OBJ/proxy" -name '*.o' 2>/dev/null | LC_ALL=C sort | while read -r o; do
    src=${o#"$OBJ"/}
    src=${src%.o}.c
    [ -f "$src" ] || continue
    nm "$o" 2>/dev/null | awk -v s="$src" '
        $1 == "U" { print "use", s, $2; next }
        NF == 3 && $2 ~ /^[TDBRC]$/ { print "def", s, $3 }'
done > "$TMP/syms"

# The public names: every terse_* identifier of include/terse.h.
grep -o 'terse_[a-z0-9_]*' include/terse.h | LC_ALL=C sort -u > "$TMP/public"

awk '
function layer(f) {
    if (f ~ /^lib\/common\//) return 0
    if (f ~ /^lib\/tokenize\//) return 1
    if (f ~ /^lib\/detect\//) return 2
    if (f ~ /^lib\/select\//) return 3
    if (f ~ /^lib\/learn\//) return 4
    if (f ~ /^lib\/guard\//) return 5
    if (f ~ /^lib\/passes\//) return 6
    if (f ~ /^lib\/[^\/]*$/ || f ~ /^lib\/pipeline\//) return 7
    if (f ~ /^(programs|eval|proxy)\//) return 8
    return -1
}
BEGIN { split("common tokenize detect select learn guard passes pipeline programs/eval", names, " ") }
FILENAME ~ /public$/ { public[$1] = 1; next }
FILENAME ~ /syms$/ {
    if ($1 == "def") {
        def[$3] = $2
        if ($3 ~ /^terse_/ && !($3 in public) && $2 ~ /^lib\//) {
            printf "internal name with the public prefix: %s defines %s, which include/terse.h does not declare\n", $2, $3
            bad++
        }
    } else {
        use[++nu] = $2 " " $3
    }
    next
}
{
    # include edges
    from = $2; to = $3
    if (to == "include/terse.h") next
    lf = layer(from); lt = layer(to)
    if (lt < 0) next
    if (lt > lf) { printf "upward include: %s (%s) includes %s (%s)\n", from, names[lf + 1], to, names[lt + 1]; bad++ }
    if (from != to) edge[from " " to] = 1
}
END {
    for (i = 1; i <= nu; i++) {
        split(use[i], p, " ")
        if (!(p[2] in def)) continue
        from = p[1]; to = def[p[2]]
        lf = layer(from); lt = layer(to)
        if (lt > lf) { printf "upward call: %s (%s) calls %s of %s (%s)\n", from, names[lf + 1], p[2], to, names[lt + 1]; bad++ }
        if (from != to) edge[from " " to] = 1
    }
    n = 0
    for (e in edge) { print e > "'"$TMP"'/graph"; n++ }
    print n > "'"$TMP"'/nedges"
    exit (bad > 0)
}' "$TMP/public" "$TMP/syms" "$TMP/edges"
status=$?
[ -s "$TMP/graph" ] || : > "$TMP/graph"

# Cycles: a file is on a loop when some file it depends on depends back on
# it (reachability over the file graph, Floyd-Warshall: the graph is a few
# hundred files). Each loop is printed as its files and the edges among them.
awk '
{ id[$1]; id[$2]; e[$1, $2] = 1 }
END {
    n = 0
    for (x in id) name[++n] = x
    for (i = 1; i <= n; i++) for (j = 1; j <= n; j++) r[i, j] = ((name[i], name[j]) in e)
    for (k = 1; k <= n; k++) for (i = 1; i <= n; i++) if (r[i, k]) for (j = 1; j <= n; j++) if (r[k, j]) r[i, j] = 1
    bad = 0
    for (i = 1; i <= n; i++) {
        if (!r[i, i] || done[i]) continue
        line = ""; edges = ""
        for (j = 1; j <= n; j++) if (r[i, j] && r[j, i]) { done[j] = 1; line = line " " name[j] }
        for (j = 1; j <= n; j++) if (r[i, j] && r[j, i]) for (k = 1; k <= n; k++)
            if (r[i, k] && r[k, i] && ((name[j], name[k]) in e)) edges = edges "\n  " name[j] " -> " name[k]
        printf "cycle among:%s%s\n", line, edges
        bad = 1
    }
    exit bad
}' "$TMP/graph" || status=1
files=$(tr ' ' '\n' < "$TMP/graph" | LC_ALL=C sort -u | grep -c .)
if [ "$status" = 0 ]; then
    echo "layers: $files files, $(cat "$TMP/nedges") edges, ok"
fi
exit "$status"
