#!/bin/sh
# gen_incbin.sh BLOB... - writes (to stdout) an assembler file that embeds
# each vocabulary blob build/gen/NAME.bin as the read-only, hidden symbol
# terse_vocab_NAME, 64-byte aligned (see lib/tokenize/vocab_format.h).
set -eu
for f in "$@"; do
    name=$(basename "$f" .bin)
    path=$(cd "$(dirname "$f")" && pwd)/$(basename "$f")
    cat <<ASM
	.section .rodata.terse_vocab_$name,"a",@progbits
	.balign 64
	.globl terse_vocab_$name
	.hidden terse_vocab_$name
	.type terse_vocab_$name, @object
terse_vocab_$name:
	.incbin "$path"
	.size terse_vocab_$name, . - terse_vocab_$name
ASM
done
printf '\t.section .note.GNU-stack,"",@progbits\n'
