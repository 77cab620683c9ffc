#!/usr/bin/env node
// compare-inputs.js - write the inputs that scripts/compare-output.sh runs two
// terse binaries over (deterministic: the same data gives the same files).
//
//   node scripts/compare-inputs.js --data DIR --outdir DIR
//
// Into OUTDIR/items, one file per input, named so that the name says where it
// comes from (and, by its extension, lets terse recognize code):
//   - every record-level text of the shared data sets: SQuAD v2 contexts and
//     questions, NQ multi-document passages (joined per question, as one
//     document, and each passage), key-value retrieval contexts, GSM8K
//     questions and answers, seed-pairs texts (the code and prose of each
//     message), the toon-bench records;
//   - every LoCoMo session three ways: a `Speaker: text` transcript, OpenAI
//     chat messages (JSON), and a memory list (JSON array of {text, time});
//   - the first records of each JSON Lines file, each as its own JSON input.
// Each kind is capped (PER_KIND) so a run stays in minutes; which records are
// taken is fixed (every STEP-th from the start).
// A line `QUERY<TAB>file<TAB>query` per input with a natural question goes to
// OUTDIR/queries.tsv, for the --query/--budget runs.
'use strict';
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

function die(msg) { process.stderr.write(`compare-inputs: ${msg}\n`); process.exit(2); }
const argv = process.argv.slice(2);
let data = null, outdir = null;
for (let i = 0; i < argv.length; i += 2) {
  if (argv[i] === '--data') data = argv[i + 1];
  else if (argv[i] === '--outdir') outdir = argv[i + 1];
  else die(`unknown argument ${argv[i]}`);
}
if (!data || !outdir) die('usage: --data DIR --outdir DIR');
const items = path.join(outdir, 'items');
fs.mkdirSync(items, { recursive: true });

const PER_KIND = Number(process.env.COMPARE_PER_KIND || 40);
const queries = [];
const counts = {};
function put(kind, ext, text, query) {
  counts[kind] = (counts[kind] || 0) + 1;
  if (counts[kind] > PER_KIND) return false;
  const name = `${kind}-${String(counts[kind]).padStart(3, '0')}.${ext}`;
  fs.writeFileSync(path.join(items, name), text);
  if (query) queries.push(`${name}\t${query.replace(/[\t\n]/g, ' ')}`);
  return true;
}
function readText(p) {
  const b = fs.readFileSync(p);
  return (p.endsWith('.gz') ? zlib.gunzipSync(b) : b).toString('utf8');
}
function jsonl(p, max) {
  const out = [];
  for (const line of readText(p).split('\n')) {
    if (!line.trim()) continue;
    out.push(JSON.parse(line));
    if (out.length >= max) break;
  }
  return out;
}
const d = (rel) => path.join(data, rel);

// SQuAD v2: contexts with their first question, and the questions alone.
if (fs.existsSync(d('squad-v2/dev-v2.0.json'))) {
  const squad = JSON.parse(readText(d('squad-v2/dev-v2.0.json')));
  let n = 0;
  for (const a of squad.data) {
    for (const p of a.paragraphs) {
      if (n++ % 7) continue;
      const q = p.qas.length ? p.qas[0].question : '';
      put('squad-context', 'txt', p.context, q);
      if (q) put('squad-question', 'txt', q + '\n');
    }
  }
}

// NQ multi-document: the passages of a question as one document, and one passage.
for (const f of ['nq-multidoc/nq-open-oracle.jsonl.gz']) {
  if (!fs.existsSync(d(f))) continue;
  for (const r of jsonl(d(f), 400).filter((_, i) => i % 10 === 0)) {
    const doc = r.ctxs.map((c) => `Document (Title: ${c.title}) ${c.text}`).join('\n\n');
    put('nq-doc', 'txt', doc, r.question);
    if (r.ctxs.length) put('nq-passage', 'txt', r.ctxs[0].text + '\n', r.question);
  }
}
if (fs.existsSync(d('nq-multidoc/kv-retrieval-75_keys.jsonl.gz'))) {
  for (const r of jsonl(d('nq-multidoc/kv-retrieval-75_keys.jsonl.gz'), 40).filter((_, i) => i % 4 === 0)) {
    const kv = {};
    for (const [k, v] of r.ordered_kv_records || []) kv[k] = v;
    put('kv-json', 'json', JSON.stringify(kv, null, 2) + '\n', r.key ? `value of key ${r.key}` : null);
  }
}

