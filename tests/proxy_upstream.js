// proxy_upstream.js - a fake provider for the proxy's tests and load runs:
// it records every request it receives and answers as the request's
// x-fake-* headers say (the proxy forwards them like any other header).
//
//   x-fake-status: N        the status (default 200)
//   x-fake-delay-ms: N      wait before the status line
//   x-fake-sse: N           answer with N server-sent events, x-fake-gap-ms
//                           (default 300) apart, then "data: [DONE]"
//   x-fake-hang: 1          send nothing, ever (for timeouts)
//   x-fake-bytes: N         answer N bytes of bulk(N) as fast as the reader takes them
//   x-fake-id: ID           listed in stats.cut if the connection closes mid-answer
// Otherwise the body is a fixed JSON text of about 1 KB (unicode and escapes
// included), or, with x-fake-echo: 1, the request body itself.
//
// As a module: start(cb) gives {server, port, requests}. As a program
// (bench/proxy_load.sh): `node tests/proxy_upstream.js` prints its port.
'use strict';
const http = require('http');

const FIXED = JSON.stringify({
    id: 'chatcmpl-fake-1', object: 'chat.completion', created: 1733500000,
    model: 'gpt-4o-2024-08-06',
    choices: [{ index: 0, message: { role: 'assistant', content:
        'Réponse: \u00e9t\u00e9 \u2014 "quoted" \\ back\nslash; 1.50e+3 and -0. ' + 'x'.repeat(700) },
    finish_reason: 'stop' }],
    usage: { prompt_tokens: 1200, completion_tokens: 40, total_tokens: 1240 },
}) + '\n';

// N bytes of a fixed text: the body of an x-fake-bytes answer.
function bulk(n) {
    const line = Buffer.from('0123456789 abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ\n');
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i += line.length) line.copy(b, i, 0, Math.min(line.length, n - i));
    return b;
}

function start(cb) {
    const requests = [];
    // the x-fake-id of every response whose connection closed before it was complete
    const stats = { cut: [] };
    const server = http.createServer((req, res) => {
        const chunks = [];
        req.on('data', (c) => chunks.push(c));
        req.on('end', () => {
            const body = Buffer.concat(chunks);
            if (!process.env.FAKE_NO_RECORD)
                requests.push({ method: req.method, url: req.url, headers: req.headers, body });
            const h = req.headers;
            const status = parseInt(h['x-fake-status'] || '200', 10);
            const delay = parseInt(h['x-fake-delay-ms'] || '0', 10);
            if (h['x-fake-hang']) return; // never answers
            res.on('close', () => { if (!res.writableFinished) stats.cut.push(h['x-fake-id'] || ''); });
            if (h['x-fake-bytes']) {
                const all = bulk(parseInt(h['x-fake-bytes'], 10));
                res.writeHead(status, { 'content-type': 'application/octet-stream', 'content-length': all.length });
                let off = 0;
                const more = () => {
                    while (off < all.length) {
                        const piece = all.subarray(off, off + 65536);
                        off += piece.length;
                        if (!res.write(piece)) { res.once('drain', more); return; }
                    }
                    res.end();
                };
                more();
                return;
            }
            const answer = () => {
                if (h['x-fake-sse']) {
                    const n = parseInt(h['x-fake-sse'], 10);
                    const gap = parseInt(h['x-fake-gap-ms'] || '300', 10);
                    res.writeHead(status, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache',
                        'x-upstream': 'fake' });
                    let i = 0;
                    const tick = () => {
                        if (i < n) {
                            res.write(`event: delta\ndata: {"i":${i},"t":"chunk ${i} \u00e9"}\n\n`);
                            i++;
                            setTimeout(tick, gap);
                        } else {
                            res.end('data: [DONE]\n\n');
                        }
                    };
                    tick();
                    return;
                }
                const out = h['x-fake-echo'] ? body : Buffer.from(FIXED);
                res.writeHead(status, { 'content-type': 'application/json', 'x-upstream': 'fake',
                    'content-length': out.length });
                res.end(out);
            };
            if (delay) setTimeout(answer, delay); else answer();
        });
    });
    server.keepAliveTimeout = 60000;
    server.listen(0, '127.0.0.1', () => cb({ server, port: server.address().port, requests, stats }));
}

module.exports = { start, FIXED, bulk };

if (require.main === module) {
    process.env.FAKE_NO_RECORD = '1';
    start(({ port }) => process.stdout.write(`${port}\n`));
}
