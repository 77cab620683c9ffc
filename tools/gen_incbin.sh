#!/bin/sh
# gen_incbin.sh BLOB... - writes (to stdout) an assembler file that embeds
# each vocabulary blob build/gen/NAME.bin as the read-only, hidden symbol
# vocab_blob_NAME, 64-byte aligned (see lib/tokenize/vocab_format.h).
set -eu
for f in "$@"; do
    name=$(basename "$f" .bin)
    path=$(cd "$(dirname "$f")" && pwd)/$(basename "$f")
    cat <<ASM
	.section .rodata.vocab_blob_$name,"a",@progbits
	.balign 64
	.globl vocab_blob_$name
	.hidden vocab_blob_$name
	.type vocab_blob_$name, @object
vocab_blob_$name:
	.incbin "$path"
	.size vocab_blob_$name, . - vocab_blob_$name
ASM
done
printf '\t.section .note.GNU-stack,"",@progbits\n'
