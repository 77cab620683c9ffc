// toon_encode.js - writes the TOON form (@toon-format/toon, the reference
// encoder pinned in deps/package.json) of JSON files, for bench/structured.sh.
//
//   node bench/toon_encode.js MANIFEST
//
// MANIFEST has one "name<TAB>json path<TAB>toon path" line per document;
// each json path is read, parsed and encoded with the default options
// (indent 2, comma delimiter), and written to its toon path.
'use strict';
const fs = require('fs');
const path = require('path');

async function main() {
  const toon = await import(path.resolve(__dirname, '../deps/node_modules/@toon-format/toon/dist/index.mjs'));
  const lines = fs.readFileSync(process.argv[2], 'utf8').split('\n').filter(Boolean);
  for (const line of lines) {
    const [, json, out] = line.split('\t');
    fs.writeFileSync(out, toon.encode(JSON.parse(fs.readFileSync(json, 'utf8'))));
  }
}

main().catch((e) => {
  process.stderr.write(`toon_encode.js: ${e.message}\n`);
  process.exit(1);
});
