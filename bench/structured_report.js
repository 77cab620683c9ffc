// structured_report.js - prints the tables of bench/structured.sh from its
// JSON lines (build/bench/structured.jsonl).
'use strict';
const fs = require('fs');
const rows = fs.readFileSync(process.argv[2], 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const json = rows.filter((r) => r.kind === 'json');
const pad = (s, n) => String(s).padEnd(n);
const num = (x) => String(x).padStart(9);
const ratio = (a, b) => (b ? (a / b).toFixed(3) : '-');
const base = (f) => f.replace(/^.*\//, '');

console.log('\n## JSON: o200k tokens (terse = terse compress --level safe)\n');
console.log(`${pad('document', 28)} ${num('minified')} ${num('TOON')} ${num('terse')}  terse/TOON  terse/min(TOON,min)  round trip`);
const gen = json.filter((r) => r.corpus === 'generated');
for (const r of gen) {
  console.log(`${pad(base(r.file), 28)} ${num(r.minified)} ${num(r.toon)} ${num(r.terse)}  ${pad(ratio(r.terse, r.toon), 10)}  ${pad(ratio(r.terse, Math.min(r.toon, r.minified)), 19)}  ${r.roundtrip ? 'ok' : 'FAILED'}`);
}
const groups = [
  ['generated (TOON benchmark sets)', (r) => r.corpus === 'generated', 0.9, 'toon'],
  ['real: github-repos.json', (r) => r.corpus === 'real' && /github-repos/.test(r.file)],
  ['real: iso-codes JSON', (r) => r.corpus === 'real' && /iso-codes/.test(r.file)],
  ['real: npm package.json files', (r) => r.corpus === 'real' && /package\.json$/.test(r.file)],
  ['real: nq-multidoc key-value records', (r) => r.corpus === 'real-kv'],
  ['real corpus, all of the above', (r) => r.corpus.startsWith('real'), 0.75, 'min'],
  ['real corpus without the key-value records', (r) => r.corpus === 'real', 0.75, 'min'],
];
console.log('\ntotals:');
console.log(`${pad('corpus', 44)} ${pad('docs', 5)} ${num('minified')} ${num('TOON')} ${num('terse')}  terse/TOON  terse/min(TOON,min)  target`);
for (const [name, pick, target, kind] of groups) {
  const g = json.filter(pick);
  if (!g.length) continue;
  const s = (k) => g.reduce((a, r) => a + r[k], 0);
  const m = Math.min(s('toon'), s('minified'));
  const got = kind === 'toon' ? s('terse') / s('toon') : s('terse') / m;
  const t = target ? `${kind === 'toon' ? 'terse/TOON' : 'terse/min'} <= ${target}: ${got <= target ? 'met' : 'MISSED'}` : '';
  console.log(`${pad(name, 44)} ${pad(g.length, 5)} ${num(s('minified'))} ${num(s('toon'))} ${num(s('terse'))}  ${pad(ratio(s('terse'), s('toon')), 10)}  ${pad(ratio(s('terse'), m), 19)}  ${t}`);
}
const worse = json.filter((r) => r.terse > Math.min(r.toon, r.minified));
console.log(`\nper document: terse above min(TOON, minified) on ${worse.length} of ${json.length}` +
  (worse.length ? ': ' + worse.slice(0, 10).map((r) => `${base(r.file)} (${r.terse} vs ${Math.min(r.toon, r.minified)})`).join(', ') : ''));
const worst = json.reduce((w, r) => { const q = r.terse / Math.min(r.toon, r.minified); return q > w.q ? { q, r } : w; }, { q: 0 });
if (worst.r) console.log(`worst ratio terse/min(TOON, minified): ${worst.q.toFixed(3)} (${base(worst.r.file)})`);
const bad = json.filter((r) => !r.roundtrip);
console.log(`round trip (terse decode gives the same value): ${json.length - bad.length} of ${json.length} ok` + (bad.length ? '; FAILED: ' + bad.map((r) => base(r.file)).join(', ') : ''));
for (const s of rows.filter((r) => r.kind === 'json-speed')) {
  console.log(`JSON speed at safe (terse_compress, o200k, one thread, the ${s.corpus} set, ${(s.bytes / 1e6).toFixed(2)} MB): ${s.mb_per_s} MB/s (target >= 50: ${s.mb_per_s >= 50 ? 'met' : 'MISSED'})`);
  if (s.count_share) {
    const share = Math.min(0.99, Math.max(0, s.count_share));
    console.log(`  of its time, counting the input and the output once each (tokens_in, tokens_out) takes about ${(100 * share).toFixed(0)}%; without those two counts: ${(s.mb_per_s / (1 - share)).toFixed(1)} MB/s`);
  }
}
const logs = rows.filter((r) => r.kind === 'log');
if (logs.length) {
  console.log('\n## Logs: terse compress --type log --level safe, o200k tokens\n');
  console.log(`${pad('file', 44)} ${num('bytes')} ${num('tokens')} ${num('safe')}  saved   round trip`);
  for (const r of logs) {
    console.log(`${pad(r.file, 44)} ${num(r.bytes)} ${num(r.tokens_in)} ${num(r.tokens_out)}  ${pad((100 * (1 - r.tokens_out / r.tokens_in)).toFixed(1) + '%', 7)} ${r.roundtrip ? 'exact' : 'FAILED'}`);
  }
}
