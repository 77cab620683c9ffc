#!/usr/bin/env python3
"""max_parses.py - every `max` output of Python code that parses must parse.

    python3 tests/code/max_parses.py TERSE SAMPLE [--dump DIR] PATH...

Lists the .py files under each PATH (sorted, so a sample is the same on
every run), keeps every SAMPLE-th, and for each file that ast.parse accepts
runs `TERSE compress --level max --lang python FILE` and parses the output
with ast.parse. Prints "not ok - FILE: ..." per output that does not parse
(--dump DIR also writes it to DIR), then one summary line, "ok - ..." or
"not ok - ...". Exit status 1 when any output failed. Files that do not
parse as this Python's grammar, or not as UTF-8, are counted and skipped.
"""
import ast
import os
import subprocess
import sys
import warnings


def files_under(paths):
    out = []
    for p in paths:
        if os.path.isfile(p):
            out.append(p)
            continue
        for root, dirs, names in os.walk(p):
            dirs.sort()
            out.extend(os.path.join(root, n) for n in names if n.endswith(".py"))
    return sorted(out)


def parses(text):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(text)
        return None
    except (SyntaxError, ValueError) as e:
        return "%s (line %s)" % (e.__class__.__name__, getattr(e, "lineno", "?"))


def main(argv):
    if len(argv) < 4:
        sys.stderr.write("usage: max_parses.py TERSE SAMPLE [--dump DIR] PATH...\n")
        return 2
    terse, sample, rest = argv[1], max(1, int(argv[2])), argv[3:]
    dump = None
    if rest[:1] == ["--dump"]:
        dump, rest = rest[1], rest[2:]
    checked = skipped = failed = 0
    for i, path in enumerate(files_under(rest)):
        if i % sample:
            continue
        try:
            with open(path, "rb") as f:
                src = f.read().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            skipped += 1
            continue
        if parses(src) is not None:
            skipped += 1
            continue
        r = subprocess.run([terse, "compress", "--level", "max", "--lang", "python", path],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        checked += 1
        why = "exit status %d: %s" % (r.returncode, r.stderr.decode(errors="replace").strip()) \
            if r.returncode else parses(r.stdout.decode("utf-8", errors="replace"))
        if why:
            failed += 1
            print("not ok - %s: max output does not parse: %s" % (path, why))
            if dump:
                name = os.path.join(dump, path.strip("/").replace("/", "_") + ".max")
                with open(name, "wb") as f:
                    f.write(r.stdout)
    print("# python max parses: %d files checked, %d skipped (do not parse as this Python), %d failed"
          % (checked, skipped, failed))
    print("%s - max output of Python parses (ast.parse): %d of %d fail"
          % ("not ok" if failed else "ok", failed, checked))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
