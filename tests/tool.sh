#!/bin/sh
# tool.sh - the tool pass over terminal output generated on this machine
# (issue 19): bench/tool_corpus.sh writes the corpus (ls, ps, df, dpkg,
# find, git ls-files, grep -rn, git diff/show/log over this repository's
# history, Python and node stack traces, unittest and terse's own test
# runs, make output), then bench/tool_report.js checks every output: read
# as tool output, decoded byte for byte at safe, never longer, and every
# error/failure/warning line verbatim at balanced. The unit tests (group
# unit) and fuzz/fuzz_tool.c cover the encodings' edge cases.
#
# Usage: tests/tool.sh [BUILD]
set -u
cd "$(dirname "$0")/.."
B=${1:-build}
dir=$B/tool-corpus
rm -rf "$dir"
sh bench/tool_corpus.sh "$dir" > /dev/null || { echo "not ok - tool: corpus"; exit 1; }
node bench/tool_report.js "$B" "$dir"
