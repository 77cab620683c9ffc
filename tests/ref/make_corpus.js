#!/usr/bin/env node
// make_corpus.js - write a test corpus of texts as a .tbin file for the exactness tests.
//
//   node tests/ref/make_corpus.js --set testplans|shared|pystdlib|adversarial|all --out FILE.tbin
//
// .tbin format (little-endian): repeated records `u32 byte_length` + that many raw bytes.
// Sets:
//   testplans    every `Sample:` line of gpt-tokenizer's data/TestPlans.txt (deduplicated, first-seen order)
//   shared       every JSON string value (keys excluded) of the .json/.jsonl/.jsonl.gz files of the shared
//                data folder ($TERSE_SHARED_DATA, default <root>/../shared/data), sorted file order, deduplicated
//   pystdlib     every .py file of python3's stdlib (site-packages/dist-packages excluded), sorted path order
//   adversarial  a fixed, generated list of texts designed to break tokenizers (incl. invalid UTF-8)
//   all          the four sets above concatenated in that order
// Output is deterministic. Counts and bytes go to stderr.
'use strict';
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const { execFileSync } = require('child_process');

const ROOT = path.resolve(__dirname, '..', '..');
const DEPS = path.join(ROOT, 'deps', 'node_modules');

function die(msg) { process.stderr.write(`make_corpus: ${msg}\n`); process.exit(2); }

// Keep the first occurrence of each exact byte sequence.
function dedup(bufs) {
  const seen = new Set();
  return bufs.filter((b) => { const k = b.toString('latin1'); if (seen.has(k)) return false; seen.add(k); return true; });
}

// ---- testplans: records are "EncodingName: X\nSample: S\nEncoded: [..]" separated by blank lines.
// A sample never contains a newline (every line of the file starts with one of the three prefixes),
// so each `Sample: ` line is exactly one sample (the prefix is "Sample: ", the rest may be empty).
function setTestplans() {
  const file = path.join(DEPS, 'gpt-tokenizer', 'data', 'TestPlans.txt');
  const out = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (line === '' || line.startsWith('EncodingName: ') || line.startsWith('Encoded: ')) continue;
    if (!line.startsWith('Sample: ')) die(`unexpected line in ${file}: ${JSON.stringify(line.slice(0, 60))}`);
    out.push(Buffer.from(line.slice('Sample: '.length), 'utf8'));
  }
  return dedup(out);
}

// ---- shared: all string values of the shared data files.
function sharedDataDir() {
  if (process.env.TERSE_SHARED_DATA) return process.env.TERSE_SHARED_DATA;
  const beside = path.resolve(ROOT, '..', 'shared', 'data'); // a worktree: one folder further down
  const below = path.resolve(ROOT, '..', '..', 'shared', 'data');
  return !fs.existsSync(beside) && fs.existsSync(below) ? below : beside;
}
function listFiles(dir, keep) { // recursive, sorted by path relative to dir
  const out = [];
  (function walk(rel) {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) { if (keep(r, true)) walk(r); } else if (e.isFile() && keep(r, false)) out.push(r);
    }
  })('');
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
function jsonStrings(v, out) {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) jsonStrings(x, out);
  else if (v !== null && typeof v === 'object') for (const k of Object.keys(v)) jsonStrings(v[k], out);
}
function readJsonDocs(file) { // one document for .json, one per non-empty line for .jsonl(.gz)
  let data = fs.readFileSync(file);
  if (file.endsWith('.gz')) data = zlib.gunzipSync(data);
  const text = data.toString('utf8');
  if (file.endsWith('.json')) return [JSON.parse(text)];
  return text.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l));
}
function setShared() {
  const dir = sharedDataDir();
  if (!fs.existsSync(dir)) die(`shared data folder not found: ${dir} (set TERSE_SHARED_DATA)`);
  const files = listFiles(dir, (r, isDir) => isDir || /\.(json|jsonl|jsonl\.gz)$/.test(r));
  const strs = [];
  for (const f of files) for (const doc of readJsonDocs(path.join(dir, f))) jsonStrings(doc, strs);
  const seen = new Set();
  return strs.filter((s) => (seen.has(s) ? false : (seen.add(s), true))).map((s) => Buffer.from(s, 'utf8'));
}

// ---- pystdlib: raw bytes of every .py file of the python3 standard library.
function pyStdlibFiles() { // absolute paths, sorted by path relative to the stdlib folder
  let dir;
  try {
    dir = execFileSync('python3', ['-c', 'import sysconfig;print(sysconfig.get_paths()["stdlib"])'], { encoding: 'utf8' }).trim();
  } catch (e) { die(`cannot ask python3 for its stdlib path: ${e.message.split('\n')[0]}`); }
  const rel = listFiles(dir, (r, isDir) => (isDir ? !/^(site|dist)-packages$/.test(path.basename(r)) : r.endsWith('.py')));
  return rel.map((r) => path.join(dir, r));
}
function setPystdlib() { return pyStdlibFiles().map((f) => fs.readFileSync(f)); }

