// proxy_test.js - terse proxy against a fake provider (tests/proxy_upstream.js)
// on 127.0.0.1, both on free ports. Prints "ok - ..." / "not ok - ..." per
// check. Run by tests/proxy.sh (which also starts redis-server for the
// shared-cache checks and passes its port as REDIS_PORT).
//
//   node tests/proxy_test.js BUILD_DIR
//
// What the upstream should receive is computed here, independently of the
// proxy: the request as the client wrote it, with exactly the texts that
// docs/proxy.md says are compressed replaced by `terse compress --json` of
// that text (kept when it saves no token), compared as JSON.
'use strict';
const http = require('http');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn, spawnSync, execFileSync } = require('child_process');
const upstream = require('./proxy_upstream.js');

const BUILD = process.argv[2] || 'build';
const TERSE = path.resolve(BUILD, 'terse');
const MIN_SIZE = 256;
let passed = 0, failed = 0;

function ok(cond, name, detail) {
    if (cond) { passed++; console.log(`ok - ${name}`); }
    else {
        failed++;
        console.log(`not ok - ${name}`);
        if (detail) for (const l of String(detail).split('\n').slice(0, 12)) console.log(`#   ${l}`);
    }
}

// ---- the reference: what the proxy should do to one text ----------------------

const refCache = new Map();
function ref(text, level, type, model) {
    if (Buffer.byteLength(text) < MIN_SIZE) return text;
    const k = `${level}|${type}|${model}|${text}`;
    if (refCache.has(k)) return refCache.get(k);
    const out = JSON.parse(execFileSync(TERSE, ['compress', '--json', '--level', level, '--type', type,
        '--model', model], { input: text }).toString());
    const r = out.tokens_out < out.tokens_in && out.text !== text ? out.text : text;
    refCache.set(k, r);
    return r;
}
const tool = (t, m) => ref(t, 'safe', 'auto', m);
const turn = (t, m) => ref(t, 'balanced', 'prose', m);

// ---- texts -----------------------------------------------------------------------

const PROSE = [
    'In order to make sure that the deployment goes smoothly, I would basically like to know whether it is actually really possible to roll back the database migration 0042 if something goes wrong, because we have had, as you know, quite a few problems in the past with migrations that could not be undone.',
    'It is actually quite important to note that the migration 0042 is, in fact, reversible: it basically only adds a nullable column called archived_at to the orders table, and in order to undo it you would simply drop that column again, which does not lose any data that existed before.',
    'To be perfectly honest, I think that it would probably be a really good idea to actually run the rollback in the staging environment first, just in order to be completely sure that nothing unexpected happens, since the staging database has roughly 2.5 million rows in the orders table.',
    'As a matter of fact, the staging run took about 41 seconds in total, and it is worth mentioning that the table was basically locked for most of that time, which means that in production, with approximately 18 million rows, the lock would very likely last for several minutes.',
];
const toolJson = JSON.stringify([...Array(12).keys()].map((i) => ({
    id: 1000 + i, name: `order-${i}`, status: i % 3 ? 'shipped' : 'pending', total: (i * 13.25).toFixed(2),
    archived_at: null })), null, 2);
const toolLog = [...Array(30).keys()].map((i) =>
    `2026-12-07T10:00:${String(i % 60).padStart(2, '0')}Z INFO migrate: applied step ${i % 3} of 0042 (rows=${1000 * (i % 3)})`).join('\n');
const LONG_TOOL_DESC = 'Looks up the orders of a customer. ' + 'It returns every order with its id, name, status and total, in order to let the assistant answer questions about them. '.repeat(4);
const SCHEMA = { type: 'object', properties: { customer_id: { type: 'string', description: 'The id of the customer, in order to find the orders that basically belong to them.'.repeat(3) } }, required: ['customer_id'] };
const IMG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

// ---- request shapes, from each provider's API reference -------------------------

function openaiChat(stream) {
    const m = 'gpt-4o';
    const client = {
        model: m,
        messages: [
            { role: 'system', content: 'You are a careful database assistant. ' + PROSE[0] },
            { role: 'user', content: PROSE[0] },
            { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_orders', arguments: '{"customer_id":"c-7"}' } }] },
            { role: 'tool', tool_call_id: 'call_1', content: toolJson },
            { role: 'assistant', content: PROSE[1] },
            { role: 'user', content: [{ type: 'text', text: PROSE[2] }, { type: 'image_url', image_url: { url: `data:image/png;base64,${IMG}` } }] },
            { role: 'assistant', content: [{ type: 'text', text: PROSE[3] }] },
            { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'text', text: toolLog }] },
            { role: 'user', content: PROSE[3] + ' What do you suggest?' },
        ],
        tools: [{ type: 'function', function: { name: 'get_orders', description: LONG_TOOL_DESC, parameters: SCHEMA } }],
        response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: SCHEMA } },
        temperature: 0.2, max_tokens: 1.0e3,
    };
    if (stream) client.stream = true;
    const want = JSON.parse(JSON.stringify(client));
    const w = want.messages;
    w[1].content = turn(PROSE[0], m);
    w[3].content = tool(toolJson, m);
    w[4].content = turn(PROSE[1], m);
    w[5].content[0].text = turn(PROSE[2], m);
    w[6].content[0].text = turn(PROSE[3], m);
    w[7].content[0].text = tool(toolLog, m);
    return { path: '/v1/chat/completions', client, want, headers: { authorization: 'Bearer sk-test-SECRET-openai' } };
}

function openaiResponses() {
    const m = 'gpt-4.1';
    const client = {
        model: m,
        instructions: 'Answer briefly. ' + PROSE[1],
        input: [
            { role: 'user', content: PROSE[0] },
            { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: PROSE[1], annotations: [] }] },
            { type: 'function_call', call_id: 'call_9', name: 'get_orders', arguments: '{"customer_id":"c-7"}' },
            { type: 'function_call_output', call_id: 'call_9', output: toolJson },
            { role: 'user', content: [{ type: 'input_text', text: PROSE[2] }, { type: 'input_image', image_url: `data:image/png;base64,${IMG}` }] },
        ],
        tools: [{ type: 'function', name: 'get_orders', description: LONG_TOOL_DESC, parameters: SCHEMA }],
    };
    const want = JSON.parse(JSON.stringify(client));
    want.input[0].content = turn(PROSE[0], m);
    want.input[1].content[0].text = turn(PROSE[1], m);
    want.input[3].output = tool(toolJson, m);
    return { path: '/v1/responses', client, want, headers: { authorization: 'Bearer sk-test-SECRET-openai' } };
}

