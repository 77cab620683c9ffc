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
 * Two rules learn from data other than the SQuAD dev set: lower-case words
 * that the NQ oracle passages use often and never inside an answer.
 *
 * The second table is an oracle, not a rule: it picks the word types to drop
 * by looking at the dev answers themselves (a lazy greedy search, the type
 * with the most tokens per answer lost first, each loss counted exactly on
 * top of the types already dropped). The logic words and name joiners that
 * prose.c keeps, and each paragraph's names, are not offered to it. It shows
 * that the tokens to drop exist, and that finding them takes the questions. */
'use strict';
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
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

/* the logic words and name joiners prose.c keeps (keep_words, joiners) */
const PROSE_KEEP = new Set(('after all because before but every except few if least less many more most only or ' +
    'than unless until versus and da de del der di du for la le of on the to van von').split(' '));
const core = w => w.replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');

/* How often each lower-case word is part of an answer in the NQ oracle
 * passages (Wikipedia, one question each): a word list learned from
 * question-answer data other than the SQuAD dev set being scored. */
const nqSeen = new Map(), nqAnswer = new Map();
for (const line of zlib.gunzipSync(fs.readFileSync(path.join(data, 'nq-multidoc', 'nq-open-oracle.jsonl.gz')))
    .toString().split('\n').filter(Boolean)) {
    const r = JSON.parse(line), text = r.ctxs[0].text, lower = text.toLowerCase();
    const inAnswer = new Uint8Array(text.length);
    for (const a of r.answers) {
        const al = a.toLowerCase();
        for (let i = al.length > 1 ? lower.indexOf(al) : -1; i >= 0; i = lower.indexOf(al, i + al.length))
            inAnswer.fill(1, i, i + al.length);
    }
    for (const m of text.matchAll(/\S+/g)) {
        const c = core(m[0]).toLowerCase();
        if (!c) continue;
        nqSeen.set(c, (nqSeen.get(c) || 0) + 1);
        if (inAnswer.subarray(m.index, m.index + m[0].length).includes(1)) nqAnswer.set(c, (nqAnswer.get(c) || 0) + 1);
    }
}
/* drop() predicate: lower-case words seen at least `seen` times in NQ and
 * never in an answer (not a paragraph's first word) */
const nqNeverAnswer = seen => (w, p, n, i) => {
    const c = core(w).toLowerCase();
    return i > 0 && /^[a-z]/.test(w) && !/\d/.test(c) && !PROSE_KEEP.has(c) && (nqSeen.get(c) || 0) >= seen &&
        !nqAnswer.get(c);
};
const nearNumber = (p, n) => /\d/.test(p || '') || /\d/.test(n || '');
/* how many of paragraph p's questions text keeps an answer of (content) */
const retainedIn = (p, text) => {
    const norm = q.normalize(text);
    return p.answers.filter(ans => q.anyRetained(norm, ans, 'content')).length;
};
/* drop(text, pred): the words for which pred(word, previous, next) holds go */
function drop(text, pred) {
    const w = text.split(/\s+/);
    return w.filter((x, i) => !pred(x, w[i - 1], w[i + 1], i)).join(' ');
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
    ['lower-case words never in an NQ answer, seen 20+ times', t => drop(t, nqNeverAnswer(20))],
    ['lower-case words never in an NQ answer, seen 10+ times', t => drop(t, nqNeverAnswer(10))],
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
        kept += retainedIn(p, out);
        n += p.answers.length;
    }
    const seedOut = seeds.reduce((sum, r) => sum + encode(fn(r.max)).length, 0);
    console.log(`| ${name} | ${(100 * (1 - tout / tin)).toFixed(2)}% | ${(100 * kept / n).toFixed(2)}% | ${n - kept} | ` +
        `${(seedOut / seedIn).toFixed(4)} |`);
}

/* The oracle word list (see the header). The capitalized words in
 * mid-sentence of a context are names, which the guards keep wherever
 * their sentence is kept: not offered to it. */
for (const p of pars) {
    p.names = new Set();
    const w = p.context.split(/\s+/);
    for (let i = 1; i < w.length; i++)
        if (/^[("'\u201c]?[A-Z]/.test(w[i]) && !/[.!?:;]["')\u201d]*$/.test(w[i - 1]))
            p.names.add(core(w[i]).toLowerCase());
}
/* oracle(): prints the rows. A lazy greedy search: the type with the most
 * tokens per answer lost goes next, where the answers lost are counted
 * exactly, on top of the types already dropped. */
function oracle() {
    const offered = (p, c) => c && !/\d/.test(c) && !PROSE_KEEP.has(c) && !p.names.has(c);
    const dropped = new Set();
    const types = new Map(); /* type -> { tok, pars: paragraph indexes } */
    pars.forEach((p, pi) => {
        p.words = p.max.split(/\s+/);
        p.cores = p.words.map(x => core(x).toLowerCase());
        p.words.forEach((x, i) => {
            const c = p.cores[i];
            if (!offered(p, c)) return;
            const e = types.get(c) || { tok: 0, pars: new Set() };
            e.tok += encode(' ' + x).length;
            e.pars.add(pi);
            types.set(c, e);
        });
    });
    /* p's max output without the dropped types (and extra) */
    const survivors = (p, extra) => p.words.filter((x, i) => {
        const c = p.cores[i];
        return !((dropped.has(c) || c === extra) && offered(p, c));
    }).join(' ');
    const retained = (p, extra) => retainedIn(p, survivors(p, extra));
    pars.forEach(p => { p.kept = retained(p, null); });
    const lost = c => [...types.get(c).pars].reduce((sum, pi) => sum + pars[pi].kept - retained(pars[pi], c), 0);
    const ratio = (c, l) => types.get(c).tok / (l + 0.01);
    let heap = [...types.keys()].map(c => ({ c, r: ratio(c, lost(c)) }));
    let saved = 0;
    const steps = [2, 4, 6, 8.8];
    while (steps.length && heap.length) {
        heap.sort((a, b) => b.r - a.r || (a.c < b.c ? -1 : 1));
        const top = heap[0];
        top.r = ratio(top.c, lost(top.c));
        if (heap.length > 1 && top.r < heap[1].r) continue;
        heap.shift();
        dropped.add(top.c);
        saved += types.get(top.c).tok;
        for (const pi of types.get(top.c).pars) pars[pi].kept = retained(pars[pi], null);
        if (100 * saved / tin < steps[0]) continue;
        let tout = 0, kept = 0, n = 0;
        for (const p of pars) {
            tout += encode(survivors(p, null)).length;
            kept += p.kept;
            n += p.answers.length;
        }
        console.log(`| about ${steps.shift()} points beyond max | ${dropped.size} | ` +
            `${(100 * (1 - tout / tin)).toFixed(2)}% | ${(100 * kept / n).toFixed(2)}% | ${n - kept} |`);
    }
}
console.log('\n| oracle word list (fit on the dev answers, names kept) | types | fewer tokens | content retention | answers lost |');
console.log('|---|---|---|---|---|');
oracle();