// ---- adversarial
function setAdversarial() {
  let seed = 0x7e55e; // mulberry32
  const rnd = () => { seed = (seed + 0x6d2b79f5) | 0; let t = Math.imul(seed ^ (seed >>> 15), 1 | seed); t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t; return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
  const pick = (a) => a[Math.floor(rnd() * a.length)];
  const B = (...bytes) => Buffer.from(bytes);
  const S = (s) => Buffer.from(s, 'utf8');
  const digits = (n, off = 0) => Array.from({ length: n }, (_, i) => '1234567890'[(i + off) % 10]).join('');
  const zalgo = (word, k) => [...word].map((c) => c + Array.from({ length: k }, () => String.fromCodePoint(0x300 + Math.floor(rnd() * 0x70))).join('')).join('');

  const text = [
    // emoji
    '😀', '👍🏽', '👍🏿👍🏻👍', '👨‍👩‍👧‍👦', '🏳️‍🌈', '🏴‍☠️', '🇺🇸🇫🇷🇯🇵🇩🇪', '🇺', '🇺🇸🇺', '🧑🏿‍🚀', '👩🏻‍❤️‍💋‍👨🏼', '❤️', '❤︎', '#️⃣1️⃣', '🫠🫶🪿',
    '🏴󠁧󠁢󠁳󠁣󠁴󠁿', 'I love 🍕 and 🍣!', 'emoji😀glued😀text', ' 😀 😀  😀', '😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀',
    // scripts
    '你好，世界！', '日本語のテキストです。漢字かなカナ混じり文', '𠀀𠀁𪚥𩸽', '中文English混合123文本',
    '안녕하세요 세계', '\u1100\u1161\u11a8\u1102\u1165', 'สวัสดีครับ ภาษาไทยไม่มีช่องว่างระหว่างคำ', 'नमस्ते दुनिया क्षत्रिय',
    'مرحبا بالعالم', 'שלום עולם', 'abc \u200fمرحبا\u200e def', '\u202eabc\u202c', 'Ελληνικά ΣΊΣΥΦΟΣ', 'ПРИВЕТмир Ёлка',
    // combining marks
    'e\u0301 é', 'a\u0300\u0301\u0302\u0303\u0304\u0305\u0306', '\u0301start', 'Z\u0351\u036b\u0343\u036a\u0302\u036b\u033d\u034f\u0334\u0319',
    zalgo('zalgo', 8), zalgo('HE COMES', 20), zalgo('x', 60), 'ﬁﬂ ﬃ Å Å Å ǅungla ǈ',
    // numbers
    '1,234,567,890', '3.14159265358979', '1.000.000,00', '0x1F 0b1010 1e-10 -42 +7', '12:30:45 2024-01-01T00:00:00Z', '$1,000.50 €99 ¥1000',
    '٠١٢٣٤٥٦٧٨٩', '۰۱۲۳۴۵۶۷۸۹', '०१२३४५६७८९', '０１２３４５６７８９', '１２３ＡＢＣａｂｃ', '²³¹ ½ ¾ Ⅻ ①②③', '12٣4５6',
    // whitespace
    ' ', '  ', '   ', '\t', '\t\t', '\n', '\n\n', '\r\n', '\r\n\r\n', ' \r\n \t ', '\r', 'a\rb\rc', '\r\r\n\n\r',
    '\u00a0', 'a\u00a0b', '\u00a0\u00a0 \u00a0', '\u3000\u3000', '日本\u3000語', 'line\u2028sep', 'para\u2029sep', '\ufeffstart',
    'mid\ufeffdle', '\ufeff', '\u200bzero\u200bwidth', '\v\f', 'word   \n   word', 'abc   ', '   abc', ' \n \n ', '\t\n', 'x \t \n',
    '\u2003\u2009\u202f\u205f', 'a\u0085b',
    // special-token look-alikes
    '<|endoftext|>', '<|endofprompt|>', '<|fim_prefix|>', '<|fim_middle|>', '<|fim_suffix|>', '<|im_start|>', '<|endoftext|>hello<|endoftext|>',
    '<|endof', '<|endoftext|', ' <|endoftext|> ', 'a<|endoftext|>b<|endofprompt|>c', '<|endoftext|><|endoftext|>',
    '<start_of_turn>user\nHi<end_of_turn>\n<start_of_turn>model\n', '<start_of_turn>user', '<bos>', '<eos>', '<pad>', '<unk>', '<mask>',
    '[multimodal]', '<unused5>', '<unused99>', '<0x41>', '<0x0A>', '<0x41><0x42>', '<table>', '<tr><td>x</td></tr>', '<start_of_image>',
    '<end_of_image>', '<image_soft_token>', '<EOT>', '<META>', '<META_START>', '<META_END>', '<SOS>', '<EOT><EOT>', '<<bos>>', '<bos ><eos>',
    '<|endoftext|><bos><EOT>', 'text<eos>more<bos>', '<start_of_turn', '<bos', 'bos>',
    '▁', '▁▁', '▁▁▁▁▁', '▁'.repeat(31), '▁'.repeat(32), '▁'.repeat(100), 'a▁b', ' ▁ ', '▁hello ▁world', '\t\t\t', '\t'.repeat(40), '\n'.repeat(31), '\n'.repeat(32),
    // contractions and case
    "'s", "'S", "'LL", "'ll", "'Re", "'re", "'VE", "'M", "'D", "'t", "'T", "don't", "DON'T", "Don'T", "I'M", "we'Re", "you'LL", "it'S",
    "'ſ", "'ſt", "iſ'ſ", "IT'ſ", "'\u212a", "don’t", "DON’T", "it’s", "‘quoted’", "''s", "'''", "'", "' s", "'s's's", " 'll", "x'll've",
    'camelCaseWord', 'PascalCaseWord', 'ALLCAPS', 'HTTPServerError', "iPhone's", "McDonald'S", "XMLHttpRequest's", "JSONParser'LL",
    'getHTTPResponseCode', 'snake_case_name', 'kebab-case-name', '__dunder__', 'ÉCOLE straße STRASSE', 'İstanbul ıi', 'ǅungla',
    // punctuation, URLs, paths
    'Hello,world!How?are;you:fine.', 'end.Start', '(parens)[brackets]{braces}', 'a...b', 'wait—what–now', '¿Qué? ¡Sí!', '!!!???', 'a/b\\c',
    'x+=1;y-=2', 'foo()bar[]baz{}', '...\n', '--flag=value', '@user #tag', '«guillemets» „quotes“',
    'https://example.com/path?query=1&b=2#frag', 'http://user:pass@host:8080/', 'www.example.co.uk', 'mailto:a@b.c',
    'ftp://files.example.org/pub/file.tar.gz', 'https://ja.wikipedia.org/wiki/日本', '/usr/local/bin/python3',
    'C:\\Windows\\System32\\drivers\\etc\\hosts', '~/.config/app/settings.json', './src/../lib/file.c', '\\\\server\\share',
    // JSON and code
    '{"key": "value", "n": 123, "arr": [1, 2.5, null, true]}', '{\n  "a": {\n    "b": [\n      1,\n      2\n    ]\n  }\n}',
    '{"emoji":"😀","esc":"\\u00e9\\n"}',
    'def f(x):\n    """Doc."""\n    return x ** 2  # square\n',
    'int main(void) {\n\tprintf("%d\\n", 42);\n\treturn 0;\n}\n',
    'const f = (a, b) => a?.b ?? [...b];', 'fn main() { let v: Vec<u8> = vec![]; }', 'for i in $(seq 1 10); do echo "$i"; done',
    'SELECT * FROM t WHERE x = \'y\';', '<div class="a">&amp;&nbsp;</div>', '| a | b |\n|---|---|\n| 1 | 2 |', '^\\s*(?:foo|bar)+$',
    // NUL and control characters
    '', '\0', 'a\0b', '\0\0\0', '\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x7f',
    '\x1b[31mred\x1b[0m', '\u0080\u0081\u009f', 'tab\x0bvtab', '\u{10ffff}\u{fffe}\u{e000}\u{f0000}',
  ].map(S);

  for (let n = 1; n <= 50; n++) text.push(S(digits(n, n)));
  for (const n of [3, 4, 7, 13, 25]) text.push(S(' ' + digits(n)), S('x' + digits(n) + 'y'), S(digits(n) + '.' + digits(n, 3)));

  const invalid = [
    B(0x80), B(0xbf), B(0x80, 0x80, 0x80), Buffer.concat([S('a'), B(0x80), S('b')]), B(0xc3), Buffer.concat([S('abc'), B(0xc3)]),
    B(0xe2, 0x82), B(0xf0, 0x9f, 0x98), B(0xc0, 0x80), B(0xc1, 0xbf), B(0xe0, 0x80, 0x80), B(0xe0, 0x9f, 0xbf), B(0xf0, 0x80, 0x80, 0x80),
    B(0xf0, 0x8f, 0xbf, 0xbf), B(0xed, 0xa0, 0x80), B(0xed, 0xbf, 0xbf), B(0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80), B(0xf4, 0x90, 0x80, 0x80),
    B(0xf5), B(0xf5, 0x80, 0x80, 0x80), B(0xf8, 0x88, 0x80, 0x80, 0x80), B(0xfc, 0x84, 0x80, 0x80, 0x80, 0x80), B(0xfe), B(0xff), B(0xff, 0xfe),
    B(0xef, 0xbb, 0xbf, 0x61), B(0xc3, 0x28), B(0xe2, 0x28, 0xa1), B(0xe2, 0x82, 0x28), B(0xf0, 0x28, 0x8c, 0xbc), B(0xf0, 0x90, 0x28, 0xbc),
    Buffer.concat([S('caf'), B(0xe9), S(' na'), B(0xef), S('ve')]), Buffer.concat([S('abc '), B(0xe2, 0x82), S(' def')]),
    Buffer.concat([S("it'"), B(0x80), S('s')]), Buffer.concat([S(' '), B(0xc3), S(' '), B(0xa9)]), B(0xc3, 0xc3, 0xa9, 0xa9),
  ];
  for (const s of ['héllo 😀', '日本語', 'naïve €', '👨‍👩‍👧']) { // a valid text cut inside its last character
    const b = S(s);
    for (let cut = 1; cut <= 3; cut++) if ((b[b.length - cut] & 0xc0) === 0x80) invalid.push(b.subarray(0, b.length - cut));
  }
  for (let i = 0; i < 10; i++) invalid.push(Buffer.from(Array.from({ length: 8 + i * 8 }, () => Math.floor(rnd() * 256))));
  for (let i = 0; i < 10; i++) invalid.push(Buffer.from(Array.from({ length: 40 }, () => 0x80 + Math.floor(rnd() * 128))));
  text.push(...invalid);

  // random mixtures of short fragments (glued at the byte level, so invalid bytes meet valid ones)
  const pool = text.filter((b) => b.length > 0 && b.length <= 200);
  for (let i = 0; i < 200; i++) {
    const parts = [];
    for (let k = 2 + Math.floor(rnd() * 7); k > 0; k--) parts.push(pick(pool), ...(rnd() < 0.3 ? [pick([S(' '), S('\n'), S(''), S('  ')])] : []));
    text.push(Buffer.concat(parts));
  }

  // very long texts
  text.push(S('a'.repeat(100000)), S(' '.repeat(100000)), S('\n'.repeat(50000)),
    S('word '.repeat(2000) + digits(5000) + ' ' + 'ab'.repeat(5000)), S('😀'.repeat(3000)), S('\r\n'.repeat(5000) + 'x'));
  return dedup(text);
}

const SETS = { testplans: setTestplans, shared: setShared, pystdlib: setPystdlib, adversarial: setAdversarial };

function writeTbin(file, texts) {
  const fd = fs.openSync(file, 'w');
  const len = Buffer.alloc(4);
  for (const t of texts) { len.writeUInt32LE(t.length, 0); fs.writeSync(fd, len); fs.writeSync(fd, t); }
  fs.closeSync(fd);
}

function main(argv) {
  const args = {};
  for (let i = 0; i < argv.length; i += 2) {
    if (!['--set', '--out'].includes(argv[i]) || argv[i + 1] === undefined) die(`bad argument ${JSON.stringify(argv[i])}; usage: --set ${Object.keys(SETS).join('|')}|all --out FILE.tbin`);
    args[argv[i].slice(2)] = argv[i + 1];
  }
  if (!args.set || !args.out) die(`usage: --set ${Object.keys(SETS).join('|')}|all --out FILE.tbin`);
  const names = args.set === 'all' ? Object.keys(SETS) : [args.set];
  if (!SETS[names[0]]) die(`unknown set ${JSON.stringify(args.set)}`);
  const texts = [];
  for (const n of names) {
    const t = SETS[n]();
    process.stderr.write(`make_corpus: ${n}: ${t.length} texts, ${t.reduce((a, b) => a + b.length, 0)} bytes\n`);
    for (const x of t) texts.push(x);
  }
  writeTbin(args.out, texts);
  if (names.length > 1) process.stderr.write(`make_corpus: ${args.set}: ${texts.length} texts, ${texts.reduce((a, b) => a + b.length, 0)} bytes\n`);
}

if (require.main === module) {
  try { main(process.argv.slice(2)); } catch (e) { die(e && e.message ? e.message.split('\n')[0] : String(e)); }
}
module.exports = { pyStdlibFiles, sharedDataDir, readJsonDocs, listFiles };
