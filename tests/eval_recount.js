#!/usr/bin/env node
'use strict';
/*
 * tests/eval_recount.js - recounts the figures of a `terse eval` report.json
 * independently: its own readers of the shared data sets (JavaScript, after
 * ../shared/data/README.md), `terse compress --json` per item, and the
 * definitions exported by eval/quality.js (normalize, strict, content,
 * numbers, the key-value rendering). Prints "ok - ..." / "not ok - ..." per
 * (data set, level) of the report.
 *
 *   node tests/eval_recount.js REPORT.json TERSE DATA_DIR
 */
const fs = require('fs');
const zlib = require('zlib');
const path = require('path');
const cp = require('child_process');
const os = require('os');
const q = require('../eval/quality.js');

const [reportFile, terse, data] = process.argv.slice(2);
const report = JSON.parse(fs.readFileSync(reportFile, 'utf8'));
const limit = report.meta.limit || Infinity;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'recount-'));

const jsonl = f => {
    let b = fs.readFileSync(f);
    if (f.endsWith('.gz')) b = zlib.gunzipSync(b);
    return b.toString('utf8').split('\n').filter(l => l.trim()).map(l => JSON.parse(l));
};

/* items: {context, questions: [{q, answers}], reference, kv: {key, value, uuids}} */
function load(name) {
    if (name === 'squad') {
        const j = JSON.parse(fs.readFileSync(path.join(data, 'squad-v2/dev-v2.0.json'), 'utf8'));
        const out = [];
        for (const a of j.data) for (const p of a.paragraphs) out.push({ context: p.context,
            questions: p.qas.filter(x => !x.is_impossible && x.answers.length).map(x => ({ q: x.question, answers: x.answers.map(y => y.text) })) });
        return out.slice(0, limit);
    }
    if (name === 'nq') {
        return jsonl(path.join(data, 'nq-multidoc/nq-open-oracle.jsonl.gz')).slice(0, limit)
            .map(r => ({ context: `${r.ctxs[0].title}\n\n${r.ctxs[0].text}`, questions: [{ q: r.question, answers: r.answers }] }));
    }
    if (name === 'kv') {
        return jsonl(path.join(data, 'nq-multidoc/kv-retrieval-75_keys.jsonl.gz')).slice(0, limit)
            .map(r => ({ context: q.renderKv(r.ordered_kv_records), questions: [{ q: r.key, answers: [r.value] }],
                kv: { key: r.key, value: r.value, uuids: r.ordered_kv_records.flat() } }));
    }
    if (name === 'gsm8k') {
        return jsonl(path.join(data, 'gsm8k/test.jsonl')).slice(0, limit).map(r => ({ context: r.question, questions: [] }));
    }
    if (name === 'seed') {
        return jsonl(path.join(data, 'seed-pairs/pairs.jsonl'))
            .filter(r => r.domain === 'nl' && (r.split === 'valid' || r.split === 'test')).slice(0, limit)
            .map(r => ({ context: r.verbose, questions: [], reference: r.compressed }));
    }
    if (name === 'locomo') {
        return ['26.json', '30.json'].map(f => JSON.parse(fs.readFileSync(path.join(data, 'locomo-dev', f), 'utf8')))
            .slice(0, limit).map(c => {
                const sessions = [];
                for (let s = 1; s < 200; s++) {
                    const turns = c[`session_${s}`];
                    if (!Array.isArray(turns)) continue;
                    const date = c[`session_${s}_date_time`];
                    sessions.push(`Session ${s}${typeof date === 'string' ? ` (${date})` : ''}:\n` + turns.map(t =>
                        `${t.speaker}: ${t.text}${t.blip_caption ? ` [shared photo: ${t.blip_caption}]` : ''}\n`).join(''));
                }
                return { context: sessions.join('\n'), questions: c.qa.filter(x => x.category >= 1 && x.category <= 4 &&
                    (typeof x.answer === 'string' || typeof x.answer === 'number')).map(x => ({ q: x.question, answers: [String(x.answer)] })) };
            });
    }
    if (name === 'toon') {
        const files = ['github-repos.json', ...['tabular', 'nested', 'analytics', 'github', 'event-logs', 'nested-config',
            'keyed', 'nested-group'].map(n => `generated/${n}.json`)];
        return files.slice(0, limit).map((f, i) => {
            const text = fs.readFileSync(path.join(data, 'toon-bench', f), 'utf8');
            return { context: i === 0 ? `{"repositories": ${text}}` : text, questions: [], json: true };
        });
    }
    throw new Error(`no reader for ${name}`);
}

