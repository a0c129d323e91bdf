/**
 * Slow and stuck clients over a real socket (issue 6), with short configured timeouts: a
 * client sending its headers a byte at a time, or its body, or nothing at all, is cut off
 * (408) once AMS_HEADERS_TIMEOUT_MS / AMS_REQUEST_TIMEOUT_MS have passed; an idle kept-alive
 * connection is closed after AMS_KEEP_ALIVE_TIMEOUT_MS (plus the 1 s Node 20 adds, so that a
 * client never reuses a connection at the moment it closes); past AMS_MAX_CONNECTIONS new
 * connections are closed at once. Meanwhile normal requests are answered promptly.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { RESELLER_A_SECRET, listenTestApp, seededTemplate, startTestApp, type TestApp } from '../support/harness.js';
import { envelope, operationBody } from '../support/envelope.js';
import { waitFor } from '../support/wait-for.js';
import type { RunningServer } from '../../src/http/server.js';

const PATH = '/WebApi/AccountManagementService/AccountManagementService.asmx';
const HEADERS_MS = 600;
const REQUEST_MS = 2500;
const KEEP_ALIVE_MS = 300;
const MAX_CONNECTIONS = 30;
const NORMAL = envelope('1.1', operationBody('GetAccountInfo', { userName: 'alice' }, false), { user: 'reseller-a', password: RESELLER_A_SECRET });

interface Raw {
  readonly socket: net.Socket;
  /** When the server closed the connection (ms after connecting) and what it sent. */
  readonly closed: Promise<{ ms: number; data: string }>;
}

function connect(port: number): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket = net.connect(port, '127.0.0.1');
    let data = '';
    socket.on('data', (d: Buffer) => (data += d.toString('latin1')));
    socket.on('error', () => undefined); // a reset is one way of being cut off
    const closed = new Promise<{ ms: number; data: string }>((done) => socket.once('close', () => done({ ms: performance.now() - started, data })));
    socket.once('connect', () => resolve({ socket, closed }));
    socket.once('error', reject);
  });
}

/**
 * Writes `text` a byte at a time every `everyMs` until the socket closes; the pace is the slow
 * client under test. Answers how many bytes were written so far.
 */
function dribble(socket: net.Socket, text: string, everyMs: number): () => number {
  let i = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || i >= text.length) return clearInterval(timer);
    socket.write(text[i++] as string);
  }, everyMs);
  socket.once('close', () => clearInterval(timer));
  return () => i;
}

async function normalRequest(port: number): Promise<{ status: number; ms: number; body: string }> {
  const started = performance.now();
  const r = await fetch(`http://127.0.0.1:${port}${PATH}`, {
    method: 'POST',
    headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: '"sosonlinebackup.com/GetAccountInfo"', Connection: 'close' },
    body: NORMAL,
    signal: AbortSignal.timeout(5000),
  });
  return { status: r.status, body: await r.text(), ms: performance.now() - started };
}