function anthropic(stream, count) {
    const m = 'claude-sonnet-4-20250514';
    const client = {
        model: m,
        max_tokens: 1024,
        system: [{ type: 'text', text: 'You are a careful database assistant. ' + PROSE[0], cache_control: { type: 'ephemeral' } }],
        tools: [{ name: 'get_orders', description: LONG_TOOL_DESC, input_schema: SCHEMA }],
        messages: [
            { role: 'user', content: PROSE[0] },
            { role: 'assistant', content: [
                { type: 'thinking', thinking: PROSE[3], signature: 'EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds' },
                { type: 'text', text: PROSE[1] },
                { type: 'tool_use', id: 'toolu_01', name: 'get_orders', input: { customer_id: 'c-7' } }] },
            { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01', content: toolJson }] },
            { role: 'assistant', content: PROSE[2] },
            { role: 'user', content: [
                { type: 'image', source: { type: 'base64', media_type: 'image/png', data: IMG } },
                { type: 'text', text: PROSE[3] }] },
            { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_02', name: 'get_orders', input: { customer_id: 'c-8' } }] },
            { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_02', content: [{ type: 'text', text: toolLog }] }] },
        ],
    };
    if (stream) client.stream = true;
    if (count) { delete client.max_tokens; }
    const want = JSON.parse(JSON.stringify(client));
    const w = want.messages;
    w[0].content = turn(PROSE[0], m);
    w[1].content[1].text = turn(PROSE[1], m);
    w[2].content[0].content = tool(toolJson, m);
    w[3].content = turn(PROSE[2], m);
    w[6].content[0].content[0].text = tool(toolLog, m);
    return { path: count ? '/v1/messages/count_tokens' : '/v1/messages', client, want,
        headers: { 'x-api-key': 'sk-ant-SECRET-key', 'anthropic-version': '2023-06-01' } };
}

function gemini(method, count) {
    const m = 'gemini-2.5-flash';
    const req = {
        systemInstruction: { parts: [{ text: 'You are a careful database assistant. ' + PROSE[0] }] },
        contents: [
            { role: 'user', parts: [{ text: PROSE[0] }] },
            { role: 'model', parts: [{ text: PROSE[1] }, { functionCall: { name: 'get_orders', args: { customer_id: 'c-7' } } }] },
            { role: 'user', parts: [{ functionResponse: { name: 'get_orders', response: { result: toolJson, count: 12 } } }] },
            { role: 'model', parts: [{ text: PROSE[2], thoughtSignature: 'c2lnbmF0dXJl' }] },
            { role: 'user', parts: [{ inlineData: { mimeType: 'image/png', data: IMG } }, { text: PROSE[3] }] },
        ],
        tools: [{ functionDeclarations: [{ name: 'get_orders', description: LONG_TOOL_DESC, parameters: SCHEMA }] }],
        generationConfig: { temperature: 0.5, responseMimeType: 'application/json', responseSchema: SCHEMA },
    };
    const client = count ? { generateContentRequest: { model: `models/${m}`, ...req } } : req;
    const want = JSON.parse(JSON.stringify(client));
    const w = count ? want.generateContentRequest.contents : want.contents;
    w[0].parts[0].text = turn(PROSE[0], m);
    w[1].parts[0].text = turn(PROSE[1], m);
    w[2].parts[0].functionResponse.response.result = tool(toolJson, m);
    const q = method === 'streamGenerateContent' ? '?alt=sse&key=AIza-SECRET-gemini' : '?key=AIza-SECRET-gemini';
    return { path: `/v1beta/models/${m}:${method}${q}`, client, want, headers: { 'x-goog-api-key': 'AIza-SECRET-header' } };
}

// ---- HTTP --------------------------------------------------------------------------

function request(port, { method = 'POST', path: p, headers = {}, body }) {
    return new Promise((resolve, reject) => {
        const t0 = Date.now();
        const req = http.request({ host: '127.0.0.1', port, method, path: p, headers }, (res) => {
            const chunks = [], times = [];
            res.on('data', (c) => { chunks.push(c); times.push(Date.now() - t0); });
            res.on('end', () => resolve({ status: res.statusCode, headers: res.headers,
                body: Buffer.concat(chunks), times, total: Date.now() - t0 }));
            res.on('error', reject);
        });
        req.on('error', reject);
        if (body !== undefined) req.end(body); else req.end();
    });
}

function startProxy(up, extra, logFile, wrapper = [], env = process.env) {
    return new Promise((resolve, reject) => {
        const base = `http://127.0.0.1:${up}`;
        // a path prefix per provider shows where each request went
        const args = ['proxy', '--listen', '127.0.0.1:0', '--openai-url', `${base}/openai`,
            '--anthropic-url', `${base}/anthropic`, '--gemini-url', `${base}/gemini`, '--log', '--upstream-timeout', '2', '--max-body', '1048576', ...extra];
        const child = wrapper.length ? spawn(wrapper[0], [...wrapper.slice(1), TERSE, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env })
            : spawn(TERSE, args, { stdio: ['ignore', 'ignore', 'pipe'], env });
        const log = fs.createWriteStream(logFile);
        let seen = '';
        child.stderr.on('data', (d) => {
            log.write(d);
            if (seen !== null) {
                seen += d.toString();
                const m = seen.match(/listening on http:\/\/127\.0\.0\.1:(\d+)/);
                if (m) { seen = null; resolve({ child, port: parseInt(m[1], 10) }); }
            }
        });
        child.on('exit', (code) => { if (seen !== null) reject(new Error(`proxy exited ${code}: ${seen}`)); });
    });
}

const jsonEq = (a, b) => JSON.stringify(a) === JSON.stringify(b);
function diff(a, b) {
    const x = JSON.stringify(a), y = JSON.stringify(b);
    let i = 0;
    while (i < x.length && x[i] === y[i]) i++;
    return `differs at ${i}:\n got  ${x.slice(Math.max(0, i - 80), i + 120)}\n want ${y.slice(Math.max(0, i - 80), i + 120)}`;
}

async function main() {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'terse-proxy-'));
    const up = await new Promise((r) => upstream.start(r));
    const logFile = path.join(tmp, 'proxy.log');
    const { child, port } = await startProxy(up.port, [], logFile);
    const procs = [child];
    const last = () => up.requests[up.requests.length - 1];
    try {
        // ---- each route: upstream body, response bytes, headers --------------
        const cases = [
            ['openai chat completions with tools, tool results, images', openaiChat(false)],
            ['openai responses with function_call_output and input_image', openaiResponses()],
            ['anthropic messages with tools, tool_result, thinking, image', anthropic(false, false)],
            ['anthropic count_tokens', anthropic(false, true)],
            ['gemini generateContent with functionResponse, inlineData', gemini('generateContent', false)],
            ['gemini countTokens (generateContentRequest)', gemini('countTokens', true)],
        ];
        for (const [name, c] of cases) {
            const body = JSON.stringify(c.client, null, 1);
            const res = await request(port, { path: c.path, body,
                headers: { 'content-type': 'application/json', ...c.headers } });
            const got = last();
            let upJson = null;
            try { upJson = JSON.parse(got.body.toString()); } catch (e) { upJson = String(e); }
            const prefix = c.path.startsWith('/v1beta/') ? '/gemini' : c.path.startsWith('/v1/messages') ? '/anthropic' : '/openai';
            ok(got.url === prefix + c.path, `${name}: sent to ${prefix.slice(1)}, path and query as sent`, got.url);
            ok(jsonEq(upJson, c.want), `${name}: upstream gets the request with only the intended texts compressed`,
                diff(upJson, c.want));
            ok(!jsonEq(c.want, c.client), `${name}: something was compressed`);
            ok(res.status === 200 && res.body.equals(Buffer.from(upstream.FIXED)),
                `${name}: response reaches the client byte-identical`, `${res.status} ${res.body.slice(0, 200)}`);
            const before = parseInt(res.headers['x-terse-tokens-before'], 10);
            const after = parseInt(res.headers['x-terse-tokens-after'], 10);
            ok(before > 0 && after > 0 && after < before, `${name}: x-terse-tokens-before/after (${before} -> ${after})`,
                JSON.stringify(res.headers));
            const hdrOk = Object.entries(c.headers).every(([k, v]) => got.headers[k] === v) &&
                got.headers['content-type'] === 'application/json' &&
                parseInt(got.headers['content-length'], 10) === got.body.length;
            ok(hdrOk, `${name}: keys and headers forwarded`, JSON.stringify(got.headers));
            ok(res.headers['x-upstream'] === 'fake' && res.headers['content-type'] === 'application/json',
                `${name}: upstream response headers relayed`, JSON.stringify(res.headers));
        }

        // ---- a tool result of terminal output takes the tool pass (issue 19) ---
        {
            const m = 'gpt-4o';
            const listing = [...Array(60).keys()].map((i) =>
                `/usr/share/doc/package-${String(i >> 2).padStart(2, '0')}/${['README', 'copyright', 'changelog.Debian.gz', 'NEWS'][i % 4]}`).join('\n') + '\n';
            const client = { model: m, messages: [
                { role: 'user', content: 'Which packages ship a NEWS file?' },
                { role: 'assistant', content: null, tool_calls: [{ id: 'call_f', type: 'function', function: { name: 'sh', arguments: '{"cmd":"find /usr/share/doc"}' } }] },
                { role: 'tool', tool_call_id: 'call_f', content: listing }] };
            await request(port, { path: '/v1/chat/completions', body: JSON.stringify(client),
                headers: { 'content-type': 'application/json' } });
            const u = JSON.parse(last().body.toString());
            const sent = u.messages[2].content;
            const back = execFileSync(TERSE, ['decode'], { input: sent }).toString();
            ok(sent.startsWith('~tool ') && sent === tool(listing, m) && back === listing,
                'a find listing in a tool result is sent in the tool encoding, and terse decode restores it exactly',
                sent.slice(0, 300));
        }

        // ---- what is never compressed -----------------------------------------
        {
            const c = openaiChat(false);
            const res = await request(port, { path: c.path, body: JSON.stringify(c.client),
                headers: { 'content-type': 'application/json' } });
            const u = JSON.parse(last().body.toString());
            ok(res.status === 200 && jsonEq(u.messages[0], c.client.messages[0]) && jsonEq(u.tools, c.client.tools) &&
                jsonEq(u.response_format, c.client.response_format) &&
                jsonEq(u.messages[8], c.client.messages[8]) && jsonEq(u.messages[5].content[1], c.client.messages[5].content[1]),
            'system prompt, tool definitions, schemas, the newest user message and images pass byte for byte');
        }
        // ---- unknown paths and GET pass untouched ------------------------------
        {
            const body = '{"not":"compressed",  "x": [1, 2.50]}';
            const res = await request(port, { path: '/v1/embeddings?x=1&y=%20', body,
                headers: { 'content-type': 'application/json', 'x-fake-echo': '1' } });
            ok(last().url === '/openai/v1/embeddings?x=1&y=%20' && last().body.toString() === body &&
                res.body.toString() === body && !('x-terse-tokens-before' in res.headers),
            'other paths are forwarded untouched (body, query string)');
            const zlib = require('zlib');
            const gz = zlib.gzipSync(JSON.stringify(openaiChat(false).client));
            const rz = await request(port, { path: '/v1/chat/completions', body: gz,
                headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } });
            ok(rz.status === 200 && last().body.equals(gz) && last().headers['content-encoding'] === 'gzip',
                'a gzip request body goes upstream as it came', `${rz.status}`);
            const g = await request(port, { method: 'GET', path: '/v1/models', headers: { authorization: 'Bearer sk-x' } });
            ok(g.status === 200 && last().method === 'GET' && last().url === '/openai/v1/models' && last().body.length === 0,
                'GET is forwarded as GET', `${g.status} ${last().method}`);
            await request(port, { method: 'GET', path: '/v1/models/gpt-4o' });
            ok(last().url === '/openai/v1/models/gpt-4o', 'OpenAI /v1/models/M goes to OpenAI', last().url);
            await request(port, { method: 'GET', path: '/v1beta/files?pageSize=2' });
            ok(last().url === '/gemini/v1beta/files?pageSize=2', 'other Gemini paths go to Gemini untouched', last().url);
            const c = gemini('generateContent', false);
            const p1 = c.path.replace('/v1beta/', '/v1/');
            const r1 = await request(port, { path: p1, body: JSON.stringify(c.client), headers: { 'content-type': 'application/json' } });
            ok(r1.status === 200 && last().url === '/gemini' + p1 && jsonEq(JSON.parse(last().body.toString()), c.want),
                'Gemini stable /v1/models/M:generateContent goes to Gemini, compressed', last().url);
        }

        // ---- streaming ---------------------------------------------------------
        const streams = [
            ['openai chat stream', openaiChat(true)],
            ['anthropic messages stream', anthropic(true, false)],
            ['gemini streamGenerateContent alt=sse', gemini('streamGenerateContent', false)],
        ];
        for (const [name, c] of streams) {
            const res = await request(port, { path: c.path, body: JSON.stringify(c.client),
                headers: { 'content-type': 'application/json', 'x-fake-sse': '4', 'x-fake-gap-ms': '300', ...c.headers } });
            let want = '';
            for (let i = 0; i < 4; i++) want += `event: delta\ndata: {"i":${i},"t":"chunk ${i} \u00e9"}\n\n`;
            want += 'data: [DONE]\n\n';
            ok(res.status === 200 && res.body.toString() === want && res.headers['content-type'] === 'text/event-stream',
                `${name}: events reach the client byte-identical`, res.body.toString().slice(0, 200));
            // upstream takes >= 1200 ms; the first event must arrive long before the end
            ok(res.times.length >= 2 && res.times[0] < res.total - 600,
                `${name}: the first event arrives before upstream finishes (${res.times[0]} ms of ${res.total} ms)`,
                JSON.stringify(res.times));
            ok(jsonEq(JSON.parse(last().body.toString()), c.want), `${name}: upstream request compressed as without stream`);
        }

        // ---- upstream errors and timeouts pass through --------------------------
        for (const status of [429, 500, 503, 504]) {
            const c = openaiChat(false);
            const res = await request(port, { path: c.path, body: JSON.stringify(c.client),
                headers: { 'content-type': 'application/json', 'x-fake-status': String(status) } });
            ok(res.status === status && res.body.equals(Buffer.from(upstream.FIXED)),
                `upstream ${status} reaches the client with the same status and body`, res.status);
        }
        {
            const c = anthropic(false, false);
            const t0 = Date.now();
            const res = await request(port, { path: c.path, body: JSON.stringify(c.client),
                headers: { 'content-type': 'application/json', 'x-fake-hang': '1' } });
            const dt = Date.now() - t0;
            ok(res.status === 504 && /sent nothing for 2 seconds/.test(res.body.toString()) && dt >= 1900 && dt < 5000,
                `an upstream that never answers gets 504 after upstream-timeout (${dt} ms)`, res.body.toString());
            const slow = await request(port, { path: c.path, body: JSON.stringify(c.client),
                headers: { 'content-type': 'application/json', 'x-fake-delay-ms': '1200' } });
            ok(slow.status === 200, 'a slow upstream within upstream-timeout is waited for', slow.status);
        }

        // ---- bad client input -----------------------------------------------------
        const bad = [
            ['malformed JSON', '/v1/chat/completions', '{"model":"gpt-4o","messages":[{"role":"user",}]}', 400,
                /not valid JSON: line 1, column 46: expected a string key/],
            ['truncated JSON', '/v1/messages', '{"model":"claude-sonnet-4","messages":[', 400, /not valid JSON: line 1, column 40/],
            ['invalid UTF-8', '/v1beta/models/gemini-2.5-pro:generateContent', Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]), 400,
                /not valid UTF-8 \(byte 2\)/],
            ['a JSON array body', '/v1/responses', '[1,2]', 400, /must be a JSON object/],
            ['an empty body', '/v1/chat/completions', '', 400, /not valid JSON/],
        ];
        for (const [name, p, body, status, re] of bad) {
            const n = up.requests.length;
            const res = await request(port, { path: p, body, headers: { 'content-type': 'application/json' } });
            let msg = '';
            try { msg = JSON.parse(res.body.toString()).error.message; } catch (e) { msg = `not JSON: ${res.body}`; }
            ok(res.status === status && re.test(msg) && up.requests.length === n,
                `${name} gets ${status} saying what is wrong, nothing sent upstream`, `${res.status} ${msg}`);
        }
        {
            const big = JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x'.repeat(1100000) }] });
            const res = await request(port, { path: '/v1/chat/completions', body: big, headers: { 'content-type': 'application/json' } });
            ok(res.status === 413 && /larger than max-body \(1048576 bytes\)/.test(res.body.toString()),
                'a body over max-body gets 413', `${res.status} ${res.body.slice(0, 200)}`);
            // answered before the body was read, the connection closed under
            // the client still sending: 57 of 60 such requests saw a broken
            // pipe instead of the 413
            let got413 = 0, broken = 0;
            for (let i = 0; i < 20; i++) {
                try {
                    const r = await request(port, { path: '/v1/chat/completions', body: big, headers: { 'content-type': 'application/json' } });
                    if (r.status === 413) got413++;
                } catch (e) { broken++; }
            }
            ok(got413 === 20, 'a client still sending a body over max-body gets the 413, 20 times in 20',
                `413: ${got413}, connection errors: ${broken}`);
            const res2 = await request(port, { path: '/v1/chat/completions', body: big,
                headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } });
            ok(res2.status === 413, 'a chunked body over max-body gets 413', res2.status);
            const res3 = await request(port, { path: '/v1/chat/completions', body: '{}',
                headers: { 'content-type': 'application/json', 'x-huge': 'h'.repeat(40000) } });
            ok(res3.status === 431 || res3.status === 413, `headers over max-header get ${res3.status}`, res3.status);
        }

        // ---- 50 turns: byte-identical prefixes ----------------------------------
        for (const provider of ['openai', 'anthropic', 'gemini']) {
            const sys = 'You are a planning assistant. ' + PROSE[0];
            const msgs = [];
            let prev = null, good = true, detail = '', saved = 0;
            for (let t = 0; t < 50; t++) {
                msgs.push({ role: 'user', content: `Turn ${t}: ${PROSE[t % 4]}` });
                const gem = msgs.map((m) => ({ role: m.role === 'user' ? 'user' : 'model', parts: [{ text: m.content }] }));
                const client = provider === 'openai'
                    ? { model: 'gpt-4o', messages: [{ role: 'system', content: sys }, ...msgs] }
                    : provider === 'anthropic' ? { model: 'claude-sonnet-4', system: sys, max_tokens: 100, messages: msgs }
                        : { systemInstruction: { parts: [{ text: sys }] }, contents: gem };
                const res = await request(port, { path: provider === 'openai' ? '/v1/chat/completions'
                    : provider === 'anthropic' ? '/v1/messages' : '/v1beta/models/gemini-2.5-pro:generateContent',
                body: JSON.stringify(client), headers: { 'content-type': 'application/json' } });
                const sent = last().body.toString();
                if (res.status !== 200) { good = false; detail = `turn ${t}: ${res.status}`; break; }
                if (parseInt(res.headers['x-terse-tokens-after'], 10) < parseInt(res.headers['x-terse-tokens-before'], 10)) saved++;
                if (prev !== null) {
                    // everything before the previous turn's newest user message
                    const cut = prev.lastIndexOf('{"role":"user"');
                    if (cut < 0 || sent.slice(0, cut) !== prev.slice(0, cut)) {
                        good = false;
                        detail = `turn ${t}: prefix of ${cut} bytes differs`;
                        break;
                    }
                }
                prev = sent;
                msgs.push({ role: 'assistant', content: `Answer ${t}: ${PROSE[(t + 1) % 4]}` });
            }
            ok(good && saved >= 48, `${provider}: a 50-turn conversation replayed turn by turn sends byte-identical prefixes (${saved} turns compressed)`, detail);
        }

        // ---- health, metrics, log ------------------------------------------------
        {
            const h = await request(port, { method: 'GET', path: '/healthz' });
            ok(h.status === 200 && h.body.toString() === 'ok\n', '/healthz');
            const m = await request(port, { method: 'GET', path: '/metrics' });
            const t = m.body.toString();
            const val = (re) => { const x = t.match(re); return x ? parseFloat(x[1]) : NaN; };
            ok(m.status === 200 && /^# TYPE terse_proxy_requests_total counter$/m.test(t) &&
                val(/terse_proxy_tokens_before_total\{provider="openai",model="gpt-4o"\} (\d+)/) >
                val(/terse_proxy_tokens_after_total\{provider="openai",model="gpt-4o"\} (\d+)/) &&
                val(/terse_proxy_requests_total\{provider="anthropic",status="5xx"\} (\d+)/) >= 1 &&
                val(/terse_proxy_errors_total\{kind="timeout"\} (\d+)/) === 1 &&
                val(/terse_proxy_errors_total\{kind="client"\} (\d+)/) >= 6 &&
                val(/terse_proxy_cache_lookups_total\{result="hit"\} (\d+)/) > 100,
            '/metrics in Prometheus text: requests, tokens per provider and model, errors, cache', t.slice(0, 1500));
        }
        // unreachable upstream: 502
        {
            const dead = await startProxy(1, ['--openai-url', 'http://127.0.0.1:1'], path.join(tmp, 'dead.log'));
            procs.push(dead.child);
            const res = await request(dead.port, { path: '/v1/chat/completions', body: '{"model":"gpt-4o","messages":[]}',
                headers: { 'content-type': 'application/json' } });
            ok(res.status === 502 && /cannot reach the upstream server/.test(res.body.toString()),
                'an unreachable upstream gets 502', `${res.status} ${res.body}`);
        }

        // ---- the context budget ------------------------------------------------------
        {
            const b = await startProxy(up.port, ['--budget', '700'], path.join(tmp, 'budget.log'));
            procs.push(b.child);
            const msgs = [];
            for (let t = 0; t < 20; t++) {
                msgs.push({ role: 'user', content: `Turn ${t}: ${PROSE[t % 4]}` });
                msgs.push({ role: 'assistant', content: `Answer ${t}: ${PROSE[(t + 1) % 4]}` });
            }
            msgs.push({ role: 'user', content: 'How many rows does the orders table have in production? ' + PROSE[3] });
            const client = { model: 'gpt-4o', messages: [{ role: 'system', content: 'You are terse. ' + PROSE[0] }, ...msgs] };
            const res = await request(b.port, { path: '/v1/chat/completions', body: JSON.stringify(client),
                headers: { 'content-type': 'application/json' } });
            const u = JSON.parse(last().body.toString());
            const after = parseInt(res.headers['x-terse-tokens-after'], 10);
            const markers = u.messages.filter((m, i) => i > 0 && i < 41 && m.content !== turn(client.messages[i].content, 'gpt-4o')).length;
            ok(res.status === 200 && after <= 700 && parseInt(res.headers['x-terse-tokens-before'], 10) > 2000 &&
                /^texts=\d+; tokens=\d+$/.test(res.headers['x-terse-elided'] || '') && markers > 0 &&
                u.messages.length === client.messages.length &&
                jsonEq(u.messages[0], client.messages[0]) && jsonEq(u.messages[41], client.messages[41]),
            `budget 700: earlier turns fitted (${res.headers['x-terse-tokens-before']} -> ${after} tokens, ` +
                `${markers} earlier texts fitted, x-terse-elided: ${res.headers['x-terse-elided']}); system and newest kept`,
            JSON.stringify(res.headers));
        }

        {
            // one big relevant tool result: the budget fits every text to a share
            // instead of wiping whole texts until the rest fits
            const b = await startProxy(up.port, ['--budget', '1500'], path.join(tmp, 'budget2.log'));
            procs.push(b.child);
            const pk = ['libc6', 'openssl', 'curl', 'zlib1g', 'systemd', 'tzdata', 'bash', 'perl'];
            const big = [...Array(160).keys()].map((i) => `2026-11-${String(1 + (i % 28)).padStart(2, '0')} ` +
                `${String(i % 24).padStart(2, '0')}:${String((i * 7) % 60).padStart(2, '0')}:00 upgrade ${pk[i % 8]}:amd64 ` +
                `1.${i}.0-${i % 5} 1.${i}.1-${(i * 3) % 7}`).join('\n');
            const client = { model: 'gpt-4o', messages: [
                { role: 'user', content: PROSE[0] + ' ' + PROSE[1] },
                { role: 'assistant', content: PROSE[2] + ' ' + PROSE[3] },
                { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'log', arguments: '{}' } }] },
                { role: 'tool', tool_call_id: 'c1', content: big },
                { role: 'user', content: 'Which packages were upgraded on 2026-11-03, and to which versions?' }] };
            const res = await request(b.port, { path: '/v1/chat/completions', body: JSON.stringify(client),
                headers: { 'content-type': 'application/json' } });
            const u = JSON.parse(last().body.toString());
            const after = parseInt(res.headers['x-terse-tokens-after'], 10);
            const wiped = [0, 1, 3].filter((i) => /^\[terse: \d+ tokens elided\]$/.test(u.messages[i].content));
            ok(res.status === 200 && after <= 1500 && after >= 750 && wiped.length === 0 && u.messages[3].content.includes('2026-11-03'),
                `budget 1500 with one big tool result: every earlier text keeps a share (${res.headers['x-terse-tokens-before']} -> ${after} tokens)`,
                `after ${after}, wiped ${wiped}`);
        }

        // ---- the config file, flags over it, and usage errors ----------------------------
        {
            const cfg = path.join(tmp, 'proxy.conf');
            fs.writeFileSync(cfg, `# test config\nopenai-url = http://127.0.0.1:${up.port}/\n` +
                'tool-level = none\nuser-level   =   none\nassistant-level = none\n  log = true\n');
            const c1 = await startProxy(up.port, ['--config', cfg, '--openai-url', `http://127.0.0.1:${up.port}`],
                path.join(tmp, 'c1.log'));
            procs.push(c1.child);
            const c = openaiChat(false);
            const body = JSON.stringify(c.client, null, 2);
            await request(c1.port, { path: c.path, body, headers: { 'content-type': 'application/json' } });
            ok(last().body.toString() === body, 'config file: levels none send the client\'s bytes untouched');
            const c2 = await startProxy(up.port, ['--user-level', 'balanced', '--config', cfg], path.join(tmp, 'c2.log'));
            procs.push(c2.child);
            await request(c2.port, { path: c.path, body, headers: { 'content-type': 'application/json' } });
            const u = JSON.parse(last().body.toString());
            ok(u.messages[1].content === c.want.messages[1].content && u.messages[3].content === c.client.messages[3].content &&
                u.messages[4].content === c.client.messages[4].content,
            'a flag overrides the config file whatever their order (user-level balanced, the rest none)');
            const bad = path.join(tmp, 'bad.conf');
            fs.writeFileSync(bad, 'listen = 127.0.0.1:8787\nmin-size = lots\n');
            const usage = [
                [['--bogus', '1'], /^terse: unknown setting 'bogus' \(see terse proxy --help\)\n$/],
                [['--config', path.join(tmp, 'none.conf')], /^terse: cannot open config file .*none\.conf: No such file or directory\n$/],
                [['--config', bad], /^terse: .*bad\.conf:2: min-size: 'lots' is not a number \(a whole number from 0 to \d+\)\n$/],
                [['--listen', '127.0.0.1'], /^terse: listen: '127\.0\.0\.1' is not HOST:PORT/],
                [['--listen', 'example.com:80'], /^terse: listen: 'example\.com' is not an IP address \(or localhost\)\n$/],
                [['--openai-url', 'ftp://x'], /^terse: openai-url: 'ftp:\/\/x' is not an http:\/\/ or https:\/\/ URL/],
                [['--tool-level', 'loud'], /^terse: tool-level: 'loud' is not none, exact, safe, balanced or max/],
                [['--log', '--budget'], /^terse: --budget needs a value/],
            ];
            for (const [args, re] of usage) {
                const r = spawnSync(TERSE, ['proxy', ...args], { timeout: 5000 });
                ok(r.status === 1 && re.test(r.stderr.toString()) && r.stdout.length === 0,
                    `terse proxy ${args.join(' ')}: exit 1, one line saying what is wrong`, r.stderr.toString());
            }
            const taken = spawnSync(TERSE, ['proxy', '--listen', `127.0.0.1:${up.port}`], { timeout: 5000 });
            ok(taken.status === 1 && /^terse: cannot listen on 127\.0\.0\.1:\d+: /.test(taken.stderr.toString()),
                'a port in use: exit 1, one line', taken.stderr.toString());
        }

        // ---- Redis: a second proxy reuses the first one's work ---------------------
        if (process.env.REDIS_PORT) {
            const redis = `127.0.0.1:${process.env.REDIS_PORT}`;
            const a = await startProxy(up.port, ['--redis', redis], path.join(tmp, 'a.log'));
            const b = await startProxy(up.port, ['--redis', redis], path.join(tmp, 'b.log'));
            procs.push(a.child, b.child);
            const c = anthropic(false, false);
            c.client.messages[0].content += ' (redis run ' + process.pid + ')';
            c.want.messages[0].content = turn(c.client.messages[0].content, c.client.model);
            const ra = await request(a.port, { path: c.path, body: JSON.stringify(c.client), headers: { 'content-type': 'application/json' } });
            const sentA = last().body.toString();
            const rb = await request(b.port, { path: c.path, body: JSON.stringify(c.client), headers: { 'content-type': 'application/json' } });
            const sentB = last().body.toString();
            const mb = (await request(b.port, { method: 'GET', path: '/metrics' })).body.toString();
            const ma = (await request(a.port, { method: 'GET', path: '/metrics' })).body.toString();
            const redisHits = (t) => parseInt((t.match(/result="redis_hit"\} (\d+)/) || [])[1], 10);
            ok(ra.status === 200 && rb.status === 200 && sentA === sentB && jsonEq(JSON.parse(sentB), c.want),
                'redis: two proxies send the same bytes', diff(JSON.parse(sentB), c.want));
            ok(redisHits(ma) === 0 && redisHits(mb) > 0,
                `redis: the second proxy takes the first one's texts from Redis (${redisHits(mb)} hits)`, mb.slice(-900));
            // a Redis that goes away: requests still work, errors are counted
            const dead = await startProxy(up.port, ['--redis', '127.0.0.1:1'], path.join(tmp, 'd.log'));
            procs.push(dead.child);
            const rd = await request(dead.port, { path: c.path, body: JSON.stringify(c.client), headers: { 'content-type': 'application/json' } });
            const md = (await request(dead.port, { method: 'GET', path: '/metrics' })).body.toString();
            ok(rd.status === 200 && last().body.toString() === sentA && /terse_proxy_redis_errors_total [1-9]/.test(md),
                'redis: an unreachable Redis is a miss, counted, and the request goes through');
        } else {
            console.log('# REDIS_PORT not set: Redis checks skipped');
        }

        // ---- valgrind: requests of every kind leak nothing -----------------------------
        if (!process.env.NO_VALGRIND && spawnSync('valgrind', ['--version']).status === 0 && !/[at]san/.test(BUILD)) {
            const vg = await startProxy(up.port, ['--redis', process.env.REDIS_PORT ? `127.0.0.1:${process.env.REDIS_PORT}` : ''],
                path.join(tmp, 'vg.log'), ['valgrind', '-q', '--leak-check=full', '--show-leak-kinds=definite',
                    '--errors-for-leak-kinds=definite', '--error-exitcode=9']);
            const reqs = [openaiChat(false), openaiResponses(), anthropic(true, false), gemini('generateContent', false)];
            let good = true;
            for (const c of reqs) {
                const r = await request(vg.port, { path: c.path, body: JSON.stringify(c.client),
                    headers: { 'content-type': 'application/json', 'x-fake-sse': '2', 'x-fake-gap-ms': '10' } });
                good = good && r.status === 200;
            }
            await request(vg.port, { path: '/v1/messages', body: '{"bad' });
            await request(vg.port, { method: 'GET', path: '/metrics' });
            vg.child.kill('SIGTERM');
            const code = await new Promise((r) => vg.child.on('exit', (c) => r(c)));
            ok(good && code === 0, `valgrind: the proxy leaks nothing and reads no uninitialized memory (exit ${code})`,
                fs.readFileSync(path.join(tmp, 'vg.log'), 'utf8').slice(0, 1500));
        }

        // ---- a client that stalls mid-body is disconnected after client-timeout ------------
        {
            const ct = await startProxy(up.port, ['--client-timeout', '1'], path.join(tmp, 'ct.log'));
            procs.push(ct.child);
            const net = require('net');
            const n = up.requests.length;
            const t0 = Date.now();
            const outcome = await new Promise((resolve) => {
                const sock = net.connect(ct.port, '127.0.0.1', () => {
                    sock.write('POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
                        'Content-Length: 100\r\n\r\n{"model":');
                });
                let got = '';
                sock.on('data', (d) => { got += d; });
                sock.on('close', () => resolve({ got, dt: Date.now() - t0 }));
                setTimeout(() => { sock.destroy(); resolve({ got: 'still open', dt: Date.now() - t0 }); }, 5000);
            });
            ok(outcome.got === '' && outcome.dt >= 900 && outcome.dt < 4000 && up.requests.length === n,
                `a client that stalls mid-body is disconnected after client-timeout (${outcome.dt} ms), nothing sent upstream`,
                JSON.stringify(outcome));
        }

        // ---- fail-open: compression that fails sends the original body ---------------------
        // The proxy's address space is limited (prlimit) to a few MB over what it
        // uses once a keep-alive connection is open, so compressing a 300 KB tool
        // result runs out of memory while reading the body still fits.
        if (spawnSync('prlimit', ['--version']).status === 0 && !/[at]san/.test(BUILD)) {
            // one malloc arena and a fixed mmap threshold, so that every allocation
            // beyond what is mapped counts against the limit
            const fo = await startProxy(up.port, [], path.join(tmp, 'failopen.log'), [],
                { ...process.env, MALLOC_ARENA_MAX: '1', MALLOC_MMAP_THRESHOLD_: '65536', MALLOC_TOP_PAD_: '0', MALLOC_TRIM_THRESHOLD_: '65536' });
            procs.push(fo.child);
            const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
            const send = (opts) => new Promise((resolve, reject) => {
                const req = http.request({ host: '127.0.0.1', port: fo.port, agent, method: opts.method || 'POST',
                    path: opts.path, headers: opts.headers || {} }, (res) => {
                    const chunks = [];
                    res.on('data', (c) => chunks.push(c));
                    res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
                });
                req.on('error', reject);
                req.end(opts.body);
            });
            await send({ method: 'GET', path: '/healthz' });
            const vm = parseInt(fs.readFileSync(`/proc/${fo.child.pid}/status`, 'utf8').match(/VmSize:\s+(\d+)/)[1], 10);
            const lim = spawnSync('prlimit', ['--pid', String(fo.child.pid), `--as=${(vm + 2 * 1024) * 1024}:`]);
            const words = 'the of a migration database rollback staging production lock rows table column order'.split(' ');
            let seed = 7;
            const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed; };
            const lines = [];
            for (let i = 0; i < 3500; i++) {
                const l = [];
                for (let k = 0; k < 12; k++) l.push(words[rnd() % words.length]);
                lines.push(`${l.join(' ')} ${i}.`);
            }
            const client = { model: 'gpt-4o', messages: [
                { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'log', arguments: '{}' } }] },
                { role: 'tool', tool_call_id: 'c1', content: lines.join('\n') },
                { role: 'user', content: 'Summarize.' }] };
            const body = JSON.stringify(client);
            const res = await send({ path: '/v1/chat/completions', body, headers: { 'content-type': 'application/json' } });
            const sentUp = last().body.toString();
            spawnSync('prlimit', ['--pid', String(fo.child.pid), '--as=unlimited:']);
            const m = (await send({ method: 'GET', path: '/metrics' })).body.toString();
            ok(lim.status === 0 && res.status === 200 && res.headers['x-terse-fail-open'] === '1' && sentUp === body &&
                /terse_proxy_fail_open_total 1/.test(m),
            'fail-open: when compression runs out of memory, the original body goes upstream, marked and counted',
            `prlimit ${lim.status} ${lim.stderr}; status ${res.status}; fail-open ${res.headers['x-terse-fail-open']}; ` +
                `same body ${sentUp === body}; ${(m.match(/terse_proxy_fail_open_total \d+/) || [])[0]}`);
            agent.destroy();
        }

        // ---- one libmicrohttpd thread: a slow upstream holds no thread ----------------------
        // With --threads 1, a thread that waited for upstream would keep every
        // other client waiting; the proxy suspends the waiting connection instead.
        {
            const one = await startProxy(up.port, ['--threads', '1'], path.join(tmp, 'one.log'));
            procs.push(one.child);
            const chat = openaiChat(false);
            const quick = () => request(one.port, { path: chat.path, body: JSON.stringify(chat.client),
                headers: { 'content-type': 'application/json' } });
            // a stream whose events come 1.5 s apart; the second client asks after the first event
            const stream = (headers) => new Promise((resolve) => {
                const t0 = Date.now(), times = [];
                let body = '', firstCb = null;
                const first = new Promise((r) => { firstCb = r; });
                const req = http.request({ host: '127.0.0.1', port: one.port, method: 'POST', path: '/v1/messages',
                    headers: { 'content-type': 'application/json', ...headers } }, (res) => {
                    res.on('data', (d) => { body += d; times.push(Date.now() - t0); firstCb(); });
                    res.on('end', () => resolve({ how: 'end', body, times, total: Date.now() - t0, first }));
                    res.on('aborted', () => resolve({ how: 'aborted', body, times, total: Date.now() - t0, first }));
                    res.on('error', () => resolve({ how: 'error', body, times, total: Date.now() - t0, first }));
                });
                req.on('error', (e) => resolve({ how: String(e), body, times, total: Date.now() - t0, first }));
                req.end('{"model":"claude-sonnet-4","messages":[]}');
                stream.first = first;
                stream.t0 = t0;
            });
            const a = stream({ 'x-fake-sse': '3', 'x-fake-gap-ms': '1500' });
            await stream.first;
            const tb = Date.now();
            const b = await quick();
            const bDone = Date.now() - tb;
            const ra = await a;
            ok(b.status === 200 && b.body.equals(Buffer.from(upstream.FIXED)) && bDone < 1000 &&
                ra.how === 'end' && tb + bDone < stream.t0 + ra.total - 1000,
            `one thread: a request is answered in ${bDone} ms while another client's stream waits on upstream (${ra.total} ms)`,
            `b ${b.status} ${bDone} ms; stream ${ra.how} ${JSON.stringify(ra.times)}`);

            // a request waiting 1.5 s for upstream's headers (upstream-timeout is 2 s)
            const slowHeaders = request(one.port, { path: chat.path, body: JSON.stringify(chat.client),
                headers: { 'content-type': 'application/json', 'x-fake-delay-ms': '1500' } });
            await new Promise((r) => setTimeout(r, 300));
            const tc = Date.now();
            const c = await quick();
            const cDone = Date.now() - tc;
            const rs = await slowHeaders;
            ok(c.status === 200 && cDone < 1000 && rs.status === 200 && rs.total >= 1400,
                `one thread: a request is answered in ${cDone} ms while another waits ${rs.total} ms for upstream's headers`,
                `${c.status} ${cDone} ms; slow ${rs.status} ${rs.total} ms`);

            // a client that leaves mid-stream: the transfer upstream is cancelled
            await new Promise((resolve) => {
                const req = http.request({ host: '127.0.0.1', port: one.port, method: 'POST', path: '/v1/messages',
                    headers: { 'content-type': 'application/json', 'x-fake-sse': '20', 'x-fake-gap-ms': '200',
                        'x-fake-id': 'leaver' } }, (res) => {
                    res.once('data', () => { req.destroy(); resolve(); });
                });
                req.on('error', () => resolve());
                req.end('{"model":"claude-sonnet-4","messages":[]}');
            });
            let waited = 0;
            while (!up.stats.cut.includes('leaver') && waited < 3000) {
                await new Promise((r) => setTimeout(r, 50));
                waited += 50;
            }
            ok(up.stats.cut.includes('leaver') && waited < 1000,
                `a client that leaves mid-stream: the stream upstream is closed too (within ${waited + 50} ms)`,
                JSON.stringify(up.stats.cut));

            // upstream silent for upstream-timeout (2 s) after its headers: the stream is cut
            const silent = await stream({ 'x-fake-sse': '2', 'x-fake-gap-ms': '5000' });
            const after = silent.total - (silent.times[0] || 0);
            ok(silent.how !== 'end' && /^event: delta\ndata: \{"i":0,/.test(silent.body) && !/"i":1/.test(silent.body) &&
                after >= 1800 && after < 4500,
            `a stream silent for upstream-timeout after its first event is cut (${after} ms later, ${silent.how})`,
            `${silent.how} ${JSON.stringify(silent.times)} ${silent.total}`);

            // a client slower than upstream: upstream waits for it (no 504: it is
            // not silent), and the proxy holds only a few hundred KB, not the body
            const size = 48 << 20;
            const rss = () => parseInt(fs.readFileSync(`/proc/${one.child.pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1], 10);
            const rss0 = rss();
            const big = await new Promise((resolve) => {
                const req = http.request({ host: '127.0.0.1', port: one.port, method: 'POST', path: '/v1/embeddings',
                    headers: { 'content-type': 'application/json', 'x-fake-bytes': String(size) } }, (res) => {
                    const chunks = [];
                    let held = false, peak = 0;
                    res.on('data', (d) => {
                        chunks.push(d);
                        if (!held) {
                            held = true;
                            res.pause(); // 3 s, longer than upstream-timeout
                            setTimeout(() => { peak = rss(); res.resume(); }, 3000);
                        }
                    });
                    res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks), peak }));
                    res.on('aborted', () => resolve({ status: 'aborted', body: Buffer.concat(chunks), peak }));
                });
                req.on('error', (e) => resolve({ status: String(e), body: Buffer.alloc(0), peak: 0 }));
                req.end('{}');
            });
            const grew = big.peak - rss0;
            ok(big.status === 200 && big.body.equals(upstream.bulk(size)) && grew < 16 * 1024,
                `a client slower than upstream gets all ${size >> 20} MB byte-identical after a 3 s pause; the proxy grew ${grew} KB meanwhile`,
                `${big.status} ${big.body.length} bytes; rss ${rss0} -> ${big.peak} KB`);

            // a large body seen for the first time takes a while to rewrite; it is
            // rewritten off the client thread, which answers others meanwhile
            {
                const words = 'deploy rollback staging production migration column table index lock replica shard queue worker cache latency'.split(' ');
                let seed = 11;
                const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed; };
                const msgs = [{ role: 'system', content: 'You are terse.' }];
                for (let m = 0; m < 40; m++) {
                    const lines = [];
                    for (let i = 0; i < 160; i++) {
                        const l = [];
                        for (let k = 0; k < 10; k++) l.push(words[rnd() % words.length]);
                        lines.push(`In order to be sure, the ${l.join(' ')} was basically really checked ${m * 1000 + i} times.`);
                    }
                    msgs.push({ role: m % 2 ? 'assistant' : 'user', content: lines.join(' ') });
                }
                msgs.push({ role: 'user', content: 'And now?' });
                const bigBody = JSON.stringify({ model: 'gpt-4o', messages: msgs });
                const tBig = Date.now();
                const big = request(one.port, { path: '/v1/chat/completions', body: bigBody,
                    headers: { 'content-type': 'application/json', 'x-fake-id': 'big' } });
                await new Promise((r) => setTimeout(r, 40));
                const ts = Date.now();
                const small = await quick();
                const smallMs = Date.now() - ts;
                const rb = await big;
                await new Promise((r) => setTimeout(r, 100));
                const line = fs.readFileSync(path.join(tmp, 'one.log'), 'utf8').split('\n')
                    .filter((l) => l.includes(`bytes_in=${Buffer.byteLength(bigBody)} `)).pop() || '';
                const cms = parseFloat((line.match(/compress_ms=([\d.]+)/) || [])[1] || '0');
                ok(rb.status === 200 && small.status === 200 && cms >= 60 && smallMs < cms / 2,
                    `one thread: a ${Math.round(bigBody.length / 1024)} KB body rewritten for ${Math.round(cms)} ms does not hold a small request (${smallMs} ms)`,
                    `big ${rb.status} in ${rb.total} ms (sent at ${tBig}); small ${small.status} ${smallMs} ms; ${line.slice(0, 300)}`);
            }
        }

        // ---- SIGTERM during a long stream: the proxy still stops promptly ---------------
        {
            const st = await startProxy(up.port, [], path.join(tmp, 'stop.log'));
            let t0 = 0;
            const exited = new Promise((r) => st.child.on('exit', (c) => r([c, Date.now()])));
            const streamEnd = new Promise((resolve) => {
                const req = http.request({ host: '127.0.0.1', port: st.port, method: 'POST', path: '/v1/messages',
                    headers: { 'content-type': 'application/json', 'x-fake-sse': '10', 'x-fake-gap-ms': '5000' } }, (res) => {
                    res.once('data', () => { t0 = Date.now(); st.child.kill('SIGTERM'); });
                    res.on('data', () => {});
                    res.on('end', () => resolve('end'));
                    res.on('error', () => resolve('error'));
                    res.on('aborted', () => resolve('aborted'));
                });
                req.on('error', () => resolve('error'));
                req.end('{"model":"claude-sonnet-4","messages":[]}');
            });
            const [code, t1] = await exited;
            await streamEnd;
            ok(code === 0 && t1 - t0 < 1500, `SIGTERM during a stream that is silent for 5 s stops the proxy in ${t1 - t0} ms with status 0`, `${code}`);
        }

        // ---- the log: one line per request, no keys, no content --------------------
        await new Promise((r) => setTimeout(r, 200));
        const log = fs.readFileSync(logFile, 'utf8');
        ok(!/SECRET/.test(log) && !log.includes('migration') && !log.includes('AIza'),
            '--log never writes keys, query strings or content');
        const lines = log.split('\n').filter((l) => / status=/.test(l));
        ok(lines.length >= 100 && lines.every((l) => /^terse proxy: [A-Z]+ \/\S* provider=\w+ model=\S+ status=\d+/.test(l)),
            `--log writes one line per request (${lines.length})`, lines.slice(0, 3).join('\n'));
    } finally {
        for (const p of procs) p.kill('SIGTERM');
        up.server.close();
        up.server.closeAllConnections();
    }
    const exits = await Promise.all(procs.map((p) => new Promise((r) => {
        if (p.exitCode !== null) r(p.exitCode); else p.on('exit', (code) => r(code));
    })));
    ok(exits.every((c) => c === 0), 'SIGTERM stops the proxy with status 0', JSON.stringify(exits));
    // under the sanitizers (build/asan, build/tsan): no report in any proxy's stderr
    const reports = fs.readdirSync(tmp).filter((f) => f.endsWith('.log')).map((f) => fs.readFileSync(path.join(tmp, f), 'utf8'))
        .filter((t) => /WARNING: ThreadSanitizer|ERROR: AddressSanitizer|runtime error:/.test(t));
    ok(reports.length === 0, 'no sanitizer report in the proxies\' stderr',
        reports.map((t) => t.split('\n').filter((l) => /Sanitizer|runtime error|#\d/.test(l)).slice(0, 12).join('\n')).join('\n'));
    console.log(`# ${passed} passed, ${failed} failed`);
    fs.rmSync(tmp, { recursive: true, force: true });
    process.exit(failed ? 1 : 0);
}

main().catch((e) => { console.log(`not ok - proxy tests crashed: ${e.stack}`); process.exit(1); });
