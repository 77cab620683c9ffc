// kv_floor.js - the least number of o200k tokens any encoding that keeps the
// UUIDs of the nq-multidoc key-value records as written can cost, against the
// 0.75 x min(TOON, minified) budget of the whole real-JSON corpus (issue 5).
//
//   node bench/kv_floor.js KV.jsonl.gz STRUCTURED.jsonl
//
// For each record, the 150 UUIDs of "ordered_kv_records" are concatenated with
// no separator at all (which no decoder could split by anything but their
// fixed length, and which drops the "key" and "value" fields, both of which
// repeat one of the pairs) and counted with gpt-tokenizer's o200k_base, the
// reference implementation. STRUCTURED.jsonl is the output of bench_json in
// bench/structured.sh; the budget is 0.75 x the smaller of TOON's and
// minified JSON's totals over its real corpus (the key-value records included). If the floor alone is above 0.75 x that total, no
// lossless encoding of these UUIDs meets the target, even if every other
// document cost nothing.
'use strict';
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const { createRequire } = require('module');

const [file, rowsFile] = process.argv.slice(2);
if (!file || !rowsFile) {
  console.error('usage: node bench/kv_floor.js KV.jsonl.gz STRUCTURED.jsonl');
  process.exit(1);
}
const real = fs.readFileSync(rowsFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l))
  .filter((r) => r.kind === 'json' && r.corpus.startsWith('real'));
const sum = (k) => real.reduce((a, r) => a + r[k], 0);
const minTotal = Math.min(sum('toon'), sum('minified'));
const depRequire = createRequire(path.join(__dirname, '..', 'deps', 'node_modules', '.resolve-from-here.js'));
const { encode } = depRequire('gpt-tokenizer/encoding/o200k_base');
const lines = zlib.gunzipSync(fs.readFileSync(file)).toString('utf8').split('\n').filter(Boolean);
let floor = 0, minified = 0;
for (const line of lines) {
  const rec = JSON.parse(line);
  if (!Array.isArray(rec.ordered_kv_records)) throw new Error(`${file}: a line without ordered_kv_records`);
  floor += encode(rec.ordered_kv_records.flat().join('')).length;
  minified += encode(JSON.stringify(rec)).length;
}
const budget = Math.floor(0.75 * Number(minTotal));
console.log(`key-value records: ${lines.length}; minified ${minified} tokens; their UUIDs alone, ` +
  `back to back with no separator: ${floor} tokens (${(floor / minified).toFixed(3)} of minified)`);
console.log(`target: 0.75 x ${minTotal} = ${budget} tokens for the whole real corpus; ` +
  `the UUIDs alone ${floor > budget ? 'exceed it: the target cannot be met by any encoding that keeps them as written'
    : 'fit in it'}`);
