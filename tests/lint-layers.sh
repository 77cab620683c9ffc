#!/bin/sh
# lint-layers.sh - shows that scripts/lint-layers.sh (the layering check of
# `make lint`) passes on the tree and fails on each kind of violation,
# planted in a copy of the sources and objects:
#   - an upward include (lib/common/buf.c includes lib/passes/prose.h);
#   - an upward call (an object in lib/select/ that calls prose_compress);
#   - a cycle of includes (lib/common/utf8.h <-> lib/common/buf.h);
#   - a cycle of calls (two planted files of lib/passes/ that call each
#     other);
#   - an internal function named with the public prefix terse_.
#
#   tests/lint-layers.sh [BUILD]     BUILD (default build) holds obj/
set -u
cd "$(dirname "$0")/.."
BUILD=${1:-build}
LINT=$PWD/scripts/lint-layers.sh
CC=${CC:-cc}
[ -d "$BUILD/obj/lib" ] || { echo "not ok - layers: $BUILD/obj is missing (make all)"; exit 1; }
TMP=$(mktemp -d) || exit 1
trap 'rm -rf "$TMP"' EXIT
status=0

# fresh NAME: a copy of the sources and objects in $TMP/NAME
fresh() {
    d=$TMP/$1
    mkdir -p "$d/obj"
    cp -r lib eval programs proxy include "$d/"
    cp -r "$BUILD/obj/lib" "$BUILD/obj/eval" "$BUILD/obj/programs" "$BUILD/obj/proxy" "$d/obj/"
}

# expect NAME WANT: the check on $TMP/NAME fails and prints a line matching WANT
expect() {
    if sh "$LINT" "$TMP/$1/obj" "$TMP/$1" > "$TMP/$1.out" 2>&1; then
        echo "not ok - layers: $1 is not caught (the check passed)"
        status=1
    elif grep -q "$2" "$TMP/$1.out"; then
        echo "ok - layers: $1 is caught: $(grep "$2" "$TMP/$1.out" | head -1)"
    else
        sed 's/^/#   /' "$TMP/$1.out"
        echo "not ok - layers: $1 fails without naming it ($2)"
        status=1
    fi
}

if sh "$LINT" "$BUILD/obj" . > "$TMP/tree.out" 2>&1; then
    echo "ok - layers: the tree: $(tail -1 "$TMP/tree.out")"
else
    sed 's/^/#   /' "$TMP/tree.out"
    echo "not ok - layers: the tree has upward includes, calls or cycles"
    status=1
fi

fresh upward-include
printf '#include "../passes/prose.h"\n' >> "$TMP/upward-include/lib/common/buf.c"
expect upward-include 'upward include: lib/common/buf.c (common) includes lib/passes/prose.h (passes)'

fresh upward-call
cat > "$TMP/upward-call/lib/select/planted.c" <<'EOF'
#include <stddef.h>
int prose_compress(void);
int planted(void);
int planted(void) { return prose_compress(); }
EOF
$CC -c -o "$TMP/upward-call/obj/lib/select/planted.o" "$TMP/upward-call/lib/select/planted.c" || status=1
expect upward-call "upward call: lib/select/planted.c (select) calls prose_compress of lib/passes/prose.c (passes)"

fresh include-cycle
printf '#include "buf.h"\n' >> "$TMP/include-cycle/lib/common/utf8.h"
printf '#include "utf8.h"\n' >> "$TMP/include-cycle/lib/common/buf.h"
expect include-cycle 'cycle among:.*lib/common/buf.h'

fresh call-cycle
d=$TMP/call-cycle
cat > "$d/lib/passes/plant_a.c" <<'EOF'
int plant_b(int);
int plant_a(int);
int plant_a(int n) { return n > 0 ? plant_b(n - 1) : 0; }
EOF
cat > "$d/lib/passes/plant_b.c" <<'EOF'
int plant_a(int);
int plant_b(int);
int plant_b(int n) { return n > 0 ? plant_a(n - 1) : 1; }
EOF
$CC -c -o "$d/obj/lib/passes/plant_a.o" "$d/lib/passes/plant_a.c" || status=1
$CC -c -o "$d/obj/lib/passes/plant_b.o" "$d/lib/passes/plant_b.c" || status=1
expect call-cycle 'lib/passes/plant_a.c -> lib/passes/plant_b.c'

fresh public-prefix
cat > "$TMP/public-prefix/lib/common/planted.c" <<'EOF'
int terse_planted_helper(int);
int terse_planted_helper(int n) { return n + 1; }
EOF
$CC -c -o "$TMP/public-prefix/obj/lib/common/planted.o" "$TMP/public-prefix/lib/common/planted.c" || status=1
expect public-prefix 'internal name with the public prefix: lib/common/planted.c defines terse_planted_helper'

exit $status
