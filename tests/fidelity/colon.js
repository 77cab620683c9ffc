#!/usr/bin/env node
// colon.js - names with a colon inside (package:arch, host:port, a::b,
// key:value with no space, times 12:30, IPv6, URNs) are untouched at every
// level and under --budget (issue 13), on real text of this machine:
//   docs    every /usr/share/doc/*/changelog* (gunzipped), cut at CAP bytes
//   status  /var/lib/dpkg/status in pieces of CAP bytes (cut at a blank line)
//   man     every k-th man page of sections 1, 5 and 8 rendered as text
//
//   node tests/fidelity/colon.js [BUILD_DIR] [MAX_FILES]
//
// Items: runs of [A-Za-z0-9_] parts joined by . - + ~ : or :: that have a
// single ':' between two parts (this extractor shares no code with the
// lexer). Without a budget, each item of the input appears byte-exact in
// the output of every level. Under a budget (two thirds, a half, a quarter
// and an eighth of max's tokens) whole segments may go, so there: every such
// item of the output is an item of the input (no re-spaced or cut one), and
// a first part that occurs in the input only inside items never appears
// alone in the output (no "libc6 […]"). Tool output's notation is read
// through `terse decode`. Prints "ok"/"not ok" lines and "#" comments.
'use strict';
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const { execFileSync, spawnSync } = require('child_process');

const BUILD = process.argv[2] || 'build';
const LIMIT = Number(process.argv[3] || 150);
const TERSE = path.resolve(BUILD, 'terse');
const LEVELS = ['exact', 'safe', 'balanced', 'max'];
const CAP = 8192;
// the budgets: max's tokens divided by each
const DIVS = (process.env.COLON_DIVS || '1.5,2,4,8').split(',').map(Number);

const ITEM = /[A-Za-z0-9_]+(?:(?:[.+~-]|::?)[A-Za-z0-9_]+)*/g;
const SINGLE = /(^|[^:]):([^:]|$)/;

function items(text) {
    const out = [];
    let m;
    ITEM.lastIndex = 0;
    while ((m = ITEM.exec(text)) !== null) if (SINGLE.test(m[0])) out.push(m[0]);
    return out;
}

// Whether item occurs in text with no name character glued to it (nor a
// colon that joins one: "a:b" is not in "x:a:b", it is in ":a:b:").
function present(text, item) {
    const name = (c) => c !== undefined && /[A-Za-z0-9_]/.test(c);
    for (let i = text.indexOf(item); i >= 0; i = text.indexOf(item, i + 1)) {
        const e = i + item.length;
        if (!name(text[i - 1]) && !(text[i - 1] === ':' && name(text[i - 2])) &&
            !name(text[e]) && !(text[e] === ':' && name(text[e + 1])))
            return true;
    }
    return false;
}

function cut(s) {
    if (Buffer.byteLength(s) <= CAP) return s;
    s = Buffer.from(s).subarray(0, CAP).toString('utf8').replace(/\uFFFD$/, '');
    const nl = s.lastIndexOf('\n');
    return nl > 0 ? s.slice(0, nl + 1) : s;
}

function every(list, n) {
    if (list.length <= n) return list;
    const out = [];
    for (let i = 0; i < n; i++) out.push(list[Math.floor((i * list.length) / n)]);
    return out;
}

function sample() {
    const files = [];
    const skip = (why) => console.log('# skip: ' + why);
    let docs = [];
    try {
        docs = fs.readdirSync('/usr/share/doc').sort().flatMap((d) => {
            try {
                return fs.readdirSync('/usr/share/doc/' + d).filter((n) => /^changelog/.test(n)).sort()
                    .map((n) => `/usr/share/doc/${d}/${n}`);
            } catch (e) {
                return [];
            }
        });
    } catch (e) { /* none */ }
    // the changelogs that have an item come first: they are what is checked
    const withItems = [], without = [];
    for (const p of docs) {
        try {
            let b = fs.readFileSync(p);
            if (p.endsWith('.gz')) b = zlib.gunzipSync(b);
            const t = cut(b.toString('utf8'));
            (items(t).length ? withItems : without).push({ src: 'docs', name: p, text: t });
        } catch (e) { /* unreadable or not a file */ }
    }
    if (!docs.length) skip('no /usr/share/doc/*/changelog*');
    for (const f of every(withItems, LIMIT)) files.push(f);
    try {
        const st = fs.readFileSync('/var/lib/dpkg/status', 'utf8');
        let piece = '';
        const pieces = [];
        for (const para of st.split('\n\n')) {
            if (piece.length + para.length > CAP && piece) {
                pieces.push(piece);
                piece = '';
            }
            piece += para + '\n\n';
        }
        if (piece) pieces.push(piece);
        for (const [i, t] of every(pieces, 40).entries()) files.push({ src: 'status', name: `dpkg status piece ${i}`, text: t });
    } catch (e) {
        skip('/var/lib/dpkg/status is not readable');
    }
    let man = null;
    try {
        man = execFileSync('sh', ['-c', 'command -v man'], { encoding: 'utf8' }).trim();
    } catch (e) { /* no man */ }
    if (man) {
        let pages = [];
        for (const d of ['man1', 'man5', 'man8']) {
            try {
                pages = pages.concat(fs.readdirSync('/usr/share/man/' + d).sort().filter((n) => n.endsWith('.gz'))
                    .map((n) => `/usr/share/man/${d}/${n}`));
            } catch (e) { /* no such section */ }
        }
        for (const p of every(pages, 80)) {
            const r = spawnSync(man, ['-l', '-P', 'cat', p], {
                env: Object.assign({}, process.env, { MANWIDTH: '100', MAN_KEEP_FORMATTING: '' }),
                maxBuffer: 1 << 26,
            });
            if (r.status === 0 && r.stdout.length) {
                const t = cut(r.stdout.toString('utf8'));
                if (items(t).length) files.push({ src: 'man', name: p, text: t });
            }
        }
    } else skip('the man program is missing');
    return files;
}