describe('slow and stuck clients', () => {
  let t: TestApp;
  let server: RunningServer;
  before(async () => {
    t = await startTestApp({
      template: await seededTemplate(),
      env: {
        AMS_HEADERS_TIMEOUT_MS: String(HEADERS_MS),
        AMS_REQUEST_TIMEOUT_MS: String(REQUEST_MS),
        AMS_KEEP_ALIVE_TIMEOUT_MS: String(KEEP_ALIVE_MS),
        AMS_MAX_CONNECTIONS: String(MAX_CONNECTIONS),
      },
    });
    server = await listenTestApp(t);
    await normalRequest(server.port); // the partner credential is remembered from here on
  });
  after(async () => {
    await server.close(1000);
    await t.close();
  });

  it('cuts off slow-loris clients sending headers a byte at a time, while others are served', async () => {
    const lorises = await Promise.all(Array.from({ length: 10 }, () => connect(server.port)));
    for (const l of lorises) dribble(l.socket, `POST ${PATH} HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\n${'X-Slow: a\r\n'.repeat(1000)}`, 50);
    const during = [];
    for (let i = 0; i < 5; i++) {
      during.push(await normalRequest(server.port));
      // Spread over the attack (the behaviour under test): the five land across the lorises' 600 ms.
      await new Promise((r) => setTimeout(r, 60));
    }
    for (const r of during) {
      assert.equal(r.status, 200);
      assert.match(r.body, /<Code>Success<\/Code>/);
      assert.ok(r.ms < 500, `a normal request answered in ${r.ms.toFixed(0)} ms during the attack`);
    }
    const closed = await Promise.all(lorises.map((l) => l.closed));
    for (const c of closed) {
      assert.ok(c.ms >= HEADERS_MS - 50 && c.ms < HEADERS_MS + 1000, `cut after ${c.ms.toFixed(0)} ms`);
      assert.match(c.data, /^HTTP\/1\.1 408 /);
    }
  });

  it('cuts off a client that connects and says nothing', async () => {
    const idle = await connect(server.port);
    const { ms } = await idle.closed;
    assert.ok(ms >= HEADERS_MS - 50 && ms < HEADERS_MS + 1000, `cut after ${ms.toFixed(0)} ms`);
  });

  it('cuts off a client sending its body slowly once the request timeout has passed', async () => {
    const slow = await connect(server.port);
    const body = Buffer.from(NORMAL);
    slow.socket.write(`POST ${PATH} HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml; charset=utf-8\r\nSOAPAction: "sosonlinebackup.com/GetAccountInfo"\r\nContent-Length: ${body.length}\r\n\r\n`);
    const written = dribble(slow.socket, NORMAL, 20);
    // A normal request while the server is part-way through the slow body.
    await waitFor(() => written() >= 10, 5_000, 'the slow body started');
    const normal = await normalRequest(server.port);
    assert.equal(normal.status, 200);
    assert.ok(normal.ms < 500);
    const { ms, data } = await slow.closed;
    assert.ok(ms >= REQUEST_MS - 50 && ms < REQUEST_MS + 1500, `cut after ${ms.toFixed(0)} ms`);
    assert.match(data, /^HTTP\/1\.1 408 /);
  });

  it('closes an idle kept-alive connection after the keep-alive timeout', async () => {
    const client = await connect(server.port);
    const body = Buffer.from(NORMAL);
    client.socket.write(
      `POST ${PATH} HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml; charset=utf-8\r\nSOAPAction: "sosonlinebackup.com/GetAccountInfo"\r\nContent-Length: ${body.length}\r\nConnection: keep-alive\r\n\r\n`,
    );
    client.socket.write(body);
    const answeredAt = await new Promise<number>((resolve) => {
      const started = performance.now();
      const onData = (d: Buffer) => {
        if (d.toString('latin1').includes('</soap:Envelope>')) {
          client.socket.off('data', onData);
          resolve(performance.now() - started);
        }
      };
      client.socket.on('data', onData);
    });
    const { ms, data } = await client.closed;
    assert.match(data, /^HTTP\/1\.1 200 /);
    assert.match(data, /Keep-Alive: timeout=/i);
    const idleMs = ms - answeredAt;
    assert.ok(idleMs >= KEEP_ALIVE_MS - 100 && idleMs < KEEP_ALIVE_MS + 1000 + 500, `closed ${idleMs.toFixed(0)} ms after the answer`);
    assert.ok(idleMs < REQUEST_MS, 'by the keep-alive timeout, not a longer one');
  });

  it(`closes connections past ${MAX_CONNECTIONS} at once, and accepts again when some end`, async () => {
    const held = await Promise.all(Array.from({ length: MAX_CONNECTIONS }, () => connect(server.port)));
    // Keep them busy (a header line now and then) so they count as open, not as cut-off.
    for (const h of held) h.socket.write(`POST ${PATH} HTTP/1.1\r\n`);
    const connections = () => new Promise<number>((resolve) => server.server.getConnections((_, n) => resolve(n)));
    await waitFor(async () => (await connections()) >= MAX_CONNECTIONS, 5_000, `${MAX_CONNECTIONS} connections accepted`);
    assert.equal(await connections(), MAX_CONNECTIONS);
    const extra = await connect(server.port);
    // "At once" is the behaviour under test: closed well before the headers timeout would cut it.
    const refused = await Promise.race([extra.closed, new Promise<null>((r) => setTimeout(() => r(null), HEADERS_MS / 2))]);
    assert.ok(refused, 'the connection over the cap was closed at once');
    assert.equal(refused.data, '', 'without an answer');
    for (const h of held) h.socket.destroy();
    await waitFor(async () => (await connections()) < MAX_CONNECTIONS, 5_000, 'the server saw the held connections end');
    const again = await normalRequest(server.port);
    assert.equal(again.status, 200);
  });
});
