#!/usr/bin/env node
// fidelity.js - the property of docs/levels.md, "Shaped items", on real
// technical text of this machine: at every level (exact, safe, balanced,
// max), every identifier-, path-, file-name-, option-, version-, number- and
// URL-shaped item of the input, every GNU `quoted' term and shell $'...'
// quoting, every run of notation (a call or an index, "f(x)", "arr[i]",
// "s[1:2]"; brackets with operators, "^(foo|bar)+$", "{x|x>0}"), and
// every list label that starts a line ("a.", "b)", "(iv)") appears
// byte-exact in what the reader gets.
// Also checks that a higher level never costs more tokens than a lower one.
//
//   node tests/fidelity/fidelity.js [BUILD_DIR]
//
// The sample (deterministic for a machine: sorted file lists, every k-th
// file, each cut to at most CAP bytes at a line end):
//   docs    /usr/share/doc READMEs and changelogs (gzipped ones gunzipped)
//   include the comments of /usr/include headers
//   man     man pages of sections 1, 5 and 8 rendered as text (man -l)
//   logs    /var/log's logs, dpkg's and apt's
// A source that is missing is skipped with a "# skip:" line that says why.
//
// The extractor below is written from the definition in docs/levels.md and
// shares no code with terse's lexer, so it does not share its blind spots.
// Prints "ok - ..." / "not ok - ..." lines and "#" comments (tests/run.sh).
'use strict';
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const { execFileSync, spawnSync } = require('child_process');

const BUILD = process.argv[2] || 'build';
const TERSE = path.resolve(BUILD, 'terse');
const LEVELS = ['exact', 'safe', 'balanced', 'max'];
const CAP = 16384;

// ---- the extractor --------------------------------------------------------

const NAMECH = /[A-Za-z0-9_]/;
// A whitespace-separated run loses the brackets, quotes and emphasis
// around it and the sentence punctuation after it.
const LEAD = /^[(\[{<"'`*_“‘«]+/;
const TRAIL = /[)\]}>"'`*.,;:!?”’»]+$/;

// The items of one run (its core: LEAD and TRAIL stripped). Returns
// [item, kind] pairs.
function runItems(run, out) {
    const n = notation(run);
    if (n) out.push([n, 'notation']);
    // quoting that is syntax, kept whole: a GNU `term' and shell $'...' or
    // $"..." quoting (the brackets and quotes stripped below are not items)
    const q = /^(`[^`'\s]+'|\$'[^'\s]*'|\$"[^"\s]*")[.,;:)]*$/.exec(run);
    if (q) out.push([q[1], 'quoting']);
    // the underscores of "_foo_" and "__init__" belong to the name
    let core = run.replace(LEAD, (m) => (/_+$/.exec(m) || [''])[0]);
    core = core.replace(TRAIL, (m) => (/^_+/.exec(m) || [''])[0]);
    if (core.length === 0) return;
    if (/^(https?|ftp|file):\/\/\S+|^www\.\S{2,}/i.test(core)) {
        out.push([core, 'url']);
        return;
    }
    if (/^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/.test(core)) {
        out.push([core, 'email']);
        return;
    }
    let rest = core;
    // an option: -x, --long-name, --name=value at the start of the run
    let m = /^--?[A-Za-z][A-Za-z0-9_-]*(=[^\s,;)\]}]+)?/.exec(rest);
    if (m && (m[0].length === rest.length || !/[A-Za-z0-9_]/.test(rest[m[0].length]))) {
        out.push([m[0].replace(/[.,;:]+$/, ''), 'option']);
        rest = rest.slice(m[0].length);
    }
    // paths: names with '/' between or after them
    const pathRe = /(?:~|\.{1,2})?\/?(?:[A-Za-z0-9._+~-]+\/)+[A-Za-z0-9._+~-]*|\/[A-Za-z0-9._+~-]+/g;
    const letters = (s) => (s.match(/[A-Za-z]/g) || []).length;
    rest = rest.replace(pathRe, (p) => {
        if (letters(p) >= 2 && /[A-Za-z0-9_]\/|\/[A-Za-z0-9_]/.test(p)) {
            out.push([p.replace(/\.+$/, ''), 'path']);
            return ' ';
        }
        return p;
    });
    // a dot file: .bashrc
    m = /^\.[A-Za-z][A-Za-z0-9_]*(?:[.-][A-Za-z0-9_]+)*/.exec(rest);
    if (m) {
        out.push([m[0], 'file']);
        rest = rest.slice(m[0].length);
    }
    // names and numbers: parts of [A-Za-z0-9_] joined by . : :: - + ~
    const nameRe = /[A-Za-z0-9_]+(?:(?:\.|::?|-|\+|~)[A-Za-z0-9_]+)*/g;
    while ((m = nameRe.exec(rest)) !== null) {
        const s = m[0];
        const parts = s.split(/\.|::?|-|\+|~/);
        let kind = null;
        if (/(^|[^:]):([^:]|$)/.test(s)) kind = 'colon';
        else if (/^[0-9]/.test(s)) kind = /[.\-+~]/.test(s) ? 'version' : 'number';
        else if (s.includes('::')) kind = 'qualified';
        else if (/[A-Za-z0-9]/.test(s) && s.includes('_')) kind = 'identifier';
        else if (s.includes('.')) kind = parts.some((p) => p.length > 1) ? 'file' : 'abbreviation';
        else if (/[+~]/.test(s)) kind = 'version';
        else if (parts.some((p) => /^[A-Za-z]/.test(p) && /[0-9]/.test(p))) kind = 'identifier';
        else if (/[a-z][A-Z]/.test(s)) kind = 'identifier';
        if (kind) out.push([s, kind]);
    }
}