// What the reader gets: tool output's notation ("~tool output, ...") read
// through `terse decode` when it decodes, as the notation's head line says.
function run(args, input) {
    const r = spawnSync(TERSE, args, { input, maxBuffer: 1 << 28 });
    let out = r.stdout.toString('utf8');
    if (r.status === 0 && out.startsWith('~tool output')) {
        const d = spawnSync(TERSE, ['decode', '-'], { input: out, maxBuffer: 1 << 28 });
        if (d.status === 0) out = d.stdout.toString('utf8');
    }
    return { status: r.status, out, err: r.stderr.toString('utf8') };
}

function main() {
    if (!fs.existsSync(TERSE)) {
        console.log('not ok - colon names: ' + TERSE + ' is missing (build first)');
        process.exit(1);
    }
    const t0 = Date.now();
    const files = sample();
    const losses = [];
    const bySrc = {};
    let checks = 0, budgetRuns = 0, budgetChecks = 0;
    for (const f of files) {
        const inItems = items(f.text);
        const distinct = [...new Set(inItems)];
        const s = (bySrc[f.src] = bySrc[f.src] || { files: 0, items: 0 });
        s.files++;
        s.items += distinct.length;
        let maxTokens = 0;
        for (const level of LEVELS) {
            const r = run(['compress', '--level', level, '--stats', '-'], f.text);
            if (r.status !== 0) {
                losses.push(`${f.name} at ${level}: exit ${r.status}: ${r.err.trim()}`);
                continue;
            }
            maxTokens = Number((/ -> ([0-9]+) token/.exec(r.err) || [0, 0])[1]);
            for (const x of distinct) {
                checks++;
                if (!present(r.out, x)) losses.push(`${f.name} at ${level}: '${x}' lost`);
            }
        }
        // first parts that occur in the input only inside items
        const inSet = new Set(inItems);
        const byLength = distinct.slice().sort((a, b) => b.length - a.length);
        const masked = byLength.reduce((t, x) => t.split(x).join(' '), f.text);
        const firsts = [...new Set(distinct.map((x) => x.split(':')[0]).filter((p) => p && !present(masked, p)))];
        for (const div of DIVS) {
            const budget = Math.max(8, Math.floor(maxTokens / div));
            const r = run(['compress', '--budget', String(budget), '-'], f.text);
            if (r.status !== 0) continue; /* cannot be met: nothing written */
            budgetRuns++;
            const text = r.out.split('\n').filter((l) => !l.startsWith('~')).join('\n');
            for (const x of items(text)) {
                budgetChecks++;
                if (!inSet.has(x)) losses.push(`${f.name} at --budget ${budget}: '${x}' is not an item of the input`);
            }
            const outMasked = byLength.reduce((t, x) => t.split(x).join(' '), text);
            for (const p of firsts) {
                budgetChecks++;
                if (present(outMasked, p))
                    losses.push(`${f.name} at --budget ${budget}: '${p}' kept without the rest of ` +
                        `'${distinct.find((x) => x.split(':')[0] === p)}'`);
            }
        }
    }
    for (const src of Object.keys(bySrc))
        console.log(`# ${src}: ${bySrc[src].files} files, ${bySrc[src].items} distinct items`);
    console.log(`# ${files.length} files, ${checks} item checks over 4 levels, ${budgetRuns} budget runs with ` +
        `${budgetChecks} checks, ${losses.length} losses, ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    for (const l of losses.slice(0, 40)) console.log('#   ' + l);
    console.log((files.length && losses.length === 0 ? 'ok' : 'not ok') +
        ' - colon names: untouched at every level and under --budget');
}

main();
