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
 * listed in docs/benchmarks.md ("What was measured and dropped").
 *
 * The second table is an upper bound for any word list: an oracle that picks
 * the word types to drop from the max output by looking at the dev answers
 * themselves (for each lower-case word type, the tokens its occurrences cost
 * and how many retained answers dropping each occurrence alone would lose;
 * types are taken greedily by tokens per lost answer). The logic words and
 * name joiners that prose.c keeps on purpose (keep_words, joiners) are not
 * offered to it. Each row is scored exactly, as in the first table. */
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
/* seed pairs, natural language, valid+test: quality.js's seed task */
const seeds = fs.readFileSync(path.join(data, 'seed-pairs', 'pairs.jsonl'), 'utf8').split('\n').filter(Boolean)
    .map(l => JSON.parse(l)).filter(r => r.domain === 'nl' && (r.split === 'valid' || r.split === 'test'));
let seedIn = 0, seedRef = 0;
for (const r of seeds) {
    r.max = execFileSync(terse, ['compress', '--level', 'max'], { input: r.verbose }).toString().trimEnd();
    seedIn += encode(r.verbose).length;
    seedRef += encode(r.compressed).length;
}
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
    /* a word seen earlier in the paragraph, unless the word before it is
     * new (so that "maternal Frankish" keeps its second Frankish) */
    ['repeated words, unless after a new word', t => {
        const w = t.split(/\s+/), seen = new Set(), out = [];
        let prevNew = false;
        for (let i = 0; i < w.length; i++) {
            const c = core(w[i]).toLowerCase(), isNew = !seen.has(c);
            seen.add(c);
            const go = !isNew && c.length >= 3 && !/\d/.test(c) && !prevNew && !nearNumber(w[i - 1], w[i + 1]);
            if (!go) out.push(w[i]);
            prevNew = isNew;
        }
        return out.join(' ');
    }],
];
/* the cheapest four together (each applied to the previous one's output) */
const pick = name => rules.find(r => r[0] === name)[1];
const chain = names => t => names.reduce((x, name) => pick(name)(x), t);
rules.push(['-ly, modals, and/of/the/or, repeated capitalized', chain(['adverbs in -ly',
    'modals and sentence adverbs', 'and/of/the/or between names', 'repeated capitalized words'])]);
rules.push(['repeated (unless after a new word), and/of/the/or', chain([
    'repeated words, unless after a new word', 'and/of/the/or between names'])]);
rules.push(['repeated (unless after a new word), modals, -ly, and/of/the/or', chain([
    'repeated words, unless after a new word', 'modals and sentence adverbs', 'adverbs in -ly',
    'and/of/the/or between names'])]);
console.log(`${pars.length} contexts, ${tin} o200k tokens; ${seeds.length} seed pairs, ${seedIn} tokens, ` +
    `reference ratio ${(seedRef / seedIn).toFixed(4)}\n`);
console.log('| rule applied to the max output | fewer tokens | content retention | answers lost | seed pairs out/in |');
console.log('|---|---|---|---|---|');
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
    const seedOut = seeds.reduce((sum, r) => sum + encode(fn(r.max)).length, 0);
    console.log(`| ${name} | ${(100 * (1 - tout / tin)).toFixed(2)}% | ${(100 * kept / n).toFixed(2)}% | ${n - kept} | ` +
        `${(seedOut / seedIn).toFixed(4)} |`);
}

/* The oracle word list (see the header). */
const PROSE_KEEP = new Set(('after all because before but every except few if least less many more most only or ' +
    'than unless until versus and da de del der di du for la le of on the to van von').split(' '));
const types = new Map();
for (const p of pars) {
    const w = p.max.split(/\s+/);
    const norm = q.normalize(p.max);
    const kept = p.answers.filter(ans => ans.some(a => q.contentRetained(norm, a)));
    for (let i = 0; i < w.length; i++) {
        const c = core(w[i]).toLowerCase();
        if (!c || /\d/.test(c) || PROSE_KEEP.has(c)) continue;
        const without = q.normalize(w.slice(0, i).concat(w.slice(i + 1)).join(' '));
        const e = types.get(c) || { tok: 0, lost: 0 };
        e.tok += encode(' ' + w[i]).length;
        e.lost += kept.filter(ans => !ans.some(a => q.contentRetained(without, a))).length;
        types.set(c, e);
    }
}
const ranked = [...types.entries()].sort((a, b) => b[1].tok / (b[1].lost + 0.01) - a[1].tok / (a[1].lost + 0.01)
    || (a[0] < b[0] ? -1 : 1));
console.log('\n| oracle word list (fit on the dev answers) | types | fewer tokens | content retention | answers lost |');
console.log('|---|---|---|---|---|');
const dropped = new Set();
let saved = 0;
const steps = [2, 4, 6, 8.8, 12];
for (const [c, e] of ranked) {
    if (!steps.length) break;
    dropped.add(c);
    saved += e.tok;
    if (100 * saved / tin < steps[0]) continue;
    let tout = 0, kept = 0, n = 0;
    for (const p of pars) {
        const out = p.max.split(/\s+/).filter(x => !dropped.has(core(x).toLowerCase())).join(' ');
        tout += encode(out).length;
        const norm = q.normalize(out);
        for (const ans of p.answers) {
            n++;
            if (ans.some(a => q.contentRetained(norm, a))) kept++;
        }
    }
    console.log(`| about ${steps.shift()} points beyond max | ${dropped.size} | ${(100 * (1 - tout / tin)).toFixed(2)}% | ` +
        `${(100 * kept / n).toFixed(2)}% | ${n - kept} |`);
}
