#!/usr/bin/env node
/* code_budget.js - how much of a --budget the code pass uses at `max`.
 *
 *   node bench/code_budget.js [--terse build/terse] [--old OTHER_TERSE] [--files N]
 *
 * For up to N files (default 150) per corpus (C headers under /usr/include,
 * TypeScript declarations of @types/node in deps/node_modules, Python's
 * standard library), each compressed with --budget at 10% and at 25% of
 * its o200k tokens (the budgets of an agent that packs many files): how
 * many calls meet the budget (exit 0; the others are TERSE_EBUDGET, the
 * skeleton alone is larger), and of those the mean share of the room used
 * (tokens out / the smaller of the budget and the file's tokens at
 * `balanced`, which keeps everything but comments) and the total tokens
 * out. Files that do not
 * parse are passed through by terse, so they are skipped (`--stats` says
 * "1 parse error"). With --old, the same figures for a second binary. */
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync, spawnSync } = require('child_process');

const args = process.argv.slice(2);
const opt = (name, def) => { const i = args.indexOf(name); return i >= 0 && args[i + 1] ? args[i + 1] : def; };
const bins = [['terse', opt('--terse', 'build/terse')]];
if (opt('--old', null)) bins.push(['old', opt('--old', null)]);
const limit = +opt('--files', '150');
const root = path.join(__dirname, '..');

function list(dir, re, deep) {
    const out = [];
    const walk = d => {
        let ents;
        try { ents = fs.readdirSync(d, { withFileTypes: true }); } catch { return; }
        ents.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        for (const e of ents) {
            const p = path.join(d, e.name);
            if (e.isDirectory() && deep) walk(p);
            else if (e.isFile() && re.test(e.name)) out.push(p);
        }
    };
    walk(dir);
    return out;
}
const corpora = [
    ['C headers', list('/usr/include', /\.h$/, true)],
    ['TypeScript declarations', list(path.join(root, 'deps/node_modules/@types/node'), /\.d\.ts$/, true)],
    ['Python standard library', list('/usr/lib/python3.11', /\.py$/, false)],
];
console.log('| corpus | budget | binary | files | budget met | mean share of the room used | tokens out |');
console.log('|---|---|---|---|---|---|---|');
for (const [name, all] of corpora) {
    const files = [];
    for (const f of all) {
        if (files.length >= limit) break;
        const r = spawnSync(bins[0][1], ['compress', f, '--level', 'balanced', '--json', '--stats'],
            { encoding: 'utf8' });
        if (r.status !== 0 || /1 parse error/.test(r.stderr)) continue;
        const j = JSON.parse(r.stdout);
        files.push({ f, tin: j.tokens_in, bal: j.tokens_out });
    }
    for (const pct of [10, 25]) {
        for (const [bn, bin] of bins) {
            let met = 0, share = 0, tout = 0;
            for (const { f, tin, bal } of files) {
                const budget = Math.max(1, Math.floor(tin * pct / 100));
                const r = spawnSync(bin, ['compress', f, '--budget', String(budget), '--json'], { encoding: 'utf8' });
                if (r.status !== 0) continue;
                const t = JSON.parse(r.stdout).tokens_out;
                if (t > budget) throw new Error(`${bin} ${f}: ${t} tokens over the budget ${budget}`);
                met++;
                share += t / Math.min(budget, bal);
                tout += t;
            }
            console.log(`| ${name} | ${pct}% | ${bn} | ${files.length} | ${met} | ` +
                `${met ? (100 * share / met).toFixed(1) : '-'}% | ${tout} |`);
        }
    }
}
