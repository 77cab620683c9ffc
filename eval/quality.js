#!/usr/bin/env node
'use strict';
/*
 * eval/quality.js - does `terse compress` keep the facts while it saves tokens?
 *
 *   node eval/quality.js [--terse PATH] [--counter PATH] [--only squad,squad-query,...]
 *                        [--limit N] [--jobs 2] [--max-per-article N]
 *                        [--verify-every K] [--no-baselines] [--data DIR] [--out FILE.json]
 *
 * Tasks (tokens are o200k, counted by `terse count`):
 *   squad        every SQuAD v2 dev paragraph at --level balanced and max, no query:
 *                % fewer tokens, strict and content retention; baselines A and B.
 *   squad-query  per answerable question: --query QUESTION --budget floor(50% of the
 *                paragraph's tokens), default level: content retention; BM25 baseline.
 *   squad-long   each article's paragraphs joined by blank lines; per answerable question
 *                --query and --budget floor(10%) and floor(5%) of the document: strict
 *                retention; BM25 sentence-selection baseline.
 *   kv           nq-multidoc kv-retrieval-75_keys, rendered as upstream does; --query KEY
 *                --budget floor(10%): the JSON member "KEY": "VALUE" survives, UUIDs byte-exact
 *                (whitespace around the colon is free: the exact level minifies JSON).
 *   nq           nq-open-oracle passages as "Title\n\ntext" at balanced: strict retention.
 *   seed         seed-pairs, domain nl, splits valid+test, at max: token ratio against the
 *                reference LLM compressions; number and negation retention of both.
 *   locomo       locomo-dev conversations rendered as "Session N (date):" lines and
 *                "Speaker: text [shared photo: caption]" turns, compressed once without the
 *                questions at balanced (and max): % fewer tokens, content retention of the
 *                answers of categories 1-4 that the rendering itself retains; per question
 *                with evidence, --query QUESTION --budget floor(10%): evidence turns kept
 *                (a turn is kept when one output line holds more than half of its distinct
 *                content words, normalized, STOP left out).
 *
 * Definitions (also printed in the --out JSON under "definitions"):
 *   normalize(s)  SQuAD: lower case; delete ASCII punctuation (Python string.punctuation);
 *                 replace the words a/an/the by a space; collapse whitespace.
 *   strict        normalize(answer) is a substring of normalize(compressed text).
 *   content       the words of normalize(answer) that are not in STOP occur, each as a
 *                 substring, in normalize(compressed text) in the same order (each search
 *                 starts after the previous match). An answer made only of stop words
 *                 falls back to strict. A question is retained if ANY gold answer is.
 *   A call that fails (exit != 0, bad JSON) or whose tokens_out exceeds its --budget
 *   retains nothing: its items count as lost (and are listed under checks/failures).
 *   STOP          NLTK's English stop-word list (179 words) with the apostrophes removed
 *                 (as normalize does) and its negations taken out (no, nor, not and every
 *                 n't word and stem: don, don't, aren, aren't, ..., won, won't): 138 words.
 *
 * Baselines (computed here, counted with --counter): A drops articles, be/have/do forms,
 * will/would/shall and ten adverbs; B drops every STOP word; BM25 picks whole sentences
 * best first to the budget and keeps them in document order (no pruning).
 *
 * --terse is the compressor (default build/terse; eval/fake_terse.sh is a stand-in);
 * --counter runs `count` (default build/terse). Output: a markdown table with PASS/MISS
 * on stdout, every figure and failing item in --out. Exit 0 when the run completed
 * (whatever the results), 1 on usage errors, 2 when the harness itself failed.
 *
 * The terse binary is run with at most --jobs (default 2) processes at a time, counts
 * included. Inputs are written under build/eval-tmp/<task>/ so that a failing item can
 * be reproduced with the command shown in the failure list. No dependencies.
 */

const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const cp = require('child_process');
const crypto = require('crypto');

const ROOT = path.resolve(__dirname, '..');
const TMP = path.join(ROOT, 'build', 'eval-tmp');
const ALL_TASKS = ['squad', 'squad-query', 'squad-long', 'kv', 'nq', 'seed', 'locomo'];

/* ------------------------------------------------------------------ options */

// ../shared/data beside the checkout, else ../../shared/data (a worktree).
function defaultData() {
  const beside = path.resolve(ROOT, '..', 'shared', 'data');
  const below = path.resolve(ROOT, '..', '..', 'shared', 'data');
  return !fs.existsSync(beside) && fs.existsSync(below) ? below : beside;
}

function usage(msg) {
    if (msg) process.stderr.write(`quality.js: ${msg}\n`);
    process.stderr.write('usage: node eval/quality.js [--terse PATH] [--counter PATH] [--only ' +
        ALL_TASKS.join(',') + '] [--limit N] [--jobs N] [--max-per-article N] ' +
        '[--verify-every K] [--no-baselines] [--data DIR] [--out FILE.json]\n');
    process.exit(msg ? 1 : 0);
}

function parseArgs(argv) {
    const o = {
        terse: path.join(ROOT, 'build', 'terse'),
        counter: null,
        only: ALL_TASKS.slice(),
        limit: Infinity,
        jobs: 2,
        maxPerArticle: Infinity,
        verifyEvery: 10,
        baselines: true,
        data: process.env.TERSE_DATA || defaultData(),
        out: null,
    };
    const num = (v, name, min) => {
        if (!/^\d+$/.test(v || '') || +v < min) usage(`${name} needs an integer >= ${min}`);
        return +v;
    };
    for (let i = 2; i < argv.length; i++) {
        const a = argv[i], v = argv[i + 1];
        switch (a) {
        case '--terse': o.terse = path.resolve(v || usage('--terse needs a path')); i++; break;
        case '--counter': o.counter = path.resolve(v || usage('--counter needs a path')); i++; break;
        case '--only':
            o.only = (v || usage('--only needs a list')).split(',').map(s => s.trim()).filter(Boolean);
            for (const t of o.only) if (!ALL_TASKS.includes(t)) usage(`unknown task '${t}'`);
            i++; break;
        case '--limit': o.limit = num(v, a, 1); i++; break;
        case '--jobs': o.jobs = num(v, a, 1); i++; break;
        case '--max-per-article': o.maxPerArticle = num(v, a, 1); i++; break;
        case '--verify-every': o.verifyEvery = num(v, a, 0); i++; break;
        case '--data': o.data = path.resolve(v || usage('--data needs a path')); i++; break;
        case '--no-baselines': o.baselines = false; break;
        case '--out': o.out = path.resolve(v || usage('--out needs a path')); i++; break;
        case '-h': case '--help': usage(); break;
        default: usage(`unknown option '${a}'`);
        }
    }
    /* Counting uses the repository's real binary unless told otherwise, so a stand-in
     * compressor (eval/fake_terse.sh) does not slow the counts down. */
    if (!o.counter) {
        const real = path.join(ROOT, 'build', 'terse');
        o.counter = fs.existsSync(real) ? real : o.terse;
    }
    return o;
}

/* ------------------------------------------------------------ text metrics */

const ASCII_PUNCT = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g;
const ARTICLES = /(?<![\p{L}\p{N}_])(?:a|an|the)(?![\p{L}\p{N}_])/gu;

/* SQuAD / lost-in-the-middle normalize_answer. */
function normalize(s) {
    return s.toLowerCase().replace(ASCII_PUNCT, '').replace(ARTICLES, ' ')
        .split(/\s+/).filter(Boolean).join(' ');
}

