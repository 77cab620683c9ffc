#!/bin/sh
# bench-quality.sh - `make bench-quality`: runs `terse eval` over every
# shared data set (all levels, all tokenizers; about 80 s on one core), then
# query-aware at --budget 10 and 50 (o200k, max; about 50 s), and
# rewrites the part of docs/benchmarks.md between the markers
#   <!-- bench-quality:begin -->  and  <!-- bench-quality:end -->
# from the report, leaving the rest of the file untouched. The full report,
# its JSON and the plots stay in build/eval/bench-quality/.
#
#   scripts/bench-quality.sh [BUILD_DIR]     (data: $TERSE_DATA, else ../shared/data
#                                            or ../../shared/data: terse eval's default)
set -eu
cd "$(dirname "$0")/.."
B=${1:-build}
OUT=$B/eval/bench-quality
mkdir -p "$B/eval"
"$B/terse" eval --out "$OUT" > /dev/null
for pct in 10 50; do
    "$B/terse" eval --budget $pct --tokenizers o200k --levels max --out "$OUT/budget$pct" > /dev/null
done
node - "$OUT/report.json" docs/benchmarks.md "$OUT/budget10/report.json" "$OUT/budget50/report.json" <<'JS'
const fs = require('fs');
const [reportFile, doc, ...budgetFiles] = process.argv.slice(2);
const r = JSON.parse(fs.readFileSync(reportFile, 'utf8'));
const sets = [...new Set(r.results.map(x => x.set))];
const levels = [...new Set(r.results.map(x => x.level))];
const toks = [...new Set(r.results.map(x => x.tokenizer))];
const get = (s, t, l) => r.results.find(x => x.set === s && x.tokenizer === t && x.level === l);
const f2 = v => v == null ? '-' : v.toFixed(2);
const L = [];
L.push('<!-- bench-quality:begin -->');
L.push('<!-- written by `make bench-quality` (scripts/bench-quality.sh); edits here are overwritten -->');
L.push('');
L.push(`\`terse eval\` over every shared data set (${sets.join(', ')}), every level, tokens on o200k. ` +
    '% saved = 1 - tokens out / tokens in over the whole set; retention is over the answerable ' +
    'questions (strict / content, definitions in [eval.md](eval.md)); numbers: distinct numbers of the input ' +
    'still in the output; guard: items whose output lacks a protected item of the input. ' +
    `terse ${r.meta.version}.`);
L.push('');
L.push('| set | level | items | % saved | median out/in | strict % | content % | numbers kept % | guard | kv pair / all UUIDs % | JSON round trip % | reference out/in |');
L.push('|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const s of sets) for (const l of levels) {
    const c = get(s, 'o200k', l) || get(s, toks[0], l);
    L.push(`| ${s} | ${l} | ${c.items} | ${f2(c.saved_pct)} | ${c.median_ratio.toFixed(4)} | ${f2(c.strict_retention)} | ` +
        `${f2(c.content_retention)} | ${c.numbers ? f2(100 * c.numbers_kept / c.numbers) : '-'} | ${c.guard_violations} | ` +
        `${c.kv_pair_recall != null ? `${f2(c.kv_pair_recall)} / ${f2(c.kv_all_uuids)}` : '-'} | ${f2(c.json_round_trip)} | ` +
        `${c.reference_ratio != null ? c.reference_ratio.toFixed(4) : '-'} |`);
}
const inputs = r.inputs.filter(x => x.questions);
L.push('');
L.push('Answers present in the uncompressed input (the ceiling): ' +
    inputs.map(x => `${x.set} ${f2(x.strict_retention)}% strict / ${f2(x.content_retention)}% content`).join('; ') + '.');
L.push('');
L.push('% saved per tokenizer (balanced / max):');
L.push('');
L.push(`| set | ${toks.join(' | ')} |`);
L.push(`|---|${toks.map(() => '---').join('|')}|`);
for (const s of sets) {
    L.push(`| ${s} | ${toks.map(t => `${f2((get(s, t, 'balanced') || {}).saved_pct)} / ${f2((get(s, t, 'max') || {}).saved_pct)}`).join(' | ')} |`);
}
L.push('');
L.push('Query-aware (`--budget PCT`, o200k, highest level max): one call per question with the question ' +
    '(kv: the key) as `--query` and floor(PCT% of the item\'s tokens) as `--budget`; a call whose budget cannot ' +
    'be met keeps nothing and counts at full size:');
L.push('');
L.push('| set | budget | calls | % saved | strict % | content % | kv pair % | budget not met |');
L.push('|---|---|---|---|---|---|---|---|');
for (const f of budgetFiles) {
    const b = JSON.parse(fs.readFileSync(f, 'utf8'));
    for (const c of b.results) {
        L.push(`| ${c.set} | ${b.meta.budget_pct}% | ${c.items} | ${f2(c.saved_pct)} | ${f2(c.strict_retention)} | ` +
            `${f2(c.content_retention)} | ${c.kv_pair_recall != null ? f2(c.kv_pair_recall) : '-'} | ${c.errors + c.over_budget} |`);
    }
}
const sec = r.results.reduce((a, x) => a + x.seconds, 0), mb = r.results.reduce((a, x) => a + x.bytes, 0) / 1e6;
L.push('');
L.push(`Compression time over all ${r.results.length} runs: ${sec.toFixed(1)} s for ${mb.toFixed(1)} MB ` +
    `(${(mb / sec).toFixed(1)} MB/s; the machine was shared). claude counts are an estimate. ` +
    'Plots: `build/eval/bench-quality/fidelity-TOKENIZER.svg`. Reproduce: `make bench-quality` (about 2 minutes).');
L.push('<!-- bench-quality:end -->');
let text = fs.readFileSync(doc, 'utf8');
const b = text.indexOf('<!-- bench-quality:begin -->'), e = text.indexOf('<!-- bench-quality:end -->');
if (b >= 0 && e > b) text = text.slice(0, b) + L.join('\n') + text.slice(e + '<!-- bench-quality:end -->'.length);
else text = text.replace(/\n*$/, '\n\n## Fidelity over every data set (`make bench-quality`, issue 7)\n\n' + L.join('\n') + '\n');
fs.writeFileSync(doc, text);
JS
echo "bench-quality: docs/benchmarks.md updated from $OUT/report.json"
