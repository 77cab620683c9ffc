#!/usr/bin/env node
// tool_report.js - the tool pass over a corpus of terminal output
// (bench/tool_corpus.sh): for each file, o200k tokens in, at safe and at
// balanced; at safe the type (auto must pick tool), that terse decode gives
// back every byte and that the output is no longer than the input; at
// balanced that every line reporting an error, a failure, a warning or a
// non-zero status is still there verbatim.
//
// Usage: node bench/tool_report.js BUILD CORPUS_DIR [--markdown]
// Prints "ok - ..." / "not ok - ..." per check (tests/run.sh counts them),
// or with --markdown the tables of docs/benchmarks.md. Exit 1 if a check
// failed.
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const [build, dir, mode] = process.argv.slice(2);
if (!build || !dir) {
    console.error('usage: node bench/tool_report.js BUILD CORPUS_DIR [--markdown]');
    process.exit(1);
}
const TERSE = path.resolve(build, 'terse');
// the words of lib/detect/tool_shape.c's tool_important_line
// (each at the start of a word: after a non-letter, or capitalized after a
// lower-case letter as in ValueError; not inside -Werror)
const WORDS = 'error|fail|warn|fatal|panic|exception|traceback|abort|denied|not ok|assert|segfault|exit status|exit code|non-zero|nonzero';
const IMPORTANT = {
    test: (l) => new RegExp(`(?<![A-Za-z])(${WORDS})`, 'i').test(l) ||
        new RegExp(`(?<=[a-z])(${WORDS.split('|').map((w) => w[0].toUpperCase() + w.slice(1)).join('|')})`).test(l),
};

function compress(file, level) {
    return JSON.parse(execFileSync(TERSE, ['compress', '--json', '--level', level, file],
        { maxBuffer: 1 << 28 }).toString());
}

const files = fs.readdirSync(dir).filter((f) => f.endsWith('.txt')).sort();
const rows = [];
let failed = 0;
const ok = (cond, name) => {
    if (!mode) console.log(`${cond ? 'ok' : 'not ok'} - ${name}`);
    if (!cond) failed++;
};
for (const f of files) {
    const file = path.join(dir, f);
    const input = fs.readFileSync(file);
    const safe = compress(file, 'safe');
    const bal = compress(file, 'balanced');
    // --type auto, as a user would (unchanged output decodes to itself too)
    const back = execFileSync(TERSE, ['decode'], { input: safe.text, maxBuffer: 1 << 28 });
    const exact = back.equals(input);
    const outLines = new Set(bal.text.split('\n'));
    const important = input.toString().split('\n').filter((l) => IMPORTANT.test(l));
    const missing = important.filter((l) => !outLines.has(l));
    const kind = f.split('-')[0];
    ok(safe.type === 'tool', `tool: ${f} is read as tool output (${safe.type})`);
    ok(exact, `tool: ${f} at safe decodes to every byte`);
    ok(safe.tokens_out <= safe.tokens_in && bal.tokens_out <= bal.tokens_in, `tool: ${f} is no longer than its input`);
    ok(missing.length === 0, `tool: ${f} at balanced keeps its ${important.length} error/failure/warning lines verbatim` +
        (missing.length ? ` (missing: ${JSON.stringify(missing[0])})` : ''));
    rows.push({ f, kind, bytes: input.length, tin: safe.tokens_in, safe: safe.tokens_out, bal: bal.tokens_out, exact,
        type: safe.type, important: important.length, missing: missing.length });
}
const pct = (a, b) => (a ? (100 * (1 - b / a)).toFixed(1) : '0.0') + '%';
if (mode === '--markdown') {
    const kinds = [...new Set(rows.map((r) => r.kind))];
    let T = { tin: 0, safe: 0, bal: 0, n: 0, exact: 0 };
    for (const k of kinds) {
        console.log(`\n**${k}**\n`);
        console.log('| output | bytes | tokens in | safe | balanced | decode exact |');
        console.log('|---|---:|---:|---:|---:|---|');
        const K = { tin: 0, safe: 0, bal: 0 };
        for (const r of rows.filter((x) => x.kind === k)) {
            console.log(`| ${r.f.replace(/\.txt$/, '')} | ${r.bytes} | ${r.tin} | ${r.safe} (${pct(r.tin, r.safe)}) | ` +
                `${r.bal} (${pct(r.tin, r.bal)}) | ${r.exact ? 'yes' : 'NO'} |`);
            K.tin += r.tin; K.safe += r.safe; K.bal += r.bal;
            T.n++; T.exact += r.exact ? 1 : 0;
        }
        console.log(`| all ${k} | | ${K.tin} | ${K.safe} (${pct(K.tin, K.safe)}) | ${K.bal} (${pct(K.tin, K.bal)}) | |`);
        T.tin += K.tin; T.safe += K.safe; T.bal += K.bal;
    }
    console.log(`\n| whole corpus | files | tokens in | safe | balanced | decode exact |`);
    console.log('|---|---:|---:|---:|---:|---|');
    console.log(`| ${files.length} outputs | ${files.length} | ${T.tin} | ${T.safe} (${pct(T.tin, T.safe)}) | ` +
        `${T.bal} (${pct(T.tin, T.bal)}) | ${T.exact}/${T.n} |`);
} else {
    const t = rows.reduce((a, r) => ({ tin: a.tin + r.tin, safe: a.safe + r.safe, bal: a.bal + r.bal }), { tin: 0, safe: 0, bal: 0 });
    console.log(`# ${files.length} outputs, o200k: ${t.tin} tokens in, safe ${t.safe} (${pct(t.tin, t.safe)}), ` +
        `balanced ${t.bal} (${pct(t.tin, t.bal)})`);
}
process.exit(failed ? 1 : 0);
