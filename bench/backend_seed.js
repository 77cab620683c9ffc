#!/usr/bin/env node
'use strict';
/*
 * bench/backend_seed.js - the model backend (`terse compress --backend`) on the
 * seed project's natural-language pairs (domain nl, splits valid+test), with the
 * fake OpenAI-compatible server (tests/fake_provider.js) answering each input
 * with the seed's reference compression: what a model trained on those
 * references would aim for. Then the same with the server answering garbage.
 *
 *   node bench/backend_seed.js [--terse build/terse] [--data DIR] [--levels balanced,max]
 *                              [--jobs 2] [--limit N] [--out FILE.json]
 *
 * Reports, per level: chunks sent, chunks whose text is the whole item (the only
 * ones the reference can answer; the rest get garbage), chunks accepted and
 * rejected by verdict; tokens out/in (o200k, `terse count`) of the guarded
 * result, of terse alone and of the references; items losing a number or a
 * negation (eval/quality.js's independent counts: distinct numbers, negation
 * classes) in the guarded result and in the references. With garbage: items
 * whose output differs from terse's own (must be 0).
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn, spawnSync } = require('child_process');
const { numbers, negations } = require('../eval/quality.js');

const opt = { terse: 'build/terse', data: null, levels: ['balanced', 'max'], jobs: 2, limit: 0, out: null };
for (let i = 2; i < process.argv.length; i++) {
    const a = process.argv[i], v = process.argv[i + 1];
    if (a === '--terse') opt.terse = v;
    else if (a === '--data') opt.data = v;
    else if (a === '--levels') opt.levels = v.split(',');
    else if (a === '--jobs') opt.jobs = +v;
    else if (a === '--limit') opt.limit = +v;
    else if (a === '--out') opt.out = v;
    else { process.stderr.write(`backend_seed: unknown option ${a}\n`); process.exit(1); }
    i++;
}
if (!opt.data) opt.data = ['../shared/data', '../../shared/data', '/work/shared/data'].find(d => fs.existsSync(d));
const terse = path.resolve(opt.terse);
let recs = fs.readFileSync(path.join(opt.data, 'seed-pairs', 'pairs.jsonl'), 'utf8').split('\n').filter(Boolean)
    .map(JSON.parse).filter(r => r.domain === 'nl' && (r.split === 'valid' || r.split === 'test'));
if (opt.limit) recs = recs.slice(0, opt.limit);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'backend-seed-'));
fs.writeFileSync(path.join(tmp, 'pairs.jsonl'), recs.map(r => JSON.stringify(r)).join('\n') + '\n');
fs.writeFileSync(path.join(tmp, 'script.json'), '[]');
recs.forEach((r, i) => fs.writeFileSync(path.join(tmp, `${i}.txt`), r.verbose));

function count(text) {
    const r = spawnSync(terse, ['count', '--tokenizer', 'o200k'], { input: text });
    return +r.stdout.toString().trim();
}

function startServer(args) {
    return new Promise((resolve, reject) => {
        const p = spawn('node', [path.join(__dirname, '..', 'tests', 'fake_provider.js'), '--log',
            path.join(tmp, 'log'), '--script', path.join(tmp, 'script.json'), ...args],
            { stdio: ['ignore', 'pipe', 'inherit'] });
        p.stdout.once('data', d => resolve({ proc: p, port: +d.toString().trim() }));
        p.once('error', reject);
    });
}

function run(args) {
    return new Promise(resolve => {
        const p = spawn(terse, args, { env: { ...process.env, TERSE_CACHE: path.join(tmp, 'cache.sqlite') } });
        const out = [], err = [];
        p.stdout.on('data', d => out.push(d));
        p.stderr.on('data', d => err.push(d));
        p.on('close', code => resolve({ code, out: Buffer.concat(out).toString(), err: Buffer.concat(err).toString() }));
    });
}

async function pool(n, f) {
    const res = new Array(n);
    let next = 0;
    await Promise.all(Array.from({ length: opt.jobs }, async () => {
        while (next < n) { const i = next++; res[i] = await f(i); }
    }));
    return res;
}

function lostNumber(src, out) {
    const a = numbers(src), b = numbers(out);
    return [...a].some(x => !b.has(x));
}
function lostNegation(src, out) {
    const a = negations(src), b = negations(out);
    return Object.keys(a).some(k => (b[k] || 0) < a[k]);
}

(async () => {
    const tin = recs.map(r => count(r.verbose)), tref = recs.map(r => count(r.compressed));
    const sum = a => a.reduce((x, y) => x + y, 0);
    const refNum = recs.filter(r => lostNumber(r.verbose, r.compressed)).length;
    const refNeg = recs.filter(r => lostNegation(r.verbose, r.compressed)).length;
    const refLossy = recs.filter(r => lostNumber(r.verbose, r.compressed) || lostNegation(r.verbose, r.compressed)).length;
    const report = { items: recs.length, tokens_in: sum(tin), reference: { tokens: sum(tref),
        ratio: +(sum(tref) / sum(tin)).toFixed(4), items_losing_number: refNum, items_losing_negation: refNeg,
        items_losing_either: refLossy }, levels: {} };
    for (const level of opt.levels) {
        const own = await pool(recs.length, i => run(['compress', path.join(tmp, `${i}.txt`), '--level', level, '--json']));
        const rows = [];
        for (const mode of ['reference', 'garbage']) {
            try { fs.unlinkSync(path.join(tmp, 'cache.sqlite')); } catch { /* none yet */ }
            const srv = await startServer(mode === 'reference'
                ? ['--pairs', path.join(tmp, 'pairs.jsonl'), '--garbage', 'lorem ipsum dolor sit amet']
                : ['--garbage', 'lorem ipsum dolor sit amet, consectetur adipiscing elit']);
            const url = `http://127.0.0.1:${srv.port}/compat/v1`;
            const res = await pool(recs.length, i => run(['compress', path.join(tmp, `${i}.txt`), '--level', level,
                '--json', '--backend', url, '--backend-jobs', '2']));
            srv.proc.kill();
            const st = { chunks: 0, whole_item_chunks: 0, accepted: 0, why: {}, tokens_out: 0, items_lost_number: 0,
                items_lost_negation: 0, items_differing_from_terse: 0, failed_runs: 0 };
            res.forEach((r, i) => {
                if (r.code !== 0) {
                    st.failed_runs++;
                    (st.failures = st.failures || []).push({ item: recs[i].id, code: r.code, stderr: r.err.slice(0, 300) });
                    return;
                }
                const o = JSON.parse(r.out), mine = JSON.parse(own[i].out);
                st.tokens_out += o.tokens_out;
                st.chunks += o.backend.chunks;
                st.accepted += o.backend.rewritten;
                for (const c of o.backend.calls) {
                    if (c.len === Buffer.byteLength(recs[i].verbose.trim())) st.whole_item_chunks++;
                    if (c.verdict !== 'accepted') st.why[c.verdict] = (st.why[c.verdict] || 0) + 1;
                    if (c.verdict === 'name' && mode === 'reference') {
                        /* is the lost name at the start of a sentence of the chunk (where an
                         * ordinary word is capitalized too)? */
                        const text = recs[i].verbose, re = new RegExp(`(^|[.!?:]\\s+|\\n\\s*(?:[-*]\\s+|\\d+[.)]\\s+)?)${c.missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\p{L}])`, 'u');
                        const first = text.search(new RegExp(`(?<![\\p{L}])${c.missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\p{L}])`, 'u'));
                        const m = re.exec(text);
                        st.names = st.names || { sentence_start: 0, elsewhere: 0, examples: [] };
                        if (m && m.index + m[1].length === first) st.names.sentence_start++; else st.names.elsewhere++;
                        if (st.names.examples.length < 40) st.names.examples.push(c.missing);
                    }
                }
                if (lostNumber(recs[i].verbose, o.text)) st.items_lost_number++;
                if (lostNegation(recs[i].verbose, o.text)) st.items_lost_negation++;
                if (o.text !== mine.text) st.items_differing_from_terse++;
            });
            st.ratio = +(st.tokens_out / sum(tin)).toFixed(4);
            rows.push([mode, st]);
        }
        const ownOut = sum(own.map(r => JSON.parse(r.out).tokens_out));
        report.levels[level] = { terse_tokens: ownOut, terse_ratio: +(ownOut / sum(tin)).toFixed(4),
            terse_items_lost_number: own.filter((r, i) => lostNumber(recs[i].verbose, JSON.parse(r.out).text)).length,
            terse_items_lost_negation: own.filter((r, i) => lostNegation(recs[i].verbose, JSON.parse(r.out).text)).length,
            with_reference_model: rows[0][1], with_garbage_model: rows[1][1] };
    }
    fs.rmSync(tmp, { recursive: true, force: true });
    const js = JSON.stringify(report, null, 2);
    if (opt.out) fs.writeFileSync(opt.out, js + '\n');
    console.log(js);
})();
