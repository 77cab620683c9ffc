#!/bin/sh
# install.sh - make install into a temporary prefix, used as a stranger
# would: a C program built with `pkg-config --cflags --libs terse` (shared,
# and static with --static), the installed terse run from another
# directory, the manual page, bash completion, the Python package installed
# with pip into a fresh venv against that prefix; then make uninstall leaves
# nothing behind. Prints "ok - ..." / "not ok - ...".
#
#   tests/install.sh [BUILD_DIR]
set -u
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BUILD=${1:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
P=$tmp/prefix

GROUP=install
. tests/support/lib.sh

make -s install BUILD="$BUILD" PREFIX="$P" > "$tmp/make.log" 2>&1
say $? "make install PREFIX=<tmp>" || { sed 's/^/#   /' "$tmp/make.log" | tail -5; }
for f in include/terse.h lib/libterse.a lib/libterse.so.0.1.0 lib/libterse.so.0 lib/libterse.so \
    lib/pkgconfig/terse.pc bin/terse share/man/man1/terse.1 share/bash-completion/completions/terse; do
    [ -e "$P/$f" ] || { echo "#   missing $P/$f"; missing=1; }
done
say "${missing:-0}" "every file is installed"
readelf -d "$P/lib/libterse.so.0.1.0" | grep -q 'SONAME.*\[libterse\.so\.0\]'
say $? "the shared library's soname is libterse.so.0"
[ "$(nm -D --defined-only "$P/lib/libterse.so.0" | awk '{print $3}' | grep -vc '^terse_')" = 0 ]
say $? "the shared library exports only terse_*"

export PKG_CONFIG_PATH="$P/lib/pkgconfig"
cat > "$tmp/hello.c" <<'C'
#include <stdio.h>
#include <string.h>
#include <terse.h>

int main(void)
{
    const char *doc = "In order to win, we did this. It is important to note that the total was 42.";
    terse_options o;
    terse_result r;
    terse_ctx *c;
    int rc;
    terse_options_init(&o);
    c = terse_ctx_new(&o, &rc);
    if (!c || terse_compress(c, doc, strlen(doc), &r) != TERSE_OK)
        return 1;
    printf("%s|%zu|%zu|%s\n", r.text, r.tokens_in, r.tokens_out, terse_version());
    terse_result_free(&r);
    terse_ctx_free(c);
    return 0;
}
C
# shellcheck disable=SC2046
cc -std=c11 -Wall -Wextra -Werror -o "$tmp/hello" "$tmp/hello.c" $(pkg-config --cflags --libs terse) \
    -Wl,-rpath,"$P/lib" > "$tmp/cc.log" 2>&1
say $? "cc hello.c \$(pkg-config --cflags --libs terse)" || sed 's/^/#   /' "$tmp/cc.log"
want="To win we did this. Total 42.|21|10|0.1.0"
got=$(cd / && "$tmp/hello")
[ "$got" = "$want" ]; say $? "the C program runs against the installed shared library"
ldd "$tmp/hello" | grep -q "libterse.so.0 => $P/lib/libterse.so.0"; say $? "and loads it from the prefix"
# shellcheck disable=SC2046
cc -std=c11 -o "$tmp/hello-static" "$tmp/hello.c" $(pkg-config --cflags terse) "$P/lib/libterse.a" \
    $(pkg-config --static --libs-only-l terse | sed 's/-lterse//') > "$tmp/cc.log" 2>&1
say $? "cc hello.c with libterse.a and pkg-config --static" || sed 's/^/#   /' "$tmp/cc.log"
[ "$(cd / && "$tmp/hello-static")" = "$want" ] && ! ldd "$tmp/hello-static" | grep -q libterse
say $? "the static program runs without libterse.so"

# the installed program, from another directory, with nothing of the build
printf 'In order to win, we did this. It is important to note that the total was 42.\n' > "$tmp/doc.txt"
got=$(cd / && env -i PATH=/usr/bin:/bin "$P/bin/terse" compress "$tmp/doc.txt")
[ "$got" = "To win we did this. Total 42." ]; say $? "the installed terse runs from /"
(cd / && env -i PATH=/usr/bin:/bin "$P/bin/terse" count --tokenizer all "$tmp/doc.txt" | grep -q '^gemma3 ')
say $? "the installed terse has its vocabularies (count --tokenizer all)"
MANWIDTH=80 MANPATH="$P/share/man" man --warnings terse > "$tmp/man.out" 2> "$tmp/man.err" &&
    [ ! -s "$tmp/man.err" ] && grep -q '^NAME' "$tmp/man.out"
say $? "man terse renders from the prefix without warnings"
got=$(bash -c ". '$P/share/bash-completion/completions/terse'; COMP_WORDS=(terse comp); COMP_CWORD=1; _terse; echo \"\${COMPREPLY[*]}\"; COMP_WORDS=(terse compress --le); COMP_CWORD=2; _terse; echo \"\${COMPREPLY[*]}\"; COMP_WORDS=(terse compress --level b); COMP_CWORD=3; _terse; echo \"\${COMPREPLY[*]}\"")
[ "$got" = "$(printf 'compress\n--level\nbalanced')" ]; say $? "bash completion: commands, options, values"

# Python: a fresh venv, pip install offline, against the prefix's library
if python3 -m venv "$tmp/venv" > "$tmp/venv.log" 2>&1; then
    "$tmp/venv/bin/pip" install --no-index --no-cache-dir "$ROOT/bindings/python" > "$tmp/pip.log" 2>&1
    say $? "pip install ./bindings/python in a fresh venv (offline, pkg-config finds the prefix)" ||
        tail -5 "$tmp/pip.log" | sed 's/^/#   /'
    out=$(cd / && env -u TERSE_LIBRARY "$tmp/venv/bin/python" -c '
import terse, terse._config as c
r = terse.compress(open("'"$tmp/doc.txt"'").read())
maps = open("/proc/self/maps").read()
print(r.text, r.tokens_in, r.tokens_out, c.LIBDIR, "'"$P"'/lib/libterse.so" in maps)')
    [ "$out" = "To win we did this. Total 42. 21 10 $P/lib True" ]
    say $? "the Python package uses the prefix's libterse" || echo "#   got: $out"
else
    echo "not ok - install: python3 -m venv (is python3-venv installed?)"
fi

make -s uninstall BUILD="$BUILD" PREFIX="$P" > "$tmp/make.log" 2>&1
left=$(find "$P" -type f -o -type l)
[ -z "$left" ]; say $? "make uninstall removes every installed file" || echo "#   left: $left"
