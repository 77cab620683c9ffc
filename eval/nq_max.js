#!/usr/bin/env node
/* nq_max.js - `max` with a word model on the NQ oracle passages (or the SQuAD
 * v2 dev contexts): % fewer tokens and content retention (eval/quality.js's
 * definitions). How the built-in model's threshold was chosen
 * (docs/model-format.md): the largest that keeps NQ at 99.0% or more.
 *
 *   node eval/nq_max.js [MODEL.twm|none|default] [nq|squad] [--terse build/terse] [--data ../shared/data]
 *
 * NQ: each question's oracle passage as "title\n\ntext", one question each;
 * SQuAD: each paragraph once, every answerable question of it. Runs one
 * `terse compress --jsonl -T2` over all items; tokens are o200k. */
'use strict';
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const os = require('os');
const { spawnSync } = require('child_process');
const q = require('./quality.js');

const args = process.argv.slice(2);
const opt = (name, def) => { const i = args.indexOf(name); if (i < 0) return def; const v = args[i + 1]; args.splice(i, 2); return v; };
const terse = opt('--terse', 'build/terse');
const data = opt('--data', fs.existsSync('../shared/data') ? '../shared/data' : '../../shared/data');
const model = args[0] || 'default';
const set = args[1] || 'nq';
if (set !== 'nq' && set !== 'squad') {
    console.error('nq_max: the set is nq or squad');
    process.exit(1);
}
const recs = [], ans = [];
if (set === 'nq') {
    const lines = zlib.gunzipSync(fs.readFileSync(path.join(data, 'nq-multidoc', 'nq-open-oracle.jsonl.gz')))
        .toString().split('\n').filter(Boolean);
    lines.forEach((l, i) => {
        const r = JSON.parse(l), c = r.ctxs[0];
        recs.push({ id: String(i), text: c.title + '\n\n' + c.text, level: 'max' });
        ans.push([r.answers.map((a) => q.normalize(a))]);
    });
} else {
    const sq = JSON.parse(fs.readFileSync(path.join(data, 'squad-v2', 'dev-v2.0.json'), 'utf8'));
    for (const a of sq.data)
        for (const p of a.paragraphs) {
            recs.push({ id: String(recs.length), text: p.context, level: 'max' });
            ans.push(p.qas.filter((x) => !x.is_impossible && x.answers.length)
                .map((x) => [...new Set(x.answers.map((y) => q.normalize(y.text)))]));
        }
}
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nq-max-'));
const input = path.join(tmp, 'in.jsonl');
fs.writeFileSync(input, recs.map((r) => JSON.stringify(r)).join('\n') + '\n');
const cmd = ['compress', '--jsonl', '-T2', input];
if (model !== 'default') cmd.push('--word-model', model);
const r = spawnSync(terse, cmd, { maxBuffer: 1 << 30 });
fs.rmSync(tmp, { recursive: true, force: true });
if (r.status !== 0) {
    console.error('nq_max: ' + terse + ' failed: ' + r.stderr.toString().trim());
    process.exit(2);
}
const outs = r.stdout.toString().split('\n').filter(Boolean).map((l) => JSON.parse(l));
let tin = 0, tout = 0, n = 0, kept = 0;
outs.forEach((o, i) => {
    tin += o.tokens_in;
    tout += o.tokens_out;
    const nt = q.normalize(o.text);
    for (const golds of ans[i]) {
        n++;
        if (golds.some((a) => q.contentRetained(nt, a))) kept++;
    }
});
console.log(`${set} max, word model ${model}: ${outs.length} items, ${(100 * (1 - tout / tin)).toFixed(2)}% fewer o200k tokens, ` +
    `content retention ${(100 * kept / n).toFixed(2)}% of ${n} questions`);
