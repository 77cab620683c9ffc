#!/usr/bin/env python3
"""code_pairs.py - terse's code pass on the seed-pairs code snippets, beside
the reference compressions.

    bench/code_pairs.py [BUILD [PAIRS.jsonl]]

For every pair of domain "code" (../shared/data/seed-pairs/pairs.jsonl, or
$TERSE_DATA/seed-pairs/pairs.jsonl): o200k tokens of the verbose snippet, of
the reference `compressed` text, and of `terse compress --lang python` at each
level. Prints the ratio (tokens out / tokens in, summed over the pairs) per
level and for the reference, and how many snippets did not parse (passed
through). Uses only the standard library and build/terse.
"""
import json
import os
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
build = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "build")
data = os.environ.get("TERSE_DATA", os.path.join(root, "..", "..", "shared", "data"))
pairs = sys.argv[2] if len(sys.argv) > 2 else os.path.join(data, "seed-pairs", "pairs.jsonl")
if not os.path.exists(pairs):
    pairs = os.path.join(root, "..", "shared", "data", "seed-pairs", "pairs.jsonl")
terse = os.path.join(build, "terse")


def run(args, text):
    p = subprocess.run([terse] + args, input=text.encode(), capture_output=True, check=True)
    return p.stdout.decode()


def count(text):
    return int(run(["count"], text).split()[0])


rows = [json.loads(l) for l in open(pairs, encoding="utf-8")]
rows = [r for r in rows if r.get("domain") == "code"]
levels = ["exact", "safe", "balanced", "max"]
tin = tref = 0
tout = {L: 0 for L in levels}
errors = 0
for r in rows:
    tin += count(r["verbose"])
    tref += count(r["compressed"])
    for L in levels:
        o = json.loads(run(["compress", "--lang", "python", "--level", L, "--json"], r["verbose"]))
        tout[L] += o["tokens_out"]
        if L == "exact" and o.get("parse_errors"):
            errors += 1
print(f"# seed-pairs code snippets: {len(rows)}, o200k tokens in {tin}; {errors} did not parse as Python (passed through)")
print(f"# reference compressed: {tref} tokens, ratio {tref / tin:.3f}")
for L in levels:
    print(f"# terse {L:8s}: {tout[L]} tokens, ratio {tout[L] / tin:.3f}")
ok = tout["max"] < tref
print(("ok" if ok else "not ok") + f" - code seed pairs: max ratio {tout['max'] / tin:.3f} below the reference's {tref / tin:.3f}")
