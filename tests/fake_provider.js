#!/usr/bin/env node
'use strict';
/*
 * tests/fake_provider.js - a stand-in for the OpenAI, Anthropic and Gemini APIs,
 * for testing `terse eval judge` and `terse count --exact` without a network.
 *
 *   node tests/fake_provider.js --log FILE [--key KEY] [--script FILE.json]
 *        [--errors 429,500,...] [--retry-after SECONDS] [--hang-after N] [--delay-ms N]
 *
 * Listens on 127.0.0.1, on a port the system picks, and prints that port on
 * stdout once it is ready. Endpoints, each checking its provider's headers:
 *   POST /v1/chat/completions                 OpenAI: Authorization: Bearer KEY
 *   POST /compat/v1/chat/completions          OpenAI-compatible server: no key needed
 *   POST /v1/messages                         Anthropic: x-api-key KEY, anthropic-version
 *   POST /v1/messages/count_tokens            Anthropic: {"input_tokens": bytes of the text / 4, rounded up}
 *   POST /v1beta/models/MODEL:generateContent Gemini: x-goog-api-key KEY or ?key=KEY
 * A wrong or missing key gets 401 in the provider's error format.
 *
 * The "model" answers from --script, a JSON array of {"all": [substrings], "reply": text}:
 * the first rule whose substrings all occur in the user message gives the reply;
 * otherwise "I do not know". The user message is the last message whose role is
 * "user" (a system message may come first). A rule may instead say how to fail
 * (OpenAI-compatible endpoints): "raw": a body sent as is with status 200,
 * "hang": true (never answered), "finish": "length" (a cut-off reply), or
 * "echo": true (the user message after its first line, as is).
 * --pairs FILE (seed pairs, JSON Lines of {verbose, compressed}): a user message
 *   "Compress:\n" + verbose gets the compressed reference; --garbage TEXT: any
 *   message no rule or pair answers gets TEXT (default "I do not know").
 *
 * --errors: the first requests (any endpoint) get these statuses instead, in order;
 *   429 carries Retry-After (--retry-after, default 1; date:N sends the HTTP date N s ahead).
 * --hang-after N: after N successful replies, requests are never answered (a run
 *   can then be killed with its finished calls known).
 * Every request is appended to --log as one JSON line when it is answered:
 *   {"n", "t" (ms), "inflight" (open requests at its arrival), "port" (the client's), "path", "provider", "headers": {...}, "query": {...}, "body": {...}, "prompt", "status"}
 *   (also for the unanswered ones, with status 0, when they arrive).
 */
const http = require('http');
const fs = require('fs');

const opt = { log: null, key: 'test-key', script: [], errors: [], retryAfter: '1', hangAfter: Infinity, delay: 0,
    pairs: new Map(), garbage: 'I do not know' };
for (let i = 2; i < process.argv.length; i++) {
    const a = process.argv[i], v = process.argv[i + 1];
    switch (a) {
    case '--log': opt.log = v; i++; break;
    case '--key': opt.key = v; i++; break;
    case '--script': opt.script = JSON.parse(fs.readFileSync(v, 'utf8')); i++; break;
    case '--errors': opt.errors = v.split(',').filter(Boolean).map(Number); i++; break;
    case '--retry-after': opt.retryAfter = v; i++; break;
    case '--hang-after': opt.hangAfter = +v; i++; break;
    case '--delay-ms': opt.delay = +v; i++; break;
    case '--garbage': opt.garbage = v; i++; break;
    case '--pairs':
        for (const line of fs.readFileSync(v, 'utf8').split('\n')) {
            if (!line.trim()) continue;
            const r = JSON.parse(line);
            opt.pairs.set('Compress:\n' + r.verbose, r.compressed);
        }
        i++; break;
    default: process.stderr.write(`fake_provider: unknown option ${a}\n`); process.exit(1);
    }
}
if (!opt.log) { process.stderr.write('fake_provider: --log FILE is required\n'); process.exit(1); }

let count = 0, served = 0, inflight = 0;

function log(rec) { fs.appendFileSync(opt.log, JSON.stringify(rec) + '\n'); }

function rule(prompt) {
    for (const r of opt.script) if (r.all.every(s => prompt.includes(s))) return r;
    return null;
}

function reply(prompt) {
    const r = rule(prompt);
    if (r && r.echo) return prompt.slice(prompt.indexOf('\n') + 1);
    if (r) return r.reply;
    if (opt.pairs.has(prompt)) return opt.pairs.get(prompt);
    return opt.garbage;
}

function errorBody(provider, status, msg) {
    if (provider === 'anthropic') return { type: 'error', error: { type: status === 429 ? 'rate_limit_error' : 'api_error', message: msg } };
    if (provider === 'gemini') return { error: { code: status, message: msg, status: status === 429 ? 'RESOURCE_EXHAUSTED' : 'INTERNAL' } };
    return { error: { message: msg, type: status === 429 ? 'rate_limit_exceeded' : 'server_error' } };
}