// Notation in a whitespace-separated run: after the sentence's punctuation
// and any unbalanced outer bracket are stripped, balanced brackets that
// are glued to a name or to another bracket ("f(x)", "a[i][j]", "f()"), or
// that come with an operator (not a version's + or ~, an option's = or a path's $) ("{x|x>0}", "^(a|b)$"). Null if none.
function notation(run) {
    const opens = (s) => (s.match(/[(\[{]/g) || []).length;
    const closes = (s) => (s.match(/[)\]}]/g) || []).length;
    let r = run.replace(/[.,;:!?"'”’]+$/, '');
    while (/[)\]}]$/.test(r) && closes(r) > opens(r)) r = r.slice(0, -1).replace(/[.,;:!?"'”’]+$/, '');
    while (/^[(\[{"'“‘]/.test(r) && (opens(r) > closes(r) || /^["'“‘]/.test(r))) r = r.slice(1);
    if (!/[(\[{]/.test(r) || opens(r) !== closes(r)) return null;
    let depth = 0;
    for (const c of r) {
        if ('([{'.includes(c)) depth++;
        else if (')]}'.includes(c) && --depth < 0) return null;
    }
    if (/[A-Za-z0-9_)\]][(\[]/.test(r) || /[|<>*^\\&]/.test(r)) return r;
    return null;
}

// The text of text's fenced code blocks (``` or ~~~ lines, at most 3
// spaces of indent, up to the closing fence or the end), and the rest.
function splitFences(text) {
    const code = [], prose = [];
    let fence = null;
    for (const line of text.split('\n')) {
        const m = /^ {0,3}(`{3,}|~{3,})/.exec(line);
        if (fence === null && m) {
            fence = m[1][0];
            prose.push(line);
        } else if (fence !== null && m && m[1][0] === fence) {
            fence = null;
            prose.push(line);
        } else (fence !== null ? code : prose).push(line);
    }
    return { code: code.join('\n'), prose: prose.join('\n') };
}

function extract(text) {
    const out = [];
    for (const run of text.split(/\s+/)) if (run) runItems(run, out);
    // a list label that starts a line: "a. ", "b) ", "(c) ", "(2) ", "(iv) "
    const labelRe = /^[ \t]*(\([a-z]\)|[a-z][.)]|\([0-9]{1,2}\)|\([ivx]{1,4}\))[ \t]+\S/gm;
    let m;
    while ((m = labelRe.exec(text)) !== null) out.push([m[1], 'label']);
    return out;
}

// Whether item occurs in view with no name character glued to it.
function present(view, item) {
    let i = view.indexOf(item);
    const glued = (c) => c !== undefined && /[A-Za-z0-9_]/.test(c);
    while (i >= 0) {
        const before = view[i - 1], after = view[i + item.length];
        const okBefore = item[0] === '-' ? !(glued(before) || before === '-')
            : /[A-Za-z0-9_]/.test(item[0]) ? !glued(before) : true;
        const okAfter = /[A-Za-z0-9_]$/.test(item) ? !glued(after) : true;
        if (okBefore && okAfter) return true;
        i = view.indexOf(item, i + 1);
    }
    return false;
}

// ---- the sample -----------------------------------------------------------

function walk(dir, pred, acc, depth) {
    let ents;
    try {
        ents = fs.readdirSync(dir, { withFileTypes: true });
    } catch (e) {
        return acc;
    }
    ents.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of ents) {
        const p = path.join(dir, e.name);
        if (e.isDirectory() && depth > 0) walk(p, pred, acc, depth - 1);
        else if (e.isFile() && pred(p, e.name)) acc.push(p);
    }
    return acc;
}

function every(list, n) {
    if (list.length <= n) return list;
    const out = [];
    for (let i = 0; i < n; i++) out.push(list[Math.floor((i * list.length) / n)]);
    return out;
}

function cut(buf) {
    let s = buf.toString('utf8');
    if (Buffer.byteLength(s) <= CAP) return s;
    s = Buffer.from(s).subarray(0, CAP).toString('utf8').replace(/\uFFFD$/, '');
    const nl = s.lastIndexOf('\n');
    return nl > 0 ? s.slice(0, nl + 1) : s;
}

function readMaybeGz(p) {
    let b = fs.readFileSync(p);
    if (p.endsWith('.gz')) b = zlib.gunzipSync(b);
    return b;
}

function sample() {
    const items = [];
    const skip = (why) => console.log('# skip: ' + why);
    if (fs.existsSync('/usr/share/doc')) {
        const docs = walk('/usr/share/doc', (p, n) => /^(readme|changelog)/i.test(n), [], 3);
        for (const p of every(docs, 60)) {
            try {
                items.push({ src: 'docs', name: p, text: cut(readMaybeGz(p)) });
            } catch (e) { /* unreadable: not part of the sample */ }
        }
    } else skip('/usr/share/doc is missing (no READMEs or changelogs)');
    if (fs.existsSync('/usr/include')) {
        const hs = walk('/usr/include', (p, n) => n.endsWith('.h'), [], 4);
        for (const p of every(hs, 60)) {
            const src = fs.readFileSync(p, 'utf8');
            const comments = [];
            src.replace(/\/\*([\s\S]*?)\*\/|\/\/([^\n]*)/g, (m, a, b) => {
                comments.push((a !== undefined ? a : b).replace(/^[ \t]*\* ?/gm, '').trim());
                return m;
            });
            const text = comments.filter((c) => c).join('\n\n');
            if (text) items.push({ src: 'include', name: p, text: cut(Buffer.from(text)) });
        }
    } else skip('/usr/include is missing (no header comments)');
    const manDirs = ['man1', 'man5', 'man8'].map((d) => '/usr/share/man/' + d).filter((d) => fs.existsSync(d));
    let man = null;
    try {
        man = execFileSync('sh', ['-c', 'command -v man'], { encoding: 'utf8' }).trim();
    } catch (e) { /* no man */ }
    if (manDirs.length && man) {
        let pages = [];
        for (const d of manDirs) pages = pages.concat(walk(d, (p, n) => /\.gz$/.test(n), [], 0));
        for (const p of every(pages, 40)) {
            const r = spawnSync(man, ['-l', '-P', 'cat', p], {
                env: Object.assign({}, process.env, { MANWIDTH: '100', MAN_KEEP_FORMATTING: '' }),
                maxBuffer: 1 << 26,
            });
            if (r.status === 0 && r.stdout.length)
                items.push({ src: 'man', name: p, text: cut(r.stdout) });
        }
    } else skip(man ? '/usr/share/man has no man1, man5 or man8' : 'the man program is missing');
    const logs = walk('/var/log', (p, n) => /\.log$/.test(n), [], 1);
    const readable = logs.filter((p) => {
        try {
            fs.accessSync(p, fs.constants.R_OK);
            return fs.statSync(p).size > 0;
        } catch (e) {
            return false;
        }
    });
    if (readable.length)
        for (const p of every(readable, 20)) items.push({ src: 'logs', name: p, text: cut(fs.readFileSync(p)) });
    else skip('/var/log has no readable .log file');
    return items;
}

// ---- the check ------------------------------------------------------------

function terse(args, input) {
    const r = spawnSync(TERSE, args, { input, maxBuffer: 1 << 28 });
    if (r.status !== 0) throw new Error('terse ' + args.join(' ') + ': ' + r.stderr.toString().trim());
    return { out: r.stdout.toString('utf8'), err: r.stderr.toString('utf8') };
}

// What the reader gets at a level, and the input lines it left out under a
// marker. A folded log is read through `terse decode`; at max, a "~-N" line
// of the decoded log stands for N lines of the input, which must align line
// for line with the rest (so a line lost without its marker is a loss).
function view(input, out) {
    if (!out.startsWith('~log folded:')) return { text: out, excused: null, misaligned: false };
    const dec = terse(['decode', '--type', 'log'], out).out;
    if (!/^~-[0-9]+$/m.test(dec)) return { text: dec, excused: null, misaligned: false };
    const inLines = input.replace(/\n$/, '').split('\n');
    const outLines = dec.replace(/\n$/, '').split('\n');
    const excused = [];
    let i = 0, misaligned = false;
    for (const l of outLines) {
        const m = /^~-([0-9]+)$/.exec(l);
        if (m) {
            for (let k = 0; k < Number(m[1]) && i < inLines.length; k++) excused.push(inLines[i++]);
        } else if (i < inLines.length && inLines[i] === l) {
            i++;
        } else {
            misaligned = true;
            break;
        }
    }
    if (i !== inLines.length) misaligned = true;
    return { text: dec, excused: excused.join('\n'), misaligned };
}

function main() {
    if (!fs.existsSync(TERSE)) {
        console.log('not ok - fidelity: ' + TERSE + ' is missing (build first)');
        process.exit(1);
    }
    const t0 = Date.now();
    const files = sample();
    const bySrc = {};
    let checked = 0, excusedItems = 0, codeItems = 0, bytes = 0, budgetRuns = 0, budgetChecked = 0;
    const losses = [], order = [];
    const kinds = {};
    for (const f of files) {
        bytes += Buffer.byteLength(f.text);
        const items = extract(f.text);
        const distinct = new Map();
        for (const [s, k] of items) if (!distinct.has(s)) distinct.set(s, k);
        // items that occur only in fenced code: code's own contract
        // (levels.md#code) removes comments from balanced up and elides
        // bodies at max; there they are checked at exact and safe
        const parts = splitFences(f.text);
        const inProse = new Set(extract(parts.prose).map((x) => x[0]));
        const s = (bySrc[f.src] = bySrc[f.src] || { files: 0, items: 0 });
        s.files++;
        const tokens = [];
        const inputItems = new Set(items.map((x) => x[0])), levelItems = new Set();
        for (const level of LEVELS) {
            const r = terse(['compress', '--level', level, '--stats', '-'], f.text);
            tokens.push(Number((/ -> ([0-9]+) token/.exec(r.err) || [0, NaN])[1]));
            const type = (/, type ([a-z]+),/.exec(r.err) || [0, '?'])[1];
            const codeRules = level === 'balanced' || level === 'max';
            const v = view(f.text, r.out);
            for (const [item] of extract(v.text)) levelItems.add(item);
            if (v.misaligned) {
                losses.push(`${f.name} at ${level}: the log's kept lines do not align with the input`);
                continue;
            }
            const excused = v.excused !== null ? new Set(extract(v.excused).map((x) => x[0])) : null;
            const gone = v.excused !== null ? new Set(v.excused.split('\n')) : null;
            const keptItems = gone ? new Set(extract(f.text.split('\n').filter((l) => !gone.has(l)).join('\n')).map((x) => x[0])) : null;
            for (const [item, kind] of distinct) {
                if (excused && excused.has(item) && !keptItems.has(item)) {
                    excusedItems++;
                    continue;
                }
                if (codeRules && (type === 'code' || !inProse.has(item))) {
                    codeItems++;
                    continue;
                }
                checked++;
                s.items++;
                kinds[kind] = (kinds[kind] || 0) + 1;
                if (!present(v.text, item)) losses.push(`${f.name} at ${level}: ${kind} '${item}' lost`);
            }
        }
        // under a budget whole segments may go, but what is kept of an
        // item is the whole item: every item of the output is one of the
        // input or of the output of a level ("libc6 […]" or "libc6: amd64"
        // from "libc6:amd64" is neither); the lines of tool output's
        // notation (starting "~") are the notation's
        for (const x of levelItems) inputItems.add(x);
        for (const div of [2, 4]) {
            const budget = Math.max(8, Math.floor(tokens[3] / div));
            const r = spawnSync(TERSE, ['compress', '--budget', String(budget), '-'], { input: f.text, maxBuffer: 1 << 28 });
            if (r.status !== 0) continue; /* cannot be met: nothing written */
            const v = view(f.text, r.stdout.toString('utf8'));
            if (v.misaligned) continue;
            budgetRuns++;
            for (const [item, kind] of extract(v.text.split('\n').filter((l) => !l.startsWith('~')).join('\n'))) {
                // counts in markers ("[… 38 lines]") are the markers' own
                if (kind === 'number') continue;
                budgetChecked++;
                if (!inputItems.has(item))
                    losses.push(`${f.name} at --budget ${budget}: ${kind} '${item}' is not an item of the input`);
            }
        }
        for (let k = 1; k < LEVELS.length; k++)
            if (tokens[k] > tokens[k - 1])
                order.push(`${f.name}: ${LEVELS[k]} ${tokens[k]} tokens > ${LEVELS[k - 1]} ${tokens[k - 1]}`);
    }
    for (const src of Object.keys(bySrc))
        console.log(`# ${src}: ${bySrc[src].files} files, ${bySrc[src].items} item checks`);
    console.log('# by shape: ' + Object.keys(kinds).sort().map((k) => `${k} ${kinds[k]}`).join(', '));
    console.log(`# ${files.length} files, ${(bytes / 1048576).toFixed(2)} MB, ${checked} item checks over 4 levels ` +
        `(not counted: ${excusedItems} in log lines left out under a ~-N marker, ${codeItems} only in code ` +
        `at balanced or max), ${losses.length} losses, ` +
        `${((Date.now() - t0) / 1000).toFixed(1)} s`);
    console.log(`# under --budget (a half and a quarter of max's tokens): ${budgetRuns} runs, ${budgetChecked} output items checked`);
    for (const l of losses.slice(0, 60)) console.log('#   ' + l);
    console.log((files.length && losses.length === 0 ? 'ok' : 'not ok') +
        ' - fidelity: every shaped item of real text kept at every level');
    for (const l of order.slice(0, 10)) console.log('#   ' + l);
    console.log((order.length === 0 ? 'ok' : 'not ok') +
        ' - fidelity: a higher level never costs more tokens (exact >= safe >= balanced >= max)');
}

main();