// GSM8K questions and worked answers.
if (fs.existsSync(d('gsm8k/test.jsonl'))) {
  for (const r of jsonl(d('gsm8k/test.jsonl'), 400).filter((_, i) => i % 10 === 0)) {
    put('gsm8k-question', 'txt', r.question + '\n');
    put('gsm8k-answer', 'txt', r.answer + '\n');
  }
}

// seed-pairs: each message's content (code with a prose frame), by file.
for (const f of ['seed-pairs/test.jsonl', 'seed-pairs/valid.jsonl', 'seed-pairs/pairs.jsonl']) {
  if (!fs.existsSync(d(f))) continue;
  const kind = 'seed-' + path.basename(f, '.jsonl');
  for (const r of jsonl(d(f), 800).filter((_, i) => i % 20 === 0)) {
    if (Array.isArray(r.messages)) {
      for (const m of r.messages) {
        if (m.role === 'user' && typeof m.content === 'string') put(kind + '-user', 'txt', m.content);
        if (m.role === 'assistant' && typeof m.content === 'string') put(kind + '-assistant', 'txt', m.content);
      }
      put(kind + '-chat', 'json', JSON.stringify({ messages: r.messages }, null, 1));
    } else {
      for (const [k, v] of Object.entries(r)) {
        if (typeof v === 'string' && v.length > 80) put(`${kind}-${k}`.replace(/[^A-Za-z0-9-]/g, '_'), 'txt', v);
      }
    }
    put(kind + '-record', 'json', JSON.stringify(r) + '\n');
  }
}

// LoCoMo: each session as a transcript, as chat messages and as a memory list.
if (fs.existsSync(d('locomo-dev'))) {
  for (const f of fs.readdirSync(d('locomo-dev')).filter((n) => n.endsWith('.json')).sort()) {
    const doc = JSON.parse(readText(d('locomo-dev/' + f)));
    const conv = doc.conversation || doc;
    const a = conv.speaker_a;
    for (let s = 1; Array.isArray(conv[`session_${s}`]); s += 3) {
      const turns = conv[`session_${s}`];
      const when = conv[`session_${s}_date_time`] || '';
      const q = turns.length ? turns[turns.length - 1].text.split(' ').slice(0, 6).join(' ') : null;
      put('locomo-transcript', 'txt', turns.map((t) => `${t.speaker}: ${t.text}`).join('\n') + '\n', q);
      put('locomo-chat', 'json', JSON.stringify(turns.map((t) =>
        ({ role: t.speaker === a ? 'user' : 'assistant', content: t.text })), null, 2) + '\n', q);
      put('locomo-memory', 'json', JSON.stringify(turns.map((t) =>
        ({ text: `${t.speaker} said: ${t.text}`, time: when }))) + '\n', q);
    }
  }
}

// toon-bench: each generated set's first records, and the files whole (below).
if (fs.existsSync(d('toon-bench/generated'))) {
  for (const f of fs.readdirSync(d('toon-bench/generated')).sort()) {
    const v = JSON.parse(readText(d('toon-bench/generated/' + f)));
    const arr = Array.isArray(v) ? v : Object.values(v).find(Array.isArray);
    if (Array.isArray(arr)) put('toon-' + path.basename(f, '.json'), 'json', JSON.stringify(arr.slice(0, 30), null, 2) + '\n', 'id');
  }
}

fs.writeFileSync(path.join(outdir, 'queries.tsv'), queries.join('\n') + (queries.length ? '\n' : ''));
const total = Object.values(counts).reduce((s, n) => s + Math.min(n, PER_KIND), 0);
process.stderr.write(`compare-inputs: ${total} items in ${items}\n`);
