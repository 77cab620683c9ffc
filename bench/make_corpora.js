#!/usr/bin/env node
// make_corpora.js - write the three benchmark corpora (deterministic, each at most 4,000,000 bytes).
//
//   node bench/make_corpora.js --outdir DIR
//
//   prose.txt  SQuAD v2 paragraph contexts, then NQ passages (nq-open-oracle ctxs[].text), then the `nl`
//              verbose texts of seed-pairs/pairs.jsonl, then GSM8K questions; deduplicated, joined by blank
//              lines ("\n\n"), stopped at the last whole text that fits.
//   code.txt   the .py files of python3's standard library (site-packages/dist-packages excluded) in sorted
//              path order, raw bytes concatenated, stopped at the last whole file that fits; files that are not
//              valid UTF-8 are skipped so every implementation sees the same text.
//   json.json  a JSON array, pretty-printed with 2 spaces, of: toon-bench/github-repos.json,
//              toon-bench/generated/*.json (sorted), locomo-dev/*.json (sorted), then the articles of
//              squad-v2/dev-v2.0.json, stopped at the last whole element that fits.
// Shared data: $TERSE_SHARED_DATA, default <root>/../shared/data. Sizes go to stderr.
'use strict';
const fs = require('fs');
const path = require('path');
const { pyStdlibFiles, sharedDataDir, readJsonDocs, listFiles } = require('../tests/ref/make_corpus.js');

const LIMIT = 4000000;
function die(msg) { process.stderr.write(`make_corpora: ${msg}\n`); process.exit(2); }

const argv = process.argv.slice(2);
if (argv.length !== 2 || argv[0] !== '--outdir') die('usage: --outdir DIR');
const outdir = argv[1];
fs.mkdirSync(outdir, { recursive: true });
const data = sharedDataDir();
if (!fs.existsSync(data)) die(`shared data folder not found: ${data} (set TERSE_SHARED_DATA)`);
const docs = (rel) => readJsonDocs(path.join(data, rel));

// Appends buffers (with a separator) while the total stays within LIMIT.
function fill(bufs, sep, limit = LIMIT) {
  const out = [];
  let size = 0;
  for (const b of bufs) {
    const add = b.length + (out.length ? sep.length : 0);
    if (size + add > limit) break;
    if (out.length) out.push(sep);
    out.push(b);
    size += add;
  }
  return Buffer.concat(out);
}
function write(name, buf, what) {
  fs.writeFileSync(path.join(outdir, name), buf);
  process.stderr.write(`make_corpora: ${name}: ${buf.length} bytes (${what})\n`);
}

// prose
const prose = [];
for (const art of docs('squad-v2/dev-v2.0.json')[0].data) for (const p of art.paragraphs) prose.push(p.context);
for (const r of docs('nq-multidoc/nq-open-oracle.jsonl.gz')) for (const c of r.ctxs) prose.push(c.text);
for (const r of docs('seed-pairs/pairs.jsonl')) if (r.domain === 'nl') prose.push(r.verbose);
for (const r of docs('gsm8k/test.jsonl')) prose.push(r.question);
const uniq = [...new Set(prose)];
const proseBuf = fill(uniq.map((s) => Buffer.from(s, 'utf8')), Buffer.from('\n\n'));
write('prose.txt', proseBuf, `${uniq.length} distinct texts available`);

// code
const utf8 = new TextDecoder('utf-8', { fatal: true });
const files = pyStdlibFiles().map((f) => fs.readFileSync(f));
const valid = files.filter((b) => { try { utf8.decode(b); return true; } catch { return false; } });
const codeBuf = fill(valid, Buffer.alloc(0));
write('code.txt', codeBuf, `${files.length} stdlib files, ${files.length - valid.length} not UTF-8 skipped`);

// json: elements are serialized alone and indented one level, exactly as JSON.stringify(array, null, 2) would.
const jsonFiles = ['toon-bench/github-repos.json',
  ...listFiles(path.join(data, 'toon-bench', 'generated'), (r) => r.endsWith('.json')).map((f) => `toon-bench/generated/${f}`),
  ...listFiles(path.join(data, 'locomo-dev'), (r) => r.endsWith('.json')).map((f) => `locomo-dev/${f}`)];
const elems = jsonFiles.map((f) => docs(f)[0]).concat(docs('squad-v2/dev-v2.0.json')[0].data);
const parts = elems.map((e) => Buffer.from(JSON.stringify(e, null, 2).replace(/^/gm, '  '), 'utf8'));
const body = fill(parts, Buffer.from(',\n'), LIMIT - 5); // 5 = '[\n' + '\n]\n'
const jsonBuf = Buffer.concat([Buffer.from('[\n'), body, Buffer.from('\n]\n')]);
const json = JSON.parse(jsonBuf.toString('utf8'));
if (!jsonBuf.equals(Buffer.from(JSON.stringify(json, null, 2) + '\n', 'utf8'))) die('internal error: json.json is not the canonical pretty-printing');
write('json.json', jsonBuf, `${json.length} of ${elems.length} elements`);
