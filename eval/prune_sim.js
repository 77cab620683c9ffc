#!/usr/bin/env node
/* prune_sim.js - what further word pruning on top of `max` would cost on SQuAD.
 *
 *   node eval/prune_sim.js [--terse build/terse] [--data ../shared/data]
 *
 * Compresses every SQuAD v2 dev context of the shared data at --level max with
 * the terse binary, then applies each candidate rule below to the output
 * (words are the runs between spaces) and prints the % fewer o200k tokens
 * (gpt-tokenizer, the reference) and the content retention of eval/quality.js
 * (same definitions). Rules that were measured this way and not shipped are
 * listed in docs/benchmarks.md ("What was measured and dropped"). */
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const { createRequire } = require('module');
const q = require('./quality.js');

const args = process.argv.slice(2);
const opt = (name, def) => { const i = args.indexOf(name); return i >= 0 && args[i + 1] ? args[i + 1] : def; };
const terse = opt('--terse', 'build/terse');
const data = opt('--data', '../shared/data');
const depRequire = createRequire(path.join(__dirname, '..', 'deps', 'node_modules', '.resolve-from-here.js'));
const { encode } = depRequire('gpt-tokenizer/encoding/o200k_base');

const squad = JSON.parse(fs.readFileSync(path.join(data, 'squad-v2', 'dev-v2.0.json'), 'utf8'));
const pars = [];
for (const art of squad.data)
    for (const p of art.paragraphs)
        pars.push({
            context: p.context,
            answers: p.qas.filter(x => !x.is_impossible && x.answers.length)
                .map(x => [...new Set(x.answers.map(a => q.normalize(a.text)))]),
        });
let tin = 0;
for (const p of pars) {
    p.max = execFileSync(terse, ['compress', '--level', 'max'], { input: p.context }).toString().trimEnd();
    tin += encode(p.context).length;
}

const core = w => w.replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
const nearNumber = (p, n) => /\d/.test(p || '') || /\d/.test(n || '');
/* drop(text, pred): the words for which pred(word, previous, next) holds go */
function drop(text, pred) {
    const w = text.split(/\s+/);
    return w.filter((x, i) => !pred(x, w[i - 1], w[i + 1])).join(' ');
}
function repeated(test) {
    return t => { const seen = new Set(); return drop(t, (w, p, n) => {
        const c = core(w);
        if (!test(w, c)) return false;
        if (seen.has(c)) return !nearNumber(p, n);
        seen.add(c);
        return false;
    }); };
}
const LY_KEEP = new Set(('only early family italy supply apply reply fly ally rally daily weekly monthly yearly ' +
    'holy assembly anomaly monopoly likely unlikely elderly friendly costly deadly').split(' '));
const MODALS = new Set(('would could may might must should can also however well often usually later then still ' +
    'even already thus therefore further').split(' '));
const rules = [
    ['max as shipped', t => t],
    ['adverbs in -ly', t => drop(t, w => /^[a-z]{3,}ly$/.test(w) && !LY_KEEP.has(w))],
    ['modals and sentence adverbs', t => drop(t, w => MODALS.has(w))],
    ['and/of/the/or between names', t => drop(t, w => ['and', 'of', 'the', 'or'].includes(w))],
    ['repeated capitalized words', repeated((w, c) => /^[A-Z][a-z]/.test(c))],
    ['repeated lowercase words', repeated((w, c) => /^[a-z]{4,}$/.test(c) && w === c)],
    ['words in -ed', t => drop(t, w => /^[a-z]{3,}ed$/.test(w))],
    ['words in -ing', t => drop(t, w => /^[a-z]{3,}ing$/.test(w))],
];
/* the cheapest four together (each applied to the previous one's output) */
const pick = name => rules.find(r => r[0] === name)[1];
rules.push(['-ly, modals, and/of/the/or, repeated capitalized',
    t => ['adverbs in -ly', 'modals and sentence adverbs', 'and/of/the/or between names', 'repeated capitalized words']
        .reduce((x, name) => pick(name)(x), t)]);
console.log(`${pars.length} contexts, ${tin} o200k tokens\n`);
console.log('| rule applied to the max output | fewer tokens | content retention | answers lost |');
console.log('|---|---|---|---|');
for (const [name, fn] of rules) {
    let tout = 0, kept = 0, n = 0;
    for (const p of pars) {
        const out = fn(p.max);
        tout += encode(out).length;
        const norm = q.normalize(out);
        for (const ans of p.answers) {
            n++;
            if (ans.some(a => q.contentRetained(norm, a))) kept++;
        }
    }
    console.log(`| ${name} | ${(100 * (1 - tout / tin)).toFixed(2)}% | ${(100 * kept / n).toFixed(2)}% | ${n - kept} |`);
}