function run(args, input, mayFail) {
    const r = cp.spawnSync(terse, args, { input, encoding: 'utf8', maxBuffer: 1 << 28 });
    if (r.status === 1 && mayFail) return null;
    if (r.status !== 0) throw new Error(`terse ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
}
const budgetPct = report.meta.budget_pct || 0;

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const cache = new Map();
let failures = 0;
const near = (a, b, eps) => a === b || (a != null && b != null && Math.abs(a - b) <= eps);

for (const res of report.results) {
    if (res.tokenizer !== 'o200k') continue;
    if (!cache.has(res.set)) cache.set(res.set, load(res.set));
    const items = cache.get(res.set);
    const f = { items: 0, tokens_in: 0, tokens_out: 0, ratios: [], questions: 0, strict: 0, content: 0,
        numbers: 0, numbers_kept: 0, pair: 0, all: 0, ref: 0, same: 0 };
    /* one call per item, or with --budget one per question (the question,
     * or the kv key, as the query); a failed or over-budget call keeps
     * nothing and counts at the input's size */
    const calls = [];
    items.forEach((it, i) => {
        if (!budgetPct) calls.push({ it, i, qs: it.questions });
        else it.questions.forEach(qq => calls.push({ it, i, qs: [qq], query: it.kv ? it.kv.key : qq.q }));
    });
    f.items = calls.length;
    calls.forEach(({ it, i, qs, query }) => {
        const file = path.join(tmp, `${res.set}-${i}.txt`);
        fs.writeFileSync(file, it.context);
        const args = ['compress', file, '--level', res.level, '--tokenizer', 'o200k', '--json'];
        let budget = null;
        if (budgetPct) {
            const tin = Number(run(['count', file, '--tokenizer', 'o200k']).trim());
            budget = Math.max(1, Math.floor(tin * budgetPct / 100));
            args.push('--query', query, '--budget', String(budget));
        }
        const out = run(args, undefined, budgetPct > 0);
        const j = out == null ? null : JSON.parse(out);
        const nin = q.numbers(it.context);
        f.numbers += nin.size;
        f.questions += qs.length;
        if (!j || (budget != null && j.tokens_out > budget)) {
            const tin = Number(run(['count', file, '--tokenizer', 'o200k']).trim());
            f.tokens_in += tin; f.tokens_out += tin; f.ratios.push(1);
            return;
        }
        f.tokens_in += j.tokens_in; f.tokens_out += j.tokens_out;
        if (j.tokens_in) f.ratios.push(j.tokens_out / j.tokens_in);
        const nt = q.normalize(j.text);
        for (const { answers } of qs) {
            const norm = answers.map(q.normalize);
            f.strict += norm.some(a => q.strictRetained(nt, a));
            f.content += norm.some(a => q.contentRetained(nt, a));
        }
        const nout = q.numbers(j.text);
        f.numbers_kept += [...nin].filter(x => nout.has(x)).length;
        if (it.kv) {
            const at = j.text.indexOf(it.kv.key);
            let next = null;
            if (at >= 0) for (const m of j.text.matchAll(UUID)) if (m.index >= at + it.kv.key.length) { next = m[0]; break; }
            f.pair += next === it.kv.value;
            f.all += it.kv.uuids.every(u => j.text.includes(u));
        }
        if (it.reference != null) f.ref += Number(run(['count', '-', '--tokenizer', 'o200k'], it.reference).trim());
        if (it.json) {
            const back = run(['decode', '--type', 'json'], j.text, true);
            f.same += back != null && JSON.stringify(JSON.parse(back)) === JSON.stringify(JSON.parse(it.context));
        }
    });
    f.ratios.sort((a, b) => a - b);
    const n = f.ratios.length;
    const median = n ? (n % 2 ? f.ratios[(n - 1) / 2] : (f.ratios[n / 2 - 1] + f.ratios[n / 2]) / 2) : 0;
    const pct = (a, b) => b ? 100 * a / b : null;
    const checks = [
        ['items', f.items, res.items, 0], ['tokens_in', f.tokens_in, res.tokens_in, 0],
        ['tokens_out', f.tokens_out, res.tokens_out, 0],
        ['saved_pct', 100 * (1 - f.tokens_out / f.tokens_in), res.saved_pct, 0.0051],
        ['median_ratio', median, res.median_ratio, 0.000051], ['questions', f.questions, res.questions, 0],
        ['strict_retention', pct(f.strict, f.questions), res.strict_retention, 0.0051],
        ['content_retention', pct(f.content, f.questions), res.content_retention, 0.0051],
        ['numbers', f.numbers, res.numbers, 0], ['numbers_kept', f.numbers_kept, res.numbers_kept, 0],
    ];
    if (res.set === 'kv') {
        checks.push(['kv_pair_recall', pct(f.pair, f.items), res.kv_pair_recall, 0.0051]);
        checks.push(['kv_all_uuids', pct(f.all, f.items), res.kv_all_uuids, 0.0051]);
    }
    if (res.set === 'seed') checks.push(['reference_tokens', f.ref, res.reference_tokens, 0]);
    if (res.set === 'toon') checks.push(['json_round_trip', pct(f.same, f.items), res.json_round_trip, 0.0051]);
    const bad = checks.filter(([, mine, theirs, eps]) => !near(mine, theirs, eps));
    for (const [name, mine, theirs] of bad) console.log(`#   ${res.set} ${res.level} ${name}: recount ${mine}, report ${theirs}`);
    console.log(`${bad.length ? 'not ok' : 'ok'} - eval: ${res.set} ${res.level} o200k${budgetPct ? ` --budget ${budgetPct}%` : ''}: ${checks.length} figures match the recount` +
        ` (${f.items} items, ${f.questions} questions, strict ${pct(f.strict, f.questions)?.toFixed(2) ?? '-'}%)`);
    failures += bad.length > 0;
}
fs.rmSync(tmp, { recursive: true, force: true });
process.exit(failures ? 1 : 0);