const server = http.createServer((req, res) => {
    const chunks = [];
    const arrivedWith = ++inflight; /* requests open at this one's arrival, itself included */
    res.on('close', () => { inflight--; });
    req.on('data', c => chunks.push(c));
    req.on('end', () => {
        const n = ++count;
        const url = new URL(req.url, 'http://x');
        const path = url.pathname;
        let provider = null, m;
        if (req.method === 'POST' && path === '/v1/chat/completions') provider = 'openai';
        else if (req.method === 'POST' && path === '/compat/v1/chat/completions') provider = 'compat';
        else if (req.method === 'POST' && path === '/v1/messages') provider = 'anthropic';
        else if (req.method === 'POST' && path === '/v1/messages/count_tokens') provider = 'anthropic-count';
        else if (req.method === 'POST' && (m = /^\/v1beta\/models\/([^/:]+):generateContent$/.exec(path))) provider = 'gemini';
        let body = null;
        try { body = JSON.parse(Buffer.concat(chunks).toString('utf8')); } catch { body = null; }
        let prompt = '';
        if (body && provider === 'gemini') prompt = ((body.contents || [])[0] || { parts: [] }).parts.map(p => p.text).join('');
        else if (body && Array.isArray(body.messages) && body.messages.length) {
            const users = body.messages.filter(m => m && m.role === 'user');
            const c = (users.length ? users[users.length - 1] : body.messages[0]).content;
            prompt = typeof c === 'string' ? c : (c || []).map(p => p.text || '').join('');
        }
        const h = {};
        for (const k of ['authorization', 'x-api-key', 'anthropic-version', 'x-goog-api-key', 'content-type']) {
            if (req.headers[k] !== undefined) h[k] = req.headers[k];
        }
        const rec = { n, t: Date.now(), inflight: arrivedWith, port: req.socket.remotePort, path, provider, headers: h, query: Object.fromEntries(url.searchParams), body, prompt };
        const send = (status, obj, extra = {}) => {
            rec.status = status;
            log(rec);
            res.writeHead(status, { 'content-type': 'application/json', ...extra });
            res.end(JSON.stringify(obj));
        };
        const kind = provider === 'anthropic-count' ? 'anthropic' : provider;
        if (!provider) return send(404, { error: { message: `no such endpoint ${req.method} ${path}` } });
        if (served >= opt.hangAfter) { rec.status = 0; log(rec); return; /* never answered */ }
        const keyOk = provider === 'compat' ? true
            : provider === 'openai' ? h.authorization === `Bearer ${opt.key}`
            : kind === 'anthropic' ? h['x-api-key'] === opt.key && !!h['anthropic-version']
            : h['x-goog-api-key'] === opt.key || url.searchParams.get('key') === opt.key;
        if (!keyOk) return send(401, errorBody(kind, 401, 'invalid api key'));
        if (!body) return send(400, errorBody(kind, 400, 'body is not JSON'));
        if (opt.errors.length) {
            const st = opt.errors.shift();
            return send(st, errorBody(kind, st, st === 429 ? 'rate limited' : 'overloaded'),
                st === 429 ? { 'retry-after': opt.retryAfter.startsWith('date:') ?
                    new Date(Date.now() + 1000 * +opt.retryAfter.slice(5)).toUTCString() : opt.retryAfter } : {});
        }
        setTimeout(() => {
            if (served >= opt.hangAfter) { rec.status = 0; log(rec); return; }
            served++;
            if (provider === 'anthropic-count') return send(200, { input_tokens: Math.ceil(Buffer.byteLength(prompt) / 4) });
            const r = provider === 'compat' || provider === 'openai' ? rule(prompt) : null;
            if (r && r.hang) { rec.status = 0; log(rec); return; /* never answered: a timeout */ }
            if (r && r.raw !== undefined) {
                rec.status = 200; log(rec);
                res.writeHead(200, { 'content-type': 'application/json' });
                return res.end(r.raw);
            }
            const text = reply(prompt);
            if (provider === 'anthropic') {
                return send(200, { id: `msg_${n}`, type: 'message', role: 'assistant', model: body.model,
                    content: [{ type: 'text', text }], stop_reason: 'end_turn',
                    usage: { input_tokens: Math.ceil(prompt.length / 4), output_tokens: 3 } });
            }
            if (provider === 'gemini') {
                return send(200, { candidates: [{ content: { role: 'model', parts: [{ text }] }, finishReason: 'STOP' }],
                    usageMetadata: { promptTokenCount: Math.ceil(prompt.length / 4), candidatesTokenCount: 3 } });
            }
            return send(200, { id: `chatcmpl-${n}`, object: 'chat.completion', model: body.model,
                choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: (r && r.finish) || 'stop' }],
                usage: { prompt_tokens: Math.ceil(prompt.length / 4), completion_tokens: 3 } });
        }, opt.delay);
    });
});
server.listen(0, '127.0.0.1', () => { process.stdout.write(`${server.address().port}\n`); });
process.on('SIGTERM', () => process.exit(0));