const NLTK_STOP = ("i me my myself we our ours ourselves you you're you've you'll you'd your yours " +
    "yourself yourselves he him his himself she she's her hers herself it it's its itself they them " +
    "their theirs themselves what which who whom this that that'll these those am is are was were be " +
    "been being have has had having do does did doing a an the and but if or because as until while " +
    "of at by for with about against between into through during before after above below to from up " +
    "down in out on off over under again further then once here there when where why how all any both " +
    "each few more most other some such no nor not only own same so than too very s t can will just " +
    "don don't should should've now d ll m o re ve y ain aren aren't couldn couldn't didn didn't " +
    "doesn doesn't hadn hadn't hasn hasn't haven haven't isn isn't ma mightn mightn't mustn mustn't " +
    "needn needn't shan shan't shouldn shouldn't wasn wasn't weren weren't won won't wouldn wouldn't").split(' ');
const NEGATION_STOPS = new Set(['no', 'nor', 'not', 'ain', 'aren', 'couldn', 'didn', 'doesn', 'hadn',
    'hasn', 'haven', 'isn', 'mightn', 'mustn', 'needn', 'shan', 'shouldn', 'wasn', 'weren', 'won',
    'wouldn', 'don']);
const STOP = new Set(NLTK_STOP.filter(w => !w.endsWith("n't") && !NEGATION_STOPS.has(w))
    .map(w => w.replace(/'/g, '')));

function strictRetained(normText, normAns) {
    return normText.includes(normAns);
}

function contentWords(normAns) {
    return normAns.split(' ').filter(w => w && !STOP.has(w));
}

function contentRetained(normText, normAns) {
    const words = contentWords(normAns);
    if (!words.length) return normText.includes(normAns);
    let pos = 0;
    for (const w of words) {
        const i = normText.indexOf(w, pos);
        if (i < 0) return false;
        pos = i + w.length;
    }
    return true;
}

/* Any of the gold answers kept? normAnswers are already normalized. */
function anyRetained(normText, normAnswers, kind) {
    const f = kind === 'content' ? contentRetained : strictRetained;
    return normAnswers.some(a => f(normText, a));
}

/* Baseline word sets. A: articles, auxiliaries (be/have/do forms and will/would/shall;
 * modals that carry meaning, can/could/may/might/must/should, are kept) and a few
 * adverbs. B: every word of STOP (negations are not in STOP, so they stay). */
const BASE_A = new Set(('a an the am is are was were be been being has have had having do does did ' +
    'will would shall very really quite just also actually basically simply rather somewhat').split(' '));
const BASE_B = STOP;

/* Drops the words of `set` from text, keeping the punctuation attached to them
 * ("was," leaves ","), and the layout: a run of dropped words collapses to the
 * separator with the most newlines among those it spanned. */
function dropWords(text, set) {
    const parts = text.split(/(\s+)/);
    let out = '', sep = '', held = '';
    let i = 0;
    if (parts[0] === '') { out = parts[1] || ''; i = 2; }
    const better = (a, b) => {
        const na = (a.match(/\n/g) || []).length, nb = (b.match(/\n/g) || []).length;
        return nb > na ? b : a;
    };
    let first = true;
    for (; i < parts.length; i += 2) {
        const tok = parts[i];
        const after = parts[i + 1] || '';
        if (tok === '') { sep = better(sep, after); continue; }
        const m = /^([^\p{L}\p{N}]*)(.*?)([^\p{L}\p{N}]*)$/su.exec(tok);
        const key = m[2].toLowerCase().replace(/['\u2019]/g, '');
        if (m[2] && set.has(key) && !(m[1] && m[3])) {
            if (m[3] && !first) out += m[3];
            if (m[1]) held += m[1];
            sep = better(sep, after);
            continue;
        }
        out += (first ? '' : sep) + held + tok;
        first = false;
        held = '';
        sep = after;
    }
    if (held) out += (first ? '' : ' ') + held;
    return out + (first ? '' : sep.includes('\n') ? sep : '');
}

/* seed: numbers and negations. */
const NUM_RE = /\d[\d,]*(?:\.\d+)?/g;
function numbers(s) {
    return new Set((s.match(NUM_RE) || []).map(n => n.replace(/,/g, '')));
}
/* Negation classes: not/cannot/n't are one class (they substitute for each other);
 * every other word is its own class. Case-insensitive, whole words; ’ counts as '. */
const NEG_RE = /(?<![\p{L}\p{N}_])(not|cannot|no|never|without|none|nor|neither|nobody|nothing|nowhere)(?![\p{L}\p{N}_])|n['\u2019]t(?![\p{L}\p{N}_])/giu;
function negations(s) {
    const c = {};
    for (const m of s.matchAll(NEG_RE)) {
        let k = m[1] ? m[1].toLowerCase() : "n't";
        if (k === "n't" || k === 'cannot') k = 'not';
        c[k] = (c[k] || 0) + 1;
    }
    return c;
}
/* Loose count: every negation word, any class, plus the symbols and shorthands that
 * LLM compressions use for them (¬ ≠ ✗ sans w/o). */
const NEG_SYM_RE = /[\u00ac\u2260\u2717]|(?<![\p{L}\p{N}_])(?:sans|w\/o)(?![\p{L}\p{N}_])/giu;
function negationsLoose(s) {
    return (s.match(NEG_RE) || []).length + (s.match(NEG_SYM_RE) || []).length;
}
function negationsKept(a, b) {
    for (const k in a) if ((b[k] || 0) < a[k]) return false;
    return true;
}

/* ---------------------------------------------------------- BM25 baseline */

/* Sentences of one paragraph: split after . ! ? (optionally closed by a quote or
 * bracket) before whitespace and an upper-case letter, digit, quote or bracket. */
function sentences(par) {
    return par.split(/(?<!(?:^|[\s(])(?:Mr|Mrs|Ms|Dr|St|Mt|Jr|Sr|vs|No|[A-Z])\.)(?<=[.!?]["'\u201d\u2019)\]]?)\s+(?=[\p{Lu}\p{N}"'\u201c\u2018(\[])/u)
        .map(s => s.trim()).filter(Boolean);
}
function terms(s) {
    return normalize(s).split(' ').filter(w => w && !STOP.has(w));
}
/* Ranks sentences [{text, par}] against query by BM25 (k1 1.2, b 0.75, idf over the
 * sentences). Returns indices, best first; ties keep document order. */
function bm25Rank(sents, query) {
    const docs = sents.map(s => terms(s.text));
    const N = docs.length, avg = docs.reduce((n, d) => n + d.length, 0) / Math.max(N, 1);
    const df = new Map();
    for (const d of docs) for (const w of new Set(d)) df.set(w, (df.get(w) || 0) + 1);
    const q = [...new Set(terms(query))];
    const score = docs.map(d => {
        const tf = new Map();
        for (const w of d) tf.set(w, (tf.get(w) || 0) + 1);
        let s = 0;
        for (const w of q) {
            const f = tf.get(w);
            if (!f) continue;
            const n = df.get(w);
            s += Math.log(1 + (N - n + 0.5) / (n + 0.5)) * f * 2.2 / (f + 1.2 * (0.25 + 0.75 * d.length / avg));
        }
        return s;
    });
    return score.map((s, i) => i).sort((a, b) => score[b] - score[a] || a - b);
}
function renderSelection(sents, chosen) {
    const idx = [...chosen].sort((a, b) => a - b);
    let out = '';
    idx.forEach((i, k) => {
        if (k) out += sents[i].par === sents[idx[k - 1]].par ? ' ' : '\n\n';
        out += sents[i].text;
    });
    return out;
}
/* Greedy: take sentences best first while the estimated total (each sentence counted
 * with a leading space) fits; then count the real text and drop the lowest-ranked
 * chosen sentence until it fits. Returns the selected text. */
async function bm25Select(ctx, sents, query, budget) {
    const order = bm25Rank(sents, query);
    const cost = await Promise.all(sents.map(s => ctx.count(' ' + s.text)));
    const chosen = [];
    let est = 0;
    for (const i of order) if (est + cost[i] <= budget) { chosen.push(i); est += cost[i]; }
    for (;;) {
        const text = renderSelection(sents, chosen);
        if (!chosen.length || await ctx.count(text) <= budget) return text;
        chosen.pop();
    }
}

/* ------------------------------------------------------------- processes */

class Pool {
    constructor(n) { this.n = n; this.active = 0; this.queue = []; }
    run(fn) {
        return new Promise((resolve, reject) => {
            this.queue.push({ fn, resolve, reject });
            this.next();
        });
    }
    next() {
        while (this.active < this.n && this.queue.length) {
            const { fn, resolve, reject } = this.queue.shift();
            this.active++;
            fn().then(resolve, reject).finally(() => { this.active--; this.next(); });
        }
    }
}

function spawnCollect(bin, args, input) {
    return new Promise(resolve => {
        const child = cp.spawn(bin, args, { stdio: [input == null ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
        const out = [], err = [];
        child.stdout.on('data', d => out.push(d));
        child.stderr.on('data', d => err.push(d));
        child.on('error', e => resolve({ code: -1, stdout: '', stderr: String(e.message) }));
        child.on('close', (code, signal) => resolve({
            code: code == null ? `signal ${signal}` : code,
            stdout: Buffer.concat(out).toString('utf8'),
            stderr: Buffer.concat(err).toString('utf8'),
        }));
        if (input != null) {
            child.stdin.on('error', () => {});
            child.stdin.end(input);
        }
    });
}

/* spawnCollect, retried up to 5 times, 0.5 s apart, when the program cannot be started
 * (EACCES/ETXTBSY/ENOENT while a parallel `make` relinks build/terse). */
async function spawnRetry(bin, args, input) {
    for (let i = 0; ; i++) {
        const r = await spawnCollect(bin, args, input);
        if (r.code !== -1 || i === 5) return r;
        await new Promise(res => setTimeout(res, 500));
    }
}

function shq(s) {
    return /^[\w./:=,@+-]+$/.test(s) ? s : `'${String(s).replace(/'/g, `'\\''`)}'`;
}

class Context {
    constructor(opts) {
        this.opts = opts;
        this.pool = new Pool(opts.jobs);
        this.counts = new Map();
        this.calls = { compress: 0, count: 0 };
    }
    /* o200k token count of text (cached by content). */
    count(text) {
        const key = crypto.createHash('sha1').update(text).digest('hex');
        if (!this.counts.has(key)) {
            this.counts.set(key, this.pool.run(async () => {
                this.calls.count++;
                const r = await spawnRetry(this.opts.counter, ['count', '-', '--tokenizer', 'o200k'], text);
                const n = r.code === 0 ? Number(r.stdout.trim()) : NaN;
                if (!Number.isInteger(n)) {
                    throw new Error(`terse count failed (exit ${r.code}): ${r.stderr.trim() || r.stdout.trim()}`);
                }
                return n;
            }));
        }
        return this.counts.get(key);
    }
    /* Runs `terse compress FILE ... --tokenizer o200k --json`. Resolves to
     * {ok, text, tokens_in, tokens_out, code, error, cmd}. */
    async compress(file, { level, query, budget } = {}) {
        const args = ['compress', path.relative(ROOT, file) || file];
        if (level) args.push('--level', level);
        if (query != null) args.push('--query', query);
        if (budget != null) args.push('--budget', String(budget));
        args.push('--tokenizer', 'o200k', '--json');
        const cmd = [path.relative(ROOT, this.opts.terse) || this.opts.terse, ...args].map(shq).join(' ');
        const r = await this.pool.run(() => {
            this.calls.compress++;
            return spawnRetry(this.opts.terse, args.map((a, i) => i === 1 ? file : a), null);
        });
        const res = { ok: false, code: r.code, cmd };
        if (r.code !== 0) {
            res.error = (r.stderr.trim().split('\n')[0] || `exit ${r.code}`).slice(0, 300);
            return res;
        }
        let j;
        try { j = JSON.parse(r.stdout); } catch (e) {
            res.error = `stdout is not one JSON object: ${e.message}`;
            return res;
        }
        if (typeof j.text !== 'string' || !Number.isInteger(j.tokens_in) || !Number.isInteger(j.tokens_out)) {
            res.error = 'JSON lacks text/tokens_in/tokens_out';
            return res;
        }
        Object.assign(res, { ok: true, text: j.text, tokens_in: j.tokens_in, tokens_out: j.tokens_out,
            level: j.level, type: j.type, tokenizer: j.tokenizer });
        return res;
    }
    /* About one successful result in K (chosen by a hash of the command, so the same
     * ones every run): recount the output with the counter. */
    async verify(task, res) {
        const k = this.opts.verifyEvery;
        if (!k || !res.ok) return;
        if (parseInt(crypto.createHash('sha1').update(res.cmd).digest('hex').slice(0, 8), 16) % k !== 0) return;
        task.checks.recounted++;
        const n = await this.count(res.text);
        if (n !== res.tokens_out) {
            task.checks.tokens_out_mismatch++;
            task.fail('tokens_out_mismatch', { id: res.id, reported: res.tokens_out, counted: n, cmd: res.cmd });
        }
    }
}

/* Per-task bookkeeping: checks common to every compress call, failure examples. */
class Task {
    constructor(name, ctx) {
        this.name = name;
        this.ctx = ctx;
        this.t0 = Date.now();
        this.checks = { calls: 0, errors: 0, error_exit: {}, longer_than_input: 0, over_budget: 0,
            tokens_in_mismatch: 0, recounted: 0, tokens_out_mismatch: 0 };
        this.failures = {};
        this.done = 0;
        this.total = 0;
    }
    fail(kind, info) {
        (this.failures[kind] || (this.failures[kind] = [])).push(info);
    }
    /* Failures in a fixed order (calls finish in any order): all ids, 25 examples. */
    sortedFailures() {
        const out = {};
        const key = f => `${f.id ?? ''}\u0000${f.cmd ?? ''}`;
        for (const kind of Object.keys(this.failures).sort()) {
            const all = this.failures[kind].sort((a, b) => key(a).localeCompare(key(b), 'en', { numeric: true }));
            out[kind] = { count: all.length, ids: [...new Set(all.map(f => f.id))], examples: all.slice(0, 25) };
        }
        return out;
    }
    /* Checks a compress result; expectIn: our own count of the input (or null). */
    async check(res, { budget, expectIn, id }) {
        this.checks.calls++;
        if (!res.ok) {
            this.checks.errors++;
            this.checks.error_exit[res.code] = (this.checks.error_exit[res.code] || 0) + 1;
            this.fail('terse_error', { id, exit: res.code, error: res.error, cmd: res.cmd });
        } else {
            if (res.tokens_out > res.tokens_in) {
                this.checks.longer_than_input++;
                this.fail('longer_than_input', { id, tokens_in: res.tokens_in, tokens_out: res.tokens_out, cmd: res.cmd });
            }
            if (budget != null && res.tokens_out > budget) {
                this.checks.over_budget++;
                this.fail('over_budget', { id, budget, tokens_out: res.tokens_out, cmd: res.cmd });
            }
            if (expectIn != null && res.tokens_in !== expectIn) {
                this.checks.tokens_in_mismatch++;
                this.fail('tokens_in_mismatch', { id, reported: res.tokens_in, counted: expectIn, cmd: res.cmd });
            }
            await this.ctx.verify(this, { ...res, id });
        }
        this.tick();
    }
    tick() {
        this.done++;
        if (process.stderr.isTTY) {
            process.stderr.write(`\r${this.name}: ${this.done}/${this.total} ` +
                `(${((Date.now() - this.t0) / 1000).toFixed(0)} s)   `);
        }
    }
    finish(figures) {
        if (process.stderr.isTTY) process.stderr.write('\n');
        return { ...figures, seconds: +((Date.now() - this.t0) / 1000).toFixed(1),
            checks: this.checks, failures: this.sortedFailures() };
    }
}

/* ------------------------------------------------------------------ data */

function tmpFile(task, name, text) {
    const dir = path.join(TMP, task);
    fs.mkdirSync(dir, { recursive: true });
    const f = path.join(dir, name);
    /* Rewrite only when different, so reruns keep mtimes and cost nothing. */
    if (!fs.existsSync(f) || fs.readFileSync(f, 'utf8') !== text) fs.writeFileSync(f, text);
    return f;
}

let squadCache = null;
function loadSquad(dataDir) {
    if (squadCache) return squadCache;
    const j = JSON.parse(fs.readFileSync(path.join(dataDir, 'squad-v2', 'dev-v2.0.json'), 'utf8'));
    const paragraphs = [], articles = [];
    j.data.forEach((art, ai) => {
        const a = { index: ai, title: art.title, paragraphs: [] };
        for (const p of art.paragraphs) {
            const qs = p.qas.filter(q => !q.is_impossible && q.answers.length).map(q => ({
                id: q.id, question: q.question,
                answers: [...new Set(q.answers.map(x => x.text))],
                norm: [...new Set(q.answers.map(x => normalize(x.text)))],
            }));
            const par = { index: paragraphs.length, article: ai, context: p.context, questions: qs };
            paragraphs.push(par);
            a.paragraphs.push(par);
        }
        articles.push(a);
    });
    squadCache = { paragraphs, articles };
    return squadCache;
}

function readJsonl(file) {
    let buf = fs.readFileSync(file);
    if (file.endsWith('.gz')) buf = zlib.gunzipSync(buf);
    return buf.toString('utf8').split('\n').filter(l => l.trim()).map(l => JSON.parse(l));
}

const pct = (a, b) => b ? +(100 * a / b).toFixed(2) : null;
const fewer = (tin, tout) => tin ? +(100 * (1 - tout / tin)).toFixed(2) : null;
const pad = n => String(n).padStart(4, '0');

/* ----------------------------------------------------------------- tasks */

async function taskSquad(ctx) {
    const { paragraphs } = loadSquad(ctx.opts.data);
    const pars = paragraphs.slice(0, ctx.opts.limit);
    const task = new Task('squad', ctx);
    task.total = pars.length * 2;
    const nq = pars.reduce((n, p) => n + p.questions.length, 0);

    const variants = {
        balanced: { tin: 0, tout: 0, strict: 0, content: 0, items: 0, paragraphs_all_strict: 0, paragraphs_all_content: 0 },
        max: { tin: 0, tout: 0, strict: 0, content: 0, items: 0, paragraphs_all_strict: 0, paragraphs_all_content: 0 },
        baseline_a: { tin: 0, tout: 0, strict: 0, content: 0, items: 0, paragraphs_all_strict: 0, paragraphs_all_content: 0 },
        baseline_b: { tin: 0, tout: 0, strict: 0, content: 0, items: 0, paragraphs_all_strict: 0, paragraphs_all_content: 0 },
    };
    let inputStrict = 0;
    const score = (v, p, text, tin, tout, id, cmd) => {
        const nt = normalize(text);
        v.tin += tin; v.tout += tout; v.items++;
        let allS = true, allC = true;
        for (const q of p.questions) {
            const s = anyRetained(nt, q.norm, 'strict'), c = anyRetained(nt, q.norm, 'content');
            v.strict += s; v.content += c;
            allS = allS && s; allC = allC && c;
            if (cmd && !s) task.fail(`${id}_strict_lost`, { id: q.id, paragraph: p.index, question: q.question, answers: q.answers, cmd });
            if (cmd && !c) task.fail(`${id}_content_lost`, { id: q.id, paragraph: p.index, question: q.question, answers: q.answers, cmd });
        }
        v.paragraphs_all_strict += allS; v.paragraphs_all_content += allC;
    };

    await Promise.all(pars.map(async p => {
        const file = tmpFile('squad', `p${pad(p.index)}.txt`, p.context);
        const tin = await ctx.count(p.context);
        const nt = normalize(p.context);
        for (const q of p.questions) inputStrict += anyRetained(nt, q.norm, 'strict');
        const [ra, rb] = [dropWords(p.context, BASE_A), dropWords(p.context, BASE_B)];
        const jobs = ['balanced', 'max'].map(async level => {
            const r = await ctx.compress(file, { level });
            await task.check(r, { expectIn: tin, id: `p${p.index}/${level}` });
            if (r.ok) score(variants[level], p, r.text, r.tokens_in, r.tokens_out, level, r.cmd);
            else {
                /* a failed call keeps nothing: every question is lost */
                variants[level].tin += tin; variants[level].tout += tin;
                for (const q of p.questions) task.fail(`${level}_strict_lost`, { id: q.id, paragraph: p.index, error: r.error, cmd: r.cmd });
            }
        });
        if (ctx.opts.baselines) {
            const [ta, tb] = await Promise.all([ctx.count(ra), ctx.count(rb)]);
            score(variants.baseline_a, p, ra, tin, ta);
            score(variants.baseline_b, p, rb, tin, tb);
        }
        await Promise.all(jobs);
    }));

    const fig = { paragraphs: pars.length, answerable_questions: nq, input_strict_retention: pct(inputStrict, nq) };
    for (const [k, v] of Object.entries(variants)) {
        if (!v.items) continue;
        fig[k] = { tokens_in: v.tin, tokens_out: v.tout, pct_fewer: fewer(v.tin, v.tout),
            strict_retention: pct(v.strict, nq), content_retention: pct(v.content, nq),
            strict_lost: nq - v.strict, content_lost: nq - v.content,
            paragraphs_all_strict: pct(v.paragraphs_all_strict, pars.length),
            paragraphs_all_content: pct(v.paragraphs_all_content, pars.length) };
    }
    if (fig.baseline_a) fig.baseline_a.words = [...BASE_A].join(' ');
    if (fig.baseline_b) fig.baseline_b.words = 'STOP (see definitions)';
    return task.finish(fig);
}

async function taskSquadQuery(ctx) {
    const { paragraphs } = loadSquad(ctx.opts.data);
    const items = [];
    for (const p of paragraphs) for (const q of p.questions) items.push({ p, q });
    const list = items.slice(0, ctx.opts.limit);
    const task = new Task('squad-query', ctx);
    task.total = list.length;
    const t = { tin: 0, tout: 0, content: 0, strict: 0, btout: 0, bcontent: 0, bstrict: 0 };
    await Promise.all(list.map(async ({ p, q }) => {
        const file = tmpFile('squad', `p${pad(p.index)}.txt`, p.context);
        const tin = await ctx.count(p.context);
        const budget = Math.floor(tin * 0.5);
        const sents = sentences(p.context).map(text => ({ text, par: 0 }));
        const [r, base] = await Promise.all([
            ctx.compress(file, { query: q.question, budget }),
            ctx.opts.baselines ? bm25Select(ctx, sents, q.question, budget) : null,
        ]);
        await task.check(r, { budget, expectIn: tin, id: q.id });
        if (base != null) {
            const nb = normalize(base);
            t.bcontent += anyRetained(nb, q.norm, 'content');
            t.bstrict += anyRetained(nb, q.norm, 'strict');
            t.btout += await ctx.count(base);
        }
        t.tin += tin;
        if (!r.ok) return;
        t.tout += r.tokens_out;
        const nt = normalize(r.text), fits = r.tokens_out <= budget;
        const c = fits && anyRetained(nt, q.norm, 'content'), s = fits && anyRetained(nt, q.norm, 'strict');
        t.content += c; t.strict += s;
        if (!c) task.fail('content_lost', { id: q.id, paragraph: p.index, question: q.question, answers: q.answers, budget, cmd: r.cmd });
    }));
    const n = list.length;
    return task.finish({
        questions: n, budget: 'floor(50% of the paragraph tokens)',
        tokens_in: t.tin, tokens_out: t.tout, pct_fewer: fewer(t.tin, t.tout),
        content_retention: pct(t.content, n), strict_retention: pct(t.strict, n),
        bm25_baseline: ctx.opts.baselines ? { tokens_out: t.btout, pct_fewer: fewer(t.tin, t.btout),
            content_retention: pct(t.bcontent, n), strict_retention: pct(t.bstrict, n) } : null,
    });
}

/* Evenly spaced, deterministic: at most k of the n items, in order. */
function sample(arr, k) {
    if (!(k < arr.length)) return arr;
    const out = [];
    for (let i = 0; i < k; i++) out.push(arr[Math.floor(i * arr.length / k)]);
    return out;
}

async function taskSquadLong(ctx) {
    const { articles } = loadSquad(ctx.opts.data);
    const items = [];
    const docs = articles.map(a => {
        const text = a.paragraphs.map(p => p.context).join('\n\n');
        const sents = [];
        a.paragraphs.forEach((p, pi) => { for (const s of sentences(p.context)) sents.push({ text: s, par: pi }); });
        const qs = [];
        for (const p of a.paragraphs) qs.push(...p.questions);
        const doc = { a, text, sents, file: tmpFile('squad-long', `a${String(a.index).padStart(2, '0')}.txt`, text) };
        for (const q of sample(qs, ctx.opts.maxPerArticle)) items.push({ doc, q });
        return doc;
    });
    const list = items.slice(0, ctx.opts.limit);
    const task = new Task('squad-long', ctx);
    const shares = [10, 5];
    task.total = list.length * shares.length;
    const docTokens = await Promise.all(docs.map(d => ctx.count(d.text)));
    docs.forEach((d, i) => { d.tokens = docTokens[i]; });
    const agg = {};
    for (const s of shares) agg[s] = { tin: 0, tout: 0, strict: 0, n: 0, btout: 0, bstrict: 0 };
    await Promise.all(list.flatMap(({ doc, q }) => shares.map(async share => {
        const budget = Math.floor(doc.tokens * share / 100);
        const [r, base] = await Promise.all([
            ctx.compress(doc.file, { query: q.question, budget }),
            ctx.opts.baselines ? bm25Select(ctx, doc.sents, q.question, budget) : null,
        ]);
        await task.check(r, { budget, expectIn: doc.tokens, id: `${q.id}/${share}%` });
        const g = agg[share];
        g.n++; g.tin += doc.tokens;
        if (base != null) {
            g.bstrict += anyRetained(normalize(base), q.norm, 'strict');
            g.btout += await ctx.count(base);
        }
        if (!r.ok) return;
        g.tout += r.tokens_out;
        const s = r.tokens_out <= budget && anyRetained(normalize(r.text), q.norm, 'strict');
        g.strict += s;
        if (!s) task.fail(`strict_lost_${share}pct`, { id: q.id, article: doc.a.title, question: q.question, answers: q.answers, budget, cmd: r.cmd });
    })));
    const fig = { articles: docs.length, questions: list.length,
        max_per_article: Number.isFinite(ctx.opts.maxPerArticle) ? ctx.opts.maxPerArticle : 'all',
        doc_tokens: { min: Math.min(...docTokens), max: Math.max(...docTokens),
            mean: Math.round(docTokens.reduce((a, b) => a + b, 0) / docTokens.length) } };
    for (const s of shares) {
        const g = agg[s];
        fig[`budget_${s}pct`] = { tokens_in: g.tin, tokens_out: g.tout, pct_fewer: fewer(g.tin, g.tout),
            strict_retention: pct(g.strict, g.n), strict_lost: g.n - g.strict,
            bm25_baseline: ctx.opts.baselines ? { tokens_out: g.btout, pct_fewer: fewer(g.tin, g.btout),
                strict_retention: pct(g.bstrict, g.n) } : null };
    }
    return task.finish(fig);
}

/* Upstream lost-in-the-middle rendering: '{"k": "v",\n "k": "v",\n ... "k": "v"}'. */
function renderKv(records) {
    return records.map(([k, v], i) => (i === 0 ? '{' : ' ') + JSON.stringify(k) + ': ' + JSON.stringify(v) +
        (i === records.length - 1 ? '}' : ',\n')).join('');
}
const escRe = s => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

async function taskKv(ctx) {
    const recs = readJsonl(path.join(ctx.opts.data, 'nq-multidoc', 'kv-retrieval-75_keys.jsonl.gz')).slice(0, ctx.opts.limit);
    const task = new Task('kv', ctx);
    task.total = recs.length;
    const t = { tin: 0, tout: 0, member: 0, bytes: 0, next: 0, bothPresent: 0, keysKept: 0, mispaired: 0, altered: 0 };
    const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
    await Promise.all(recs.map(async (rec, i) => {
        const text = renderKv(rec.ordered_kv_records);
        const file = tmpFile('kv', `r${pad(i)}.json`, text);
        const tin = await ctx.count(text);
        const budget = Math.floor(tin * 0.1);
        const r = await ctx.compress(file, { query: rec.key, budget });
        await task.check(r, { budget, expectIn: tin, id: `r${i}` });
        t.tin += tin;
        if (!r.ok) return;
        t.tout += r.tokens_out;
        const out = r.text;
        const fits = r.tokens_out <= budget;
        /* pass: the JSON member "KEY": "VALUE", any whitespace around the colon (the
         * exact level minifies JSON); bytes: the literal rendering '"KEY": "VALUE"';
         * next: format-agnostic, the first UUID after the key is its value. */
        const uuids = [...out.matchAll(UUID)];
        const nextAfter = k => {
            const at = out.indexOf(k);
            if (at < 0) return null;
            const u = uuids.find(m => m.index >= at + k.length);
            return u ? u[0] : null;
        };
        const member = fits && new RegExp(`"${escRe(rec.key)}"\\s*:\\s*"${escRe(rec.value)}"`).test(out);
        const bytes = fits && out.includes(`"${rec.key}": "${rec.value}"`);
        const next = fits && nextAfter(rec.key) === rec.value;
        t.member += member; t.bytes += bytes; t.next += next;
        t.bothPresent += fits && out.includes(rec.key) && out.includes(rec.value);
        if (!member) task.fail('pair_lost', { id: `r${i}`, key: rec.key, value: rec.value, next_uuid_ok: next, cmd: r.cmd });
        /* Fidelity beyond the queried pair: every kept key is followed by its own
         * value; every UUID-shaped string is one of the record's. */
        const all = new Set(rec.ordered_kv_records.flat());
        let kept = 0, bad = 0;
        for (const [k, v] of rec.ordered_kv_records) {
            if (!out.includes(k)) continue;
            kept++;
            if (nextAfter(k) !== v) bad++;
        }
        t.keysKept += kept;
        if (bad) { t.mispaired++; task.fail('mispaired', { id: `r${i}`, keys: bad, cmd: r.cmd }); }
        if (uuids.some(u => !all.has(u[0]))) { t.altered++; task.fail('altered_uuid', { id: `r${i}`, cmd: r.cmd }); }
    }));
    const n = recs.length;
    return task.finish({ records: n, budget: 'floor(10% of the input tokens)',
        tokens_in: t.tin, tokens_out: t.tout, pct_fewer: fewer(t.tin, t.tout),
        pair_member: pct(t.member, n), pair_member_lost: n - t.member,
        pair_literal_bytes: pct(t.bytes, n), pair_next_uuid: pct(t.next, n),
        key_and_value_present: pct(t.bothPresent, n),
        mean_keys_kept: +(t.keysKept / Math.max(n, 1)).toFixed(2),
        records_with_mispaired_key: t.mispaired, records_with_altered_uuid: t.altered });
}

async function taskNq(ctx) {
    const recs = readJsonl(path.join(ctx.opts.data, 'nq-multidoc', 'nq-open-oracle.jsonl.gz')).slice(0, ctx.opts.limit);
    const task = new Task('nq', ctx);
    task.total = recs.length;
    const t = { tin: 0, tout: 0, strict: 0, input: 0 };
    await Promise.all(recs.map(async (rec, i) => {
        const c = rec.ctxs[0];
        const text = `${c.title}\n\n${c.text}`;
        const file = tmpFile('nq', `q${pad(i)}.txt`, text);
        const norm = [...new Set(rec.answers.map(normalize))];
        t.input += anyRetained(normalize(text), norm, 'strict');
        const r = await ctx.compress(file, { level: 'balanced' });
        await task.check(r, { id: `q${i}` });
        if (!r.ok) { const n = await ctx.count(text); t.tin += n; t.tout += n; return; }
        t.tin += r.tokens_in; t.tout += r.tokens_out;
        const s = anyRetained(normalize(r.text), norm, 'strict');
        t.strict += s;
        if (!s) task.fail('strict_lost', { id: `q${i}`, question: rec.question, answers: rec.answers, cmd: r.cmd });
    }));
    const n = recs.length;
    return task.finish({ questions: n, rendering: 'Title\\n\\ntext', level: 'balanced',
        tokens_in: t.tin, tokens_out: t.tout, pct_fewer: fewer(t.tin, t.tout),
        strict_retention: pct(t.strict, n), strict_lost: n - t.strict, input_strict_retention: pct(t.input, n) });
}

async function taskSeed(ctx) {
    const recs = readJsonl(path.join(ctx.opts.data, 'seed-pairs', 'pairs.jsonl'))
        .filter(r => r.domain === 'nl' && (r.split === 'valid' || r.split === 'test')).slice(0, ctx.opts.limit);
    const task = new Task('seed', ctx);
    task.total = recs.length;
    const t = { tin: 0, tout: 0, ref: 0, beats: 0, numItems: 0, numsTotal: 0, tNumsKept: 0, rNumsKept: 0,
        tNumOk: 0, rNumOk: 0, negItems: 0, tNegOk: 0, rNegOk: 0, tNegLoose: 0, rNegLoose: 0, ok: 0 };
    await Promise.all(recs.map(async rec => {
        const file = tmpFile('seed', `${rec.id}.txt`, rec.verbose);
        const [tin, tref, r] = await Promise.all([ctx.count(rec.verbose), ctx.count(rec.compressed),
            ctx.compress(file, { level: 'max' })]);
        await task.check(r, { expectIn: tin, id: rec.id });
        /* a failed call counts as uncompressed for the ratio and as losing every
         * number and negation */
        const out = r.ok ? r.text : '';
        const tout = r.ok ? r.tokens_out : tin;
        t.ok += r.ok;
        t.tin += tin; t.tout += tout; t.ref += tref;
        if (tout <= tref) t.beats++;
        const nv = numbers(rec.verbose);
        if (nv.size) {
            t.numItems++; t.numsTotal += nv.size;
            const no = numbers(out), nr = numbers(rec.compressed);
            const kt = [...nv].filter(x => no.has(x)).length, kr = [...nv].filter(x => nr.has(x)).length;
            t.tNumsKept += kt; t.rNumsKept += kr;
            t.tNumOk += kt === nv.size; t.rNumOk += kr === nv.size;
            if (kt < nv.size) task.fail('number_lost', { id: rec.id, lost: [...nv].filter(x => !no.has(x)), cmd: r.cmd });
        }
        const gv = negations(rec.verbose);
        if (Object.keys(gv).length) {
            t.negItems++;
            const okT = negationsKept(gv, negations(out)), okR = negationsKept(gv, negations(rec.compressed));
            t.tNegOk += okT; t.rNegOk += okR;
            const nv2 = negationsLoose(rec.verbose);
            t.tNegLoose += negationsLoose(out) >= nv2; t.rNegLoose += negationsLoose(rec.compressed) >= nv2;
            if (!okT) task.fail('negation_lost', { id: rec.id, verbose: gv, output: negations(out), cmd: r.cmd });
        }
    }));
    const n = recs.length;
    return task.finish({ items: n, level: 'max', tokens_verbose: t.tin, tokens_terse: t.tout, tokens_reference: t.ref,
        ratio_terse: t.tin ? +(t.tout / t.tin).toFixed(4) : null,
        ratio_reference: t.tin ? +(t.ref / t.tin).toFixed(4) : null,
        items_terse_beats_or_matches_reference: t.beats,
        numbers: { items_with_numbers: t.numItems, distinct_numbers: t.numsTotal,
            terse_items_all_kept: t.tNumOk, reference_items_all_kept: t.rNumOk,
            reference_items_losing_numbers: t.numItems - t.rNumOk,
            terse_numbers_kept: t.tNumsKept, reference_numbers_kept: t.rNumsKept },
        negations: { items_with_negations: t.negItems, terse_items_all_kept: t.tNegOk,
            reference_items_all_kept: t.rNegOk, reference_items_losing_negations: t.negItems - t.rNegOk,
            loose_terse_items_kept: t.tNegLoose, loose_reference_items_kept: t.rNegLoose } });
}

/* The locomo-dev rendering (the data README's suggestion): returns the text and the
 * turns by dia_id. */
function renderLocomo(conv) {
    const lines = [], turns = new Map();
    for (let i = 1; conv[`session_${i}_date_time`] || conv[`session_${i}`]; i++) {
        const s = conv[`session_${i}`];
        if (!Array.isArray(s)) continue;
        if (lines.length) lines.push('');
        lines.push(`Session ${i} (${conv[`session_${i}_date_time`]}):`);
        for (const t of s) {
            const line = `${t.speaker}: ${t.text}` + (t.blip_caption ? ` [shared photo: ${t.blip_caption}]` : '');
            lines.push(line);
            turns.set(t.dia_id, line);
        }
    }
    return { text: lines.join('\n') + '\n', turns };
}

/* Whether a turn survives in out: some line of out holds more than half of the
 * turn's distinct content words (normalized, STOP left out), as whole words. */
function turnKept(turn, outLines) {
    const words = [...new Set(terms(turn.replace(/^[^:]*:\s*/, '')))];
    if (!words.length) return true;
    return outLines.some(l => {
        const have = new Set(l);
        return words.filter(w => have.has(w)).length * 2 > words.length;
    });
}

async function taskLocomo(ctx) {
    const dir = path.join(ctx.opts.data, 'locomo-dev');
    const files = fs.readdirSync(dir).filter(f => f.endsWith('.json')).sort().slice(0, ctx.opts.limit);
    const task = new Task('locomo', ctx);
    const convs = files.map(f => {
        const conv = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
        const { text, turns } = renderLocomo(conv);
        const normText = normalize(text);
        const qs = conv.qa.filter(q => q.category >= 1 && q.category <= 4 && q.answer != null).map(q => ({
            ...q, answer: String(q.answer), norm: [normalize(String(q.answer))],
            evidence: (q.evidence || []).flatMap(e => String(e).split(/[;,\s]+/)).filter(e => turns.has(e)),
        }));
        return { name: f.replace(/\.json$/, ''), text, turns, qs,
            answerable: qs.filter(q => anyRetained(normText, q.norm, 'content')),
            file: tmpFile('locomo', f.replace(/\.json$/, '.txt'), text) };
    });
    const levels = ['balanced', 'max'];
    task.total = convs.length * levels.length + convs.reduce((n, c) => n + c.qs.filter(q => q.evidence.length).length, 0);
    const fig = { conversations: convs.length, rendering: 'Session N (date): lines; Speaker: text [shared photo: caption]' };
    for (const level of levels) {
        const g = { tin: 0, tout: 0, n: 0, content: 0 };
        await Promise.all(convs.map(async c => {
            const tin = await ctx.count(c.text);
            const r = await ctx.compress(c.file, { level });
            await task.check(r, { expectIn: tin, id: `${c.name}/${level}` });
            g.tin += tin; g.n += c.answerable.length;
            g.tout += r.ok ? r.tokens_out : tin;
            if (!r.ok) return;
            const nt = normalize(r.text);
            for (const q of c.answerable) {
                const k = anyRetained(nt, q.norm, 'content');
                g.content += k;
                if (!k) task.fail(`content_lost_${level}`, { id: `${c.name}/${q.evidence.join(',')}`, question: q.question, answer: q.answer, cmd: r.cmd });
            }
            fig[`${c.name}_${level}`] = { tokens_in: tin, tokens_out: r.tokens_out, pct_fewer: fewer(tin, r.tokens_out) };
        }));
        fig[level] = { tokens_in: g.tin, tokens_out: g.tout, pct_fewer: fewer(g.tin, g.tout),
            answers_in_conversation: g.n, content_retention: pct(g.content, g.n), content_lost: g.n - g.content };
    }
    const b = { q: 0, ev: 0, kept: 0, allKept: 0, tin: 0, tout: 0, content: 0 };
    await Promise.all(convs.map(async c => {
        const tin = await ctx.count(c.text);
        const budget = Math.floor(tin * 0.1);
        await Promise.all(c.qs.filter(q => q.evidence.length).map(async (q, i) => {
            const r = await ctx.compress(c.file, { query: q.question, budget });
            await task.check(r, { budget, expectIn: tin, id: `${c.name}/q${i}` });
            b.q++; b.ev += q.evidence.length; b.tin += tin;
            b.tout += r.ok ? r.tokens_out : tin;
            if (!r.ok || r.tokens_out > budget) return;
            const outLines = r.text.split('\n').map(l => normalize(l).split(' '));
            let k = 0;
            for (const e of q.evidence) {
                if (turnKept(c.turns.get(e), outLines)) k++;
                else task.fail('evidence_lost', { id: `${c.name}/${e}`, question: q.question, turn: c.turns.get(e), cmd: r.cmd });
            }
            b.kept += k; b.allKept += k === q.evidence.length;
            b.content += anyRetained(normalize(r.text), q.norm, 'content');
        }));
    }));
    fig.query_budget_10pct = { questions: b.q, evidence_turns: b.ev, evidence_kept: pct(b.kept, b.ev),
        questions_all_evidence_kept: pct(b.allKept, b.q), pct_fewer: fewer(b.tin, b.tout),
        content_retention_all_questions: pct(b.content, b.q) };
    return task.finish(fig);
}

/* ---------------------------------------------------------------- report */

function targets(res) {
    const rows = [];
    const row = (task, metric, value, target, pass, unit = '%') =>
        rows.push({ task, metric, value, unit, target, pass });
    const ge = (v, x) => v != null && v >= x;
    if (res.squad) {
        const s = res.squad;
        row('squad', 'balanced: % fewer tokens', s.balanced.pct_fewer, '>= 18', ge(s.balanced.pct_fewer, 18));
        row('squad', 'balanced: strict retention', s.balanced.strict_retention, '>= 97', ge(s.balanced.strict_retention, 97));
        row('squad', 'max: % fewer tokens', s.max.pct_fewer, '>= 45', ge(s.max.pct_fewer, 45));
        row('squad', 'max: content retention', s.max.content_retention, '>= 97', ge(s.max.content_retention, 97));
        for (const b of ['baseline_a', 'baseline_b']) {
            if (s[b]) row('squad', `${b}: % fewer / strict / content`,
                `${s[b].pct_fewer} / ${s[b].strict_retention} / ${s[b].content_retention}`, 'info', null, '');
        }
    }
    if (res['squad-query']) {
        const s = res['squad-query'];
        row('squad-query', 'budget 50%: content retention', s.content_retention, '>= 97', ge(s.content_retention, 97));
        if (s.bm25_baseline) row('squad-query', 'BM25 baseline: % fewer / content', `${s.bm25_baseline.pct_fewer} / ${s.bm25_baseline.content_retention}`, 'info', null, '');
    }
    if (res['squad-long']) {
        const s = res['squad-long'];
        row('squad-long', 'budget 10%: strict retention', s.budget_10pct.strict_retention, '>= 97', ge(s.budget_10pct.strict_retention, 97));
        row('squad-long', 'budget 5%: strict retention', s.budget_5pct.strict_retention, '>= 95', ge(s.budget_5pct.strict_retention, 95));
        if (s.budget_10pct.bm25_baseline) row('squad-long', 'BM25 baseline 10% / 5%: strict', `${s.budget_10pct.bm25_baseline.strict_retention} / ${s.budget_5pct.bm25_baseline.strict_retention}`, 'info', null, '');
    }
    if (res.kv) {
        row('kv', 'budget 10%: member "key": "value" kept', res.kv.pair_member, '= 100', res.kv.pair_member === 100);
        row('kv', 'literal bytes / next UUID after key is value', `${res.kv.pair_literal_bytes} / ${res.kv.pair_next_uuid}`, 'info', null, '');
        row('kv', 'records with a mispaired key / altered UUID', `${res.kv.records_with_mispaired_key} / ${res.kv.records_with_altered_uuid}`,
            '0', res.kv.records_with_mispaired_key + res.kv.records_with_altered_uuid === 0, '');
    }
    if (res.nq) {
        row('nq', 'balanced: strict retention', res.nq.strict_retention, '>= 98', ge(res.nq.strict_retention, 98));
        row('nq', 'balanced: % fewer tokens', res.nq.pct_fewer, 'info', null);
    }
    if (res.seed) {
        const s = res.seed;
        row('seed', 'max: ratio out/in (reference; items beating/matching ref)',
            `${s.ratio_terse} (${s.ratio_reference}; ${s.items_terse_beats_or_matches_reference}/${s.items})`, '<= reference',
            s.ratio_terse != null && s.ratio_terse <= s.ratio_reference, '');
        row('seed', 'items keeping all numbers', `${s.numbers.terse_items_all_kept}/${s.numbers.items_with_numbers} (ref ${s.numbers.reference_items_all_kept})`,
            'all', s.numbers.terse_items_all_kept === s.numbers.items_with_numbers, '');
        row('seed', 'items keeping all negations (ref; loose ref)', `${s.negations.terse_items_all_kept}/${s.negations.items_with_negations} ` +
            `(ref ${s.negations.reference_items_all_kept}; loose ref ${s.negations.loose_reference_items_kept})`,
            'all', s.negations.terse_items_all_kept === s.negations.items_with_negations, '');
    }
    if (res.locomo) {
        const s = res.locomo;
        row('locomo', 'balanced: % fewer tokens', s.balanced.pct_fewer, '>= 40', ge(s.balanced.pct_fewer, 40));
        row('locomo', 'balanced: content retention (answers in the conversation)', s.balanced.content_retention, '>= 97',
            ge(s.balanced.content_retention, 97));
        row('locomo', 'max: % fewer / content retention', `${s.max.pct_fewer} / ${s.max.content_retention}`, 'info', null, '');
        row('locomo', 'query + budget 10%: evidence turns kept', s.query_budget_10pct.evidence_kept, '>= 80',
            ge(s.query_budget_10pct.evidence_kept, 80));
    }
    /* every task: no failed calls, nothing over budget, nothing longer than its input */
    for (const [name, r] of Object.entries(res)) {
        const c = r.checks;
        const bad = c.errors + c.over_budget + c.longer_than_input + c.tokens_in_mismatch + c.tokens_out_mismatch;
        row(name, 'errors / over budget / longer / count mismatches',
            `${c.errors} / ${c.over_budget} / ${c.longer_than_input} / ${c.tokens_in_mismatch + c.tokens_out_mismatch}`,
            '0', bad === 0, '');
    }
    return rows;
}

function markdown(rows, res, meta) {
    const L = [];
    L.push(`# terse quality (${meta.terse}${meta.limit !== 'all' ? `, --limit ${meta.limit}` : ''})`, '');
    L.push('| task | metric | value | target | result |', '|---|---|---|---|---|');
    for (const r of rows) {
        L.push(`| ${r.task} | ${r.metric} | ${r.value}${r.value != null && r.unit ? r.unit : ''} | ${r.target} | ` +
            `${r.pass == null ? '' : r.pass ? 'PASS' : '**MISS**'} |`);
    }
    L.push('', '| task | items | seconds |', '|---|---|---|');
    for (const [name, r] of Object.entries(res)) {
        L.push(`| ${name} | ${r.paragraphs ?? r.questions ?? r.records ?? r.items ?? r.conversations} | ${r.seconds} |`);
    }
    L.push('', `total ${meta.seconds} s; ${meta.calls.compress} compress and ${meta.calls.count} count processes, ` +
        `at most ${meta.jobs} at a time.`);
    return L.join('\n') + '\n';
}

const TASKS = { 'squad': taskSquad, 'squad-query': taskSquadQuery, 'squad-long': taskSquadLong,
    'kv': taskKv, 'nq': taskNq, 'seed': taskSeed, 'locomo': taskLocomo };

async function main() {
    const opts = parseArgs(process.argv);
    for (const b of [opts.terse, opts.counter]) {
        try { fs.accessSync(b, fs.constants.X_OK); } catch { usage(`${b} is not an executable`); }
    }
    const ctx = new Context(opts);
    const t0 = Date.now();
    const res = {};
    for (const name of ALL_TASKS) if (opts.only.includes(name)) res[name] = await TASKS[name](ctx);
    const meta = { terse: path.relative(ROOT, opts.terse) || opts.terse, counter: path.relative(ROOT, opts.counter),
        tokenizer: 'o200k', data: opts.data, limit: Number.isFinite(opts.limit) ? opts.limit : 'all',
        jobs: opts.jobs, verify_every: opts.verifyEvery, seconds: +((Date.now() - t0) / 1000).toFixed(1),
        calls: ctx.calls };
    const rows = targets(res);
    const definitions = {
        normalize: 'lower case; delete ASCII punctuation; a/an/the -> space; collapse whitespace (SQuAD)',
        strict: 'normalized answer is a substring of the normalized text; a question is kept if any gold answer is',
        content: 'the non-STOP words of the normalized answer occur as substrings, in order, in the normalized text; ' +
            'an answer of stop words only falls back to strict',
        stop_words: [...STOP].sort().join(' '),
        baseline_a_words: [...BASE_A].join(' '),
        baseline_b_words: 'STOP',
        bm25_baseline: 'sentences ranked by BM25 (k1 1.2, b 0.75, query and sentence terms normalized, STOP removed), ' +
            'greedy best-first fill to the budget, kept in document order, no pruning',
        kv_pass: 'the JSON member "KEY": "VALUE" in the output, any whitespace around the colon; pair_literal_bytes: ' +
            'the literal substring \'"KEY": "VALUE"\'; pair_next_uuid: the first UUID after KEY is VALUE (any format); ' +
            'mispaired: a kept key whose next UUID is not its value; altered: a UUID-shaped string not in the record',
        seed_numbers: 'regex \\d[\\d,]*(?:\\.\\d+)? with commas removed; every distinct number of verbose is among the output\'s numbers',
        seed_negations: 'whole words not/cannot/n\'t (one class), no, never, without, none, nor, neither, nobody, nothing, ' +
            'nowhere; per class, count in verbose <= count in output. loose: total count of all those words plus ' +
            '¬ ≠ ✗ sans w/o in the output >= total count of the words in verbose',
    };
    const report = { meta, targets: rows, tasks: res, definitions };
    if (opts.out) {
        fs.mkdirSync(path.dirname(opts.out), { recursive: true });
        fs.writeFileSync(opts.out, JSON.stringify(report, null, 1) + '\n');
    }
    process.stdout.write(markdown(rows, res, meta));
}

if (require.main === module) {
    main().catch(e => { process.stderr.write(`quality.js: ${e.stack || e}\n`); process.exit(2); });
}

module.exports = { normalize, strictRetained, contentRetained, anyRetained, dropWords, sentences, bm25Rank, numbers,
    negations, renderKv, renderLocomo, STOP, BASE_A };
